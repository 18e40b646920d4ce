"""Ending one grant: read the member, and only if the role is still the granted one, put back
what was there before.

The bot must never undo someone else's decision, so the revert reads first: a person no
longer in the org counts as reverted; a role changed meanwhile is left alone and the grant
is marked ``drifted``; otherwise the person is removed (they were not a member) or given
their previous role back, through the same write-safe paths as every command. Reverting is
idempotent, so a lease that ran out while Losant was slow, and a second process taking the
grant over, change nothing twice. A failure is recorded for a retry with backoff, never
dropped. The caller holds the grant's lease.
"""

from __future__ import annotations

import logging

from bot.edges.losant.errors import LosantError
from bot.edges.losant.models import Member, Org, as_role
from bot.edges.store import EventKind, Grant, GrantState, Store
from bot.usecases.clock import Clock, utc_now
from bot.usecases.commands import MemberRef
from bot.usecases.journal import BOT_ACTOR, Journal, Step, grant_step
from bot.usecases.lookup import Lookup
from bot.usecases.notices import Notices
from bot.usecases.results import WriteUnknown
from bot.usecases.results_grants import Reverted
from bot.usecases.writes import Writes

log = logging.getLogger("bot.revert")

# How long a process holds a grant it is reverting before another may take it over: longer
# than a revert takes even when Losant is slow (two calls, each within its retry budget).
LEASE_S = 120.0


class Reverter:
    """Reverts leased grants, records how it went, and tells a requester theirs ended."""

    def __init__(
        self,
        store: Store,
        lookup: Lookup,
        writes: Writes,
        journal: Journal,
        notices: Notices,
        *,
        clock: Clock,
        owner: str,
    ) -> None:
        self._store = store
        self._lookup = lookup
        self._writes = writes
        self._journal = journal
        self._notices = notices
        self._clock = clock
        self.owner = owner

    async def revert_now(self, grant: Grant, *, actor: str) -> tuple[Reverted, tuple[Step, ...]]:
        """Claim ``grant`` (due now: just revoked) and revert it; ``busy`` if another process
        holds it, which then finishes the job."""
        claimed = await self._store.grants.claim(
            grant.id, utc_now(self._clock), self.owner, LEASE_S
        )
        if claimed is None:
            return Reverted("busy", grant), ()
        return await self.revert(claimed, actor=actor, subcommand="revoke")

    async def revert(
        self, grant: Grant, *, actor: str = BOT_ACTOR, subcommand: str = "sweep"
    ) -> tuple[Reverted, tuple[Step, ...]]:
        """Revert a grant this process has leased; the outcome and the steps recorded."""
        org = Org(id=grant.org_id, name=grant.org_name)
        try:
            member = await self._lookup.find_member(org, _person(grant))
            reverted = await self._put_back(org, grant, member)
        except LosantError as exc:
            reverted = Reverted("failed", grant, error=_said(exc))
        return await self._record(reverted, actor, subcommand)

    async def _put_back(self, org: Org, grant: Grant, member: Member | None) -> Reverted:
        if member is None:
            return Reverted("gone", grant, already=True)
        if grant.previous_role is not None and member.role == grant.previous_role:
            # The grant's own write never landed (its outcome was unknown), or someone put
            # the role back already: what ending it should leave is already there.
            return Reverted("restored", grant, already=True)
        if member.role != grant.role:
            return Reverted("drifted", grant, current_role=member.role)
        if grant.previous_role is None:
            removed = await self._writes.remove(org, member)
            if isinstance(removed, WriteUnknown):
                return Reverted("failed", grant, error=removed.detail)
            return Reverted("removed", grant)
        restored = await self._writes.set_role(org, member, as_role(grant.previous_role))
        if isinstance(restored, WriteUnknown):
            return Reverted("failed", grant, error=restored.detail)
        return Reverted("restored", grant)

    async def _record(
        self, reverted: Reverted, actor: str, subcommand: str
    ) -> tuple[Reverted, tuple[Step, ...]]:
        grant, now = reverted.grant, utc_now(self._clock)
        if reverted.kind == "failed":
            failed = await self._store.grants.fail(grant.id, self.owner, reverted.error or "", now)
            step = grant_step(
                EventKind.FAILED,
                grant,
                actor,
                subcommand,
                decision="failed",
                detail=reverted.error,
            )
            await self._journal.append(step)
            return Reverted("failed", failed or grant, error=reverted.error), (step,)
        end = GrantState.DRIFTED if reverted.kind == "drifted" else _ended(grant)
        finished = await self._store.grants.finish(grant.id, self.owner, end, now)
        if finished is None:
            # Closed meanwhile by a process whose lease ran out but whose revert went through.
            log.info("grant %s was already closed; this revert changed nothing more", grant.id)
            return reverted, ()
        if reverted.kind == "drifted":
            detail = f"their role is now {reverted.current_role}"
            step = grant_step(EventKind.DRIFTED, finished, actor, subcommand, detail=detail)
        else:
            step = grant_step(
                EventKind.REVERTED,
                finished,
                actor,
                subcommand,
                already=reverted.already,
                detail=_nothing_to_do(reverted),
            )
        await self._journal.append(step)
        done = Reverted(reverted.kind, finished, reverted.current_role, already=reverted.already)
        await self._tell_requester(done)
        return done, (step,)

    async def _tell_requester(self, reverted: Reverted) -> None:
        if reverted.grant.request_id is None:
            return
        request = await self._store.requests.get(reverted.grant.request_id)
        if request is not None:
            await self._notices.grant_ended(reverted, request)


def _nothing_to_do(reverted: Reverted) -> str | None:
    """Why a revert wrote nothing, for the record; None when it wrote."""
    if not reverted.already:
        return None
    if reverted.kind == "gone":
        return "they were no longer a member"
    return f"their role was already {reverted.grant.previous_role} again"


def _person(grant: Grant) -> MemberRef:
    # By user ID when known: it survives an email change, and costs one call instead of a scan.
    if grant.target_user_id:
        return MemberRef("user_id", grant.target_user_id)
    return MemberRef.from_text(grant.target_email)


def _ended(grant: Grant) -> GrantState:
    return GrantState.REVOKED if grant.revoked_by else GrantState.REVERTED


def _said(error: LosantError) -> str:
    status = f"Losant {error.status}: " if error.status else ""
    return f"{status}{error.message}"[:300]
