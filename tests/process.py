"""``python -m bot`` as a real process, for the tests that need one: start-up checks,
SIGTERM handling, memory over thousands of commands, what the real logging set-up
writes, and the console and simulator subcommands.

Each process gets an explicit environment (nothing of the test's own but PATH) and
runs from the repository root. ``run`` runs one to completion; ``start``/``stop``
drive one by hand; ``bot_process`` serves between the test's simulator and fake
Slack, and collects every line the bot writes as it arrives, so a test can wait for
"listening" or "shutting down" instead of sleeping, and no pipe fills up and stalls
the bot.
"""

# A timeout parameter with a default is the point of these waits: every wait is bounded.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.fake_slack.arrivals import Arrivals
from bot.sandbox.simulator import Simulator
from tests.harness import bot_environment, free_port

REPO = Path(__file__).resolve().parents[1]
# A cold interpreter on a busy CI machine; normally well under two seconds.
START_S = 20.0
LISTENING = "listening on"


async def start(
    *args: str, env: Mapping[str, str], stdin: bool = False
) -> asyncio.subprocess.Process:
    """``python -m bot *args`` with exactly ``env`` (and PATH), its output piped.

    Under ``make test`` the process is measured for coverage too: coverage's own
    setting, when there is one, is passed on (it is not a setting of the bot).
    """
    coverage = {k: v for k, v in os.environ.items() if k == "COVERAGE_PROCESS_CONFIG"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        cwd=REPO,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8", **coverage, **env},
        stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@dataclass
class Finished:
    """How a process ended: its exit status and everything it wrote."""

    status: int
    stdout: str
    stderr: str


async def run(*args: str, env: Mapping[str, str], stdin: str = "") -> Finished:
    """Run ``python -m bot *args`` to completion, feeding ``stdin``; bounded by START_S."""
    process = await start(*args, env=env, stdin=True)
    overran = f"python -m bot {' '.join(args)} ran over {START_S}s"
    return await _finish(process, stdin.encode(), overran)


async def stop(process: asyncio.subprocess.Process) -> Finished:
    """SIGTERM, as Heroku sends; the exit status and everything the process wrote."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    return await _finish(process, None, f"the process did not exit within {START_S}s of SIGTERM")


async def stdout_lines(process: asyncio.subprocess.Process, count: int) -> list[str]:
    """The next ``count`` lines ``process`` writes to stdout, stripped; each within START_S."""
    assert process.stdout is not None
    return [
        (await asyncio.wait_for(process.stdout.readline(), START_S)).decode().strip()
        for _ in range(count)
    ]


async def _finish(
    process: asyncio.subprocess.Process, stdin: bytes | None, overran: str
) -> Finished:
    """Everything ``process`` writes until it exits; after START_S, kill it and fail."""
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), START_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(overran) from None
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())


@dataclass
class BotProcess:
    """One running ``python -m bot`` and every line it has written so far."""

    process: asyncio.subprocess.Process
    base_url: str
    env: dict[str, str]
    # stdout and stderr together, in arrival order: the logs go to stderr, but a
    # secret or a traceback must not be on either.
    lines: Arrivals[str]

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    async def wait_for_line(self, fragment: str, timeout: float = START_S) -> str:
        """The first line containing ``fragment``, once it has been written."""
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
        """Everything written so far; complete once the ``bot_process`` block is left."""
        return "\n".join(self.lines.items)


async def _collect(stream: asyncio.StreamReader | None, lines: Arrivals[str]) -> None:
    assert stream is not None
    async for raw in stream:
        await lines.add(raw.decode(errors="replace").rstrip("\n"))


@asynccontextmanager
async def bot_process(
    sim: Simulator, slack: FakeSlack, *, ready: str = LISTENING, **overrides: str
) -> AsyncIterator[BotProcess]:
    """``python -m bot`` on a free port, once it has written a line containing ``ready``.

    The default waits until it serves HTTP; with ``SLACK_APP_TOKEN`` set, pass
    ``ready="connected in Socket Mode"``. Leaving the block kills it if it still runs.
    """
    port = free_port()
    env = bot_environment(sim, slack, PORT=str(port), **overrides)
    process = await start(env=env)
    lines: Arrivals[str] = Arrivals("lines from the bot")
    readers = [
        asyncio.create_task(_collect(stream, lines)) for stream in (process.stdout, process.stderr)
    ]
    bot = BotProcess(process, f"http://127.0.0.1:{port}", env, lines)
    try:
        await bot.wait_for_line(ready)
        yield bot
    finally:
        if process.returncode is None:
            with suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        await asyncio.gather(*readers)
