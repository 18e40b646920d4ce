"""Posting and updating the bot's own messages: request cards, their updates, and DMs.

These are not replies to a request (no response_url): a card lives in the approval channel
and changes as the request is decided, possibly by another process, so it is addressed by
its channel and ``ts``; a direct message goes to a user ID, which Slack delivers to the
app's conversation with that person (``chat:write`` is enough; no ``conversations.open``).
Nothing here raises: a message Slack refuses is logged with Slack's error code and the
caller carries on, because the decision it reports is already safe in the database.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("bot.notify")

# Slack answers a burst with 429 and Retry-After; a notice may wait that long, a few times.
ATTEMPTS = 3
MAX_RETRY_AFTER_S = 10.0


class SlackNotifier:
    """``chat.postMessage`` and ``chat.update`` through the app's Web API client."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def post(self, channel: str, message: dict[str, Any]) -> tuple[str, str] | None:
        """Post ``message`` (text and blocks) in ``channel``; its (channel ID, ts), or None."""
        answer = await self._call("chat_postMessage", channel=channel, **_content(message))
        if answer is None:
            return None
        return str(answer.get("channel") or channel), str(answer.get("ts") or "")

    async def dm(self, user_id: str, message: dict[str, Any]) -> bool:
        """Send ``message`` to ``user_id`` in the app's direct conversation with them."""
        return await self.post(user_id, message) is not None

    async def update(self, channel: str, ts: str, message: dict[str, Any]) -> bool:
        """Show ``message`` in place of the bot's message ``ts`` in ``channel``."""
        answer = await self._call("chat_update", channel=channel, ts=ts, **_content(message))
        return answer is not None

    async def _call(self, method: str, **args: Any) -> dict[str, Any] | None:
        name = method.replace("_", ".")
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = await getattr(self._client, method)(**args)
            except SlackApiError as exc:
                error = exc.response.get("error", "unknown_error") if exc.response else "?"
                wait_s = _retry_after(exc)
                if error == "ratelimited" and wait_s is not None and attempt < ATTEMPTS:
                    await asyncio.sleep(wait_s)
                    continue
                log.error("Slack refused %s: %s", name, error, extra={"slack_error": error})
                return None
            except (SlackClientError, aiohttp.ClientError, OSError, TimeoutError) as exc:
                if attempt < ATTEMPTS:
                    await asyncio.sleep(0.5 * attempt)
                    continue
                log.error("could not reach Slack for %s: %s", name, type(exc).__name__)
                return None
            data: dict[str, Any] = dict(response.data) if isinstance(response.data, dict) else {}
            return data
        return None


def _content(message: dict[str, Any]) -> dict[str, Any]:
    return {key: message[key] for key in ("text", "blocks") if key in message}


def _retry_after(exc: SlackApiError) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return min(float(raw), MAX_RETRY_AFTER_S) if raw is not None else None
    except ValueError:
        return None
