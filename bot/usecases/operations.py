"""Carrying out a parsed command against Losant: the step between parsing and rendering.

Reads answer at once; ``remove``, ``offboard``, and any ``add``/``role`` that grants
admin (or a many-people add), answer with a sealed confirmation instead, and
``confirm`` carries one out after the click. Work across many orgs or people lives in
its own module (``find``, ``offboard``, ``bulk_add``); this is where a command meets it.
Everything returns a ``bot.usecases.results`` value for the views; failures are raised as
``LosantError`` or ``BotError`` for the handler to render.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import assert_never

from bot.edges.losant.client import LosantClient
from bot.edges.losant.models import Member, MemberField, SortDirection
from bot.usecases.bulk_add import BulkAdding
from bot.usecases.commands import (
    AddCommand,
    BulkAddCommand,
    Command,
    ExtendCommand,
    FindCommand,
    GrantsCommand,
    HelpCommand,
    ListCommand,
    MemberRef,
    OffboardCommand,
    OrgRef,
    OrgsCommand,
    RemoveCommand,
    RequestCommand,
    RequestsCommand,
    RevokeCommand,
    RoleCommand,
    ShowCommand,
)
from bot.usecases.confirming import ChangeConfirmer
from bot.usecases.errors import MemberNotFound
from bot.usecases.find import Finder
from bot.usecases.lifecycle_parts import LifecycleParts
from bot.usecases.lookup import EmailResolver, Lookup, OrgCache
from bot.usecases.offboard import Offboarding
from bot.usecases.operations_views import FormsAndHome
from bot.usecases.org_choices import OrgChoices
from bot.usecases.progress import Progress, unwatched
from bot.usecases.results import (
    AmbiguousOrg,
    MemberAdded,
    MemberPage,
    MemberRemoved,
    MemberShown,
    OrgPage,
    Result,
)
from bot.usecases.sealed import PendingChange, is_sealable_target, unseal
from bot.usecases.sealed_runs import (
    PendingBulkAdd,
    PendingOffboard,
    PendingRun,
    Sealer,
    is_run,
    unseal_run,
)
from bot.usecases.writes import Writes


class Operations(FormsAndHome):
    """The bot's use cases, one method per kind of request (the forms' and the Home tab's
    in ``FormsAndHome``)."""

    def __init__(
        self,
        losant: LosantClient,
        resolve_email: EmailResolver,
        *,
        signing_key: bytes,
        confirm_ttl_s: int,
        fanout: int = 8,
        clock: Callable[[], float] = time.time,
        lifecycle: LifecycleParts,
    ) -> None:
        self._losant = losant
        self._lookup = Lookup(losant, resolve_email, orgs=OrgCache(clock=clock))
        self._writes = Writes(losant, self._lookup)
        self._key = signing_key
        self._clock = clock
        self._finder = Finder(losant, self._lookup, fanout_limit=fanout)
        sealer = Sealer(signing_key, confirm_ttl_s, clock)
        self._confirmation = ChangeConfirmer(sealer)
        self._offboarding = Offboarding(losant, self._writes, fanout_limit=fanout, sealer=sealer)
        self._bulk = BulkAdding(self._lookup, self._writes, fanout_limit=fanout, sealer=sealer)
        self._org_choices = OrgChoices(losant.all_orgs)
        self.lifecycle = lifecycle.build(
            self._lookup, self._writes, resolve_email, clock=clock, confirmation=self._confirmation
        )

    async def run(
        self,
        command: Command,
        *,
        actor: str,
        progress: Progress | None = None,
        writer: bool = False,
        approver: bool = False,
    ) -> Result:
        """Carry out ``command`` for the Slack user ``actor`` (already authorized); long
        work reports how far it has got to ``progress``. ``writer`` and ``approver`` say
        what else the caller may do, for the buttons a list offers them."""
        progress = progress or unwatched()
        match command:
            case HelpCommand():
                raise ValueError("help is answered without Losant")
            case OrgsCommand():
                return await self.orgs(command.filter)
            case ListCommand():
                return await self.members(command)
            case AddCommand(duration_s=int()) | RoleCommand(duration_s=int()):
                return await self.lifecycle.timed(command, actor)
            case GrantsCommand():
                return await self.lifecycle.grants(command, can_change=writer)
            case ExtendCommand():
                return await self.lifecycle.extend(command, actor)
            case RevokeCommand():
                return await self.lifecycle.revoke(command, actor)
            case RequestCommand():
                return await self.lifecycle.request(command, actor)
            case RequestsCommand():
                return await self.lifecycle.requests(actor, can_decide=approver)
            case AddCommand() | ShowCommand() | RoleCommand() | RemoveCommand():
                return await self._in_org(command, actor)
            case FindCommand():
                return await self._finder.find(command.target, progress)
            case OffboardCommand():
                found = await self._finder.find(command.target, progress)
                if not found.memberships:
                    return found  # in no org: nothing to confirm
                return self._offboarding.confirmation(found, actor=actor)
            case BulkAddCommand():
                org = await self._lookup.org(command.org)
                if isinstance(org, AmbiguousOrg):
                    return org
                return await self._bulk.start(org, command, actor=actor, progress=progress)
            case _:
                assert_never(command)

    async def _in_org(
        self, command: AddCommand | ShowCommand | RoleCommand | RemoveCommand, actor: str
    ) -> Result:
        org = await self._lookup.org(command.org)
        if isinstance(org, AmbiguousOrg):
            return org
        match command:
            case ShowCommand():
                return MemberShown(org=org, member=await self._lookup.member(org, command.target))
            case AddCommand():
                if command.role == "admin":
                    target = await self._lookup.target(command.target)
                    existing = await self._lookup.find_member(org, target)
                    if existing is not None:
                        # Nothing to confirm: adding them would change nothing.
                        return MemberAdded(org=org, member=existing, outcome="already_member")
                    return self._confirmation(org, "add", target.value, None, "admin", actor=actor)
                added = await self._writes.add(org, command.target, command.role)
                if isinstance(added, MemberAdded) and added.outcome == "added":
                    # The person never named the role: the reply must say which one it was.
                    return dataclasses.replace(added, role_defaulted=command.role_defaulted)
                return added
            case RoleCommand():
                member = await self._lookup.member(org, command.target)
                if command.role == "admin" and member.role != "admin":
                    return self._confirmation(
                        org, "role", _sealed_target(member), member, "admin", actor=actor
                    )
                return await self._writes.set_role(org, member, command.role)
            case RemoveCommand():
                member = await self._lookup.member(org, command.target)
                return self._confirmation(
                    org, "remove", _sealed_target(member), member, None, actor=actor
                )
        raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover

    async def members(self, query: ListCommand, *, page: int = 0) -> Result:
        """The members matching ``query``; the org and the list are fetched together by ID."""
        if query.org.is_id:
            org_id = query.org.value
            cached = self._lookup.cached_org(org_id)
            if cached is not None:
                # The org costs no call: the list alone, without gather's two tasks.
                org, listing = cached, await self._list(org_id, query)
            else:  # both calls go out at once
                org, listing = await asyncio.gather(
                    self._lookup.org_by_id(org_id), self._list(org_id, query)
                )
        else:
            found = await self._lookup.org_by_name(query.org.value)
            if isinstance(found, AmbiguousOrg):
                return found
            org, listing = found, await self._list(found.id, query)
        return MemberPage(org=org, query=query, members=listing, page=page)

    async def member_page(
        self,
        *,
        org_id: str,
        filter: str | None,
        field: MemberField,
        sort: MemberField,
        direction: SortDirection,
        page: int,
    ) -> Result:
        """Page ``page`` of a list, re-run from what a Prev/Next button carried."""
        query = ListCommand(
            org=OrgRef(org_id), filter=filter, field=field, sort=sort, direction=direction
        )
        return await self.members(query, page=page)

    async def orgs(self, filter: str | None, *, page: int = 0) -> OrgPage:
        orgs = await self._losant.all_orgs(filter=filter)
        return OrgPage(orgs=orgs, total=len(orgs), filter=filter, page=page)

    def opened(self, value: str) -> PendingChange | PendingRun:
        """The change a Confirm/Cancel button's ``value`` carries, if this bot sealed it and it
        has not expired; ``InvalidConfirmation`` (or ``ExpiredValue``) otherwise."""
        if is_run(value):
            return unseal_run(value, self._key, now=self._clock())
        return unseal(value, self._key, now=self._clock())

    async def confirm(
        self, change: PendingChange | PendingRun, progress: Progress | None = None
    ) -> Result:
        """Carry out a confirmed change; a replay finds it already in place and writes nothing."""
        progress = progress or unwatched()
        match change:
            case PendingOffboard():
                return await self._offboarding.carry_out(change, progress)
            case PendingBulkAdd():
                org = await self._lookup.org_by_id(change.org_id)
                targets = tuple(MemberRef.from_text(t) for t in change.targets)
                return await self._bulk.add(org, targets, change.role, progress)
        if change.duration_s is not None:
            return await self.lifecycle.confirmed(change)
        org = await self._lookup.org_by_id(change.org_id)
        if change.op == "add":
            role = change.role or "view"
            return await self._writes.add(org, MemberRef.from_text(change.target), role)
        member = await self._lookup.find_member(org, MemberRef.from_text(change.target))
        if change.op == "remove":
            if member is None:
                return MemberRemoved(
                    org=org, target=change.target, member=None, outcome="already_removed"
                )
            return await self._writes.remove(org, member)
        if member is None:
            raise MemberNotFound(
                f"{change.target} is no longer a member of {org.name}.",
                hint=f"Run `/members list org={org.id}` to see who is.",
            )
        return await self._writes.set_role(org, member, change.role or member.role)

    async def _list(self, org_id: str, query: ListCommand) -> Sequence[Member]:
        listing = await self._losant.list_members(
            org_id,
            sort_field=query.sort,
            sort_direction=query.direction,
            filter_field=query.field if query.filter else None,
            filter=query.filter,
        )
        return listing.items


def _sealed_target(member: Member) -> str:
    """How a confirm value names a member: by the email the card showed, so the audit and
    a second click speak of the same person; by user ID when the email cannot be sealed.
    """
    return member.email if member.email and is_sealable_target(member.email) else member.user_id
