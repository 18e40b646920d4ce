"""The stage every end-to-end benchmark runs on: simulator, Slack's side, apps, a sender.

``async with stage(latency_s=..., apps=...) as st:`` starts the Losant simulator
(with the given latency on every call) and Slack's side in this process, then the
named apps as subprocesses pointed at them, and gives ``st.command(app, ...)``,
which sends ``/members list org=<Acme's ID> …`` to one app and returns its timings.

Each command lists Acme with a filter or an order of its own (all still match its
12 members): the bot makes identical reads in flight share one Losant call, and
these figures are about commands that each do their own work, as the minimal
pipeline's do. Shared reads make replies land together; the starvation row and
``bot.edges.losant.singleflight`` say what that costs.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from benchmarks import harness
from benchmarks.minimal import REPLY
from benchmarks.slack_side import Commander, SlackSide
from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.seed import ACME

PROGRAMS = {
    "bot": harness.BOT,
    "bare": harness.BARE_BOLT,
    "minimal": harness.MINIMAL,
    "minimal2": harness.MINIMAL_TWO_CALLS,
}
# What each app's final reply starts with; any other reply stops the benchmark.
FINAL = {
    "bot": f"Members of {ACME}: 12 members",
    "minimal": str(REPLY["text"]),
    "minimal2": str(REPLY["text"]),
}
REPLY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Timing:
    """One command's life, in perf_counter seconds (``replied`` is None if not awaited)."""

    sent: float
    acked: float
    replied: float | None = None

    @property
    def ack_s(self) -> float:
        return self.acked - self.sent

    @property
    def reply_s(self) -> float:
        assert self.replied is not None
        return self.replied - self.sent


@dataclass
class Stage:
    """Everything running for one benchmark; ``command`` drives it."""

    sim: Simulator
    slack: SlackSide
    apps: dict[str, harness.App]
    commander: Commander
    org_id: str
    texts: Iterator[str] = field(init=False)

    def __post_init__(self) -> None:
        self.texts = distinct_lists(self.org_id)

    @property
    def text(self) -> str:
        return next(self.texts)

    async def command(self, app: str, *, await_reply: bool = True) -> Timing:
        """Send one command to ``app``; with ``await_reply``, wait for its final reply too."""
        events_url = self.apps[app].events_url
        if not await_reply:
            return Timing(
                *await self.commander.command(events_url, self.text, self.slack.unwatched_url)
            )
        expected = self.slack.expect(FINAL[app])
        sent, acked = await self.commander.command(events_url, self.text, expected.url)
        replied = await asyncio.wait_for(expected.replied, REPLY_TIMEOUT_S)
        return Timing(sent, acked, replied)

    async def warm_up(self, app: str, count: int = 20) -> None:
        """A few commands first: Bolt's ``auth.test``, lazy imports, pooled connections."""
        await asyncio.gather(*(self.command(app, await_reply=app != "bare") for _ in range(count)))


def distinct_lists(org_id: str) -> Iterator[str]:
    """``list`` commands of one org, any 100 in a row different, each listing every member."""
    orders = [f"sort={sort} dir={way}" for sort in ("email", "role") for way in ("asc", "desc")]
    every = [f"filter={'*' * stars}" for stars in range(1, 26)]
    return itertools.cycle(
        f"list org={org_id} {glob} {order}" for glob in every for order in orders
    )


@asynccontextmanager
async def stage(*, latency_s: float, apps: Sequence[str]) -> AsyncIterator[Stage]:
    async with (
        Simulator(latency_s=latency_s) as sim,
        SlackSide() as slack,
        harness.client_session() as session,
    ):
        acme = sim.state.find_org_by_name(ACME)
        assert acme is not None, "the simulator's seed data has no Acme"
        env = harness.app_env(sim, slack.api_url, acme.id)
        async with harness.running(session, env, {a: PROGRAMS[a] for a in apps}) as running:
            commander = Commander()
            try:
                yield Stage(sim, slack, running, commander, acme.id)
            finally:
                commander.close()


class CpuMeter:
    """CPU seconds used by this process and by one app over a stretch of wall time."""

    def __init__(self, app: harness.App) -> None:
        self._app = app
        self._start = (time.perf_counter(), time.process_time(), app.cpu_s())

    def shares(self) -> tuple[float, float]:
        """(this process's CPU share, the app's CPU share) since creation; 1.0 = one core."""
        wall = time.perf_counter() - self._start[0]
        mine = (time.process_time() - self._start[1]) / wall
        theirs = (self._app.cpu_s() - self._start[2]) / wall
        return mine, theirs
