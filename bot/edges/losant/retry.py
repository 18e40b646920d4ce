"""When to try a Losant read again, and how long to wait first.

Kept apart from the client and free of I/O so the schedule can be pinned down by
plain unit tests: exponential backoff with full jitter (a random wait between zero
and the exponential step, so many processes retrying at once spread out), the
server's ``Retry-After`` taken at its word, and one wall-time budget for a read,
retries included. When the next wait would not fit that budget there is no next
attempt: the caller gives up at once instead of sleeping only to fail later.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff schedule for idempotent calls.

    ``base_s`` is the first step, doubled on every attempt up to ``cap_s``;
    ``budget_s`` is the whole call's wall time; ``max_attempts`` counts the first
    try. ``rand`` returns a float in [0, 1) and is injectable so tests are exact.
    """

    base_s: float = 0.25
    cap_s: float = 4.0
    budget_s: float = 20.0
    max_attempts: int = 10
    rand: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.base_s <= 0 or self.cap_s < self.base_s:
            raise ValueError("need 0 < base_s <= cap_s")
        if self.budget_s <= 0 or self.max_attempts < 1:
            raise ValueError("need budget_s > 0 and max_attempts >= 1")

    def step_s(self, attempt: int) -> float:
        """The jitter ceiling after attempt number ``attempt`` (1-based) failed."""
        # min() before the power would still overflow for huge attempt numbers.
        exponent = min(attempt - 1, 62)
        return min(self.cap_s, self.base_s * 2.0**exponent)

    def next_delay(
        self, attempt: int, elapsed_s: float, retry_after_s: float | None = None
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up now.

        ``attempt`` is how many attempts were made (1 after the first failure),
        ``elapsed_s`` the time spent since the first one started, ``retry_after_s``
        what the server asked for, if anything.
        """
        if attempt >= self.max_attempts:
            return None
        if retry_after_s is not None:
            delay = max(0.0, retry_after_s)
        else:
            delay = self.rand() * self.step_s(attempt)
        # The next attempt needs time of its own after the wait, so an equal fit fails.
        if delay >= self.budget_s - elapsed_s:
            return None
        return delay


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP-date), or None.

    A date in the past means "now" (0). Anything unreadable is ignored (None), so a
    garbled header falls back to the ordinary backoff rather than failing the call.
    """
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
