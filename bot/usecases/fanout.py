"""Many Losant calls for one command, at most ``limit`` in flight.

``find``, ``offboard`` and a many-people ``add`` each make one call per org or per
person. Sent one by one they take as long as Losant's latency times their number;
sent all at once they would open hundreds of connections and earn 429s. These two
helpers keep ``limit`` in flight (``MEMBERS_FANOUT``) and report progress as they go.
The Losant client's retries honour 429 and Retry-After for each read. A write is sent
once, and a single change answered 429 tells the person to try again; but a run of a
hundred writes meets the rate limit as a matter of course, so ``patiently`` sends a write
Losant refused with 429 (and so did not apply) again after the Retry-After it named.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from bot.edges.losant.errors import LosantRateLimited
from bot.usecases.progress import Progress

T = TypeVar("T")
R = TypeVar("R")

# The longest one write of a run waits, in all, for Losant's rate limit to let it through.
PATIENCE_S = 30.0
# What a 429 without a Retry-After is taken to ask for.
_DEFAULT_WAIT_S = 1.0


async def patiently(
    write: Callable[[], Awaitable[R]],
    *,
    patience_s: float = PATIENCE_S,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> R:
    """``write()``, sent again after each 429's Retry-After while the waits fit ``patience_s``;
    after that the 429 is raised, as any other failure is."""
    waited = 0.0
    while True:
        try:
            return await write()
        except LosantRateLimited as exc:
            wait = exc.retry_after if exc.retry_after is not None else _DEFAULT_WAIT_S
            if waited + wait > patience_s:
                raise
            await sleep(wait)
            waited += wait


async def each(
    items: Sequence[T],
    call: Callable[[T], Awaitable[R]],
    *,
    limit: int,
    progress: Progress | None = None,
    what: str = "done",
) -> list[R]:
    """``call(item)`` for every item, in the items' order; the first exception propagates
    (the others are cancelled). ``call`` should turn expected failures into results."""
    results: dict[int, R] = {}
    done = 0

    async def one(index: int, item: T, gate: asyncio.Semaphore) -> None:
        nonlocal done
        async with gate:
            results[index] = await call(item)
        done += 1
        if progress is not None:
            progress.report(done, len(items), what)

    gate = asyncio.Semaphore(max(1, limit))
    try:
        async with asyncio.TaskGroup() as group:
            for index, item in enumerate(items):
                group.create_task(one(index, item, gate))
    except BaseExceptionGroup as failed:
        # Callers catch the bot's own errors (a LosantError), not a group wrapping one.
        raise failed.exceptions[0] from None
    return [results[index] for index in range(len(items))]


async def first(
    items: Sequence[T],
    call: Callable[[T], Awaitable[R | None]],
    *,
    limit: int,
    progress: Progress | None = None,
    what: str = "done",
) -> tuple[T, R] | None:
    """The first item (in the order answers arrive) for which ``call`` gives a result, and
    that result. Once one has, no call is started; those already in flight are let finish
    rather than cancelled: a cancelled call costs its pooled connection (the next call
    opens another), and Losant would still be serving it beside the next ``limit``."""
    queue = iter(items)
    hit: tuple[T, R] | None = None
    done = 0

    async def worker() -> None:
        nonlocal done, hit
        for item in queue:
            if hit is not None:
                return
            try:
                result = await call(item)
            except Exception:
                if hit is not None:
                    return  # the answer is known: this call's failure changes nothing
                raise
            done += 1
            if progress is not None:
                progress.report(done, len(items), what)
            if result is not None and hit is None:
                hit = (item, result)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, min(limit, len(items)))):
                group.create_task(worker())
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return hit
