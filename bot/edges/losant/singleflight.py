"""One Losant call for identical reads in flight at the same moment.

When the same list is asked for twice at once (two people opening one org, a page
button clicked twice, a command and its retry from Slack), both need the same GET.
While one such read is in flight, an identical one (same path and parameters) waits
for its answer instead of making a call of its own: for a 10,000-member org that is
a second 2 MB download and decode saved. Only while in flight: nothing is kept once
the answer is out, so nobody is ever given an old answer.

The shared read runs as a task of its own, so one waiter being cancelled does not
cancel it for the others; it is cancelled only when nobody waits for it any more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

T = TypeVar("T")


@dataclass
class _Flight:
    task: asyncio.Task[Any]
    waiters: int = 0
    abandoned: bool = False


class SingleFlight:
    """Runs ``call`` once for every caller that asks with the same ``key`` meanwhile."""

    def __init__(self) -> None:
        self._flights: dict[Hashable, _Flight] = {}

    def in_flight(self) -> int:
        """How many distinct calls are running now."""
        return len(self._flights)

    async def run(self, key: Hashable, call: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """``call()``'s result, shared with every other caller of ``key`` while it runs."""
        flight = self._flights.get(key)
        # A flight that has landed (its callback still to run) or was given up is over.
        if flight is None or flight.task.done() or flight.abandoned:
            flight = _Flight(asyncio.create_task(call()))
            self._flights[key] = flight
            flight.task.add_done_callback(lambda task: self._landed(key, task))
        flight.waiters += 1
        try:
            return cast(T, await asyncio.shield(flight.task))
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():
                flight.abandoned = True  # every caller has gone: the answer is wanted by none
                flight.task.cancel()

    def _landed(self, key: Hashable, task: asyncio.Task[Any]) -> None:
        flight = self._flights.get(key)
        if flight is not None and flight.task is task:
            del self._flights[key]
        if not task.cancelled():
            task.exception()  # seen here, so an answer nobody waited for is not reported
