"""The async Losant API client: the only place the bot talks to Losant.

STUB: signatures are the contract; the bodies are being written.
"""

from __future__ import annotations

import httpx

from bot.losant.models import (
    Member,
    MemberField,
    MemberList,
    MemberPatch,
    MemberPost,
    Org,
    OrgList,
    OrgSortField,
    SortDirection,
)

ACCEPT_VERSION = "^1.30.0"


class LosantClient:
    """Typed calls to the instance-org-member endpoints of one Losant instance.

    Takes its ``httpx.AsyncClient`` from outside (one per process; tests may pass one
    with any transport). Raises only ``bot.losant.errors.LosantError`` subclasses.
    Reads are retried within ``retry_budget_s``; writes are never re-sent.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        instance_id: str,
        retry_budget_s: float = 20.0,
        max_attempts: int = 10,
    ) -> None:
        raise NotImplementedError

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
    ) -> LosantClient:
        """Build the client and its own ``httpx.AsyncClient`` (headers, timeouts, pool)."""
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError

    async def list_members(
        self,
        org_id: str,
        *,
        sort_field: MemberField = "email",
        sort_direction: SortDirection = "asc",
        filter_field: MemberField | None = None,
        filter: str | None = None,
    ) -> MemberList:
        raise NotImplementedError

    async def get_member(self, org_id: str, user_id: str) -> Member:
        raise NotImplementedError

    async def add_member(self, org_id: str, body: MemberPost) -> Member:
        raise NotImplementedError

    async def update_member(self, org_id: str, user_id: str, body: MemberPatch) -> Member:
        raise NotImplementedError

    async def remove_member(self, org_id: str, user_id: str) -> None:
        raise NotImplementedError

    async def get_org(self, org_id: str) -> Org:
        raise NotImplementedError

    async def list_orgs(
        self,
        *,
        filter: str | None = None,
        sort_field: OrgSortField = "name",
        sort_direction: SortDirection = "asc",
        page: int = 0,
        per_page: int = 100,
    ) -> OrgList:
        raise NotImplementedError

    async def find_orgs_by_name(self, name: str) -> list[Org]:
        """Every org whose name equals ``name`` ignoring case (``query`` with ``$eq``+``$ci``)."""
        raise NotImplementedError

    async def all_orgs(self, *, filter: str | None = None) -> list[Org]:
        """Every org matching the glob ``filter`` (all pages), sorted by name."""
        raise NotImplementedError
