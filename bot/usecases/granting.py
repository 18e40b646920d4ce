"""Time-limited grants: making one, moving its end, ending it now, and listing them.

Write safety comes first. A grant is recorded *before* Losant is changed, so a crash after
the write can never leave a change nobody will revert; if the write then surely failed,
the record is voided (or its earlier state put back) and the person is told nothing
changed; if its outcome is unknown, the grant stays live, which is safe because its revert
reads the member first and acts only if the role is still the granted one. One live grant
per (org, person): a second grant or an extension moves its end and never starts a second
clock, and ending it restores what the person had before the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.edges.losant.errors import LosantError
from bot.edges.losant.models import Member, Org, Role, as_role
from bot.edges.store import EventKind, Grant, GrantBusy, GrantState, Store
from bot.usecases.clock import Clock, utc_now
from bot.usecases.commands import MemberRef
from bot.usecases.durations import GrantLimits, format_duration
from bot.usecases.errors import BotError, MemberNotFound
from bot.usecases.journal import Journal, grant_step
from bot.usecases.lookup import Lookup
from bot.usecases.results import WriteUnknown
from bot.usecases.results_grants import GrantEnded, GrantExtended, GrantMade
from bot.usecases.reverting import Reverter
from bot.usecases.writes import Writes

Write = Literal["done", "already", "unknown"]
Via = Literal["add", "role", "request"]
_BUSY = "That grant is being ended right now, so it cannot be changed. Try again in a minute."


@dataclass(frozen=True)
class GrantPlan:
    """What a grant will do, checked against Losant and the store before anyone confirms."""

    org: Org
    target: MemberRef
    key: str
    member: Member | None
    live: Grant | None
    role: Role
    duration_s: int

    @property
    def previous_role(self) -> str | None:
        """What ending it restores: what they had before the *first* of its grants."""
        if self.live is not None:
            return self.live.previous_role
        return self.member.role if self.member else None


class Granting:
    """Grants for writers' ``add``/``role … for=``, approvals, ``extend`` and ``revoke``."""

    def __init__(
        self,
        store: Store,
        lookup: Lookup,
        writes: Writes,
        journal: Journal,
        reverter: Reverter,
        *,
        limits: GrantLimits,
        clock: Clock,
    ) -> None:
        self._store = store
        self._lookup = lookup
        self._writes = writes
        self._journal = journal
        self._reverter = reverter
        self._limits = limits
        self._clock = clock

    def check_limits(self, role: Role, duration_s: int) -> None:
        """BotError, saying the limit, unless ``role`` may be granted for ``duration_s``."""
        try:
            self._limits.check(role, duration_s)
        except ValueError as exc:
            raise BotError(str(exc), hint="The limits are set by MEMBERS_GRANT_LIMITS.") from None

    async def plan(
        self, org: Org, ref: MemberRef, role: Role, duration_s: int, *, via: Via
    ) -> GrantPlan:
        """Check a grant of ``role`` for ``duration_s``; BotError saying why when there is
        nothing to grant. ``via``: ``add`` is for someone not yet a member, ``role`` for a
        member, an approved request for either."""
        self.check_limits(role, duration_s)
        target = await self._lookup.target(ref)
        member = await self._lookup.find_member(org, target)
        key = member.email if member is not None and member.email else target.value
        live = await self._store.grants.get_live(org.id, key)
        plan = GrantPlan(org, target, key, member, live, role, duration_s)
        if live is not None:
            return plan  # a new grant moves the live one's end (and role)
        who = f"{member.email or member.user_id}" if member else target.value
        if member is None and via == "role":
            raise MemberNotFound(
                f"{who} is not a member of {org.name}.",
                hint=f"To add them for a while: `/members add org={org.id} email=<email> "
                f"role={role} for={format_duration(duration_s)}`.",
            )
        if member is not None and member.role == role:
            raise BotError(f"{who} is already `{role}` in {org.name}; nothing to grant.")
        if member is not None and via == "add":
            raise BotError(
                f"{who} is already a member of {org.name}, as `{member.role}`.",
                hint=f"To give them `{role}` for a while: `/members role org={org.id} "
                f"user={who} role={role} for={format_duration(duration_s)}`.",
            )
        return plan

    async def carry_out(
        self,
        plan: GrantPlan,
        *,
        actor: str,
        subcommand: str,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> GrantMade:
        """Record the grant, then make Losant match it (see the module's note on safety)."""
        now = utc_now(self._clock)
        try:
            granted = await self._store.grants.grant(
                org_id=plan.org.id,
                org_name=plan.org.name,
                email=plan.key,
                role=plan.role,
                previous_role=plan.previous_role,
                ends_at=now + timedelta(seconds=plan.duration_s),
                granted_by=actor,
                now=now,
                user_id=plan.member.user_id if plan.member else None,
                reason=reason,
                request_id=request_id,
                duration_s=plan.duration_s,
            )
        except GrantBusy:
            raise BotError(_BUSY) from None
        try:
            write, detail, verified = await self._write(plan)
        except LosantError:
            # Surely not changed: the record must not say otherwise.
            if granted.new:
                await self._store.grants.void(granted.grant.id, now)
            elif plan.live is not None:
                await self._store.grants.put_back(plan.live, now)
            raise
        kind = EventKind.GRANTED if granted.new else EventKind.EXTENDED
        step = grant_step(
            kind,
            granted.grant,
            actor,
            subcommand,
            decision="unknown" if write == "unknown" else "done",
            detail=detail,
        )
        await self._journal.append(step)
        return GrantMade(
            plan.org,
            granted.grant,
            granted.new,
            write,
            (step,),
            detail,
            verified_after_error=verified,
        )

    async def _write(self, plan: GrantPlan) -> tuple[Write, str | None, bool]:
        """Give the person the plan's role in Losant: (done|already|unknown, why, verified)."""
        member = plan.member
        if member is None:
            added = await self._writes.add(plan.org, plan.target, plan.role)
            if isinstance(added, WriteUnknown):
                return "unknown", added.detail, False
            if added.outcome == "added" or added.member.role == plan.role:
                return "done", None, added.verified_after_error
            member = added.member  # added by someone else meanwhile, with another role
        if member.role == plan.role:
            return "already", None, False
        changed = await self._writes.set_role(plan.org, member, plan.role)
        if isinstance(changed, WriteUnknown):
            return "unknown", changed.detail, False
        return "done", None, changed.verified_after_error

    async def extend(
        self, org_id: str, key: str, duration_s: int, *, actor: str, subcommand: str = "extend"
    ) -> GrantExtended:
        """Make the person's live grant end ``duration_s`` from now (within the role's limit)."""
        live = await self._live(org_id, key)
        self.check_limits(as_role(live.role), duration_s)
        now = utc_now(self._clock)
        try:
            moved = await self._store.grants.extend(
                org_id, key, now + timedelta(seconds=duration_s), now, duration_s
            )
        except GrantBusy:
            raise BotError(_BUSY) from None
        if moved is None:
            raise _no_grant(key, live.org_name)
        step = grant_step(EventKind.EXTENDED, moved, actor, subcommand)
        await self._journal.append(step)
        return GrantExtended(moved, (step,))

    async def revoke(
        self, org_id: str, key: str, *, actor: str, subcommand: str = "revoke"
    ) -> GrantEnded:
        """End the person's live grant now and revert it at once (the sweep retries a failure)."""
        live = await self._live(org_id, key)
        revoked = await self._store.grants.revoke_now(org_id, key, actor, utc_now(self._clock))
        if revoked is None:
            raise _no_grant(key, live.org_name)
        step = grant_step(EventKind.REVOKED, revoked, actor, subcommand)
        await self._journal.append(step)
        reverted, reverting = await self._reverter.revert_now(revoked, actor=actor)
        return GrantEnded(reverted, (step, *reverting))

    async def key_of(self, org: Org, ref: MemberRef) -> str:
        """How the store names the person ``ref`` names: their email (looked up if need be)."""
        target = await self._lookup.target(ref)
        if target.kind == "email":
            return target.value
        member = await self._lookup.find_member(org, target)
        return member.email if member is not None and member.email else target.value

    async def by_id(self, grant_id: str) -> Grant:
        """A live grant by ID, as a button names it; BotError when it has ended."""
        grant = await self._store.grants.get(grant_id)
        if grant is None:
            raise BotError("That grant no longer exists.")
        if grant.state is not GrantState.LIVE:
            raise BotError(
                f"The grant of `{grant.role}` to {grant.target_email} in {grant.org_name} has "
                f"already ended ({grant.state.value}).",
                hint="See the live ones with `/members grants`.",
            )
        return grant

    async def _live(self, org_id: str, key: str) -> Grant:
        live = await self._store.grants.get_live(org_id, key)
        if live is None:
            raise _no_grant(key, None)
        return live


def _no_grant(key: str, org_name: str | None) -> BotError:
    where = f" in {org_name}" if org_name else " in that org"
    return BotError(
        f"{key} has no time-limited grant{where}.",
        hint="See the live grants with `/members grants`.",
    )
