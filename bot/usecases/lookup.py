"""Turning what a person typed into Losant objects: an org from an ID or a name, a member
from an email, a Losant user ID or a Slack mention.

Org names are not unique in Losant, so a name resolves to one org or to an
``AmbiguousOrg`` that lists the candidates; it never guesses. An ID names one org,
so an org looked up by ID is an ``Org`` and nothing else.

An org fetched by ID is remembered for ``ORG_CACHE_S``: a member list needs the org
only for its name, and paging through a list asks for the same org on every click,
so this halves the calls Losant sees. Only ID -> org is cached, never name -> IDs:
a new org sharing a name must make that name ambiguous at once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from bot.edges.losant.client import LosantClient
from bot.edges.losant.errors import LosantMemberNotFound, LosantOrgNotFound
from bot.edges.losant.models import Member, Org
from bot.usecases.commands import MemberRef, OrgRef
from bot.usecases.errors import MemberNotFound, OrgNotFound
from bot.usecases.results import AmbiguousOrg

EmailResolver = Callable[[str], Awaitable[str]]
"""Slack user ID -> the email on their Slack profile (raises ``SlackLookupError``)."""

ORG_CACHE_S = 60.0
_ORG_CACHE_SIZE = 512


class OrgCache:
    """Orgs by ID for ``ttl_s`` seconds, at most ``size`` of them (oldest dropped first)."""

    def __init__(
        self, ttl_s: float = ORG_CACHE_S, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._orgs: OrderedDict[str, tuple[float, Org]] = OrderedDict()

    def get(self, org_id: str) -> Org | None:
        entry = self._orgs.get(org_id.lower())
        if entry is None or self._clock() >= entry[0]:
            return None
        return entry[1]

    def put(self, org: Org) -> None:
        if self._ttl_s <= 0:
            return
        key = org.id.lower()
        self._orgs.pop(key, None)
        self._orgs[key] = (self._clock() + self._ttl_s, org)
        while len(self._orgs) > _ORG_CACHE_SIZE:
            self._orgs.popitem(last=False)


class Lookup:
    """Resolves org and member references against one Losant instance."""

    def __init__(
        self,
        losant: LosantClient,
        resolve_email: EmailResolver,
        *,
        orgs: OrgCache | None = None,
    ) -> None:
        self._losant = losant
        self._resolve_email = resolve_email
        self._orgs = orgs if orgs is not None else OrgCache()

    async def org(self, ref: OrgRef) -> Org | AmbiguousOrg:
        """The one org ``ref`` names, or every org sharing the name it gives."""
        if ref.is_id:
            return await self.org_by_id(ref.value)
        return await self.org_by_name(ref.value)

    def cached_org(self, org_id: str) -> Org | None:
        """The org with ID ``org_id`` if the cache has it fresh, without any call."""
        return self._orgs.get(org_id)

    async def org_by_id(self, org_id: str) -> Org:
        """The org with ID ``org_id``, from the cache while it is fresh."""
        cached = self._orgs.get(org_id)
        if cached is not None:
            return cached
        try:
            org = await self._losant.get_org(org_id)
        except LosantOrgNotFound as exc:
            raise OrgNotFound(
                f"No org has the ID `{org_id}` in this Losant instance.",
                hint="Run `/members orgs` to see the orgs and their IDs.",
            ) from exc
        self._orgs.put(org)
        return org

    async def org_by_name(self, name: str) -> Org | AmbiguousOrg:
        """The one org named ``name`` (ignoring case), or every org sharing that name."""
        matches = await self._losant.find_orgs_by_name(name)
        for match in matches:
            self._orgs.put(match)
        if not matches:
            raise OrgNotFound(
                f"No org is named “{name}”.",
                hint="Run `/members orgs` to see the orgs, or `/members orgs filter=<glob>`.",
            )
        if len(matches) > 1:
            return AmbiguousOrg(name=name, matches=matches)
        return matches[0]

    async def target(self, ref: MemberRef) -> MemberRef:
        """A reference with any Slack mention replaced by that person's profile email."""
        if ref.kind == "slack_user":
            return MemberRef("email", await self._resolve_email(ref.value))
        return ref

    async def find_member(self, org: Org, ref: MemberRef) -> Member | None:
        """The member ``ref`` names in ``org``, or None when there is none."""
        ref = await self.target(ref)
        if ref.kind == "user_id":
            try:
                return await self._losant.get_member(org.id, ref.value)
            except LosantMemberNotFound:
                return None
        return await self._losant.find_member_in_org(org.id, ref.value)

    async def member(self, org: Org, ref: MemberRef) -> Member:
        """Like ``find_member``, but a missing member is an error the person can act on."""
        ref = await self.target(ref)
        found = await self.find_member(org, ref)
        if found is None:
            raise MemberNotFound(
                f"{ref.value} is not a member of {org.name}.",
                hint=f"Run `/members list org={org.id}` to see who is.",
            )
        return found
