"""End to end: size never starves the bot (ARCHITECTURE.md §8).

While lists of a 10,000-member org are being read (each answer 2.8 MB), another
command must still be acked, and answered, at once. This is checked by the order of
events, never by the clock: the light command's ack and its reply arrive while the big
lists are still being answered.
"""

from __future__ import annotations

import asyncio
import time

from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.scale import BIG_ORG
from tests.harness import running_bot

MEMBERS = 10_000
BIG_LISTS = 8
# Each a filter of its own that still matches everyone: no two share one Losant call.
FILTERS = ["*", "*@*", "*.*", "*.example", "*@massive*", "*-dynamic*", "*e*", "*a*"]


async def test_a_light_command_is_acked_and_answered_while_big_lists_are_in_flight() -> None:
    """Eight lists of the 10,000-member org go out; once the first is answered, a light
    command is acked, and answered, before the last of the eight."""
    async with running_bot(time.time, Simulator(big_org=MEMBERS)) as bot:
        big = bot.sim.state.find_org_by_name(BIG_ORG)
        assert big is not None
        sent = await asyncio.gather(
            *(bot.command(f"list org={big.id} filter={f}") for f in FILTERS[:BIG_LISTS])
        )
        big_urls = {s.response_url for s in sent}

        def big_replies() -> int:
            """How many of the big lists have had their answer (not a working note)."""
            answered = {
                p.url
                for p in bot.slack.responses
                if p.url in big_urls and "members" in p.payload.get("text", "")
            }
            return len(answered)

        while big_replies() == 0:
            await bot.slack.wait_for_responses(len(bot.slack.responses) + 1, timeout=60)
        light = await bot.command("list org=Acme")
        acked_after = big_replies()
        replies = await bot.replies(light, 1, wait_s=60)
        if "Working on it" in replies[-1]["text"]:  # a slow machine: the answer follows
            replies = await bot.replies(light, 2, wait_s=60)
        reply = replies[-1]
        answered_after = big_replies()
        await bot.settle(60)

        assert 200 == light.status
        assert "Members of Acme" in reply["text"]
        # The last post to each: a slow machine may have posted a "working on it" first.
        finals = {p.url: p.payload["text"] for p in bot.slack.responses if p.url in big_urls}
        assert [True] * BIG_LISTS == [f"{MEMBERS:,} members" in t for t in finals.values()]
        assert acked_after < BIG_LISTS, "acked only once every big list was answered"
        assert answered_after < BIG_LISTS, "answered only once every big list was answered"
