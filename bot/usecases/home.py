"""The Home tab: built for one person from what they may do, the store and Losant, then published.

It is rebuilt when the person opens it and whenever what it shows changes for someone
(a decision, a grant ending, an add): whoever changes it calls ``refresh`` with the
people concerned. Opening must feel instant, but finding someone's orgs can take many
Losant calls, so when that takes more than a moment the tab is published twice: first
with what the store says and "looking up your access", then complete.

The costly part of finding someone is turning their email into a Losant user ID (a
scan of the orgs until one has them); the bot remembers that ID for an hour (and that
someone is in no org, for a minute), per process, so an open after the first costs a
few calls. What the tab shows is read afresh every time. Strangers (who may neither
add, request nor approve) cost no Losant call at all.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime

from bot.edges.losant.errors import LosantError
from bot.edges.losant.singleflight import SingleFlight
from bot.edges.store import Grant, GrantState, Request, Store
from bot.edges.store.attention import needing_attention
from bot.usecases.access import AccessPolicy
from bot.usecases.commands import MemberRef
from bot.usecases.errors import BotError
from bot.usecases.home_data import (
    ROLES_SHOWN,
    Access,
    GrantItem,
    HomeData,
    Listed,
    RequestItem,
)
from bot.usecases.lookup import EmailResolver
from bot.usecases.operations import Operations
from bot.usecases.results_runs import Found

Publish = Callable[[HomeData], Awaitable[bool]]
IsApprover = Callable[[str], Awaitable[bool]]

KNOWN_ID_S = 3600.0
IN_NO_ORG_S = 60.0
# How long the complete tab may take before the store's part is published on its own.
INTERIM_AFTER_S = 1.0
# A Home tab's buttons outlive its drawing; a day, then "open the Home tab again".
# Homes rebuilt at once by one refresh: each may cost Slack and Losant calls.
REFRESH_FANOUT = 4


class HomeTab:
    """Gathers a person's ``HomeData`` and publishes it through ``publish``."""

    def __init__(
        self,
        *,
        operations: Operations,
        store: Store,
        access: AccessPolicy,
        is_approver: IsApprover,
        email_of: EmailResolver,
        publish: Publish,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        interim_after_s: float = INTERIM_AFTER_S,
    ) -> None:
        self._ops = operations
        self._store = store
        self._access = access
        self._is_approver = is_approver
        self._email_of = email_of
        self._publish = publish
        self._clock = clock
        self._monotonic = monotonic
        self._interim_after_s = interim_after_s
        self._user_ids: dict[str, tuple[float, str | None]] = {}
        self._lookups = SingleFlight()

    async def refresh(self, user_ids: Iterable[str]) -> None:
        """Rebuild and publish the Home tab of each of ``user_ids``."""
        slots = asyncio.Semaphore(REFRESH_FANOUT)

        async def one(user: str) -> None:
            async with slots:
                await self._rebuild(user)

        await asyncio.gather(*(one(user) for user in dict.fromkeys(user_ids)))

    async def _rebuild(self, user: str) -> None:
        may = await self._permissions(user)
        if not may.known:
            await self._publish(may)
            return
        try:
            email = await self._email_of(user)
        except BotError as exc:
            await self._publish(await self._with_store(may, None, Access(problem=exc.message)))
            return
        lookup = asyncio.ensure_future(self._lookups.run(email, lambda: self._look_up(email)))
        done, _ = await asyncio.wait({lookup}, timeout=self._interim_after_s)
        if not done:
            await self._publish(await self._with_store(may, email, Access()))
        access = await lookup
        await self._publish(await self._with_store(may, email, access))

    async def data_for(self, user: str, email: str | None, access: Access) -> HomeData:
        """``user``'s Home as of now, with their ``email`` and ``access`` as looked up."""
        may = await self._permissions(user)
        return await self._with_store(may, email, access) if may.known else may

    async def _permissions(self, user: str) -> HomeData:
        """What ``user`` may do, as of now, and nothing else yet."""
        now = datetime.fromtimestamp(self._clock(), UTC)
        level = await self._access.level(user)
        request = await self._access.check(user_id=user, channel_id=None, subcommand="request")
        return HomeData(
            user=user,
            now=now,
            may_add=level == "write",
            may_request=request.allowed,
            approver=await self._is_approver(user),
        )

    async def _with_store(self, may: HomeData, email: str | None, access: Access) -> HomeData:
        """``may`` completed: the person's requests and grants, and the approver's queue."""
        store, now, user = self._store, may.now, may.user
        own_requests = await store.requests.open_for_requester(user, now)
        own_grants = await store.grants.list_live(email=email) if email else []
        waiting = await store.requests.pending_for_approver(user, now) if may.approver else []
        attention = await needing_attention(store.engine, now) if may.approver else []
        return dataclasses.replace(
            may,
            email=email,
            access=access,
            own_requests=_requests(own_requests, None),
            own_grants=_grants(own_grants, str, may.may_request),
            # Approve / Deny and End now / Extend are the card's and the list's own buttons,
            # named by the request's or grant's ID as there; each click re-reads it and
            # re-checks who clicked.
            waiting=_requests(waiting, str),
            attention=_grants(attention, str, may.may_add),
        )

    async def _look_up(self, email: str) -> Access:
        """The orgs ``email`` is in, by their Losant user ID when it is known."""
        key = email.casefold()
        known = self._user_ids.get(key)
        if known is not None and self._monotonic() < known[0]:
            if known[1] is None:
                return Access(found=_in_no_org(email))
            person = MemberRef("user_id", known[1])
        else:
            person = MemberRef("email", email)
        try:
            found = await self._ops.access_of(person, roles_for=ROLES_SHOWN)
        except (LosantError, BotError) as exc:
            return Access(problem=exc.message)
        keep_s = KNOWN_ID_S if found.user_id else IN_NO_ORG_S
        self._user_ids[key] = (self._monotonic() + keep_s, found.user_id)
        return Access(found=found)


def _in_no_org(email: str) -> Found:
    return Found(person=email, user_id=None, memberships=())


def _grants(
    grants: list[Grant], value_of: Callable[[str], str], buttons: bool
) -> Listed[GrantItem]:
    """The first grants, each with the signed value its buttons carry (a live one only)."""
    listed = Listed.of(grants)
    items = tuple(
        GrantItem(g, value_of(g.id) if buttons and g.state is GrantState.LIVE else "")
        for g in listed.items
    )
    return Listed(items, listed.total)


def _requests(
    requests: list[Request], value_of: Callable[[str], str] | None
) -> Listed[RequestItem]:
    """The first requests, each with the signed value of its Approve / Deny, if any."""
    listed = Listed.of(requests)
    items = tuple(RequestItem(r, value_of(r.id) if value_of else "") for r in listed.items)
    return Listed(items, listed.total)
