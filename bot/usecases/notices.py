"""What the bot tells people outside the reply to their own command: the port, not the posts.

A request's card in the approval channel, updated in place as it is decided or expires, and
the requester's direct messages (decided, ending soon, ended) come from clicks in other
processes or from the sweep, long after the request. The use cases say *what* to tell
through this protocol; the Slack side (``handlers.notices``) renders and posts it. Telling
never raises: a message Slack refuses is logged there, and the state in the database stands.
"""

from __future__ import annotations

from typing import Protocol

from bot.edges.store import Grant, Request
from bot.usecases.results_grants import GrantMade, Reverted


class Notices(Protocol):
    async def request_card(self, request: Request) -> tuple[str, str] | None:
        """Post the card with Approve / Deny; its (channel, ts), or None if it failed."""

    async def request_decided(
        self, request: Request, made: GrantMade | None, grant_error: str | None
    ) -> None:
        """The card says the decision; the requester hears it (and what was granted)."""

    async def request_expired(self, request: Request) -> None:
        """The card says nobody decided in time; the requester hears it."""

    async def grant_ending_soon(self, grant: Grant, request: Request) -> None:
        """The requester hears their access ends soon, with a button to ask again."""

    async def grant_ended(self, reverted: Reverted, request: Request) -> None:
        """The requester hears their access ended (or what stopped it ending)."""


class Silent:
    """Notices that go nowhere: for tools that run use cases without Slack (benchmarks)."""

    async def request_card(self, request: Request) -> tuple[str, str] | None:
        return None

    async def request_decided(
        self, request: Request, made: GrantMade | None, grant_error: str | None
    ) -> None:
        return None

    async def request_expired(self, request: Request) -> None:
        return None

    async def grant_ending_soon(self, grant: Grant, request: Request) -> None:
        return None

    async def grant_ended(self, reverted: Reverted, request: Request) -> None:
        return None
