"""Adding many people to one org at once: "add these twelve people to Acme".

Each person ends on their own line — added, already a member (role unchanged), not
valid (why) or failed — and one bad address never blocks the rest. Anyone getting
``admin``, or more than ``CONFIRM_OVER`` people at once, asks for one confirmation
first; the sealed card names exactly who, so the click adds exactly them. Writes go
``MEMBERS_FANOUT`` at a time with the write safety of a single ``add``; an existing
member is found by Losant's AlreadyExists rather than by one read per person.
"""

from __future__ import annotations

from bot.edges.losant.errors import (
    LosantError,
    LosantInvalidEmail,
    LosantInvalidRole,
    LosantMemberNotFound,
)
from bot.edges.losant.models import Org, Role
from bot.usecases import fanout
from bot.usecases.commands import BulkAddCommand, MemberRef, NotValid
from bot.usecases.errors import BotError
from bot.usecases.lookup import Lookup
from bot.usecases.progress import Progress
from bot.usecases.results import MemberAdded
from bot.usecases.results_runs import BulkAddConfirmation, BulkAdded, PersonResult
from bot.usecases.sealed_runs import PendingBulkAdd, Sealer, fits
from bot.usecases.writes import Writes

CONFIRM_OVER = 10  # more people than this in one add: confirm first


class BulkAdding:
    def __init__(
        self,
        lookup: Lookup,
        writes: Writes,
        *,
        fanout_limit: int,
        sealer: Sealer,
    ) -> None:
        self._lookup = lookup
        self._writes = writes
        self._limit = fanout_limit
        self._sealer = sealer

    async def start(
        self, org: Org, command: BulkAddCommand, *, actor: str, progress: Progress
    ) -> BulkAddConfirmation | BulkAdded:
        """Add everyone at once, or ask for the confirmation when the rules say so."""
        if command.role != "admin" and len(command.targets) <= CONFIRM_OVER:
            return await self.add(
                org,
                command.targets,
                command.role,
                progress,
                invalid=command.invalid,
                role_defaulted=command.role_defaulted,
            )
        # The card names people as the add will: Slack users by their profile email.
        resolved = await fanout.each(list(command.targets), self._resolve, limit=self._limit)
        targets = tuple(t.value for t in resolved if isinstance(t, MemberRef))
        invalid = command.invalid + tuple(t for t in resolved if isinstance(t, NotValid))
        if not targets:
            return await self.add(org, (), command.role, progress, invalid=invalid)
        expires_at = self._sealer.expiry()
        token = self._sealer.seal(PendingBulkAdd(org.id, targets, command.role, actor, expires_at))
        if not fits(token):
            raise BotError(
                f"Those {len(targets)} addresses are too long to confirm in one card.",
                hint="Split the list into two `add`s.",
            )
        return BulkAddConfirmation(org, command.role, targets, invalid, token, expires_at)

    async def add(
        self,
        org: Org,
        targets: tuple[MemberRef, ...],
        role: Role,
        progress: Progress,
        *,
        invalid: tuple[NotValid, ...] = (),
        role_defaulted: bool = False,
    ) -> BulkAdded:
        """Add each of ``targets`` to ``org`` as ``role``; one line per person."""

        async def one(ref: MemberRef) -> PersonResult:
            return await self._add_one(org, ref, role)

        results = await fanout.each(
            list(targets), one, limit=self._limit, progress=progress, what="people added"
        )
        skipped = tuple(PersonResult(n.text, "not_valid", detail=n.why) for n in invalid)
        return BulkAdded(org, role, role_defaulted, tuple(results) + skipped)

    async def _resolve(self, ref: MemberRef) -> MemberRef | NotValid:
        try:
            return await self._lookup.target(ref)
        except BotError as exc:
            return NotValid(ref.value, exc.message)

    async def _add_one(self, org: Org, ref: MemberRef, role: Role) -> PersonResult:
        try:
            added = await fanout.patiently(
                lambda: self._writes.add(org, ref, role, read_first=False)
            )
        except BotError as exc:  # a Slack user without a usable email, say
            return PersonResult(ref.value, "not_valid", detail=exc.message)
        except (LosantInvalidEmail, LosantInvalidRole, LosantMemberNotFound) as exc:
            return PersonResult(
                ref.value, "not_valid", detail=exc.message, losant_status=exc.status
            )
        except LosantError as exc:
            return PersonResult(ref.value, "failed", detail=exc.message, losant_status=exc.status)
        if isinstance(added, MemberAdded):
            who = added.member.key
            if added.outcome == "already_member":
                return PersonResult(who, "already_member", added.member.role)
            return PersonResult(who, "added", added.member.role, losant_status=200)
        return PersonResult(ref.value, "unknown", role, detail=added.detail)
