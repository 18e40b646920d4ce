"""Who may do what: the one place that says yes or no to a person in a channel.

The bot changes who can reach a platform, so the policy denies by default and fails
closed: a person in neither list is refused, and when Slack cannot say who is in a
user group that matters, the answer is a refusal that says so, never a guess and
never a crash. Group lookups cost a Slack call each, so they are cached for
``MEMBERS_GROUP_CACHE_S``, shared between concurrent requests, and made only when
the lists given directly cannot decide.

One decision function says what is known to be enough, or which group to ask next;
``check`` asks Slack for it, ``check_now`` only looks in the cache, so a handler can
answer inside Slack's 3-second ack whenever that is enough.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.usecases.commands import (
    REQUEST_SUBCOMMANDS,
    SUBCOMMANDS,
    WRITE_SUBCOMMANDS,
    Subcommand,
)

Level = Literal["read", "write"]

NOT_LISTED = "not in MEMBERS_WRITERS or MEMBERS_READERS"
NOT_A_WRITER = "not in MEMBERS_WRITERS"
ONLY_READS = "not in MEMBERS_WRITERS (you may only read)"


def need_for(subcommand: Subcommand) -> Level | None:
    """The access a subcommand needs: help needs none beyond the channel rule."""
    if subcommand in WRITE_SUBCOMMANDS:
        return "write"
    if subcommand in REQUEST_SUBCOMMANDS:
        # Requesters (MEMBERS_REQUESTERS) need be neither readers nor writers: who may
        # request, and who may approve, is the request use case's decision against those
        # settings. This policy knows only readers and writers, so for it (and for the
        # list help shows) asking counts as reading.
        return "read"
    return None if subcommand == "help" else "read"


def _grants(level: Level | None, need: Level | None) -> bool:
    return need is None or level == "write" or level == need


def subcommands_for(level: Level | None) -> tuple[Subcommand, ...]:
    """What someone with ``level`` may run, in the grammar's order: what help offers."""
    return tuple(s for s in SUBCOMMANDS if _grants(level, need_for(s)))


@dataclass(frozen=True)
class Verdict:
    """Whether to go ahead; ``reason`` says why not, for the reply and the audit log.

    ``level`` is what deciding established about the caller. For help it is their
    full access (help lists what they may run); otherwise it is enough for the
    subcommand, not necessarily all they have: a reader named directly who asks to
    list is not looked for in the writers' groups.
    """

    allowed: bool
    level: Level | None
    reason: str = ""
    # Set when refused for the channel alone: where the command does work.
    channels: tuple[str, ...] = ()
    # Set when Slack could not say whether the caller is in a user group: asking
    # again later may well succeed, and asking for access would be the wrong advice.
    transient: bool = False


class GroupLookupError(Exception):
    """Slack could not say who is in a user group."""

    def __init__(self, group_id: str, cause: BaseException) -> None:
        super().__init__(f"user group {group_id}: {str(cause) or type(cause).__name__}")
        self.group_id = group_id


class GroupDirectory:
    """The members of Slack user groups, cached for ``ttl_s`` seconds (0: ask every time).

    Concurrent lookups of one group share a single fetch; a failed fetch is not
    cached, so the next lookup asks again.
    """

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[Collection[str]]],
        *,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._in_flight: dict[str, asyncio.Task[frozenset[str]]] = {}

    def cached(self, group_id: str) -> frozenset[str] | None:
        """The user IDs in ``group_id`` if a fresh answer is at hand, without asking Slack."""
        entry = self._cache.get(group_id)
        return entry[1] if entry is not None and self._clock() < entry[0] else None

    async def members(self, group_id: str) -> frozenset[str]:
        """The user IDs in ``group_id``; raises ``GroupLookupError`` when Slack fails."""
        cached = self.cached(group_id)
        if cached is not None:
            return cached
        task = self._in_flight.get(group_id)
        if task is None:
            task = asyncio.create_task(self._load(group_id))
            self._in_flight[group_id] = task
        # Shielded so that one caller giving up does not cancel the fetch the others wait on.
        return await asyncio.shield(task)

    async def _load(self, group_id: str) -> frozenset[str]:
        # Timed from the start, so a cached answer is never older than ttl_s.
        started = self._clock()
        try:
            members = frozenset(await self._fetch(group_id))
        except Exception as exc:
            raise GroupLookupError(group_id, exc) from exc
        finally:
            del self._in_flight[group_id]
        self._cache[group_id] = (started + self._ttl_s, members)
        return members


# What is known about the caller and each group asked so far: a member or not, or the
# reason Slack could not tell.
Known = Mapping[str, bool | GroupLookupError]


@dataclass(frozen=True)
class _Ask:
    """What a decision waits for: whether the caller is in this group."""

    group_id: str


class AccessPolicy:
    """Deny by default: writers may read and write, readers may read, others nothing.

    ``writers`` and ``readers`` hold user IDs (U…, W…) and user-group IDs (S…);
    ``channels``, if not empty, is where the command works at all, help included.
    """

    def __init__(
        self,
        *,
        writers: Collection[str],
        readers: Collection[str],
        channels: Collection[str],
        groups: GroupDirectory,
    ) -> None:
        self._writers, self._writer_groups = _split_groups(writers)
        self._readers, reader_groups = _split_groups(readers)
        # Groups in both lists are asked once, as writers' groups.
        self._reader_groups = tuple(g for g in reader_groups if g not in self._writer_groups)
        self._channels = tuple(dict.fromkeys(channels))
        self._groups = groups

    async def check(
        self, *, user_id: str, channel_id: str | None, subcommand: Subcommand
    ) -> Verdict:
        """May ``user_id`` run ``subcommand`` in ``channel_id``? Asks Slack as far as needed.

        ``channel_id`` None: there is no command channel (a form, the Home tab), so the
        person's identity alone decides.
        """
        if refusal := self._channel_refusal(channel_id):
            return refusal
        return await self._resolve(user_id, need_for(subcommand))

    def check_now(
        self, *, user_id: str, channel_id: str | None, subcommand: Subcommand
    ) -> Verdict | None:
        """``check``'s answer without asking Slack, or ``None`` when Slack must be asked.

        Lets a handler answer within the ack whenever no Slack call is needed.
        """
        if refusal := self._channel_refusal(channel_id):
            return refusal
        known: dict[str, bool | GroupLookupError] = {}
        while isinstance(step := self._decide(user_id, need_for(subcommand), known), _Ask):
            members = self._groups.cached(step.group_id)
            if members is None:
                return None
            known[step.group_id] = user_id in members
        return step

    async def level(self, user_id: str) -> Level | None:
        """All the caller may do; a group Slack can't list counts as not holding them."""
        return (await self._resolve(user_id, None)).level

    async def allowed_subcommands(self, user_id: str) -> frozenset[Subcommand]:
        """What help offers: only what the caller may run."""
        return frozenset(subcommands_for(await self.level(user_id)))

    def _channel_refusal(self, channel_id: str | None) -> Verdict | None:
        if channel_id is not None and self._channels and channel_id not in self._channels:
            return Verdict(
                False,
                None,
                f"only works in: {', '.join(self._channels)}",
                channels=tuple(self._channels),
            )
        return None

    async def _resolve(self, user_id: str, need: Level | None) -> Verdict:
        known: dict[str, bool | GroupLookupError] = {}
        while isinstance(step := self._decide(user_id, need, known), _Ask):
            try:
                known[step.group_id] = user_id in await self._groups.members(step.group_id)
            except GroupLookupError as exc:
                known[step.group_id] = exc
        return step

    def _decide(self, user_id: str, need: Level | None, known: Known) -> Verdict | _Ask:
        """The decision if ``known`` suffices, else the next group to ask about.

        ``need`` None (help) means: find out everything the caller may do, and let a
        failed lookup count as "not a member" rather than refuse.
        """
        direct: Level | None = (
            "write" if user_id in self._writers else "read" if user_id in self._readers else None
        )
        if direct == "write" or (direct == "read" and need == "read"):
            return Verdict(True, direct)

        in_writers = _find(self._writer_groups, known)
        if isinstance(in_writers, _Ask):
            return in_writers
        if in_writers is True:
            return Verdict(True, "write")
        if need == "write" and isinstance(in_writers, GroupLookupError):
            return _slack_failed(in_writers)

        in_readers: bool | GroupLookupError | _Ask = direct == "read"
        if direct is None:
            # For a write this only sharpens the refusal ("you may only read").
            in_readers = _find(self._reader_groups, known)
            if isinstance(in_readers, _Ask):
                return in_readers
        level: Level | None = "read" if in_readers is True else None

        if need == "write":
            return Verdict(False, level, ONLY_READS if level else NOT_A_WRITER)
        if need == "read" and level is None:
            for failure in (in_writers, in_readers):
                if isinstance(failure, GroupLookupError):
                    return _slack_failed(failure)
            return Verdict(False, None, NOT_LISTED)
        return Verdict(True, level)


def _find(groups: tuple[str, ...], known: Known) -> bool | GroupLookupError | _Ask:
    """Is the user in one of ``groups``? Or the failure that leaves it open, or who to ask."""
    failure: GroupLookupError | None = None
    for group_id in groups:
        answer = known.get(group_id)
        if answer is None:
            return _Ask(group_id)
        if answer is True:
            return True
        if isinstance(answer, GroupLookupError):
            failure = failure or answer
    return failure or False


def _slack_failed(error: GroupLookupError) -> Verdict:
    return Verdict(
        False, None, f"could not check your user groups with Slack: {error}", transient=True
    )


def _split_groups(ids: Collection[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Users (looked up by set) apart from groups (asked in the order configured)."""
    return (
        frozenset(i for i in ids if not i.startswith("S")),
        tuple(dict.fromkeys(i for i in ids if i.startswith("S"))),
    )
