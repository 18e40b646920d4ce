"""Showing things to a person outside a response_url: a modal, their Home tab, a direct message.

Forms are opened with ``views.open`` (on the trigger ID of the click or command, within
its 3 seconds), the Home tab is published with ``views.publish``, and a form opened from
a shortcut or the Home tab has no response_url, so its answer is a direct message
(``chat.postMessage`` to the person's user ID, which Slack delivers to their DM with
the app; ``chat:write`` is enough). Like ``Responder``, these never raise: Slack's
refusal is logged (without tokens or URLs) and reported as False, so the caller can
say so to the person where it still can.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("bot.surfaces")

# What a chat.postMessage takes of a reply; ``response_type`` and the like are a
# response_url's words.
_MESSAGE_KEYS = ("text", "blocks")


class Surfaces:
    """``views.open``, ``views.publish`` and direct messages through the app's Web API client."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def open_modal(self, trigger_id: str, view: dict[str, Any]) -> str | None:
        """Open ``view`` on ``trigger_id``; None when it opened, else Slack's error code."""
        return await self._call("views_open", trigger_id=trigger_id, view=view)

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> bool:
        """Make ``view`` the Home tab ``user_id`` sees."""
        return await self._call("views_publish", user_id=user_id, view=view) is None

    async def direct_message(self, user_id: str, message: dict[str, Any]) -> bool:
        """Post ``message`` (a reply's text and blocks) to ``user_id``'s DM with the app."""
        content = {key: message[key] for key in _MESSAGE_KEYS if key in message}
        return await self._call("chat_postMessage", channel=user_id, **content) is None

    async def _call(self, method: str, **kwargs: Any) -> str | None:
        name = method.replace("_", ".")
        try:
            await getattr(self._client, method)(**kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error")) if exc.response else "no answer"
            log.error("Slack refused %s: %s", name, error)
            return error
        except (SlackClientError, aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.error("could not reach Slack for %s: %s", name, type(exc).__name__)
            return "unreachable"
        return None
