"""Work counted, not timed: how many function calls an action makes.

"Hostile text is parsed in linear time" used to be asserted with a stopwatch, and a
busy machine made it fail. The number of calls made (Python functions and builtins,
seen through ``sys.setprofile``) is the same on any machine, however loaded: a linear
scan of 3,000 characters makes a few per character, a quadratic one millions. How
long a parse takes is a figure of ``make bench`` (benchmarks/parse.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

# What a single forward pass may cost per character of text. The parser makes at
# most about 10 calls a character on the worst shapes; a quadratic scan of 3,000
# characters makes about 1,500.
CALLS_PER_CHARACTER = 25


def calls_made(action: Callable[[], object]) -> int:
    """How many Python and builtin function calls ``action()`` makes (its own included)."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(previous)
    return count
