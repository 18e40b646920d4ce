"""Ack latency while Losant is slow: does work in flight delay the next person's ack?

Slack gives an app 3 seconds to ack. Commands arrive on a fixed schedule, one every
20 ms, while Losant takes 1 s to answer, so about 50 commands are in flight in the
bot at any moment; each ack is timed from the POST to the HTTP answer. The
reference is a bare Bolt app (``benchmarks.bare_bolt``) fed the same schedule: it
shows what Bolt itself costs, including its habit of checking every 10 ms whether a
listener has acked. Arrivals are open-loop (sent on schedule, whatever the answers
do), so a slow ack cannot slow the load and hide itself. The two apps take turns,
run by run; the first second of each run is discarded as the in-flight count ramps up.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks.report import Row
from benchmarks.stage import Stage, Timing, stage
from benchmarks.stats import Runs, percentile

LATENCY_S = 1.0
IN_FLIGHT = 50
INTERVAL_S = LATENCY_S / IN_FLIGHT
RUN_S = 4.0
RAMP_S = 1.0
RUNS = 3
TARGET_RATIO = 1.5
TARGET_MS = 50.0


async def _run(st: Stage, app: str) -> tuple[list[float], int]:
    """Ack latencies (ms) of one run's steady part, and the most commands seen in flight."""
    in_flight, most = 0, 0

    async def one() -> Timing:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        try:
            return await st.command(app, await_reply=app != "bare")
        finally:
            in_flight -= 1

    started = time.perf_counter()
    sent: list[asyncio.Task[Timing]] = []
    for n in range(int(RUN_S / INTERVAL_S)):
        await asyncio.sleep(max(0.0, started + n * INTERVAL_S - time.perf_counter()))
        sent.append(asyncio.create_task(one()))
    timings = await asyncio.gather(*sent)
    steady = [t.ack_s * 1000 for t in timings if t.sent - started >= RAMP_S]
    return steady, most


async def measure() -> Row:
    p50: dict[str, list[float]] = {"bot": [], "bare": []}
    p99: dict[str, list[float]] = {"bot": [], "bare": []}
    most = 0
    async with stage(latency_s=LATENCY_S, apps=("bot", "bare")) as st:
        for app in p50:
            await st.warm_up(app)
        for _ in range(RUNS):
            for app in p50:
                acks, seen = await _run(st, app)
                p50[app].append(percentile(acks, 50))
                p99[app].append(percentile(acks, 99))
                most = max(most, seen) if app == "bot" else most
    bot50, bot99 = Runs.of(p50["bot"]), Runs.of(p99["bot"])
    bare50, bare99 = Runs.of(p50["bare"]), Runs.of(p99["bare"])
    ratio = bot99.median / bare99.median
    samples = int((RUN_S - RAMP_S) / INTERVAL_S)
    return Row(
        figure=f"ack latency, {IN_FLIGHT} commands in flight, Losant latency {LATENCY_S:g} s",
        measured=f"p50 {bot50.median:.1f} ms, p99 {bot99.median:.1f} ms",
        reference=f"bare Bolt app: p50 {bare50.median:.1f} ms, p99 {bare99.median:.1f} ms",
        target=f"p99 ≤ {TARGET_RATIO} x bare ({ratio:.2f} x) and ≤ {TARGET_MS:g} ms",
        met=ratio <= TARGET_RATIO and bot99.median <= TARGET_MS,
        spread=f"{RUNS} runs x {samples}; p99 bot {bot99.span()}, bare {bare99.span()}",
        notes=(
            f"one command every {INTERVAL_S * 1000:.0f} ms (open loop); "
            f"at most {most} in flight in the bot",
            "Bolt polls every 10 ms for a listener's ack(), so ~10 ms is its floor",
        ),
        numbers={
            "bot_p50_ms": bot50.median,
            "bot_p99_ms": bot99.median,
            "bare_p50_ms": bare50.median,
            "bare_p99_ms": bare99.median,
            "ratio_p99": ratio,
            "most_in_flight": most,
        },
    )
