"""SingleFlight: identical calls in flight share one run; nothing is kept after it lands.

Each call here is a coroutine that waits on an event the test sets, so "in flight"
is exact and nothing waits for time.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.edges.losant.singleflight import SingleFlight


class Call:
    """A call that runs until ``answer`` (or ``fail``) and counts how often it was started."""

    def __init__(self) -> None:
        self.started = 0
        self.cancelled = 0
        self.gate = asyncio.Event()
        self.error: Exception | None = None

    async def __call__(self) -> str:
        self.started += 1
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        if self.error is not None:
            raise self.error
        return f"answer {self.started}"

    def answer(self) -> None:
        self.gate.set()

    def fail(self, error: Exception) -> None:
        self.error = error
        self.gate.set()


async def settle() -> None:
    """Let every ready task run until it waits on something."""
    for _ in range(10):
        await asyncio.sleep(0)


async def test_identical_calls_in_flight_share_one_run() -> None:
    """Three callers of one key while it runs: one run, the same answer for all."""
    flights, call = SingleFlight(), Call()
    callers = [asyncio.create_task(flights.run("k", call)) for _ in range(3)]
    await settle()
    call.answer()
    assert (["answer 1"] * 3, 1) == (await asyncio.gather(*callers), call.started)


async def test_different_keys_run_apart() -> None:
    """Another key is another call."""
    flights, call = SingleFlight(), Call()
    callers = [asyncio.create_task(flights.run(key, call)) for key in ("a", "b")]
    await settle()
    call.answer()
    assert (2, 0) == (len(await asyncio.gather(*callers)), flights.in_flight())
    assert 2 == call.started


async def test_an_answer_is_not_kept_after_it_lands() -> None:
    """A call after the first has landed runs again: nothing is cached."""
    flights, call = SingleFlight(), Call()
    call.answer()
    first = await flights.run("k", call)
    second = await flights.run("k", call)
    assert ("answer 1", "answer 2", 0) == (first, second, flights.in_flight())


async def test_a_failure_reaches_every_caller() -> None:
    """When the shared run fails, each caller gets that error."""
    flights, call = SingleFlight(), Call()
    callers = [asyncio.create_task(flights.run("k", call)) for _ in range(2)]
    await settle()
    call.fail(LookupError("gone"))
    results = await asyncio.gather(*callers, return_exceptions=True)
    assert ["gone", "gone"] == [str(r) for r in results]
    assert [LookupError, LookupError] == [type(r) for r in results]


async def test_a_caller_that_joined_leaving_does_not_stop_the_run_for_the_others() -> None:
    """A cancelled caller that joined leaves; the run goes on and the others get the answer."""
    flights, call = SingleFlight(), Call()
    making, leaving, staying = (asyncio.create_task(flights.run("k", call)) for _ in range(3))
    await settle()
    leaving.cancel()
    await settle()
    call.answer()
    assert ("answer 1", "answer 1") == (await making, await staying)
    assert (True, 1, 0) == (leaving.cancelled(), call.started, call.cancelled)


async def test_when_the_caller_making_the_call_leaves_the_others_start_over() -> None:
    """The first caller makes the call in its own task: cancelled, the call goes with it,
    and those who joined get a new call, made by one of them and shared by the rest."""
    flights, call = SingleFlight(), Call()
    making, *joined = (asyncio.create_task(flights.run("k", call)) for _ in range(3))
    await settle()
    making.cancel()
    await settle()
    call.answer()
    assert ["answer 2", "answer 2"] == await asyncio.gather(*joined)
    assert (True, 2, 1) == (making.cancelled(), call.started, call.cancelled)
    assert 0 == flights.in_flight()


async def test_when_every_caller_has_left_the_run_is_cancelled() -> None:
    """Nobody waiting means the answer is wanted by none: the run is cancelled."""
    flights, call = SingleFlight(), Call()
    callers = [asyncio.create_task(flights.run("k", call)) for _ in range(2)]
    await settle()
    for caller in callers:
        caller.cancel()
    await settle()
    assert (1, 0) == (call.cancelled, flights.in_flight())


async def test_a_caller_after_an_abandoned_run_gets_a_run_of_its_own() -> None:
    """A run given up (its cancellation not yet landed) is never joined by a new caller."""
    flights, call = SingleFlight(), Call()
    first = asyncio.create_task(flights.run("k", call))
    await settle()
    first.cancel()
    # Runs right after the first caller leaves, before the run has taken its cancellation.
    second = asyncio.create_task(flights.run("k", call))
    await settle()
    call.answer()
    assert "answer 2" == await second
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_waiters_resume_one_per_turn_of_the_loop() -> None:
    """When the answer lands, waiters resume one after another, never all in one stretch."""
    flights, call = SingleFlight(), Call()
    callers = [asyncio.create_task(flights.run("k", call)) for _ in range(5)]
    await settle()
    call.answer()
    finished = [0]
    for _ in range(100):
        await asyncio.sleep(0)
        finished.append(sum(caller.done() for caller in callers))
        if finished[-1] == len(callers):
            break
    steps = {after - before for before, after in itertools.pairwise(finished)}
    assert steps <= {0, 1}  # never two in one turn
    assert ["answer 1"] * 5 == [c.result() for c in callers]


async def test_a_waiter_leaving_on_its_turn_hands_the_turn_on() -> None:
    """A caller cancelled just as its turn comes does not leave the callers after it waiting."""
    flights, call = SingleFlight(), Call()
    first, leaving, last = (asyncio.create_task(flights.run("k", call)) for _ in range(3))
    await settle()
    call.answer()
    while not first.done():  # noqa: ASYNC110 - stepping the loop turn by turn is the point
        await asyncio.sleep(0)
    leaving.cancel()  # its turn was handed to it as the first caller finished
    await settle()
    assert (True, "answer 1") == (leaving.cancelled(), last.result())
