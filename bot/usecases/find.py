"""Finding a person in every org of the instance, with the fewest Losant calls.

Losant can list the orgs a *user ID* belongs to in one (paged) call, but people are
named by email. So: an email is turned into a user ID by asking orgs' member lists
filtered on that email, ``MEMBERS_FANOUT`` at a time, stopping at the first org that
has them; then the org list with ``memberId`` gives every org at once, and one read per
org gives the role there. Someone in no org costs one filtered read per org: a full scan,
and only then "in no org".
"""

from __future__ import annotations

from bot.edges.losant.client import LosantClient
from bot.edges.losant.errors import LosantMemberNotFound
from bot.edges.losant.models import Member, Org
from bot.usecases import fanout
from bot.usecases.commands import MemberRef
from bot.usecases.lookup import Lookup
from bot.usecases.progress import Progress
from bot.usecases.results_runs import Found, Membership


class Finder:
    def __init__(self, losant: LosantClient, lookup: Lookup, *, fanout_limit: int) -> None:
        self._losant = losant
        self._lookup = lookup
        self._limit = fanout_limit

    async def find(self, ref: MemberRef, progress: Progress) -> Found:
        """Every org the person ``ref`` names is in, with their role there."""
        ref = await self._lookup.target(ref)  # a Slack user becomes their profile email
        if ref.kind == "user_id":
            return await self._memberships(ref.value, ref.value, known=None, scanned=None)
        orgs = await self._losant.all_orgs(fanout=self._limit)

        async def has_them(org: Org) -> Member | None:
            return await self._losant.find_member_in_org(org.id, ref.value)

        hit = await fanout.first(
            orgs, has_them, limit=self._limit, progress=progress, what="orgs searched"
        )
        if hit is None:
            return Found(person=ref.value, user_id=None, memberships=(), scanned=len(orgs))
        org, member = hit
        return await self._memberships(
            ref.value, member.user_id, known=Membership(org, member), scanned=len(orgs)
        )

    async def _memberships(
        self, person: str, user_id: str, *, known: Membership | None, scanned: int | None
    ) -> Found:
        orgs = await self._losant.orgs_with_member(user_id, fanout=self._limit)

        async def role_in(org: Org) -> Membership | None:
            if known is not None and org.id == known.org.id:
                return known
            try:
                return Membership(org, await self._losant.get_member(org.id, user_id))
            except LosantMemberNotFound:
                return None  # they left it since the org list was read

        found = await fanout.each(orgs, role_in, limit=self._limit)
        memberships = tuple(
            sorted((m for m in found if m is not None), key=lambda m: m.org.name.casefold())
        )
        return Found(person=person, user_id=user_id, memberships=memberships, scanned=scanned)
