"""The processes under measurement: the bot, the bare Bolt app and the minimal pipeline.

Each app runs as its own real subprocess (``python -m bot`` exactly as a dyno runs
it), so it gets a process and a core of its own, its resident size and CPU time can
be read from ``/proc``, and nothing of it shares an event loop with the load
generator. The Losant simulator and Slack's side (``slack_side``) run in the
benchmark's own process on loopback, unless the simulator's answers are big enough
to cost the load generator the CPU it times with (``sim_process``); every app
gets the same environment, naming them. Each app's stderr goes to a log file whose
tail is shown if it fails to start.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import aiohttp

from benchmarks.slack_side import BOT_TOKEN, SIGNING_SECRET, USER

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 20.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Settings of the machine running the benchmark must not leak into the apps under test.
_FOREIGN = ("SLACK_", "LOSANT_", "MEMBERS_", "LOG_", "PORT")
_PROXIES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


@dataclass(frozen=True)
class Program:
    """What to run with ``python``, any settings of its own, and its niceness."""

    args: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    nice: int = 0


BOT = Program(("-m", "bot"))
BARE_BOLT = Program(("-m", "benchmarks.bare_bolt"))
MINIMAL = Program(("-m", "benchmarks.minimal"))
# The floor again, making two Losant calls (org and members): what a member list costs
# the bot when the org is not in its cache yet (bot.usecases.lookup.OrgCache).
MINIMAL_TWO_CALLS = Program(("-m", "benchmarks.minimal"), {"BENCH_CALLS": "2"})


def client_session() -> aiohttp.ClientSession:
    """For polling ``/healthz``: no proxy (aiohttp ignores the environment's by default)."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env() -> dict[str, str]:
    """This process's environment without app settings, proxies, or bytecode suppression.

    Bytecode caching stays on so that start-up is measured as a dyno restarts: warm.
    """
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_FOREIGN)
        and k.lower() not in _PROXIES
        and k != "PYTHONDONTWRITEBYTECODE"
    }


async def run_module(module: str, *args: str, what: str) -> bytes:
    """``python -m module args…`` (a reference client, apart from this process's loop):
    what it printed; raises, naming ``what``, if it failed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", module, *args),
        cwd=ROOT,
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{what} failed ({process.returncode})")
    return out


class Losant(Protocol):
    """Where the apps find Losant: a ``Simulator`` here, or one in its own process."""

    @property
    def base_url(self) -> str: ...
    @property
    def token(self) -> str: ...
    @property
    def instance_id(self) -> str: ...


def app_env(sim: Losant, slack_api_url: str, org_id: str = "") -> dict[str, str]:
    """The settings every app under test gets (each reads what it needs)."""
    return clean_env() | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "LOSANT_API_URL": sim.base_url,
        "LOSANT_API_TOKEN": sim.token,
        "LOSANT_INSTANCE_ID": sim.instance_id,
        "MEMBERS_WRITERS": USER,
        "BENCH_ORG_ID": org_id,
    }


@dataclass
class App:
    """One app under test, running, on ``127.0.0.1:port``."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def rss_mb(self) -> float:
        """Resident set size now (VmRSS), in MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for {self.name}")

    def cpu_s(self) -> float:
        """User plus system CPU seconds used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    async def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM, as Heroku stops a dyno; SIGKILL if it has not exited within ``grace_s``.

        Waits without blocking the loop: the app may still need the simulator to finish.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        deadline = time.perf_counter() + grace_s
        while self.process.poll() is None:
            if time.perf_counter() > deadline:
                self.process.kill()
            await asyncio.sleep(0.01)

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def spawn(
    name: str, program: Program, env: Mapping[str, str], log_dir: Path, port: int | None = None
) -> App:
    """Start ``program`` on ``port`` or a free one (not waiting for it to be ready)."""
    port = port or free_port()
    log = log_dir / f"{name}.log"
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [*_niced(program.nice), sys.executable, *program.args],
            cwd=ROOT,
            env={**env, **program.env, "PORT": str(port)},
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )
    return App(name, process, port, log)


def _niced(nice: int) -> tuple[str, ...]:
    # nice(1) execs the program, so the process (and its /proc figures) stays the same.
    return ("nice", "-n", str(nice)) if nice else ()


async def wait_ready(
    app: App,
    session: aiohttp.ClientSession,
    path: str = "/healthz",
    headers: Mapping[str, str] | None = None,
) -> float:
    """Poll ``path`` until it answers 200; returns the perf_counter when it did."""
    deadline = time.perf_counter() + READY_TIMEOUT_S
    while time.perf_counter() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(
                f"{app.name} exited with {app.process.returncode}:\n{app.log_tail()}"
            )
        try:
            async with session.get(f"{app.url}{path}", headers=headers) as response:
                if response.status == 200:
                    return time.perf_counter()
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.002)
    raise RuntimeError(f"{app.name} was not ready within {READY_TIMEOUT_S} s:\n{app.log_tail()}")


@asynccontextmanager
async def running(
    session: aiohttp.ClientSession, env: Mapping[str, str], apps: Mapping[str, Program]
) -> AsyncIterator[dict[str, App]]:
    """Start every app in ``apps``, wait until each is ready, stop them all after."""
    with tempfile.TemporaryDirectory(prefix="members-bench-") as tmp:
        started: dict[str, App] = {}
        try:
            for name, program in apps.items():
                started[name] = spawn(name, program, env, Path(tmp))
            for app in started.values():
                await wait_ready(app, session)
            yield started
        finally:
            for app in started.values():
                await app.stop()
