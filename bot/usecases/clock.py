"""The bot's one notion of "now": a function returning unix seconds, passed in everywhere.

Grants end, requests expire and confirmations lapse by this clock, so tests and the demo can
move time instead of waiting for it. Use cases receive a ``Clock`` and never read the system
time themselves; the store wants aware UTC datetimes, which ``utc`` makes from a reading.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], float]
"""Unix seconds now; ``time.time`` in production."""

system_clock: Clock = time.time


def utc(seconds: float) -> datetime:
    """The aware UTC datetime of a clock reading."""
    return datetime.fromtimestamp(seconds, tz=UTC)


def utc_now(clock: Clock) -> datetime:
    """``clock``'s now, as the aware UTC datetime the store takes."""
    return utc(clock())


def unix(moment: datetime) -> float:
    """Unix seconds of an aware datetime (the inverse of ``utc``)."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: times are aware UTC")
    return moment.timestamp()
