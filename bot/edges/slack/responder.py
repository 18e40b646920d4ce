"""Posting replies to a Slack ``response_url``, with bounded retries.

Bolt's own ``respond()`` sends once and returns whatever Slack said; a reply lost to
a passing 5xx or timeout would leave the person staring at nothing. This posts on one
shared aiohttp session, retries server errors (5xx and 429), timeouts and dropped
connections a bounded number of times, and logs (without the URL, which is a
credential for 30 minutes) when it finally gives up.

It posts what slack_sdk's ``AsyncWebhookClient`` would (the same JSON body, headers and
proxy from the environment) on slack_sdk's backoff schedule, but not through that
client: one per response_url meant building it, its two retry handlers, a retry
state and three wrappers of each request and answer for every reply, and formatting
two debug lines (body and headers) that the log then dropped, which together cost
nearly as much CPU as aiohttp's own work for the post.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.proxy_env_variable_loader import load_http_proxy_from_env
from slack_sdk.web.internal_utils import get_user_agent

log = logging.getLogger("bot.respond")

# 0.2 s before the first retry, doubled for each next one, each plus up to 1 s of jitter.
_BACKOFF = BackoffRetryIntervalCalculator(backoff_factor=0.2)
# What may have failed in passing: a dropped connection, a reset, a timeout.
_RETRIED_ERRORS = (aiohttp.ServerConnectionError, aiohttp.ClientOSError, TimeoutError)


def _retried(status: int) -> bool:
    """Any 5xx, and 429 (slack_sdk's built-in handler only retries 500 and 503)."""
    return status >= 500 or status == 429


class Responder:
    """Sends message payloads to response URLs over one pooled aiohttp session."""

    def __init__(self, *, timeout_s: float = 5.0, retries: int = 2) -> None:
        self._timeout_s = timeout_s
        self._retries = retries
        self._session: aiohttp.ClientSession | None = None
        self._headers = {
            "Content-Type": "application/json;charset=utf-8",
            "User-Agent": get_user_agent(),
        }
        self._proxy = load_http_proxy_from_env(log)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout_s)
            )
        return self._session

    async def send(self, url: str, payload: dict[str, Any]) -> bool:
        """Post ``payload`` to ``url``; True when Slack accepted it. Never raises."""
        body = json.dumps({key: value for key, value in payload.items() if value is not None})
        try:
            status, answer = await self._post(url, body)
        except Exception as exc:  # logged and swallowed: the caller has nothing better to do
            log.error("could not deliver a reply to Slack: %s", type(exc).__name__)
            return False
        if status != 200:
            log.error("Slack refused a reply", extra={"status": status, "body": answer[:200]})
            return False
        return True

    async def _post(self, url: str, body: str) -> tuple[int, str]:
        """The last attempt's status and body; its error if it got no answer at all."""
        attempt = 0
        while True:
            try:
                async with self._client().post(
                    url, data=body, headers=self._headers, proxy=self._proxy
                ) as response:
                    status, answer = response.status, await response.text()
            except _RETRIED_ERRORS:
                if attempt >= self._retries:
                    raise
            else:
                if attempt >= self._retries or not _retried(status):
                    return status, answer
            await asyncio.sleep(_BACKOFF.calculate_sleep_duration(attempt))
            attempt += 1

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
