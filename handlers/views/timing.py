"""How the lifecycle views write a moment and a span of time.

A grant's end is shown in each reader's own time zone (Slack's ``<!date>``), with UTC as
the fallback text that notifications, the console and logs show; a span is written the
way people read it ("1 h 30 min"), rounded down so "ends in 1 h" never means 50 minutes.
"""

from __future__ import annotations

from datetime import datetime

from bot.usecases.durations import describe_remaining, format_duration


def at(moment: datetime) -> str:
    """``moment`` for Slack: the reader's local time, falling back to ``14:30 UTC, Jun 1``."""
    fallback = moment.strftime("%H:%M UTC, %b %-d")
    return f"<!date^{int(moment.timestamp())}^{{time}}, {{date_short}}|{fallback}>"


def ends(moment: datetime, now: datetime) -> str:
    """``ends in 1 h 30 min`` or ``overdue by 5 min``."""
    left = int((moment - now).total_seconds())
    if left > 0:
        return f"ends in {describe_remaining(left)}"
    return f"overdue by {describe_remaining(left)}" if left < 0 else "ends now"


def length(seconds: int | None) -> str:
    """``2h`` (the notation commands take), or ``?`` when unknown."""
    return format_duration(seconds) if seconds and seconds > 0 else "?"
