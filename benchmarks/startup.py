"""Start-up: from ``python -m bot`` to the first 200 from ``/healthz``.

Heroku restarts a dyno at least daily and routes to it as soon as it listens, so
start-up is time during which Slack commands wait. The reference is the
interpreter alone (``python -c pass``, spawned and reaped the same way), which
shows how much of the figure is Python itself. One untimed start comes first, so
every timed one finds its bytecode cached, as a restarted dyno does. Bot and
reference alternate.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import harness
from benchmarks.report import Row
from benchmarks.slack_side import SlackSide
from benchmarks.stats import Runs
from bot.sandbox.simulator import Simulator

RUNS = 5
TARGET_S = 1.5


async def _interpreter_alone() -> float:
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "pass", env=harness.clean_env()
    )
    await process.wait()
    return time.perf_counter() - started


async def measure() -> Row:
    bot_s: list[float] = []
    python_s: list[float] = []
    with tempfile.TemporaryDirectory(prefix="members-bench-") as logs:
        async with Simulator() as sim, SlackSide() as slack, harness.client_session() as session:
            env = harness.app_env(sim, slack.api_url)
            for run in range(RUNS + 1):
                started = time.perf_counter()
                app = harness.spawn("bot", harness.BOT, env, Path(logs))
                try:
                    ready = await harness.wait_ready(app, session)
                finally:
                    await app.stop()
                if run > 0:  # the first start only warms the bytecode cache
                    bot_s.append(ready - started)
                    python_s.append(await _interpreter_alone())
    bot, python = Runs.of(bot_s), Runs.of(python_s)
    return Row(
        figure="start-up: python -m bot until /healthz answers",
        measured=f"{bot.median:.2f} s",
        reference=f"python -c pass: {python.median:.2f} s",
        target=f"≤ {TARGET_S:g} s",
        met=bot.median <= TARGET_S,
        spread=f"{RUNS} runs; bot {bot.span('{:.2f}')} s, python {python.span('{:.3f}')} s",
        numbers={"bot_s": bot.median, "python_s": python.median},
    )
