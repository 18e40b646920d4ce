"""The Losant simulator as a process of its own, for loads whose answers are big.

Fifty 2.8 MB member lists cost the simulator a core; in the harness's process that
would be CPU taken from the load generator, which times acks with it. Run apart,
and at the lowest priority: it stands in for Losant, which runs elsewhere, so it
takes only the CPU the apps under test and the harness leave.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from benchmarks.harness import App, Program, clean_env, free_port, spawn, wait_ready
from bot.sandbox.simulator import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN


@dataclass(frozen=True)
class SimulatorProcess:
    """The simulator running as ``python -m bot simulator``."""

    app: App
    token: str = DEFAULT_TOKEN
    instance_id: str = DEFAULT_INSTANCE_ID

    @property
    def base_url(self) -> str:
        return self.app.url


@asynccontextmanager
async def simulator_process(
    session: aiohttp.ClientSession, *options: str
) -> AsyncIterator[SimulatorProcess]:
    """``python -m bot simulator <options>`` on a free port, ready; stopped after."""
    with tempfile.TemporaryDirectory(prefix="members-bench-sim-") as tmp:
        port = free_port()
        args = ("-m", "bot", "simulator", "--port", str(port), *options)
        program = Program(args, nice=19)
        sim = SimulatorProcess(spawn("simulator", program, clean_env(), Path(tmp), port))
        try:
            await wait_ready(
                sim.app,
                session,
                f"/instances/{sim.instance_id}/orgs?perPage=1",
                {"Authorization": f"Bearer {sim.token}"},
            )
            yield sim
        finally:
            await sim.app.stop()
