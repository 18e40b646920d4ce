"""Posting replies to a Slack ``response_url``, with bounded retries.

Bolt's own ``respond()`` sends once and returns whatever Slack said; a reply lost to
a passing 5xx or timeout would leave the person staring at nothing. This sends
through slack_sdk's ``AsyncWebhookClient`` on one shared aiohttp session, retries
server errors, timeouts and dropped connections a bounded number of times, and logs
(without the URL, which is a credential for 30 minutes) when it finally gives up.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger("bot.respond")

_BACKOFF = BackoffRetryIntervalCalculator(backoff_factor=0.2)


class _ServerErrorRetry(AsyncRetryHandler):
    """Retry any 5xx and 429 (slack_sdk's built-in one only retries 500 and 503)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and (response.status_code >= 500 or response.status_code == 429)


class Responder:
    """Sends message payloads to response URLs over one pooled aiohttp session."""

    def __init__(self, *, timeout_s: float = 5.0, retries: int = 2) -> None:
        self._timeout_s = timeout_s
        self._retries = retries
        self._session: aiohttp.ClientSession | None = None

    def _client(self, url: str) -> AsyncWebhookClient:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout_s)
            )
        return AsyncWebhookClient(
            url,
            session=self._session,
            timeout=int(self._timeout_s) or 1,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(
                    max_retry_count=self._retries,
                    interval_calculator=_BACKOFF,
                    error_types=[
                        aiohttp.ServerConnectionError,
                        aiohttp.ClientOSError,
                        asyncio.TimeoutError,
                    ],
                ),
                _ServerErrorRetry(max_retry_count=self._retries, interval_calculator=_BACKOFF),
            ],
        )

    async def send(self, url: str, payload: dict[str, Any]) -> bool:
        """Post ``payload`` to ``url``; True when Slack accepted it. Never raises."""
        try:
            response = await self._client(url).send_dict(payload)
        except Exception as exc:  # logged and swallowed: the caller has nothing better to do
            log.error("could not deliver a reply to Slack: %s", type(exc).__name__)
            return False
        if response.status_code != 200:
            log.error(
                "Slack refused a reply",
                extra={"status": response.status_code, "body": (response.body or "")[:200]},
            )
            return False
        return True

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
