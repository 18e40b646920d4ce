"""Injected failures for the fakes: what the next few requests should suffer.

Reliability tests need Slack to fail on cue (an ``ok: false``, a 5xx, a slow answer)
for a bounded number of requests and then recover, the way real outages look. A slow
answer waits on the fake's stop event rather than only the clock, so stopping the fake
never hangs on a handler that is still "being slow".
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict, deque
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
