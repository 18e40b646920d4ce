"""One Losant call for identical reads in flight at the same moment.

When the same list is asked for twice at once (two people opening one org, a page
button clicked twice, a command and its retry from Slack), both need the same GET.
While one such read is in flight, an identical one (same path and parameters) waits
for its answer instead of making a call of its own: for a 10,000-member org that is
a second 2 MB download and decode saved. Only while in flight: nothing is kept once
the answer is out, so nobody is ever given an old answer.

The shared read runs as a task of its own, so one waiter being cancelled does not
cancel it for the others; it is cancelled only when nobody waits for it any more.

When the answer lands, its waiters resume one per turn of the event loop, each
handing the turn to the next, rather than all at once: fifty commands sharing one
slow read would otherwise all render and send their replies in one stretch, and a
new command's ack would wait behind all fifty (measured: ack p99 from 21 to 91 ms).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

T = TypeVar("T")


@dataclass
class _Flight:
    task: asyncio.Task[Any]
    turns: deque[asyncio.Future[None]] = field(default_factory=deque)
    waiters: int = 0
    abandoned: bool = False

    def pass_turn(self) -> None:
        """Wake the next waiter, once the answer is in (it wakes on the loop's next turn)."""
        if not self.task.done():
            return
        while self.turns:
            turn = self.turns.popleft()
            if not turn.done():  # a waiter that left has a cancelled turn
                turn.set_result(None)
                return


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
            flight = self._start(key, call)
        turn = asyncio.get_running_loop().create_future()
        flight.turns.append(turn)
        flight.waiters += 1
        try:
            await turn
            return cast(T, flight.task.result())
        finally:
            flight.waiters -= 1
            if turn.done() and not turn.cancelled():
                flight.pass_turn()  # it was this caller's turn: hand it on
            if flight.waiters == 0 and not flight.task.done():
                flight.abandoned = True  # every caller has gone: the answer is wanted by none
                flight.task.cancel()

    def _start(self, key: Hashable, call: Callable[[], Coroutine[Any, Any, Any]]) -> _Flight:
        flight = _Flight(asyncio.create_task(call()))
        self._flights[key] = flight
        flight.task.add_done_callback(lambda _: self._landed(key, flight))
        return flight

    def _landed(self, key: Hashable, flight: _Flight) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.task.cancelled():
            flight.task.exception()  # seen here, so an answer nobody waited for is not reported
        flight.pass_turn()
