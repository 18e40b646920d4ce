"""Parsing the worst text a person can send, in this process (the parser is pure).

Parsing happens before the ack, inside Slack's three seconds, on text anyone in the
workspace can type, so a quadratic scan would be a way to stall the bot. The test
suite counts the parser's work (tests/test_parser.py, a bounded number of calls per
character); this is the time that work takes: the slowest of the hostile shapes at
the 3,000-character limit, median of repeated parses.
"""

from __future__ import annotations

import contextlib
import statistics
import time

from benchmarks.report import Row
from benchmarks.stats import Runs
from bot.usecases.commands import UsageError
from handlers.parser import MAX_TEXT_LENGTH, parse

RUNS = 7
PER_RUN = 20
TARGET_MS = 20.0
# The shapes that would cost most if any scan were not a single forward pass.
HOSTILE = {
    "open brackets": "<" * MAX_TEXT_LENGTH,
    "brackets then close": "list org=a filter=" + "<a" * 1490 + ">",
    "quotes never closed": "list " + '"a ' * 995,
    "quotes never followed by space": 'list org=a filter="' + 'a"' * 1490,
    "many words": "show org=a " + "bob " * 747,
    "many keys": "list " + "org=a " * 499,
    "many entities": "&amp;" * 600,
}


def _parse_ms(text: str) -> float:
    started = time.perf_counter()
    with contextlib.suppress(UsageError):
        parse(text)
    return (time.perf_counter() - started) * 1000


async def measure() -> Row:
    per_shape = {
        name: Runs.of(
            [statistics.median(_parse_ms(text) for _ in range(PER_RUN)) for _ in range(RUNS)]
        )
        for name, text in HOSTILE.items()
    }
    worst, runs = max(per_shape.items(), key=lambda item: item[1].median)
    return Row(
        figure=f"parsing the worst {MAX_TEXT_LENGTH:,}-character command",
        measured=f"{runs.median:.2f} ms",
        reference="-",
        target=f"≤ {TARGET_MS:g} ms",
        met=runs.median <= TARGET_MS,
        spread=f"{RUNS} runs x {PER_RUN}; {runs.span('{:.2f}')} ms",
        notes=(f"slowest shape: {worst}, of {len(HOSTILE)}",),
        numbers={"parse_ms": runs.median}
        | {f"{name} ms": shape.median for name, shape in per_shape.items()},
    )
