"""The Slack side of ``bot.usecases.notices``: renders each notice and posts it.

A request's card and the requester's direct messages are told from wherever the step
happened (a click in any process, or the sweep), so this one class decides how each looks
and where it goes: the card in the approval channel, updated in place by its channel and
``ts``; a DM to the requester's user ID.
"""

from __future__ import annotations

from typing import Any

from bot.edges.slack.notifier import SlackNotifier
from bot.edges.store import Grant, Request
from bot.usecases.results_grants import GrantMade, Reverted
from handlers.button_seals import Seal, seal_buttons
from handlers.views.direct import dm_decided, dm_ended, dm_ending_soon, dm_expired
from handlers.views.reply import clip
from handlers.views.requests import render_card, render_card_decided
from handlers.views.timing import at


class SlackNotices:
    """Tells people about requests and grants through ``notifier``; cards go to ``channel``."""

    def __init__(self, notifier: SlackNotifier, channel: str | None, seal: Seal) -> None:
        self._notifier = notifier
        self._channel = channel
        self._seal = seal

    # Every card and DM leaves with its buttons signed (``handlers.button_seals``).
    async def _post(self, channel: str, message: dict[str, Any]) -> tuple[str, str] | None:
        return await self._notifier.post(channel, seal_buttons(message, self._seal))

    async def _dm(self, user_id: str, message: dict[str, Any]) -> bool:
        return await self._notifier.dm(user_id, seal_buttons(message, self._seal))

    async def _update(self, channel: str, ts: str, message: dict[str, Any]) -> bool:
        return await self._notifier.update(channel, ts, seal_buttons(message, self._seal))

    async def request_card(self, request: Request) -> tuple[str, str] | None:
        if self._channel is None:
            return None
        return await self._post(self._channel, render_card(request).to_dict())

    async def request_decided(
        self, request: Request, made: GrantMade | None, grant_error: str | None
    ) -> None:
        note = None
        if made is not None:
            note = f"ends {at(made.grant.ends_at)}"
        elif grant_error is not None:
            note = f"nothing was granted: {clip(grant_error, 200)}"
        await self._update_card(request, render_card_decided(request, note).to_dict())
        await self._dm(request.requester, dm_decided(request, made, grant_error).to_dict())

    async def request_expired(self, request: Request) -> None:
        await self._update_card(request, render_card(request).to_dict())
        await self._dm(request.requester, dm_expired(request).to_dict())

    async def grant_ending_soon(self, grant: Grant, request: Request) -> None:
        await self._dm(request.requester, dm_ending_soon(grant, request).to_dict())

    async def grant_ended(self, reverted: Reverted, request: Request) -> None:
        await self._dm(request.requester, dm_ended(reverted).to_dict())

    async def _update_card(self, request: Request, message: dict[str, object]) -> None:
        if request.card_channel and request.card_ts:
            await self._update(request.card_channel, request.card_ts, dict(message))
