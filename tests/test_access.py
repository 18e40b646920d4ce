"""The access policy: who may run what, where, and what it costs to find out."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

import pytest

from bot.usecases.access import (
    AccessPolicy,
    GroupDirectory,
    GroupLookupError,
    Level,
    Verdict,
    need_for,
)
from bot.usecases.commands import SUBCOMMANDS, Subcommand

WRITER, READER = "UWRITER", "UREADER"
GROUP_WRITER, GROUP_READER, STRANGER = "UGWRITER", "UGREADER", "USTRANGER"
WRITERS = (WRITER, "SWRITE")
READERS = (READER, "SREAD")
GROUPS = {"SWRITE": {GROUP_WRITER}, "SREAD": {GROUP_READER}, "SBOTH": {GROUP_READER}}

READ_ONLY: frozenset[Subcommand] = frozenset(
    {"help", "list", "show", "orgs", "find", "grants", "request", "requests"}
)
EVERYTHING: frozenset[Subcommand] = frozenset(SUBCOMMANDS)

NOT_LISTED = "not in MEMBERS_WRITERS or MEMBERS_READERS"
NOT_WRITER = "not in MEMBERS_WRITERS"
ONLY_READS = "not in MEMBERS_WRITERS (you may only read)"
SLACK_FAILED = "could not check your user groups with Slack: user group SWRITE: ratelimited"


class FakeGroups:
    """Slack's ``usergroups.users.list`` from a dict: records calls, can fail, can be held."""

    def __init__(self, failing: Collection[str] = ()) -> None:
        self.members = {group: set(users) for group, users in GROUPS.items()}
        self.failing = set(failing)
        self.calls: list[str] = []
        self.entered = asyncio.Event()
        self.gate: asyncio.Event | None = None

    async def __call__(self, group_id: str) -> list[str]:
        self.calls.append(group_id)
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if group_id in self.failing:
            raise RuntimeError("ratelimited")
        return sorted(self.members.get(group_id, ()))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_policy(
    fake: FakeGroups,
    *,
    writers: Collection[str] = WRITERS,
    readers: Collection[str] = READERS,
    channels: Collection[str] = (),
) -> AccessPolicy:
    # ttl 0, so every group lookup the policy makes shows up in fake.calls.
    groups = GroupDirectory(fake, ttl_s=0)
    return AccessPolicy(writers=writers, readers=readers, channels=channels, groups=groups)


@pytest.mark.parametrize(
    ("subcommand", "expected"),
    [
        pytest.param("help", None, id="help"),
        pytest.param("list", "read", id="list"),
        pytest.param("show", "read", id="show"),
        pytest.param("orgs", "read", id="orgs"),
        pytest.param("add", "write", id="add"),
        pytest.param("role", "write", id="role"),
        pytest.param("remove", "write", id="remove"),
        pytest.param("find", "read", id="find"),
        pytest.param("grants", "read", id="grants"),
        pytest.param("requests", "read", id="requests"),
        pytest.param("request", "read", id="request-counts-as-read"),
        pytest.param("offboard", "write", id="offboard"),
        pytest.param("extend", "write", id="extend"),
        pytest.param("revoke", "write", id="revoke"),
    ],
)
def test_need_for(subcommand: Subcommand, expected: Level | None) -> None:
    """Help needs nothing, reads and requests need read, every change needs write."""
    assert expected == need_for(subcommand)


@pytest.mark.parametrize(
    ("user", "subcommand", "expected", "lookups"),
    [
        pytest.param(WRITER, "remove", Verdict(True, "write"), [], id="writer-writes"),
        pytest.param(WRITER, "list", Verdict(True, "write"), [], id="writer-reads"),
        pytest.param(READER, "show", Verdict(True, "read"), [], id="reader-reads"),
        pytest.param(
            READER, "add", Verdict(False, "read", ONLY_READS), ["SWRITE"], id="reader-writes"
        ),
        pytest.param(
            GROUP_WRITER, "role", Verdict(True, "write"), ["SWRITE"], id="group-writer-writes"
        ),
        pytest.param(
            GROUP_WRITER, "orgs", Verdict(True, "write"), ["SWRITE"], id="group-writer-reads"
        ),
        pytest.param(
            GROUP_READER,
            "list",
            Verdict(True, "read"),
            ["SWRITE", "SREAD"],
            id="group-reader-reads",
        ),
        pytest.param(
            GROUP_READER,
            "remove",
            Verdict(False, "read", ONLY_READS),
            ["SWRITE", "SREAD"],
            id="group-reader-writes",
        ),
        pytest.param(
            STRANGER,
            "list",
            Verdict(False, None, NOT_LISTED),
            ["SWRITE", "SREAD"],
            id="stranger-reads",
        ),
        pytest.param(
            STRANGER,
            "add",
            Verdict(False, None, NOT_WRITER),
            ["SWRITE", "SREAD"],
            id="stranger-writes",
        ),
        pytest.param(WRITER, "help", Verdict(True, "write"), [], id="writer-help"),
        pytest.param(READER, "help", Verdict(True, "read"), ["SWRITE"], id="reader-help"),
        pytest.param(GROUP_WRITER, "help", Verdict(True, "write"), ["SWRITE"], id="group-help"),
        pytest.param(
            STRANGER, "help", Verdict(True, None), ["SWRITE", "SREAD"], id="stranger-help"
        ),
    ],
)
async def test_check(
    user: str, subcommand: Subcommand, expected: Verdict, lookups: list[str]
) -> None:
    """Deny by default, writers may read, groups are asked only as far as needed; help may
    run for anyone and reports the caller's full level."""
    fake = FakeGroups()

    decision = await make_policy(fake).check(user_id=user, channel_id="C1", subcommand=subcommand)

    assert (expected, lookups) == (decision, fake.calls)


@pytest.mark.parametrize(
    ("channel", "subcommand", "expected"),
    [
        pytest.param("C1", "remove", Verdict(True, "write"), id="listed-channel"),
        pytest.param("D1", "list", Verdict(True, "write"), id="listed-dm"),
        pytest.param(
            "C2",
            "list",
            Verdict(False, None, "only works in: C1, D1", ("C1", "D1")),
            id="other-channel",
        ),
        pytest.param(
            "D2",
            "help",
            Verdict(False, None, "only works in: C1, D1", ("C1", "D1")),
            id="help-too",
        ),
    ],
)
async def test_channel_rule(channel: str, subcommand: Subcommand, expected: Verdict) -> None:
    """MEMBERS_CHANNELS holds for every subcommand, help included; a DM is its D… channel."""
    policy = make_policy(FakeGroups(), channels=("C1", "D1"))

    assert expected == await policy.check(user_id=WRITER, channel_id=channel, subcommand=subcommand)


@pytest.mark.parametrize(
    ("failing", "user", "subcommand", "expected"),
    [
        pytest.param(
            {"SWRITE"}, WRITER, "remove", Verdict(True, "write"), id="direct-writer-unaffected"
        ),
        pytest.param(
            {"SWRITE"}, READER, "list", Verdict(True, "read"), id="direct-reader-unaffected"
        ),
        pytest.param(
            {"SWRITE"},
            READER,
            "add",
            Verdict(False, None, SLACK_FAILED, transient=True),
            id="reader-writes",
        ),
        pytest.param(
            {"SWRITE"},
            STRANGER,
            "list",
            Verdict(False, None, SLACK_FAILED, transient=True),
            id="stranger-reads",
        ),
        pytest.param(
            {"SWRITE"}, GROUP_READER, "list", Verdict(True, "read"), id="other-group-decides"
        ),
        pytest.param(
            {"SREAD"}, GROUP_WRITER, "list", Verdict(True, "write"), id="failure-not-needed"
        ),
        pytest.param(
            {"SREAD"}, STRANGER, "add", Verdict(False, None, NOT_WRITER), id="refused-anyway"
        ),
    ],
)
async def test_failed_lookups_fail_closed(
    failing: set[str], user: str, subcommand: Subcommand, expected: Verdict
) -> None:
    """A group Slack can't list refuses only when it was needed to decide, and says why."""
    policy = make_policy(FakeGroups(failing))

    assert expected == await policy.check(user_id=user, channel_id="C1", subcommand=subcommand)


async def test_group_in_both_lists_is_asked_once() -> None:
    """A group named as writers and as readers costs one lookup, and grants write."""
    fake = FakeGroups()
    policy = make_policy(fake, writers=("SBOTH",), readers=("SBOTH",))
    expected = ("write", ["SBOTH"])

    assert expected == (await policy.level(GROUP_READER), fake.calls)


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        pytest.param(WRITER, "write", id="writer"),
        pytest.param(GROUP_WRITER, "write", id="group-writer"),
        pytest.param(READER, "read", id="reader"),
        pytest.param(GROUP_READER, "read", id="group-reader"),
        pytest.param(STRANGER, None, id="stranger"),
    ],
)
async def test_level(user: str, expected: Level | None) -> None:
    """A user's level is the highest any list grants, directly or through a group."""
    assert expected == await make_policy(FakeGroups()).level(user)


async def test_level_in_a_writers_group_beats_a_direct_read() -> None:
    """A direct reader who is also in a writers' group may write."""
    fake = FakeGroups()
    fake.members["SWRITE"].add(READER)
    expected = "write"

    assert expected == await make_policy(fake).level(READER)


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        pytest.param(READER, "read", id="direct-reader"),
        pytest.param(GROUP_WRITER, None, id="group-writer"),
        pytest.param(GROUP_READER, "read", id="group-reader-in-another-group"),
    ],
)
async def test_level_counts_an_unlistable_group_as_not_a_member(
    user: str, expected: Level | None
) -> None:
    """level() fails closed: a group Slack can't list grants nothing, other lists still count."""
    assert expected == await make_policy(FakeGroups({"SWRITE"})).level(user)


@pytest.mark.parametrize(
    ("user", "failing", "expected"),
    [
        pytest.param(WRITER, (), EVERYTHING, id="writer"),
        pytest.param(GROUP_WRITER, (), EVERYTHING, id="group-writer"),
        pytest.param(READER, (), READ_ONLY, id="reader"),
        pytest.param(GROUP_READER, (), READ_ONLY, id="group-reader"),
        pytest.param(STRANGER, (), frozenset({"help"}), id="stranger"),
        pytest.param(READER, ("SWRITE",), READ_ONLY, id="slack-down-direct-reader"),
        pytest.param(GROUP_WRITER, ("SWRITE",), frozenset({"help"}), id="slack-down-group-writer"),
    ],
)
async def test_allowed_subcommands(
    user: str, failing: tuple[str, ...], expected: frozenset[Subcommand]
) -> None:
    """Help offers only what the caller may run, and less rather than more when Slack fails."""
    assert expected == await make_policy(FakeGroups(failing)).allowed_subcommands(user)


async def test_directory_caches_for_ttl() -> None:
    """Within the TTL a group is fetched once; at the TTL it is fetched again."""
    fake, clock = FakeGroups(), FakeClock()
    directory = GroupDirectory(fake, ttl_s=60, clock=clock)
    answers = [await directory.members("SWRITE")]
    clock.now += 59.9
    answers.append(await directory.members("SWRITE"))
    clock.now += 0.1
    answers.append(await directory.members("SWRITE"))
    expected = ([frozenset({GROUP_WRITER})] * 3, ["SWRITE", "SWRITE"])

    assert expected == (answers, fake.calls)


async def test_directory_ttl_zero_asks_every_time() -> None:
    """With MEMBERS_GROUP_CACHE_S=0 every lookup asks Slack."""
    fake = FakeGroups()
    directory = GroupDirectory(fake, ttl_s=0, clock=FakeClock())
    fake.members["SWRITE"] = {"UNEW"}
    first = await directory.members("SWRITE")
    fake.members["SWRITE"] = {"UNEWER"}
    expected = (frozenset({"UNEW"}), frozenset({"UNEWER"}), 2)

    assert expected == (first, await directory.members("SWRITE"), len(fake.calls))


async def test_directory_does_not_cache_failures() -> None:
    """A failed lookup raises GroupLookupError, and the next lookup asks Slack again."""
    fake = FakeGroups({"SWRITE"})
    directory = GroupDirectory(fake, ttl_s=60, clock=FakeClock())
    with pytest.raises(GroupLookupError) as caught:
        await directory.members("SWRITE")
    fake.failing.clear()
    expected = ("SWRITE", frozenset({GROUP_WRITER}), ["SWRITE", "SWRITE"])

    assert expected == (caught.value.group_id, await directory.members("SWRITE"), fake.calls)


async def test_directory_shares_one_fetch_between_concurrent_lookups() -> None:
    """Concurrent lookups of one group wait on a single Slack call, even with caching off."""
    fake = FakeGroups()
    fake.gate = asyncio.Event()
    directory = GroupDirectory(fake, ttl_s=0)
    lookups = [asyncio.create_task(directory.members("SWRITE")) for _ in range(3)]
    await asyncio.wait_for(fake.entered.wait(), timeout=5)
    fake.gate.set()
    expected = ([frozenset({GROUP_WRITER})] * 3, ["SWRITE"])

    assert expected == (await asyncio.wait_for(asyncio.gather(*lookups), timeout=5), fake.calls)


async def test_directory_shared_failure_reaches_every_waiter() -> None:
    """When the shared fetch fails, every waiter gets GroupLookupError."""
    fake = FakeGroups({"SWRITE"})
    fake.gate = asyncio.Event()
    directory = GroupDirectory(fake, ttl_s=60)
    lookups = [asyncio.create_task(directory.members("SWRITE")) for _ in range(2)]
    await asyncio.wait_for(fake.entered.wait(), timeout=5)
    fake.gate.set()
    results = await asyncio.wait_for(asyncio.gather(*lookups, return_exceptions=True), timeout=5)

    assert [GroupLookupError, GroupLookupError] == [type(r) for r in results]


async def test_directory_one_cancelled_waiter_does_not_cancel_the_fetch() -> None:
    """A request that gives up does not take the shared fetch down with it."""
    fake = FakeGroups()
    fake.gate = asyncio.Event()
    directory = GroupDirectory(fake, ttl_s=60)
    quitter = asyncio.create_task(directory.members("SWRITE"))
    stayer = asyncio.create_task(directory.members("SWRITE"))
    await asyncio.wait_for(fake.entered.wait(), timeout=5)
    quitter.cancel()
    fake.gate.set()
    expected = (frozenset({GROUP_WRITER}), ["SWRITE"])

    assert expected == (await asyncio.wait_for(stayer, timeout=5), fake.calls)
    assert quitter.cancelled()


@pytest.mark.parametrize(
    ("user", "channel", "subcommand", "expected"),
    [
        pytest.param(WRITER, "C1", "remove", Verdict(True, "write"), id="direct-writer"),
        pytest.param(READER, "C1", "list", Verdict(True, "read"), id="direct-reader"),
        pytest.param(
            WRITER, "C9", "help", Verdict(False, None, "only works in: C1", ("C1",)), id="channel"
        ),
        pytest.param(READER, "C1", "add", None, id="reader-writes-needs-groups"),
        pytest.param(STRANGER, "C1", "help", None, id="help-needs-groups"),
        pytest.param(GROUP_WRITER, "C1", "list", None, id="group-member"),
    ],
)
async def test_check_now_without_cache(
    user: str, channel: str, subcommand: Subcommand, expected: Verdict | None
) -> None:
    """check_now answers from the lists alone, and says None when a group must be asked."""
    fake = FakeGroups()
    policy = make_policy(fake, channels=("C1",))
    outcome = policy.check_now(user_id=user, channel_id=channel, subcommand=subcommand)

    assert (expected, []) == (outcome, fake.calls)


@pytest.mark.parametrize(
    ("user", "subcommand"),
    [
        pytest.param(READER, "add", id="reader-writes"),
        pytest.param(STRANGER, "help", id="stranger-help"),
        pytest.param(GROUP_READER, "list", id="group-reader"),
        pytest.param(GROUP_WRITER, "remove", id="group-writer"),
    ],
)
async def test_check_now_uses_fresh_cached_groups(user: str, subcommand: Subcommand) -> None:
    """Once the groups are cached, check_now gives check's answer without asking Slack."""
    fake = FakeGroups()
    groups = GroupDirectory(fake, ttl_s=60, clock=FakeClock())
    policy = AccessPolicy(writers=WRITERS, readers=READERS, channels=(), groups=groups)
    for group_id in ("SWRITE", "SREAD"):
        await groups.members(group_id)
    expected = await policy.check(user_id=user, channel_id="C1", subcommand=subcommand)

    outcome = policy.check_now(user_id=user, channel_id="C1", subcommand=subcommand)

    assert (expected, ["SWRITE", "SREAD"]) == (outcome, fake.calls)


async def test_check_now_refuses_a_stranger_when_no_groups_are_configured() -> None:
    """Without user groups, deciding never needs Slack, so a stranger is refused at once."""
    policy = make_policy(FakeGroups(), writers=(WRITER,), readers=(READER,))
    expected = Verdict(False, None, NOT_LISTED)

    assert expected == policy.check_now(user_id=STRANGER, channel_id="C1", subcommand="list")
