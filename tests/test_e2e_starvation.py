"""End to end: size never starves the bot (DESIGN §8).

While lists of a 10,000-member org are being read (each answer 2.8 MB), another
command must still be acked, and answered, at once. This is checked by the order of
events, never by the clock: the light command's ack and its reply arrive while the big
lists are still being answered.
"""

from __future__ import annotations

import asyncio

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
    async with running_bot(simulator=Simulator(big_org=MEMBERS)) as bot:
        big = bot.sim.state.find_org_by_name(BIG_ORG)
        assert big is not None
        sent = await asyncio.gather(
            *(bot.command(f"list org={big.id} filter={f}") for f in FILTERS[:BIG_LISTS])
        )
        big_urls = {s.response_url for s in sent}

        def big_replies() -> int:
            return sum(1 for p in bot.slack.responses if p.url in big_urls)

        await bot.slack.wait_for_responses(1, url=sent[0].response_url, timeout=60)
        light = await bot.command("list org=Acme")
        acked_after = big_replies()
        (reply,) = await bot.replies(light, 1, wait_s=60)
        answered_after = big_replies()
        await bot.settle(60)

        assert 200 == light.status
        assert "Members of Acme" in reply["text"]
        finals = [p.payload["text"] for p in bot.slack.responses if p.url in big_urls]
        assert [True] * BIG_LISTS == [f"{MEMBERS:,} members" in text for text in finals]
        assert acked_after < BIG_LISTS, "acked only once every big list was answered"
        assert answered_after < BIG_LISTS, "answered only once every big list was answered"
