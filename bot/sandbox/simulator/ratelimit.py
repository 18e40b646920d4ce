"""An instance-wide rate limit for the simulator, so cross-org work meets 429s as it would live.

Losant documents no limit for the org and member endpoints, yet a scan of a thousand
orgs is exactly what a "fair use" limit stops. With a limit set, the simulator
answers calls beyond it with 429 and a ``Retry-After`` header, so the client's
backoff and the bot's fan-out can be watched doing their job. The budget is a token
bucket: ``per_s`` calls a second on average, and at most one second's worth in a
burst. ``Retry-After`` is whole seconds, as HTTP defines it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from aiohttp import web

from bot.sandbox.simulator.faults import default_error_body


class RateLimit:
    """Allows ``per_s`` calls a second; ``take`` says how long a refused call should wait."""

    def __init__(self, per_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_s <= 0:
            raise ValueError("per_s must be positive")
        self.per_s = per_s
        self._clock = clock
        self._capacity = max(1.0, per_s)
        self._tokens = self._capacity
        self._at = clock()

    def take(self) -> float | None:
        """None if a call may go ahead now (and count it), else the seconds until one may."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._at) * self.per_s)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return (1.0 - self._tokens) / self.per_s

    @staticmethod
    def refusal(wait_s: float) -> web.Response:
        """The 429 for a call refused ``wait_s`` before it could go ahead."""
        # Retry-After counts whole seconds (RFC 9110), so round up, to at least one.
        wait = str(max(1, math.ceil(wait_s)))
        return web.json_response(default_error_body(429), status=429, headers={"Retry-After": wait})
