"""Turning what a person typed into Losant objects: an org from an ID or a name, a member
from an email, a Losant user ID or a Slack mention.

Org names are not unique in Losant, so a name resolves to one org or to an
``AmbiguousOrg`` that lists the candidates; it never guesses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.commands import MemberRef, OrgRef
from bot.errors import MemberNotFound, OrgNotFound
from bot.losant.client import LosantClient
from bot.losant.errors import LosantNotFound
from bot.losant.models import Member, Org
from bot.results import AmbiguousOrg

EmailResolver = Callable[[str], Awaitable[str]]
"""Slack user ID -> the email on their Slack profile (raises ``SlackLookupError``)."""


class Lookup:
    """Resolves org and member references against one Losant instance."""

    def __init__(self, losant: LosantClient, resolve_email: EmailResolver) -> None:
        self._losant = losant
        self._resolve_email = resolve_email

    async def org(self, ref: OrgRef) -> Org | AmbiguousOrg:
        """The one org ``ref`` names, or every org sharing that name."""
        if ref.is_id:
            try:
                return await self._losant.get_org(ref.value)
            except LosantNotFound as exc:
                raise OrgNotFound(
                    f"No org has the ID `{ref.value}` in this Losant instance.",
                    hint="Run `/members orgs` to see the orgs and their IDs.",
                ) from exc
        matches = await self._losant.find_orgs_by_name(ref.value)
        if not matches:
            raise OrgNotFound(
                f"No org is named “{ref.value}”.",
                hint="Run `/members orgs` to see the orgs, or `/members orgs filter=<glob>`.",
            )
        if len(matches) > 1:
            return AmbiguousOrg(name=ref.value, matches=matches)
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
            except LosantNotFound:
                return None
        wanted = ref.value.casefold()
        # Losant's filter is a glob; a literal '*' in an address would widen it, which is
        # harmless: the exact comparison below decides.
        listing = await self._losant.list_members(org.id, filter_field="email", filter=ref.value)
        exact = [m for m in listing.items if (m.email or "").casefold() == wanted]
        return exact[0] if len(exact) == 1 else None

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
