"""A list that end-to-end tests can wait on, so no test ever sleeps for the app.

The app answers Slack asynchronously (ack first, then ``respond()`` from a background
task), so a test cannot assert on what the fake received right after sending a command.
It waits instead: on a condition that every arrival notifies, with a bounded timeout
whose failure message lists what did arrive, which is usually the whole diagnosis.
"""

# A timeout parameter with a default is the point of these waits: every wait is bounded.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Arrivals(Generic[T]):
    """Items in arrival order, plus a way to wait until enough of them are there."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.items: list[T] = []
        self._changed = asyncio.Condition()

    async def add(self, item: T) -> None:
        """Record one arrival and wake every waiter."""
        async with self._changed:
            self.items.append(item)
            self._changed.notify_all()

    async def wait_for(
        self,
        count: int,
        *,
        timeout: float,
        matching: Callable[[T], bool] = lambda _: True,
        described: str = "",
    ) -> list[T]:
        """The first ``count`` matching items, once they are there.

        Raises AssertionError after ``timeout`` seconds, listing everything that arrived.
        """

        found: list[T] = []
        seen = 0

        def enough() -> bool:
            # Each wake-up looks only at what arrived since the last one, so many
            # pending waits stay linear in the arrivals, not quadratic. ``items`` only
            # grows, unless a test clears it to free memory: then look again from the start.
            nonlocal seen
            if seen > len(self.items):
                found.clear()
                seen = 0
            found.extend(item for item in self.items[seen:] if matching(item))
            seen = len(self.items)
            return len(found) >= count

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(enough)
        except TimeoutError:
            enough()  # count what arrived after the last wake-up too
            arrived = "\n".join(f"  {item!r}" for item in self.items) or "  (nothing)"
            raise AssertionError(
                f"expected {count} {self.what}{described} within {timeout}s, "
                f"got {len(found)}; everything that arrived:\n{arrived}"
            ) from None
        return found[:count]
