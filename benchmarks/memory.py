"""Memory: how much the bot's resident size grows over 5,000 commands.

A dyno has 512 MB and runs for days, so what matters is growth, not the start:
resident size (VmRSS) is read once the bot answers ``/healthz``, then after 5,000
``/members list`` commands (50 in flight, every reply received), and once more at
the halfway mark, so a one-off warm-up (imports, caches, pools filling) can be told
apart from a leak, which keeps growing in the second half.
"""

from __future__ import annotations

import asyncio

from benchmarks.report import Row
from benchmarks.stage import Stage, stage

COMMANDS = 5_000
IN_FLIGHT = 50
TARGET_MB = 20.0


async def _send(st: Stage, count: int) -> None:
    left = count

    async def sender() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await st.command("bot")

    await asyncio.gather(*(sender() for _ in range(IN_FLIGHT)))


async def measure() -> Row:
    async with stage(latency_s=0.0, apps=("bot",)) as st:
        bot = st.apps["bot"]
        started = bot.rss_mb()
        await _send(st, COMMANDS // 2)
        halfway = bot.rss_mb()
        await _send(st, COMMANDS - COMMANDS // 2)
        finished = bot.rss_mb()
    growth = finished - started
    return Row(
        figure=f"memory: resident size after {COMMANDS:,} commands",
        measured=f"{finished:.1f} MB (+{growth:.1f} MB)",
        reference=f"after start-up: {started:.1f} MB",
        target=f"growth ≤ {TARGET_MB:g} MB",
        met=growth <= TARGET_MB,
        spread="1 run (resident size does not wobble like timings)",
        notes=(
            f"first half +{halfway - started:.1f} MB, second half +{finished - halfway:.1f} MB "
            f"({IN_FLIGHT} in flight)",
        ),
        numbers={"start_mb": started, "halfway_mb": halfway, "end_mb": finished},
    )
