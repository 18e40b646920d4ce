"""Where the access-lifecycle commands meet their use cases: ``add``/``role … for=``,
``grants``, ``extend``, ``revoke``, ``request`` and ``requests``.

``Operations`` hands these commands here, so the member-list commands and the lifecycle
ones each have a small front door. This resolves what the person named (an org by name, a
Slack mention) and asks for a confirmation where one is due (granting ``admin``, even for
a while); the use cases do the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.edges.losant.models import Member, Org, Role
from bot.edges.store import Grant, Store
from bot.usecases.clock import Clock, utc_now
from bot.usecases.commands import (
    AddCommand,
    ExtendCommand,
    GrantsCommand,
    MemberRef,
    RequestCommand,
    RevokeCommand,
    RoleCommand,
)
from bot.usecases.granting import Granting, GrantPlan
from bot.usecases.journal import Journal
from bot.usecases.lookup import Lookup
from bot.usecases.notices import Notices
from bot.usecases.requesting import Requesting
from bot.usecases.results import AmbiguousOrg, ConfirmationNeeded
from bot.usecases.results_grants import (
    GrantEnded,
    GrantExtended,
    GrantList,
    GrantMade,
    RequestList,
    RequestMade,
)
from bot.usecases.reverting import Reverter
from bot.usecases.sealed import PendingChange, is_sealable_target

# Drifted grants ended, but someone should look: `grants` shows those of the last day.
DRIFTED_SHOWN = timedelta(days=1)

Confirmer = Callable[..., ConfirmationNeeded]
"""``Operations._confirmation``: seals a change into a Confirm card."""


class Lifecycle:
    """The lifecycle commands, one method each."""

    def __init__(
        self,
        store: Store,
        lookup: Lookup,
        granting: Granting,
        requesting: Requesting,
        *,
        reverter: Reverter,
        journal: Journal,
        notices: Notices,
        clock: Clock,
        confirmation: Confirmer,
    ) -> None:
        self._store = store
        self._lookup = lookup
        self.granting = granting
        self.requesting = requesting
        self.reverter = reverter
        self.journal = journal
        self.notices = notices
        self._clock = clock
        self._confirmation = confirmation

    async def timed(
        self, command: AddCommand | RoleCommand, actor: str
    ) -> GrantMade | ConfirmationNeeded | AmbiguousOrg:
        """``add``/``role`` with ``for=``: a grant, or first a Confirm card for ``admin``."""
        org = await self._lookup.org(command.org)
        if isinstance(org, AmbiguousOrg):
            return org
        assert command.duration_s is not None
        via = command.subcommand
        plan = await self.granting.plan(
            org, command.target, command.role, command.duration_s, via=via
        )
        if command.role == "admin":
            return self._confirmation(
                org, via, _sealed(plan), plan.member, "admin", actor=actor,
                duration_s=command.duration_s,
            )  # fmt: skip
        return await self.granting.carry_out(plan, actor=actor, subcommand=via)

    async def confirmed(self, change: PendingChange) -> GrantMade:
        """A confirmed time-limited ``admin`` grant: checked again, then made."""
        assert change.duration_s is not None
        assert change.role is not None
        org = await self._lookup.org_by_id(change.org_id)
        plan = await self.granting.plan(
            org,
            MemberRef.from_text(change.target),
            change.role,
            change.duration_s,
            via="add" if change.op == "add" else "role",
        )
        return await self.granting.carry_out(plan, actor=change.actor, subcommand=change.op)

    async def grants(self, command: GrantsCommand, *, can_change: bool) -> GrantList | AmbiguousOrg:
        """The live grants (of one org and/or one person), those needing a look first."""
        org: Org | None = None
        scope: list[str] = []
        if command.org is not None:
            found = await self._lookup.org(command.org)
            if isinstance(found, AmbiguousOrg):
                return found
            org = found
            scope.append(org.name)
        key = None
        if command.target is not None:
            key = await self._key(org, command.target)
            scope.append(key)
        now = utc_now(self._clock)
        org_id = org.id if org else None
        live = await self._store.grants.list_live(org_id, key)
        drifted = await self._store.grants.drifted_since(now - DRIFTED_SHOWN, org_id, key)
        ordered = sorted(live, key=lambda g: (g.flagged_at is None, g.ends_at, g.id))
        return GrantList(tuple(ordered), tuple(drifted), now, can_change, tuple(scope))

    async def extend(self, command: ExtendCommand, actor: str) -> GrantExtended | AmbiguousOrg:
        org = await self._lookup.org(command.org)
        if isinstance(org, AmbiguousOrg):
            return org
        key = await self.granting.key_of(org, command.target)
        return await self.granting.extend(org.id, key, command.duration_s, actor=actor)

    async def revoke(self, command: RevokeCommand, actor: str) -> GrantEnded | AmbiguousOrg:
        org = await self._lookup.org(command.org)
        if isinstance(org, AmbiguousOrg):
            return org
        key = await self.granting.key_of(org, command.target)
        return await self.granting.revoke(org.id, key, actor=actor)

    async def extend_grant(self, grant_id: str, actor: str) -> GrantExtended:
        """The Extend button of a listed grant: the same length again, from now."""
        grant = await self.granting.by_id(grant_id)
        return await self.granting.extend(
            grant.org_id, grant.target_email, grant.extension_s, actor=actor, subcommand="extend"
        )

    async def end_grant(self, grant_id: str, actor: str) -> GrantEnded:
        """The End now button of a listed grant."""
        grant: Grant = await self.granting.by_id(grant_id)
        return await self.granting.revoke(grant.org_id, grant.target_email, actor=actor)

    async def request(self, command: RequestCommand, requester: str) -> RequestMade | AmbiguousOrg:
        org = await self._lookup.org(command.org)
        if isinstance(org, AmbiguousOrg):
            return org
        role: Role = command.role
        return await self.requesting.request(
            org, role, command.duration_s, command.reason, requester=requester
        )

    async def requests(self, caller: str, *, can_decide: bool) -> RequestList:
        """What waits for ``caller``: requests to decide (approvers), and their own."""
        now = utc_now(self._clock)
        to_decide = (
            await self._store.requests.pending_for_approver(caller, now) if can_decide else []
        )
        own = await self._store.requests.open_for_requester(caller, now)
        return RequestList(tuple(to_decide), tuple(own), now)

    async def _key(self, org: Org | None, ref: MemberRef) -> str:
        if org is not None:
            return await self.granting.key_of(org, ref)
        target = await self._lookup.target(ref)
        return target.value


def _sealed(plan: GrantPlan) -> str:
    """How the Confirm value names the person: as typed, or by the member's user ID."""
    member: Member | None = plan.member
    if member is not None and member.email and is_sealable_target(member.email):
        return member.email
    if member is not None:
        return member.user_id
    return plan.target.value
