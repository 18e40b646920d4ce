"""``python -m bot`` as a real process, for the tests that need one: SIGTERM handling,
memory over thousands of commands, and what the real logging set-up writes.

The process gets an explicit environment (the test's simulator and fake Slack, a free
port, nothing of the test's own environment but PATH), and every line it writes to
stderr is collected as it arrives, so a test can wait for "listening" or "shutting
down" instead of sleeping, and the pipe never fills up and stalls the bot.
"""

# A timeout parameter with a default is the point of these waits: every wait is bounded.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bot.fakes import FakeSlack
from bot.fakes.arrivals import Arrivals
from bot.losant.simulator import Simulator
from tests.harness import bot_environment

REPO = Path(__file__).resolve().parents[1]
# A cold interpreter on a busy CI machine; normally well under two seconds.
START_S = 20.0


def free_port() -> int:
    """A loopback port nothing listens on right now (the OS's pick, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class BotProcess:
    """One running ``python -m bot`` and everything it has written to stderr so far."""

    process: asyncio.subprocess.Process
    base_url: str
    env: dict[str, str]
    lines: Arrivals[str]

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    async def wait_for_line(self, fragment: str, timeout: float = START_S) -> str:
        """The first stderr line containing ``fragment``, once it has been written."""
        [line] = await self.lines.wait_for(
            1, timeout=timeout, matching=lambda line: fragment in line, described=f" {fragment!r}"
        )
        return line

    def rss_bytes(self) -> int:
        """The process's resident memory now, from /proc (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/statm").read_text().split()
        return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")

    def terminate(self) -> None:
        """SIGTERM, as Heroku sends it to a dyno it restarts."""
        self.process.send_signal(signal.SIGTERM)

    async def exit_status(self, timeout: float = START_S) -> int:
        """Wait for the process to exit (AssertionError after ``timeout``)."""
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"python -m bot still running after {timeout}s") from None

    @property
    def output(self) -> str:
        return "\n".join(self.lines.items)


async def _collect(stream: asyncio.StreamReader, lines: Arrivals[str]) -> None:
    async for raw in stream:
        await lines.add(raw.decode(errors="replace").rstrip("\n"))


@asynccontextmanager
async def bot_process(
    sim: Simulator, slack: FakeSlack, **overrides: str
) -> AsyncIterator[BotProcess]:
    """``python -m bot`` serving HTTP on a free port, ready (it has said it listens)."""
    port = free_port()
    env = bot_environment(sim, slack, PORT=str(port), **overrides)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot",
        cwd=REPO,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8", **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    lines: Arrivals[str] = Arrivals("lines on the bot's stderr")
    reader = asyncio.create_task(_collect(process.stderr, lines))
    bot = BotProcess(process, f"http://127.0.0.1:{port}", env, lines)
    try:
        await bot.wait_for_line("listening on")
        yield bot
    finally:
        if process.returncode is None:
            with suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        await reader
