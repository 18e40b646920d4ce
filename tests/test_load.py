"""Load: many commands at once against a slow Losant, and thousands in a row.

A burst of 200 commands while Losant takes a second per call must be acked in
time and answered, each reply on its own command's response_url and about its own
query: nothing lost, nothing crossed. Memory must not creep up over thousands of
commands (measured on a real ``python -m bot`` process, so the test's own fakes
are not counted). These run with the production timeouts (10 s a call, 20 s a read).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest

from bot.edges.losant.client import LosantClient
from bot.edges.losant.errors import LosantUnavailable
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.fakes.signing import encode_command, sign, slash_command_body
from tests.harness import SIGNING_SECRET, WRITER, acme_id, running_bot, text_of
from tests.process import bot_process

PRODUCTION_TIMEOUTS = {"LOSANT_TIMEOUT_S": "10", "LOSANT_RETRY_BUDGET_S": "20"}
SLACK_ACK_LIMIT_S = 3.0
BURST = 200
BURST_ANSWERED_S = 10.0


def loader(n: int) -> str:
    return f"load{n:03d}@acme.io"


@dataclass(frozen=True)
class Acked:
    """One command sent: where its replies go, and the HTTP answer to it (the ack)."""

    response_url: str
    status: int
    body: bytes
    seconds: float


async def post_command(
    http: aiohttp.ClientSession, events_url: str, slack: FakeSlack, text: str
) -> Acked:
    """Send one signed `/members <text>` as Slack does, and time its ack."""
    url = slack.response_url()
    body = encode_command(
        slash_command_body(text=text, user_id=WRITER, channel_id="C0LOAD", response_url=url)
    )
    started = time.perf_counter()
    async with http.post(events_url, data=body, headers=sign(body, SIGNING_SECRET)) as ack:
        content = await ack.read()
    return Acked(url, ack.status, content, time.perf_counter() - started)


def many_connections(n: int) -> aiohttp.ClientSession:
    """A client that sends ``n`` requests at once, as Slack would. (aiohttp, as the
    test's own client must cost far less CPU than the bot it measures.)"""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=n))


async def test_a_burst_of_commands_against_slow_losant_is_all_acked_and_answered() -> None:
    """200 commands at once with Losant taking 1 s a call: every ack is a 200 within
    Slack's 3 s, and every command gets one final reply, about its own member, within
    10 s of the burst."""
    async with running_bot(**PRODUCTION_TIMEOUTS) as bot:
        org = acme_id(bot.sim)
        for n in range(BURST):
            bot.sim.state.add_member(org, email=loader(n), role="view", first_name=f"Load{n}")
        bot.sim.faults.latency_s = 1.0
        started = time.perf_counter()
        async with many_connections(BURST) as http:
            sent = await asyncio.gather(
                *(
                    post_command(
                        http, bot.events_url, bot.slack, f"list org={org} filter={loader(n)}"
                    )
                    for n in range(BURST)
                )
            )
            await bot.settle(60)
        answered_s = time.perf_counter() - started

    assert [(200, b"")] * BURST == [(ack.status, ack.body) for ack in sent]
    assert max(ack.seconds for ack in sent) < SLACK_ACK_LIMIT_S
    # 400 calls of 1 s: a pool of 20 made the last person wait 20 s; 100 takes about 4.
    assert answered_s < BURST_ANSWERED_S
    by_url: dict[str, list[dict[str, Any]]] = {ack.response_url: [] for ack in sent}
    for post in bot.slack.responses:
        by_url[post.url].append(post.payload)  # a KeyError would be a reply to nobody
    finals = [
        [p for p in by_url[ack.response_url] if "Working on it" not in text_of(p)] for ack in sent
    ]
    assert [1] * BURST == [len(replies) for replies in finals]
    crossed = [
        n
        for n, [reply] in enumerate(finals)
        if "1 member" not in text_of(reply)
        or text_of(reply).count("load") != text_of(reply).count(loader(n))
    ]
    assert [] == crossed
    assert {200} == {r.status for r in bot.sim.requests}


async def test_calls_beyond_the_limit_wait_their_turn_no_longer_than_the_pool_timeout(
    simulator: Simulator,
) -> None:
    """With every slot held by a slow call, the next call waits at most the pool
    timeout, then fails as "no free connection" without ever reaching Losant."""
    simulator.faults.add(method="GET", delay_s=5.0)
    http = httpx.AsyncClient(
        base_url=simulator.base_url,
        headers={"Authorization": f"Bearer {simulator.token}"},
        timeout=httpx.Timeout(10.0, pool=0.3),
        trust_env=False,
    )
    async with (
        LosantClient(
            http, instance_id=simulator.instance_id, retry_budget_s=0.5, max_in_flight=1
        ) as losant,
        http,
    ):
        held = asyncio.ensure_future(losant.get_org(acme_id(simulator)))
        await asyncio.sleep(0)  # the held call starts first, so it takes the slot first
        started = time.perf_counter()
        with pytest.raises(LosantUnavailable, match="no free connection"):
            # Another org: an identical read would share the held call, not wait for a slot.
            await losant.get_org(other_org_id(simulator))
        waited = time.perf_counter() - started
        held.cancel()

    assert 0.3 <= waited < 1.0
    assert 1 == len(simulator.requests)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads RSS from Linux /proc")
async def test_memory_does_not_grow_over_five_thousand_commands() -> None:
    """A real bot process serving 5,000 commands of every kind (reads, help, usage
    errors, a write that finds the member already there), each with a new query, after
    a warm-up: its resident memory grows by less than 5 MB (1 KB a command)."""
    async with Simulator() as sim, FakeSlack() as slack:
        org = acme_id(sim)
        kinds = (
            lambda n: f"list org={org} filter=n{n}@acme.io",
            lambda n: f"list org=Acme filter=*{n}*",
            lambda n: "help",
            lambda n: f"lsit {n}",
            lambda n: "add org=Acme email=ada@acme.io",
        )
        async with (
            bot_process(sim, slack, **PRODUCTION_TIMEOUTS) as bot,
            many_connections(50) as http,
        ):
            slots = asyncio.Semaphore(50)

            async def one(n: int) -> None:
                # Like people, wait for the answer before the next command on this slot,
                # so the bot is measured serving, not holding a backlog.
                async with slots:
                    ack = await post_command(http, bot.events_url, slack, kinds[n % len(kinds)](n))
                    assert 200 == ack.status
                    if not ack.body:
                        await slack.wait_for_responses(1, url=ack.response_url, timeout=30)

            async def serve(first: int, count: int) -> int:
                await asyncio.gather(*(one(n) for n in range(first, first + count)))
                # The fakes keep what they saw; that is the test's memory, not the bot's.
                sim.requests.clear()
                slack.responses.clear()
                return bot.rss_bytes()

            warm = await serve(0, 1_000)
            after = await serve(1_000, 5_000)
            bot.terminate()
            assert 0 == await bot.exit_status()

    assert after - warm < 5_000_000, f"grew {(after - warm) / 1e6:.1f} MB"


def other_org_id(simulator: Simulator) -> str:
    return next(org_id for org_id in simulator.state.orgs if org_id != acme_id(simulator))
