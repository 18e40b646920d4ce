"""Several real ``python -m bot`` processes sharing one PostgreSQL database, as several dynos do.

Each process has its own port and its own sweep; they share the database, the Losant
simulator and the fake Slack of the test. Their clock is the system's shifted by the
offset in one file (``MEMBERS_CLOCK_FILE``), so a test moves time for all of them at once,
and a process started later agrees on what time it is.
"""

# A timeout parameter with a default is the point of these waits: every wait is bounded.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from bot.edges.store import Grant, Store
from bot.edges.store.engine import create_engine, database_url
from bot.sandbox.clock import OffsetFileClock
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.fakes.signing import (
    block_action_body,
    encode_action,
    encode_command,
    sign,
    slash_command_body,
)
from tests.harness import SIGNING_SECRET, WRITER
from tests.pg import Postgres
from tests.process import BotProcess, bot_process, run

WAIT_S = 30.0


def heroku_form(url: str) -> str:
    """``url`` written as Heroku writes DATABASE_URL: ``postgres://…``."""
    return make_url(url).set(drivername="postgres").render_as_string(hide_password=False)


async def migrated_database(postgres: Postgres) -> str:
    """A fresh database, migrated by ``python -m bot migrate`` as the release phase does."""
    url = heroku_form(await postgres.create_database())
    finished = await run("migrate", env={"DATABASE_URL": url})
    assert 0 == finished.status, finished.stderr
    return url


class Fleet:
    """The processes, the clock file they read, and ways to talk to them."""

    def __init__(self, sim: Simulator, slack: FakeSlack, url: str, clock_file: Path) -> None:
        self.sim = sim
        self.slack = slack
        self.url = url
        self.clock_file = clock_file
        self.bots: list[BotProcess] = []
        self._http = httpx.AsyncClient(timeout=20, trust_env=False)

    def advance_to(self, offset_s: float) -> None:
        """Every process's clock now reads the system time plus ``offset_s``."""
        OffsetFileClock.write(self.clock_file, offset_s)

    async def command(self, bot: BotProcess, text: str, *, user: str = WRITER) -> dict[str, Any]:
        """Send ``/members text`` to ``bot`` and return the last reply it posted."""
        url = self.slack.response_url(user=user, channel="C0GENERAL")
        body = encode_command(
            slash_command_body(text=text, user_id=user, channel_id="C0GENERAL", response_url=url)
        )
        response = await self._http.post(
            bot.events_url, content=body, headers=sign(body, SIGNING_SECRET)
        )
        assert 200 == response.status_code
        if response.content:
            return dict(response.json())
        [post] = await self.slack.wait_for_responses(1, url=url, timeout=WAIT_S)
        return post.payload

    async def click(
        self, bot: BotProcess, message: dict[str, Any], action_id: str, value: str, *, user: str
    ) -> str:
        """Click a button of a channel message as ``user``, through ``bot``; the response_url."""
        url = self.slack.response_url(user=user, channel=str(message.get("channel", "")))
        body = encode_action(
            block_action_body(
                action_id=action_id,
                value=value,
                user_id=user,
                channel_id=str(message.get("channel", "")),
                response_url=url,
                message={"ts": message.get("ts", ""), "blocks": message.get("blocks", [])},
            )
        )
        response = await self._http.post(
            bot.events_url, content=body, headers=sign(body, SIGNING_SECRET)
        )
        assert 200 == response.status_code
        return url

    async def live_grants(self) -> list[Grant]:
        async with Store(create_engine(database_url(self.url, cwd=Path.cwd()))) as store:
            return await store.grants.list_live()

    async def aclose(self) -> None:
        await self._http.aclose()


@asynccontextmanager
async def fleet(
    sim: Simulator, slack: FakeSlack, url: str, tmp_path: Path, *, processes: int, **env: str
) -> AsyncIterator[Fleet]:
    """``processes`` bots on ``url``, each sweeping every 0.2 s (unless ``env`` says)."""
    clock_file = tmp_path / "clock-offset"
    OffsetFileClock.write(clock_file, 0)
    settings = {
        "DATABASE_URL": url,
        "MEMBERS_CLOCK_FILE": str(clock_file),
        "MEMBERS_SWEEP_S": "0.2",
        **env,
    }
    crew = Fleet(sim, slack, url, clock_file)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(crew.aclose)
        for _ in range(processes):
            crew.bots.append(await stack.enter_async_context(bot_process(sim, slack, **settings)))
        yield crew


async def eventually(
    check: Callable[[], Awaitable[bool]], *, timeout: float = WAIT_S, what: str = "it"
) -> None:
    """Wait until ``check()`` holds, looking every 50 ms; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s")
        await asyncio.sleep(0.05)
