"""Clocks that move when the demo or a test says so, for ``Runtime(clock=…)``.

Seeing a two-hour grant end should not take two hours. ``ManualClock`` is the console's:
``wait 2h`` advances it. ``OffsetFileClock`` is for several real ``python -m bot``
processes that must agree on a moved time (a test kills one and starts another "after"
the grant's end): each reads the offset, in seconds, from one file that the test writes.
``python -m bot`` uses it only when ``MEMBERS_CLOCK_FILE`` is set, and warns that it does.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ManualClock:
    """Wall-clock time (unix seconds) from the moment it was made, moved only by ``advance``."""

    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward (never back: grants and leases assume it only grows)."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.now += seconds


class OffsetFileClock:
    """The system time plus the number of seconds written in ``path`` (0 while it is missing).

    A file that cannot be read or parsed keeps the last offset read, so a writer replacing it
    non-atomically never makes time jump back.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0.0

    def __call__(self) -> float:
        with contextlib.suppress(OSError, ValueError):
            self._offset = max(self._offset, float(self._path.read_text().strip() or 0))
        return time.time() + self._offset

    @staticmethod
    def write(path: Path, offset_s: float) -> None:
        """Set the offset every process reading ``path`` sees (atomically, by rename)."""
        scratch = path.with_name(path.name + ".tmp")
        scratch.write_text(f"{offset_s}\n")
        scratch.replace(path)
