"""Injected failures for the fakes: what the next few requests should suffer.

Reliability tests need Slack to fail on cue (an ``ok: false``, a 5xx, a slow answer)
for a bounded number of requests and then recover, the way real outages look. A slow
answer waits on the fake's stop event rather than only the clock, so stopping the fake
never hangs on a handler that is still "being slow".

They also need Slack's rate limits, which are not a fault but a steady condition:
``RateLimit`` is a token bucket on a clock the test may own, so a test decides when
time passes instead of depending on how fast the machine is.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """One request's failure: wait ``delay_s``, then answer ``status`` with ``error``.

    ``error=None`` means "only slow": after the delay the request is served normally.
    """

    error: str | None
    status: int
    delay_s: float

    async def delay(self, stopping: asyncio.Event) -> None:
        """Wait ``delay_s`` seconds, or less if the fake is stopping."""
        if self.delay_s > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), self.delay_s)


class FaultPlan:
    """Faults queued per target (a Web API method, or all response_url posts)."""

    def __init__(self) -> None:
        self._queued: defaultdict[str, deque[Fault]] = defaultdict(deque)

    def add(self, target: str, fault: Fault, *, times: int) -> None:
        """Make the next ``times`` requests to ``target`` suffer ``fault``."""
        if times < 1:
            raise ValueError(f"times must be at least 1, not {times}")
        self._queued[target].extend([fault] * times)

    def take(self, target: str) -> Fault | None:
        """The fault for this request to ``target``, if one is queued."""
        queued = self._queued.get(target)
        return queued.popleft() if queued else None


class RateLimit:
    """A token bucket per key: ``per_s`` calls a second, ``burst`` of them at once.

    Slack limits ``chat.postMessage`` to about one message a second per channel and
    tells a caller over the limit how long to wait in ``Retry-After``, in whole seconds.
    """

    def __init__(
        self, per_s: float, *, burst: int = 1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if per_s <= 0 or burst < 1:
            raise ValueError(f"need per_s > 0 and burst >= 1, not {per_s} and {burst}")
        self._per_s = per_s
        self._burst = float(burst)
        self._clock = clock
        self._tokens: dict[str, float] = {}
        self._last: dict[str, float] = {}

    def retry_after(self, key: str) -> int | None:
        """None when a call for ``key`` may go ahead (it spends a token); else the whole
        seconds to wait before one will."""
        now = self._clock()
        elapsed = max(0.0, now - self._last.get(key, now))
        tokens = min(self._burst, self._tokens.get(key, self._burst) + elapsed * self._per_s)
        self._last[key] = now
        # Float sums of clock steps land a hair under a whole token.
        if tokens >= 1.0 - 1e-9:
            self._tokens[key] = tokens - 1.0
            return None
        self._tokens[key] = tokens
        return max(1, math.ceil((1.0 - tokens) / self._per_s))
