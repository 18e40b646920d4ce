"""Posting the audit trail to a Slack channel without losing it to a burst.

Slack lets an app post about one message a second to a channel and answers more with
HTTP 429 and ``Retry-After``. Posting each audit event in the request's own path lost
most of a burst to that limit. Here lines are queued and one background task posts
them, in order: it waits out ``Retry-After`` while newer lines join the message that
is waiting (up to ``max_lines`` lines or about ``max_chars`` characters), so a burst
of a hundred changes takes a handful of posts. Server errors and dropped connections
are retried with backoff a bounded number of times; errors that retrying cannot fix
(the channel is gone, the token revoked) are not retried at all.

Nothing grows without bound: beyond ``capacity`` waiting lines the oldest is dropped.
Every dropped line is counted; the log says so with one ERROR per outage rather than
one per line (each event's own audit log line remains the record), and the next
message that does get through tells the channel how many are missing.

slack_sdk's ``AsyncRateLimitErrorRetryHandler`` is not used: it re-sends the very same
request after the wait, so the lines queued meanwhile could not join it. Its backoff
calculator is.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("bot.audit.channel")

Sleep = Callable[[float], Awaitable[None]]

CAPACITY = 1000
MAX_LINES = 20
MAX_CHARS = 3000
ATTEMPTS = 5
# For a 429 without a usable Retry-After: Slack's usual answer for this limit.
DEFAULT_RETRY_AFTER_S = 1.0

# ``ok: false`` answers that say Slack could not do it this time. Every other error
# (channel_not_found, not_in_channel, invalid_auth, ...) would come back on a retry.
_TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class AuditChannel:
    """Posts lines to one Slack channel from one background task: queued, combined, in order.

    ``post`` returns at once. ``flush`` waits (bounded) until nothing is waiting;
    ``aclose`` flushes within a grace period, then drops what is left and says so once.
    ``sleep`` is how the task waits out ``Retry-After`` and backoff: tests pass one
    that moves their own clock instead of waiting.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        *,
        capacity: int = CAPACITY,
        max_lines: int = MAX_LINES,
        max_chars: int = MAX_CHARS,
        attempts: int = ATTEMPTS,
        backoff: RetryIntervalCalculator | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if capacity < 1 or max_lines < 1 or attempts < 1:
            raise ValueError("capacity, max_lines and attempts must each be at least 1")
        self._client = client
        self._channel = channel
        self._capacity = capacity
        self._max_lines = max_lines
        self._max_chars = max_chars
        self._attempts = attempts
        self._backoff = backoff or BackoffRetryIntervalCalculator(backoff_factor=0.5)
        self._sleep = sleep
        self._queue: deque[str] = deque()
        # The lines of the message being posted, taken off the queue until it is sent.
        self._batch: list[str] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._dropped = 0
        # Dropped lines the channel has not been told about yet, and how many the
        # message being posted tells it about.
        self._untold = 0
        self._telling = 0
        # The failure episode under way: a WARNING at its first failure, an ERROR at
        # its first drop, and a line when a post succeeds again.
        self._failing = False
        self._error_logged = False
        self._episode_dropped = 0

    @property
    def dropped(self) -> int:
        """Lines given up on since start: never posted, and never to be."""
        return self._dropped

    @property
    def pending(self) -> int:
        """Lines waiting to be posted, the message being posted included."""
        return len(self._queue) + len(self._batch)

    def post(self, line: str) -> None:
        """Queue ``line`` for the channel and return at once; the background task posts it."""
        if self._closed:
            self._dropped += 1
            if not self._error_logged:
                self._error_logged = True
                log.error("the audit channel %s is closed: dropping audit messages", self._channel)
            return
        if len(self._queue) >= self._capacity:
            self._queue.popleft()
            self._drop(1, f"more than {self._capacity} waiting")
        self._queue.append(line)
        self._idle.clear()
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"audit channel {self._channel}"
            )

    async def flush(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` until nothing is waiting; False if something still is."""
        if self._idle.is_set():
            return True
        try:
            async with asyncio.timeout(max(0.0, timeout_s)):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    async def aclose(self, grace_s: float = 0.0) -> None:
        """Post what is waiting, for up to ``grace_s``; then drop the rest with one ERROR."""
        if self._closed:
            return
        await self.flush(grace_s)
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task})
            self._task = None
        unsent = self.pending
        self._queue.clear()
        self._batch.clear()
        self._idle.set()
        if unsent:
            self._dropped += unsent
            log.error(
                "shutting down with %d audit message(s) not posted to %s: dropped "
                "(each one's audit log line remains)",
                unsent,
                self._channel,
                extra={"dropped": unsent},
            )
        # Anything posted from now on is a request that outlived the shutdown.
        self._error_logged = False

    # -- the background task -------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            if not self._queue:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                await self._deliver()
            except Exception:  # a bug here must not end the audit channel for good
                log.exception("the audit channel poster failed")
                self._drop(len(self._batch), "an unexpected error")
                self._batch.clear()

    async def _deliver(self) -> None:
        """Post the oldest waiting lines as one message, however many waits that takes,
        or drop them once retrying cannot help."""
        failures = 0
        while True:
            self._fill()
            try:
                await self._client.chat_postMessage(
                    channel=self._channel,
                    text=self._text(),
                    unfurl_links=False,
                    unfurl_media=False,
                )
            except Exception as exc:  # sorted below: wait and resend, retry, or drop
                wait_s = _retry_after(exc)
                if wait_s is not None:
                    log.debug("rate limited by Slack; posting again in %.1f s", wait_s)
                    await self._sleep(wait_s)
                    continue
                failures += 1
                if _transient(exc) and failures < self._attempts:
                    self._warn(_why(exc))
                    await self._sleep(self._backoff.calculate_sleep_duration(failures - 1))
                    continue
                self._drop(len(self._batch), _why(exc))
                self._batch.clear()
                return
            self._posted()
            return

    def _fill(self) -> None:
        """Move waiting lines into the message, oldest first, while it has room."""
        chars = sum(len(line) + 1 for line in self._batch)
        while self._queue and len(self._batch) < self._max_lines:
            line = self._queue[0]
            if self._batch and chars + len(line) + 1 > self._max_chars:
                break
            self._batch.append(self._queue.popleft())
            chars += len(line) + 1

    def _text(self) -> str:
        self._telling = self._untold
        if not self._telling:
            return "\n".join(self._batch)
        were = "message was" if self._telling == 1 else "messages were"
        notice = f"_{self._telling} earlier audit {were} lost; the bot's log has every one._"
        return "\n".join([notice, *self._batch])

    def _posted(self) -> None:
        self._batch.clear()
        self._untold -= self._telling
        self._telling = 0
        if self._episode_dropped:
            log.warning(
                "posting to the audit channel %s again; %d audit message(s) were dropped meanwhile",
                self._channel,
                self._episode_dropped,
            )
        elif self._failing:
            log.info("posting to the audit channel %s again", self._channel)
        self._failing = self._error_logged = False
        self._episode_dropped = 0

    def _warn(self, why: str) -> None:
        if not self._failing:
            self._failing = True
            log.warning("could not post to the audit channel %s (%s); retrying", self._channel, why)

    def _drop(self, count: int, why: str) -> None:
        if count <= 0:
            return
        self._dropped += count
        self._untold += count
        self._episode_dropped += count
        self._failing = True
        if not self._error_logged:
            self._error_logged = True
            log.error(
                "dropped %d audit message(s) for the audit channel %s (%s); further drops "
                "are counted until a post succeeds (each one's audit log line remains)",
                count,
                self._channel,
                why,
                extra={"dropped": count},
            )


def _status(exc: SlackApiError) -> int | None:
    # slack_sdk's response, or aiohttp's when Slack's body was not JSON (a proxy's 502).
    response: Any = exc.response
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return status if isinstance(status, int) else None


def _error(exc: SlackApiError) -> str | None:
    data = getattr(exc.response, "data", None)
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, str) else None


def _retry_after(exc: Exception) -> float | None:
    """The seconds Slack asked to wait, when ``exc`` is its rate limit; None otherwise."""
    if not isinstance(exc, SlackApiError):
        return None
    if _status(exc) != 429 and _error(exc) != "ratelimited":
        return None
    headers: Any = getattr(exc.response, "headers", None) or {}
    value = next((str(v) for k, v in headers.items() if str(k).lower() == "retry-after"), "")
    try:
        seconds = float(value)
    except ValueError:
        return DEFAULT_RETRY_AFTER_S
    return seconds if math.isfinite(seconds) and seconds > 0 else DEFAULT_RETRY_AFTER_S


def _transient(exc: Exception) -> bool:
    if isinstance(exc, SlackApiError):
        return (_status(exc) or 0) >= 500 or _error(exc) in _TRANSIENT_ERRORS
    return isinstance(exc, aiohttp.ClientError | TimeoutError | OSError)


def _why(exc: Exception) -> str:
    """A short reason for the log, without the request (its URL or headers)."""
    if isinstance(exc, SlackApiError):
        return f"HTTP {_status(exc)}: {_error(exc) or 'no error code'}"
    return type(exc).__name__
