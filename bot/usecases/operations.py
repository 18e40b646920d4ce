"""Carrying out a parsed command against Losant: the step between parsing and rendering.

Reads answer at once; ``remove``, and any ``add``/``role`` that grants admin, answer
with a sealed confirmation instead, and ``confirm`` carries one out after the click.
Everything returns a ``bot.usecases.results`` value for the views; failures are raised as
``LosantError`` or ``BotError`` for the handler to render.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from bot.edges.losant.client import LosantClient
from bot.edges.losant.models import Member, MemberField, Org, Role, SortDirection
from bot.usecases.commands import (
    AddCommand,
    Command,
    HelpCommand,
    ListCommand,
    MemberRef,
    OrgRef,
    OrgsCommand,
    RemoveCommand,
    RoleCommand,
    ShowCommand,
)
from bot.usecases.errors import MemberNotFound
from bot.usecases.lookup import EmailResolver, Lookup, OrgCache
from bot.usecases.results import (
    AmbiguousOrg,
    ConfirmationNeeded,
    MemberAdded,
    MemberPage,
    MemberRemoved,
    MemberShown,
    OrgPage,
    Result,
)
from bot.usecases.sealed import Op, PendingChange, is_sealable_target, seal
from bot.usecases.writes import Writes


class Operations:
    """The bot's use cases, one method per kind of request."""

    def __init__(
        self,
        losant: LosantClient,
        resolve_email: EmailResolver,
        *,
        signing_key: bytes,
        confirm_ttl_s: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._losant = losant
        self._lookup = Lookup(losant, resolve_email, orgs=OrgCache(clock=clock))
        self._writes = Writes(losant, self._lookup)
        self._key = signing_key
        self._ttl = confirm_ttl_s
        self._clock = clock

    async def run(self, command: Command, *, actor: str) -> Result:
        """Carry out ``command`` for the Slack user ``actor`` (already authorized)."""
        match command:
            case HelpCommand():
                raise ValueError("help is answered without Losant")
            case OrgsCommand():
                return await self.orgs(command.filter)
            case ListCommand():
                return await self.members(command)
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
                return await self._writes.add(org, command.target, command.role)
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
        org: Org | AmbiguousOrg
        if query.org.is_id:
            # A cached org costs no call; otherwise both calls go out at once.
            org, listing = await asyncio.gather(
                self._lookup.org(query.org), self._list(query.org.value, query)
            )
        else:
            org = await self._lookup.org(query.org)
            if isinstance(org, AmbiguousOrg):
                return org
            listing = await self._list(org.id, query)
        if isinstance(org, AmbiguousOrg):  # pragma: no cover - an ID matches one org
            return org
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

    async def confirm(self, change: PendingChange) -> Result:
        """Carry out a confirmed change; a replay finds it already in place and writes nothing."""
        org = await self._lookup.org(OrgRef(change.org_id))
        if isinstance(org, AmbiguousOrg):  # pragma: no cover - an ID matches one org
            return org
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

    def _confirmation(
        self,
        org: Org,
        op: Op,
        target: str,
        member: Member | None,
        role: Role | None,
        *,
        actor: str,
    ) -> ConfirmationNeeded:
        expires_at = int(self._clock()) + self._ttl
        change = PendingChange(
            op=op,
            org_id=org.id,
            target=target,
            role=role,
            actor=actor,
            expires_at=expires_at,
        )
        return ConfirmationNeeded(
            org=org,
            subcommand=op,
            target=(member.email if member and member.email else target),
            member=member,
            role=role,
            previous_role=member.role if member else None,
            token=seal(change, self._key),
            expires_at=expires_at,
        )


def _sealed_target(member: Member) -> str:
    """How a confirm value names a member: by the email the card showed, so the audit and
    a second click speak of the same person; by user ID when the email cannot be sealed.
    """
    return member.email if member.email and is_sealable_target(member.email) else member.user_id
