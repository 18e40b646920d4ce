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

from collections.abc import Collection

from bot.usecases.commands import (
    REQUEST_SUBCOMMANDS,
    SUBCOMMANDS,
    WRITE_SUBCOMMANDS,
    Subcommand,
)
from bot.usecases.people_lists import (
    ANYONE,
    Ask,
    Known,
    Level,
    Listed,
    Verdict,
    ask,
    find_in_groups,
    slack_failed,
    split_groups,
)
from bot.usecases.user_groups import GroupDirectory, GroupLookupError

__all__ = [
    "ANYONE",
    "AccessPolicy",
    "GroupDirectory",
    "GroupLookupError",
    "Level",
    "Verdict",
    "need_for",
    "subcommands_for",
]


NOT_LISTED = "not in MEMBERS_WRITERS or MEMBERS_READERS"
NOT_A_WRITER = "not in MEMBERS_WRITERS"
ONLY_READS = "not in MEMBERS_WRITERS (you may only read)"
NOT_A_REQUESTER = "not in MEMBERS_REQUESTERS (by default the readers and writers)"
NOT_AN_APPROVER = "not in MEMBERS_APPROVERS (by default the writers)"


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


class AccessPolicy:
    """Deny by default: writers may read and write, readers may read, others nothing.

    ``writers`` and ``readers`` hold user IDs (U…, W…) and user-group IDs (S…);
    ``channels``, if not empty, is where the command works at all, help included.
    ``approvers`` (default: the writers) may decide access requests; ``requesters``
    (default: readers and writers; ``*``: anyone) may make them, for themselves.
    """

    def __init__(
        self,
        *,
        writers: Collection[str],
        readers: Collection[str],
        channels: Collection[str],
        groups: GroupDirectory,
        approvers: Collection[str] | None = None,
        requesters: Collection[str] | None = None,
    ) -> None:
        self._writers, self._writer_groups = split_groups(writers)
        self._readers, reader_groups = split_groups(readers)
        # Groups in both lists are asked once, as writers' groups.
        self._reader_groups = tuple(g for g in reader_groups if g not in self._writer_groups)
        self._channels = tuple(dict.fromkeys(channels))
        self._groups = groups
        approving = writers if approvers is None else approvers
        requesting = (*writers, *readers) if requesters is None else requesters
        self._approvers = Listed.of(approving, NOT_AN_APPROVER)
        self._requesters = Listed.of(requesting, NOT_A_REQUESTER)

    async def check(
        self, *, user_id: str, channel_id: str | None, subcommand: Subcommand
    ) -> Verdict:
        """May ``user_id`` run ``subcommand`` in ``channel_id``? Asks Slack as far as needed.

        ``channel_id`` None: there is no command channel (a form, the Home tab), so the
        person's identity alone decides.
        """
        if refusal := self._channel_refusal(channel_id):
            return refusal
        known: dict[str, bool | GroupLookupError] = {}
        while isinstance(step := self._decide_for(user_id, subcommand, known), Ask):
            await ask(self._groups, user_id, step, known)
        return step

    async def may_approve(self, user_id: str) -> Verdict:
        """May ``user_id`` decide access requests? Their identity alone decides, not the
        channel: a request card lives in the approval channel, not where a command ran."""
        return await self._listed(user_id, self._approvers)

    async def is_approver(self, user_id: str) -> bool:
        return (await self.may_approve(user_id)).allowed

    async def may_request(self, user_id: str) -> Verdict:
        """May ``user_id`` ask for access for themselves (wherever the ask comes from)?"""
        return await self._listed(user_id, self._requesters)

    async def _listed(self, user_id: str, listed: Listed) -> Verdict:
        known: dict[str, bool | GroupLookupError] = {}
        while isinstance(step := listed.decide(user_id, known), Ask):
            await ask(self._groups, user_id, step, known)
        return step

    def _decide_for(self, user_id: str, subcommand: Subcommand, known: Known) -> Verdict | Ask:
        """The decision for a subcommand: requesters may ``request``; ``requests`` is open to
        readers, approvers and requesters alike (each sees what waits for them)."""
        if subcommand in REQUEST_SUBCOMMANDS:
            return self._requesters.decide(user_id, known)
        verdict = self._decide(user_id, need_for(subcommand), known)
        if subcommand != "requests" or isinstance(verdict, Ask) or verdict.allowed:
            return verdict
        for listed in (self._approvers, self._requesters):
            step = listed.decide(user_id, known)
            if isinstance(step, Ask) or step.allowed:
                return step
        return verdict

    def check_now(
        self, *, user_id: str, channel_id: str | None, subcommand: Subcommand
    ) -> Verdict | None:
        """``check``'s answer without asking Slack, or ``None`` when Slack must be asked.

        Lets a handler answer within the ack whenever no Slack call is needed.
        """
        if refusal := self._channel_refusal(channel_id):
            return refusal
        known: dict[str, bool | GroupLookupError] = {}
        while isinstance(step := self._decide_for(user_id, subcommand, known), Ask):
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
        while isinstance(step := self._decide(user_id, need, known), Ask):
            await ask(self._groups, user_id, step, known)
        return step

    def _decide(self, user_id: str, need: Level | None, known: Known) -> Verdict | Ask:
        """The decision if ``known`` suffices, else the next group to ask about.

        ``need`` None (help) means: find out everything the caller may do, and let a
        failed lookup count as "not a member" rather than refuse.
        """
        direct: Level | None = (
            "write" if user_id in self._writers else "read" if user_id in self._readers else None
        )
        if direct == "write" or (direct == "read" and need == "read"):
            return Verdict(True, direct)

        in_writers = find_in_groups(self._writer_groups, known)
        if isinstance(in_writers, Ask):
            return in_writers
        if in_writers is True:
            return Verdict(True, "write")
        if need == "write" and isinstance(in_writers, GroupLookupError):
            return slack_failed(in_writers)

        in_readers: bool | GroupLookupError | Ask = direct == "read"
        if direct is None:
            # For a write this only sharpens the refusal ("you may only read").
            in_readers = find_in_groups(self._reader_groups, known)
            if isinstance(in_readers, Ask):
                return in_readers
        level: Level | None = "read" if in_readers is True else None

        if need == "write":
            return Verdict(False, level, ONLY_READS if level else NOT_A_WRITER)
        if need == "read" and level is None:
            for failure in (in_writers, in_readers):
                if isinstance(failure, GroupLookupError):
                    return slack_failed(failure)
            return Verdict(False, None, NOT_LISTED)
        return Verdict(True, level)
