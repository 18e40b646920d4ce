"""End to end: ``/members find`` on instances of hundreds of orgs (ARCHITECTURE.md §8).

The simulator here is seeded with generated orgs besides the demo ones (``bo@acme.io``
belongs to seven of them; ``gone@acme.io`` to none), and what the simulator received is
the evidence for the cost: an email is turned into a user ID by member lists filtered on
it, stopping once one answers, then one org list by ``memberId`` and one read a
membership. Every reply is also held to Slack's limits.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import pytest

from bot.sandbox.simulator import RecordedRequest, Simulator
from bot.sandbox.simulator.scale import BO, NOBODYS
from tests.harness import READER, Harness, limit_problems, running_bot, text_of

GENERATED = 300
PAL = "UPAL00001"


def roles_of(sim: Simulator, email: str) -> dict[str, str]:
    """The truth: org name -> role, for every org ``email`` belongs to."""
    user = sim.state.user_by_email(email)
    assert user is not None, email
    return {o.name: o.roles[user.id] for o in sim.state.orgs.values() if user.id in o.roles}


def email_scans(sim: Simulator, email: str) -> list[RecordedRequest]:
    """The member lists filtered on ``email``: the calls that look for the person."""
    return [
        r
        for r in sim.requests
        if r.path.endswith("/members")
        and r.query.get("filterField") == "email"
        and r.query.get("filter") == email
    ]


def org_lists_by_member(sim: Simulator) -> list[dict[str, Any]]:
    """The ``query`` of every org-list call that asked for a member's orgs."""
    queries = [json.loads(r.query["query"]) for r in sim.requests if "query" in r.query]
    return [q for q in queries if "memberId" in q]


async def answer(bot: Harness, text: str, **kwargs: Any) -> dict[str, Any]:
    reply = await bot.answer(await bot.command(text, **kwargs), wait_s=60)
    assert [] == limit_problems(reply)
    return reply


def listed(reply: dict[str, Any]) -> dict[str, str]:
    """The reply's "• Org — `role`" lines, as org name -> role."""
    lines = [line for line in text_of(reply).splitlines() if line.startswith("• ")]
    pairs = (line[2:].rsplit(" — ", 1) for line in lines)
    return {name: role.strip("`") for name, role in pairs}


async def test_find_by_email_lists_every_org_and_role_and_stops_scanning_at_the_first_hit() -> None:
    """Every org bo is in, with the role there and the count; the scan for bo's user ID
    stops early (bo is in Acme, the first org by name), then one org list by memberId."""
    async with running_bot(time.time, Simulator(orgs=GENERATED), MEMBERS_FANOUT="4") as bot:
        truth = roles_of(bot.sim, BO)
        reply = await answer(bot, f"find user={BO}", user=READER)
        assert truth == listed(reply)
        assert f"{BO} is a member of {len(truth)} orgs." == reply["text"]
        scans = email_scans(bot.sim, BO)
        assert 1 <= len(scans) <= 2 * 4 < len(bot.sim.state.orgs)
        bo = bot.sim.state.user_by_email(BO)
        assert bo is not None
        assert [{"memberId": bo.id}] == org_lists_by_member(bot.sim)
        # One read per org for the role, except the org the scan already found them in.
        reads = [r for r in bot.sim.requests if r.path.endswith(f"/members/{bo.id}")]
        assert len(truth) - 1 == len(reads)
        assert [] == bot.sim.writes()


@pytest.mark.parametrize("how", ["user-id", "mention", "bare-mention"])
async def test_find_by_user_id_or_mention(how: str) -> None:
    """A Losant user ID needs no scan at all; a mention is the Slack profile's email."""
    async with running_bot(time.time, Simulator(orgs=GENERATED)) as bot:
        bo = bot.sim.state.user_by_email(BO)
        assert bo is not None
        bot.slack.add_user(PAL, email=BO, name="bo")
        named = {
            "user-id": f"user={bo.id}",
            "mention": f"user=<@{PAL}|bo>",
            "bare-mention": f"<@{PAL}|bo>",
        }[how]
        reply = await answer(bot, f"find {named}")
        assert roles_of(bot.sim, BO) == listed(reply)
        scans = email_scans(bot.sim, BO)
        assert (0 if how == "user-id" else 1) <= len(scans) <= (0 if how == "user-id" else 16)


async def test_someone_in_no_org_is_told_so_after_a_full_scan() -> None:
    """gone@acme.io is a Losant user in no org: every org is asked exactly once, then the
    reply says so, with how many orgs were searched."""
    async with running_bot(time.time, Simulator(orgs=GENERATED)) as bot:
        reply = await answer(bot, f"find user={NOBODYS}")
        orgs = bot.sim.state.orgs
        assert (
            f"{NOBODYS} is not a member of any org (searched all {len(orgs)} orgs)."
            == (reply["text"])
        )
        scanned = Counter(r.path.split("/")[4] for r in email_scans(bot.sim, NOBODYS))
        assert (set(orgs), {1}) == (set(scanned), set(scanned.values()))
        assert [] == org_lists_by_member(bot.sim)


async def test_find_keeps_at_most_members_fanout_calls_in_flight() -> None:
    """With MEMBERS_FANOUT=2 Losant never sees more than two calls of the command at once,
    the pages of the org list included, yet it does see two: the fan-out is used."""
    sim = Simulator(orgs=500, latency_s=0.005)
    async with running_bot(time.time, sim, MEMBERS_FANOUT="2") as bot:
        await answer(bot, f"find user={NOBODYS}")
        assert 2 == bot.sim.peak_in_flight
        bot.sim.reset()
        await answer(bot, "find user=auditor@example.org")  # in 100 orgs: 100 role reads
        assert 2 == bot.sim.peak_in_flight


async def test_a_hit_mid_scan_leaves_no_call_behind() -> None:
    """Found half-way through the orgs: the calls still in flight at the hit are let
    finish, so Losant never serves more than MEMBERS_FANOUT of them beside the next
    step, and no connection is lost to a cancelled call."""
    sim = Simulator(orgs=200, latency_s=0.05)
    async with running_bot(time.time, sim, MEMBERS_FANOUT="3") as bot:
        late = bot.sim.state.add_user("late@acme.io")
        orgs = sorted(bot.sim.state.orgs.values(), key=lambda o: o.name.casefold())
        for org in orgs[100:103]:
            org.roles[late.id] = "view"
        reply = await answer(bot, "find user=late@acme.io")
        assert "late@acme.io is a member of 3 orgs." == reply["text"]
        assert 100 <= len(email_scans(bot.sim, "late@acme.io")) < 110
        assert (3, 3) == (bot.sim.peak_in_flight, bot.sim.connections_opened)


async def test_find_honours_losants_429_and_retry_after() -> None:
    """Under a rate limit the scan meets 429s; each refused call is sent again only after
    the Retry-After Losant named, and the answer is still complete."""
    sim = Simulator(orgs=100, rate=40)
    async with running_bot(time.time, sim, LOSANT_RETRY_BUDGET_S="20") as bot:
        reply = await answer(bot, f"find user={NOBODYS}")
        assert "not a member of any org (searched all 108 orgs)" in reply["text"]
        refused = [r for r in bot.sim.requests if r.status == 429]
        assert refused, "the rate limit was never reached: the test shows nothing"
        for no in refused:
            again = [
                r
                for r in bot.sim.requests
                if (r.path, r.query) == (no.path, no.query) and r.arrived > no.arrived
            ]
            assert again, f"{no.path} was never asked again after its 429"
            assert again[0].arrived - no.arrived >= 0.95  # Retry-After: 1 (whole seconds)


async def test_a_long_scan_says_how_far_it_has_got() -> None:
    """On a slow instance the person first sees how many orgs were searched, then the
    answer: one note, since a command's note cannot be replaced."""
    sim = Simulator(orgs=GENERATED, latency_s=0.1)
    async with running_bot(time.time, sim, MEMBERS_FANOUT="8") as bot:
        sent = await bot.command(f"find user={NOBODYS}")
        await bot.settle(60)
        posts = [p.payload for p in bot.slack.responses if p.url == sent.response_url]
        assert 2 == len(posts)
        note, final = posts
        total = len(bot.sim.state.orgs)
        assert note["text"].startswith("Working on it… ")
        assert note["text"].endswith(f" of {total} orgs searched.")
        assert "is not a member of any org" in final["text"]
        assert [] == limit_problems(note)


async def test_someone_in_300_orgs_is_listed_within_slacks_limits() -> None:
    """A person in 300 orgs: the count is exact, the list is cut to what Slack can show,
    and the reply stays inside every limit."""
    async with running_bot(time.time, Simulator(orgs=400)) as bot:
        everywhere = bot.sim.state.add_user("everywhere@acme.io")
        for org in list(bot.sim.state.orgs.values())[:300]:
            org.roles[everywhere.id] = "view"
        reply = await answer(bot, "find user=everywhere@acme.io")
        assert "everywhere@acme.io is a member of 300 orgs." == reply["text"]
        assert "…and 150 more." in text_of(reply)


async def test_find_of_an_unknown_slack_user_says_how_to_name_them() -> None:
    """A mention of someone Slack does not know ends with what to do instead, and no
    Losant call."""
    async with running_bot() as bot:
        reply = await answer(bot, "find user=<@U0NOBODY1|ghost>")
        said = text_of(reply)
        assert "Slack knows no user U0NOBODY1 in this workspace." == reply["text"]
        assert "Pick the person from Slack's @ list, or name them by email" in said
        assert "Try again" not in said
        assert [] == bot.sim.requests


async def test_a_read_that_keeps_failing_ends_in_losants_error_not_silence() -> None:
    """One org's role read answers 503 until the retry budget is spent: the person is told
    Losant is unavailable and to try again (not left without an answer)."""
    async with running_bot(time.time, Simulator(orgs=20), LOSANT_RETRY_BUDGET_S="0.5") as bot:
        staging = bot.sim.state.find_org_by_name("Acme Staging")
        assert staging is not None
        path = f"/orgs/{staging.id}/members/"
        bot.sim.faults.add(method="GET", path=path, status=503, times=None)
        reply = await answer(bot, f"find user={BO}")
        assert "Losant is unavailable" in text_of(reply)
        assert "try again" in text_of(reply).lower()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("find", "Say who to find: `user=&lt;…&gt;`", id="nobody"),
        pytest.param(
            "find user=@ghost", "type `@` and pick them from Slack's list", id="typed-at-name"
        ),
        pytest.param("find bo@acme.io ada@acme.io", "Name one member, not several", id="two"),
        pytest.param(
            "offboard org=Acme user=bo@acme.io",
            "`offboard` removes the person from every org, so it takes no `org=`",
            id="offboard-with-org",
        ),
    ],
)
async def test_a_find_or_offboard_that_names_nobody_clearly_is_a_usage_error(
    text: str, said: str
) -> None:
    """Answered in the ack with the fix, and Losant is never asked."""
    async with running_bot() as bot:
        sent = await bot.command(text)
        assert said in text_of(sent.ack)
        assert [] == limit_problems(sent.ack)
        assert [] == bot.sim.requests
