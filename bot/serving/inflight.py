"""In-flight work, so that a shutdown (Heroku's SIGTERM) can let replies finish.

Bolt runs each listener as a detached asyncio task once it has acked; nothing else
keeps track of it. Handlers enter ``track()`` for the life of a request, and
``drain(grace_s)`` waits for all of them before the process exits.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class InFlight:
    """Counts requests being served and lets a shutdown wait for them."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    def track(self) -> InFlight:
        """``async with inflight.track():`` around a request's whole life.

        The tracker is its own context manager (it keeps no state per request): every
        request enters one, and ``@asynccontextmanager`` cost more than twice as much.
        """
        return self

    async def __aenter__(self) -> None:
        self._count += 1
        self._idle.clear()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._count -= 1
        if self._count == 0:
            self._idle.set()

    async def drain(self, grace_s: float) -> bool:
        """Wait until nothing is in flight, at most ``grace_s``; True if everything finished."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=grace_s)
        except TimeoutError:
            return False
        return True
