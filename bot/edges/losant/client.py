"""The async Losant API client: the only place the bot talks to Losant.

Everything else wants typed answers and one error tree, not HTTP. This module owns
the transport rules of ARCHITECTURE.md §6: one pooled ``httpx.AsyncClient`` per process, the
headers Losant's official clients send, reads retried within a wall-time budget
(``bot.edges.losant.retry``), and writes sent exactly once. A failed write says whether it
may still have reached Losant (``may_have_applied``), so the caller can read back
instead of guessing. Each call says what its request names (``Named``), so that a 404
comes back as the instance, the org or the member not found. Big answers never hold
the event loop for long: a member list is checked in slices and made into models only
where it is read (``member_list``).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

import httpx

from bot.edges.losant.errors import (
    LosantInstanceNotFound,
    LosantMemberNotFound,
    LosantOrgNotFound,
)
from bot.edges.losant.http_errors import Named
from bot.edges.losant.member_list import MemberList, decode_member_list
from bot.edges.losant.models import (
    Member,
    MemberField,
    MemberPatch,
    MemberPost,
    Org,
    OrgList,
    SortDirection,
    Success,
)
from bot.edges.losant.org_pages import FANOUT as PAGES_AT_ONCE
from bot.edges.losant.org_pages import PER_PAGE, all_pages
from bot.edges.losant.paths import InstancePaths, checked_id
from bot.edges.losant.requester import ACCEPT_VERSION, HEADERS, Clock, Requester, Sleep
from bot.edges.losant.retry import RetryPolicy
from bot.edges.losant.transport import AiohttpTransport

USER_AGENT = "members-bot/0.1 (+httpx)"
# Calls in flight at once. A command makes up to two at a time, so with 20 a burst of
# commands queued behind Losant's latency: 200 commands at 1 s each took 20 s.
MAX_CONNECTIONS = 100

__all__ = ["ACCEPT_VERSION", "LosantClient"]

# What each kind of request names, outermost first, for ``error_for_response``.
_IN_INSTANCE = Named((LosantInstanceNotFound,))
_IN_ORG = Named((LosantInstanceNotFound, LosantOrgNotFound))
_IN_MEMBER = Named((LosantInstanceNotFound, LosantOrgNotFound, LosantMemberNotFound))
# An add names its user in the body: "User was not found" is about them, a bare 404 the org.
_NEW_MEMBER = Named((LosantInstanceNotFound, LosantOrgNotFound), body=(LosantMemberNotFound,))


class LosantClient:
    """Typed calls to the instance-org-member endpoints of one Losant instance.

    Takes its ``httpx.AsyncClient`` from outside (one per process; tests may pass one
    with any transport). Raises only ``bot.edges.losant.errors.LosantError`` subclasses.
    Reads are retried within ``retry_budget_s``; writes are never re-sent. At most
    ``max_in_flight`` calls are sent at once (``create`` sets it to the pool's size);
    the others wait their turn, no longer than the pool timeout.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        instance_id: str,
        retry_budget_s: float = 20.0,
        max_attempts: int = 10,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        rand: Callable[[], float] = random.random,
        max_in_flight: int | None = None,
    ) -> None:
        self._paths = InstancePaths(instance_id)
        self._http = http
        self._owns_http = False
        policy = RetryPolicy(budget_s=retry_budget_s, max_attempts=max_attempts, rand=rand)
        self._requests = Requester(
            http, policy, sleep=sleep, clock=clock, max_in_flight=max_in_flight
        )
        # Big answers are decoded one at a time (see member_list.decode_member_list).
        self._decode_turn = asyncio.Lock()

    @classmethod
    def create(
        cls,
        *,
        base_url: str,
        token: str,
        instance_id: str,
        timeout_s: float = 10.0,
        retry_budget_s: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
        max_attempts: int = 10,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> LosantClient:
        """Build the client and its own ``httpx.AsyncClient`` (headers, timeouts, pool)."""
        http = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT, **HEADERS},
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            # httpx's own pool limits do not apply to a transport given to it: ours has its own.
            transport=transport or AiohttpTransport(max_connections=MAX_CONNECTIONS),
        )
        client = cls(
            http,
            instance_id=instance_id,
            retry_budget_s=retry_budget_s,
            max_attempts=max_attempts,
            sleep=sleep,
            clock=clock,
            rand=rand,
            max_in_flight=MAX_CONNECTIONS,
        )
        client._owns_http = True
        return client

    def __repr__(self) -> str:
        return f"LosantClient(base_url={str(self._http.base_url)!r}, path={self._paths.orgs!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object built it; a borrowed one is its owner's."""
        if self._owns_http:
            await self._http.aclose()

    # ---- members ---------------------------------------------------------------

    async def list_members(
        self,
        org_id: str,
        *,
        sort_field: MemberField = "email",
        sort_direction: SortDirection = "asc",
        filter_field: MemberField | None = None,
        filter: str | None = None,
    ) -> MemberList:
        """Every member of the org (Losant does not page it), filtered and sorted by Losant.

        A ``filter`` without ``filter_field`` filters on email, as ARCHITECTURE.md §4 says.
        """
        params: dict[str, str] = {"sortField": sort_field, "sortDirection": sort_direction}
        if filter is not None:
            params |= {"filterField": filter_field or "email", "filter": filter}
        path = self._paths.org(org_id, "members")
        return await self._requests.read_as(
            path, "MemberList", self._member_list, params, named=_IN_ORG
        )

    async def find_member_in_org(self, org_id: str, email: str) -> Member | None:
        """The org's member with exactly this email (ignoring case), or None: one call.

        Losant filters on a glob (``*`` in an address widens it, and its case rules are
        not documented), so the list it returns is compared exactly here.
        """
        wanted = email.strip().casefold()
        if not wanted:
            return None  # no member has a blank email, and a blank filter matches everyone
        listing = await self.list_members(org_id, filter_field="email", filter=email.strip())
        exact = [m for m in listing.items if m.email is not None and m.email.casefold() == wanted]
        return exact[0] if len(exact) == 1 else None

    async def get_member(self, org_id: str, user_id: str) -> Member:
        return await self._requests.read(
            self._paths.member(org_id, user_id), Member, named=_IN_MEMBER
        )

    async def add_member(self, org_id: str, body: MemberPost) -> Member:
        path = self._paths.org(org_id, "members")
        return await self._requests.write("POST", path, Member, body.to_json(), named=_NEW_MEMBER)

    async def update_member(self, org_id: str, user_id: str, body: MemberPatch) -> Member:
        path = self._paths.member(org_id, user_id)
        return await self._requests.write("PATCH", path, Member, body.to_json(), named=_IN_MEMBER)

    async def remove_member(self, org_id: str, user_id: str) -> None:
        path = self._paths.member(org_id, user_id)
        await self._requests.write("DELETE", path, Success, named=_IN_MEMBER)

    # ---- orgs ------------------------------------------------------------------

    async def get_org(self, org_id: str) -> Org:
        return await self._requests.read(self._paths.org(org_id), Org, named=_IN_ORG)

    async def find_orgs_by_name(self, name: str) -> list[Org]:
        """Every org whose name equals ``name`` ignoring case (``query`` with ``$eq``+``$ci``)."""
        # A glob would treat "*" in a name as a wildcard; the advanced query matches exactly.
        query = json.dumps({"name": {"$eq": name, "$ci": True}}, separators=(",", ":"))
        return await self._all_org_pages({"sortField": "name", "query": query}, PAGES_AT_ONCE)

    async def orgs_with_member(self, user_id: str, *, fanout: int = PAGES_AT_ONCE) -> list[Org]:
        """Every org the Losant user ``user_id`` belongs to, by name (all pages, at most
        ``fanout`` at once: work across orgs keeps to ``MEMBERS_FANOUT``)."""
        query = json.dumps({"memberId": checked_id("userId", user_id)}, separators=(",", ":"))
        return await self._all_org_pages({"sortField": "name", "query": query}, fanout)

    async def all_orgs(
        self, *, filter: str | None = None, fanout: int = PAGES_AT_ONCE
    ) -> list[Org]:
        """Every org matching the glob ``filter`` (all pages, at most ``fanout`` at once),
        sorted by name."""
        params = {"sortField": "name", "sortDirection": "asc"}
        if filter is not None:
            params |= {"filterField": "name", "filter": filter}
        return await self._all_org_pages(params, fanout)

    async def _orgs_page(self, params: dict[str, str], page: int, per_page: int) -> OrgList:
        # Losant's own clients send paging numbers as strings; so do we.
        paging = {"page": str(page), "perPage": str(per_page)}
        # Losant fills an org's summary only with the counts it is asked for.
        summary = {"summaryInclude": "memberCount"}
        query = params | paging | summary
        return await self._requests.read(self._paths.orgs, OrgList, query, named=_IN_INSTANCE)

    async def _all_org_pages(self, params: dict[str, str], fanout: int) -> list[Org]:
        async def page(number: int) -> OrgList:
            return await self._orgs_page(params, number, PER_PAGE)

        return await all_pages(page, path=self._paths.orgs, fanout=fanout)

    async def _member_list(self, body: bytes) -> MemberList:
        return await decode_member_list(body, self._decode_turn)
