"""Load: many commands at once against a slow Losant, and thousands in a row.

A burst of 200 commands while Losant holds its answers must all be acked and then
answered, each reply on its own command's response_url and about its own query:
nothing lost, nothing crossed. Memory must not creep up over thousands of commands
(measured on a real ``python -m bot`` process, so the test's own fakes are not
counted). These run with the production timeouts (10 s a call, 20 s a read).

Nothing here times the bot: the ack's latency and the throughput are figures of
``make bench``. These tests hold Losant's answers behind a gate and assert what
happened meanwhile.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest

from bot.edges.losant.client import MAX_CONNECTIONS, LosantClient
from bot.edges.losant.errors import LosantUnavailable
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.fakes.signing import encode_command, sign, slash_command_body
from tests.harness import SIGNING_SECRET, WRITER, acme_id, running_bot, text_of
from tests.process import bot_process

PRODUCTION_TIMEOUTS = {"LOSANT_TIMEOUT_S": "10", "LOSANT_RETRY_BUDGET_S": "20"}
BURST = 200


def loader(n: int) -> str:
    return f"load{n:03d}@acme.io"


@dataclass(frozen=True)
class Acked:
    """One command sent: where its replies go, and the HTTP answer to it (the ack)."""

    response_url: str
    status: int
    body: bytes


async def post_command(
    http: aiohttp.ClientSession, events_url: str, slack: FakeSlack, text: str
) -> Acked:
    """Send one signed `/members <text>` as Slack does, and read its ack."""
    url = slack.response_url()
    body = encode_command(
        slash_command_body(text=text, user_id=WRITER, channel_id="C0LOAD", response_url=url)
    )
    async with http.post(events_url, data=body, headers=sign(body, SIGNING_SECRET)) as ack:
        content = await ack.read()
    return Acked(url, ack.status, content)


def many_connections(n: int) -> aiohttp.ClientSession:
    """A client that sends ``n`` requests at once, as Slack would. (aiohttp, as the
    test's own client must cost far less CPU than the bot it measures.)"""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=n))


async def test_a_burst_of_commands_against_slow_losant_is_all_acked_and_answered() -> None:
    """200 commands at once while Losant holds every answer: all 200 are acked (200,
    empty) before Losant has answered anything, and the bot has as many calls in
    flight at once as its pool holds (a pool of 20 made the last of 200 people wait
    20 s at 1 s a call). Once Losant answers, every command gets one final reply,
    about its own member: nothing lost, nothing crossed."""
    async with running_bot(**PRODUCTION_TIMEOUTS) as bot:
        org = acme_id(bot.sim)
        for n in range(BURST):
            bot.sim.state.add_member(org, email=loader(n), role="view", first_name=f"Load{n}")
        release = bot.sim.faults.gate()
        async with many_connections(BURST) as http:
            sent = await asyncio.gather(
                *(
                    post_command(
                        http, bot.events_url, bot.slack, f"list org={org} filter={loader(n)}"
                    )
                    for n in range(BURST)
                )
            )
            answered_before_the_acks = [r for r in bot.sim.requests if r.status is not None]
            # Behind the closed gate, every request that arrived is one still in flight.
            await bot.sim.wait_for_requests(MAX_CONNECTIONS, timeout=30)
            release.set()
            await bot.settle(60)

    assert [(200, b"")] * BURST == [(ack.status, ack.body) for ack in sent]
    assert [] == answered_before_the_acks
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


def globex_id(simulator: Simulator) -> str:
    org = simulator.state.find_org_by_name("Globex")
    assert org is not None
    return org.id


def one_slot_client(
    simulator: Simulator, *, pool_s: float, budget_s: float
) -> tuple[LosantClient, httpx.AsyncClient]:
    """A client allowed one call in flight, waiting ``pool_s`` at most for its turn
    (and no longer than what is left of a read's ``budget_s``)."""
    http = httpx.AsyncClient(
        base_url=simulator.base_url,
        headers={"Authorization": f"Bearer {simulator.token}"},
        timeout=httpx.Timeout(10.0, pool=pool_s),
        trust_env=False,
    )
    losant = LosantClient(
        http, instance_id=simulator.instance_id, retry_budget_s=budget_s, max_in_flight=1
    )
    return losant, http


async def test_a_call_beyond_the_limit_waits_its_turn(simulator: Simulator) -> None:
    """With the one slot held by a call Losant has not answered, the next call waits:
    Losant receives it only after answering the first (by the simulator's own record),
    and it gets its answer."""
    release = simulator.faults.gate(method="GET", times=1)
    losant, http = one_slot_client(simulator, pool_s=10.0, budget_s=20.0)
    async with losant, http:
        held = asyncio.ensure_future(losant.get_org(acme_id(simulator)))
        await simulator.wait_for_requests(1)  # the held call has its slot and reached Losant
        # Another org: the same read would share the held call instead of waiting for a slot.
        waiting = asyncio.ensure_future(losant.get_org(globex_id(simulator)))
        # Half a second for the second call to reach Losant, which it must not do: a
        # slow machine can only make this pass more easily, never fail.
        with pytest.raises(AssertionError, match="expected 2 requests"):
            await simulator.wait_for_requests(2, timeout=0.5)
        release.set()
        orgs = await asyncio.wait_for(asyncio.gather(held, waiting), timeout=10)

    first, second = simulator.requests
    assert ["Acme", "Globex"] == [org.name for org in orgs]
    assert first.answered is not None
    assert second.arrived >= first.answered


async def test_calls_beyond_the_limit_wait_their_turn_no_longer_than_the_pool_timeout(
    simulator: Simulator,
) -> None:
    """With every slot held by a call Losant never answers, the next call gives up
    after the pool timeout (0.3 s; the bound here is 10 s) as "no free connection",
    without ever reaching Losant."""
    simulator.faults.gate(method="DELETE")
    losant, http = one_slot_client(simulator, pool_s=0.3, budget_s=0.5)
    async with losant, http:
        # A write holds the slot: it is sent once with the client's own 10 s timeout, not
        # cut to a read's budget, so it cannot give the slot up while the read waits.
        org = acme_id(simulator)
        ada = simulator.state.find_member_by_email(org, "ada@acme.io")
        assert ada is not None
        held = asyncio.ensure_future(losant.remove_member(org, ada.user_id))
        await simulator.wait_for_requests(1)
        with pytest.raises(LosantUnavailable, match="no free connection"):
            await asyncio.wait_for(losant.get_org(globex_id(simulator)), timeout=10)
        held.cancel()

    assert 1 == len(simulator.requests)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads RSS from Linux /proc")
# 6,000 commands take the test's own side (fakes, client) about 20 s, and half as long
# again when coverage traces it: the default 60 s is no bound on a busy machine.
@pytest.mark.timeout(240)
async def test_memory_does_not_grow_over_five_thousand_commands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A real bot process serving 5,000 commands of every kind (reads, help, usage
    errors, a write that finds the member already there), each with a new query, after
    a warm-up: its resident memory grows by less than 5 MB (1 KB a command)."""
    # The bot alone is measured: coverage's tracer (make test) would add its own memory.
    monkeypatch.delenv("COVERAGE_PROCESS_CONFIG", raising=False)
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
