"""Acks while big lists are in flight: does a 10,000-member org starve everyone else?

Fifty ``/members list`` commands of a 10,000-member org are kept in flight, each
with a filter of its own that still matches every member (so no two share a Losant
call, and each brings back a 2.8 MB answer for the bot to read); as one is
answered, the next is sent. Meanwhile light commands (``/members list org=Acme``)
arrive on a fixed schedule and each ack is timed. The reference is the same light
commands with nothing else in flight, measured run by run in turn with the loaded
runs. The worst ack under load stands for the bot's worst event-loop stall: an ack
waits for whatever holds the loop.

The simulator runs in a process of its own here: producing fifty 2.8 MB answers
would otherwise take this process's CPU and time the harness, not the bot.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import aiohttp

from benchmarks import harness
from benchmarks.report import Row
from benchmarks.sim_process import simulator_process
from benchmarks.slack_side import Commander, SlackSide
from benchmarks.stage import CpuMeter
from benchmarks.stats import Runs, percentile
from bot.sandbox.simulator.scale import BIG_ORG
from bot.sandbox.simulator.seed import ACME

MEMBERS = 10_000
IN_FLIGHT = 50
INTERVAL_S = 0.025
RUN_S = 4.0
RUNS = 3
FLOWING = 10  # big replies seen before the loaded run counts: the bot is reading them
TARGET_RATIO = 3.0
TARGET_MS = 100.0
REPLY_TIMEOUT_S = 60.0
_DOMAIN = "@massive-dynamic.example"  # every member's address ends so (simulator.scale)
LIGHT = f"list org={ACME}"


def big_lists(org_id: str) -> Iterator[str]:
    """Endless ``list`` commands of the big org, any 50 in a row different, each matching all."""
    globs = ["*", "*@*", "*.*"]
    globs += [f"*{_DOMAIN[i:]}" for i in range(len(_DOMAIN) - 1)]
    globs += [f"*{_DOMAIN[:i]}*" for i in range(2, len(_DOMAIN))]
    orders = [f"sort={sort} dir={way}" for sort in ("email", "role") for way in ("asc", "desc")]
    texts = [f"list org={org_id} filter={g} {order}" for g in globs for order in orders]
    return itertools.cycle(texts)


@dataclass
class Scene:
    slack: SlackSide
    commander: Commander
    events_url: str
    big: Iterator[str]
    replied: int = 0
    flowing_at: int = 0
    flowing: asyncio.Event = field(default_factory=asyncio.Event)

    async def light_acks(self) -> list[float]:
        """Ack latencies (ms) of light commands sent on schedule (open loop) for ``RUN_S``."""
        started = time.perf_counter()
        sent: list[asyncio.Task[tuple[float, float]]] = []
        for n in range(int(RUN_S / INTERVAL_S)):
            await asyncio.sleep(max(0.0, started + n * INTERVAL_S - time.perf_counter()))
            command = self.commander.command(self.events_url, LIGHT, self.slack.unwatched_url)
            sent.append(asyncio.create_task(command))
        return [(acked - at) * 1000 for at, acked in await asyncio.gather(*sent)]

    async def keep_big_lists_in_flight(self, stop: asyncio.Event) -> None:
        """One of ``IN_FLIGHT`` lanes: a big list, its reply, the next, until ``stop``."""
        while not stop.is_set():
            expected = self.slack.expect(f"Members of {BIG_ORG}: {MEMBERS:,} members")
            await self.commander.command(self.events_url, next(self.big), expected.url)
            await asyncio.wait_for(expected.replied, REPLY_TIMEOUT_S)
            self.replied += 1
            if self.replied >= self.flowing_at:
                self.flowing.set()

    async def loaded_acks(self) -> tuple[list[float], int]:
        """Light acks while ``IN_FLIGHT`` big lists are in flight; and how many were answered."""
        stop = asyncio.Event()
        first, self.flowing_at = self.replied, self.replied + FLOWING
        self.flowing.clear()
        lanes = [asyncio.create_task(self.keep_big_lists_in_flight(stop)) for _ in range(IN_FLIGHT)]
        await self.flowing.wait()
        acks = await self.light_acks()
        answered = self.replied - first
        stop.set()
        await asyncio.gather(*lanes)  # drained: the next reference run has the bot to itself
        return acks, answered


async def measure() -> Row:
    p50: dict[str, list[float]] = {"light": [], "loaded": []}
    p99: dict[str, list[float]] = {"light": [], "loaded": []}
    worst, answered, bot_cpu = 0.0, 0, 0.0
    async with (
        harness.client_session() as session,
        simulator_process(session, "--big-org", str(MEMBERS)) as sim,
        SlackSide() as slack,
    ):
        big_org = await _org_id(session, sim, BIG_ORG)
        # Acks are the figure, not replies: a simulator slowed by a busy machine must not
        # turn a big list into a timeout that stops the run.
        patient = {"LOSANT_TIMEOUT_S": "60", "LOSANT_RETRY_BUDGET_S": "120"}
        env = harness.app_env(sim, slack.api_url) | patient
        async with harness.running(session, env, {"bot": harness.BOT}) as apps:
            commander = Commander()
            scene = Scene(slack, commander, apps["bot"].events_url, big_lists(big_org))
            try:
                await scene.light_acks()  # warm-up: Bolt's auth.test, imports, pools
                for _ in range(RUNS):
                    for kind in ("light", "loaded"):
                        if kind == "light":
                            acks = await scene.light_acks()
                        else:
                            meter = CpuMeter(apps["bot"])
                            acks, seen = await scene.loaded_acks()
                            bot_cpu = max(bot_cpu, meter.shares()[1])
                            worst, answered = max(worst, max(acks)), answered + seen
                        p50[kind].append(percentile(acks, 50))
                        p99[kind].append(percentile(acks, 99))
            finally:
                commander.close()
    light99, loaded99 = Runs.of(p99["light"]), Runs.of(p99["loaded"])
    loaded50, light50 = Runs.of(p50["loaded"]), Runs.of(p50["light"])
    ratio = loaded99.median / light99.median
    samples = int(RUN_S / INTERVAL_S)
    return Row(
        figure=f"ack p99 with {IN_FLIGHT} lists of a {MEMBERS:,}-member org in flight",
        measured=f"p50 {loaded50.median:.1f} ms, p99 {loaded99.median:.1f} ms",
        reference=(
            f"nothing else in flight: p50 {light50.median:.1f} ms, p99 {light99.median:.1f} ms"
        ),
        target=f"p99 ≤ {TARGET_RATIO:g} x reference ({ratio:.2f} x) and ≤ {TARGET_MS:g} ms",
        met=ratio <= TARGET_RATIO and loaded99.median <= TARGET_MS,
        spread=f"{RUNS} runs x {samples}; p99 loaded {loaded99.span()}, alone {light99.span()}",
        notes=(
            f"worst ack under load (the bot's worst event-loop stall, at most): {worst:.1f} ms",
            f"`{LIGHT}` every {INTERVAL_S * 1000:.0f} ms (open loop); "
            f"{answered} big lists answered meanwhile, each a different filter; "
            f"the bot's CPU under load: up to {bot_cpu:.0%} of a core",
            "the simulator runs at the lowest priority: Losant's CPU is not the bot's",
        ),
        numbers={
            "loaded_p50_ms": loaded50.median,
            "loaded_p99_ms": loaded99.median,
            "alone_p50_ms": light50.median,
            "alone_p99_ms": light99.median,
            "ratio_p99": ratio,
            "worst_ack_ms": worst,
            "big_lists_answered": answered,
            "bot_cpu_share": bot_cpu,
        },
    )


async def _org_id(session: aiohttp.ClientSession, sim: harness.Losant, name: str) -> str:
    url = f"{sim.base_url}/instances/{sim.instance_id}/orgs"
    params = {"filterField": "name", "filter": name}
    headers = {"Authorization": f"Bearer {sim.token}"}
    async with session.get(url, params=params, headers=headers) as response:
        body = await response.json()
    (org,) = body["items"]
    return str(org["id"])
