"""The two fan-out helpers: at most ``limit`` calls at once, answers in order, and a failure
raised as itself (so handlers that catch the bot's errors see it)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.edges.losant.errors import LosantRateLimited, LosantUnavailable
from bot.usecases import fanout
from bot.usecases.progress import Progress, Step


class Calls:
    """A call that takes a moment and notes how many were running at once."""

    def __init__(self, fail_on: int | None = None, hit_on: int | None = None) -> None:
        self.running = 0
        self.peak = 0
        self.started: list[int] = []
        self.finished: list[int] = []
        self.fail_on = fail_on
        self.hit_on = hit_on

    async def __call__(self, item: int) -> int | None:
        self.started.append(item)
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            await asyncio.sleep(0.001)
            if item == self.fail_on:
                raise LosantUnavailable("Service Unavailable", status=503)
            if self.hit_on is not None:
                return item * 10 if item == self.hit_on else None
            return item * 10
        finally:
            self.running -= 1
            self.finished.append(item)


async def test_each_answers_in_order_with_at_most_limit_at_once() -> None:
    """Every item's answer, in the items' order, never more than ``limit`` calls running;
    progress says how many are done."""
    calls, progress = Calls(), Progress()
    assert [n * 10 for n in range(20)] == await fanout.each(
        range(20), calls, limit=3, progress=progress, what="orgs"
    )
    assert 3 == calls.peak
    assert Step(20, 20, "orgs") == progress.latest


async def test_each_raises_the_failure_itself_not_a_group() -> None:
    """A call's LosantError comes out as that error, as a single call's would."""
    with pytest.raises(LosantUnavailable):
        await fanout.each(range(10), Calls(fail_on=4), limit=3)


async def test_first_stops_sending_once_one_answers() -> None:
    """The first hit is returned; items after it that had not started are never called,
    and those in flight are let finish (not cancelled), so nothing is left running."""
    calls = Calls(hit_on=2)
    assert (2, 20) == await fanout.first(range(100), calls, limit=4)
    assert max(calls.started) < 2 + 4 + 1
    assert 4 >= calls.peak
    assert (0, sorted(calls.started)) == (calls.running, sorted(calls.finished))


async def test_first_keeps_its_hit_when_a_call_still_in_flight_fails() -> None:
    """A call that fails after the answer is known changes nothing."""

    async def call(item: int) -> int | None:
        await asyncio.sleep(0.001 if item == 0 else 0.05)
        if item == 1:
            raise LosantUnavailable("Service Unavailable", status=503)
        return 0 if item == 0 else None

    assert (0, 0) == await fanout.first(range(10), call, limit=2)


async def test_first_without_a_hit_calls_every_item_once() -> None:
    """No hit: every item asked exactly once, then None."""
    calls = Calls(hit_on=-1)
    assert None is await fanout.first(range(30), calls, limit=4)
    assert list(range(30)) == sorted(calls.started)


async def test_first_raises_a_callers_failure() -> None:
    """A failing call before any hit ends the search with that error."""
    with pytest.raises(LosantUnavailable):
        await fanout.first(range(30), Calls(fail_on=3, hit_on=-1), limit=2)


async def test_patiently_sends_a_rate_limited_write_again_after_retry_after() -> None:
    """A 429 is waited out as Losant asked, then sent again; past the patience it is raised."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    answers: Iterator[LosantRateLimited | int] = iter(
        [LosantRateLimited("busy", retry_after=2.0), LosantRateLimited("busy"), 7]
    )

    async def write() -> int:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert 7 == await fanout.patiently(write, sleep=sleep)
    assert [2.0, 1.0] == waits

    async def always_busy() -> int:
        raise LosantRateLimited("busy", retry_after=10.0)

    with pytest.raises(LosantRateLimited):
        await fanout.patiently(always_busy, patience_s=25, sleep=sleep)
    assert [2.0, 1.0, 10.0, 10.0] == waits
