"""End to end: Losant misbehaving on reads (slow, rate limiting, failing, dropping,
refusing, answering nonsense) while a person waits in Slack.

Each test asserts what the person saw (the ack, the "working on it" note, the final
reply), what Losant received (the simulator's request log) and, where the bot has
something to tell its operator, what it logged. The harness runs every Losant call
with ``LOSANT_TIMEOUT_S=2`` and ``LOSANT_RETRY_BUDGET_S=3`` (1 where only the end of
the budget matters), so a budget running out takes seconds, not the production 20.

Nothing here times the bot. "The ack does not wait for Losant" is shown by holding
Losant's answers behind a gate until the ack (and the working note) are in; waits
are shown by the number and order of requests Losant saw, or by the simulator's own
record of when they arrived. How fast the ack is lives in ``make bench``.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.sandbox.simulator import RecordedRequest
from tests.harness import Harness, acme_id, free_port, running_bot, text_of

WORKING = "Working on it"
UNAVAILABLE = "Losant is unavailable or slow right now."
BUSY = "Losant is busy and asked the bot to slow down."
UNREADABLE = "Losant sent an answer the bot could not read."
MEMBERS = r"/members$"


def member_read_records(bot: Harness) -> list[RecordedRequest]:
    """Every read of a member list Losant received, in order."""
    return [r for r in bot.sim.requests if r.method == "GET" and r.path.endswith("/members")]


def member_reads(bot: Harness) -> list[int | None]:
    """The status Losant answered each read of a member list with (None: no answer)."""
    return [r.status for r in member_read_records(bot)]


def answered(bot: Harness) -> list[RecordedRequest]:
    """The requests Losant has answered so far."""
    return [r for r in bot.sim.requests if r.status is not None]


async def list_acme(bot: Harness, wait_s: float = 10.0) -> list[dict[str, Any]]:
    """Send `/members list org=<Acme's ID>`; every post it got once the bot has finished
    (within ``wait_s``: a bot that slept past it fails here)."""
    sent = await bot.command(f"list org={acme_id(bot.sim)}")
    assert (200, {}) == (sent.status, sent.ack)
    await bot.settle(wait_s)
    return [p.payload for p in bot.slack.responses if p.url == sent.response_url]


def assert_acme_listed(payload: dict[str, Any]) -> None:
    text = text_of(payload)
    assert "12 members" in text
    assert "bo@acme.io" in text


# ---- latency ----------------------------------------------------------------------


async def test_slow_losant_gets_an_instant_ack_then_working_then_the_list() -> None:
    """While Losant holds every answer, the empty ack comes back and "working on it" is
    posted; only once Losant answers does the list follow, as the second and last post."""
    async with running_bot(LOSANT_TIMEOUT_S="6", LOSANT_RETRY_BUDGET_S="10") as bot:
        release = bot.sim.faults.gate()
        sent = await bot.command(f"list org={acme_id(bot.sim)}")
        [working] = await bot.replies(sent, 1)
        held = [r.status for r in bot.sim.requests]
        release.set()
        posts = await bot.replies(sent, 2)
        await bot.settle()

        # Acked (empty: the answer is still to come) while Losant held every answer.
        assert (200, {}) == (sent.status, sent.ack)
        assert WORKING in text_of(working)
        assert [None, None] == held  # the org and the list, both still held by Losant
        assert_acme_listed(posts[1])
        assert 2 == len(bot.slack.responses)


@pytest.mark.slow
async def test_nine_seconds_of_latency_with_production_settings_still_gets_the_list() -> None:
    """Near the 10 s per-call timeout, with the production settings: instant ack,
    "working on it", then the list, in one read each (no retry)."""
    async with running_bot(LOSANT_TIMEOUT_S="10", LOSANT_RETRY_BUDGET_S="20") as bot:
        bot.sim.faults.latency_s = 9.0
        sent = await bot.command(f"list org={acme_id(bot.sim)}")
        answered_before_ack = answered(bot)
        await bot.settle(15)
        posts = [p.payload for p in bot.slack.responses if p.url == sent.response_url]
        assert ((200, {}), []) == ((sent.status, sent.ack), answered_before_ack)
        assert 2 == len(posts)
        assert WORKING in text_of(posts[0])
        assert_acme_listed(posts[1])
        assert [200] == member_reads(bot)


async def test_fast_losant_gets_no_working_note() -> None:
    """When Losant answers at once, the person gets the list and nothing else."""
    async with running_bot() as bot:
        posts = await list_acme(bot)
        assert 1 == len(posts)
        assert_acme_listed(posts[0])


async def test_a_read_past_its_budget_ends_in_a_clear_reply_not_silence() -> None:
    """Losant holding every answer (a gate never opened): working note, then
    "unavailable" once the read's budget is spent, never nothing. A 2 s budget of 1 s
    calls has room for two reads of the list at most, so more would mean the budget
    was not kept."""
    async with running_bot(LOSANT_TIMEOUT_S="1", LOSANT_RETRY_BUDGET_S="2") as bot:
        bot.sim.faults.gate()
        posts = await list_acme(bot)

        assert 2 == len(posts)
        assert WORKING in text_of(posts[0])
        assert UNAVAILABLE == posts[1]["text"]
        assert "Try again" in text_of(posts[-1])
        reads = member_reads(bot)
        assert 1 <= len(reads) <= 2, reads
        assert all(status is None for status in reads)


# ---- 429 ---------------------------------------------------------------------------


async def test_429_with_retry_after_is_waited_out_then_the_list_is_shown() -> None:
    """Retry-After: 1 on the list is honoured (by Losant's own clock, the retry arrives
    at least a second after the 429 went out) and the person sees the list."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="GET", path=MEMBERS, status=429, headers={"Retry-After": "1"})
        posts = await list_acme(bot)
        assert [429, 200] == member_reads(bot)
        limited, retry = member_read_records(bot)
        assert limited.answered is not None
        assert retry.arrived - limited.answered >= 1.0
        assert_acme_listed(posts[-1])


async def test_429_without_retry_after_is_backed_off_then_the_list_is_shown() -> None:
    """Two bare 429s are retried with backoff; the third read answers the person."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="GET", path=MEMBERS, status=429, times=2)
        posts = await list_acme(bot)
        assert [429, 429, 200] == member_reads(bot)
        assert_acme_listed(posts[-1])


async def test_429_asking_for_longer_than_the_budget_is_answered_at_once() -> None:
    """Retry-After beyond the read's budget is not slept on: one call, then "busy"
    (a bot that slept the 120 s would not finish within list_acme's wait)."""
    async with running_bot() as bot:
        bot.sim.faults.add(
            method="GET", path=MEMBERS, status=429, headers={"Retry-After": "120"}, times=5
        )
        posts = await list_acme(bot)
        assert [429] == member_reads(bot)
        assert BUSY == posts[-1]["text"]
        assert "Try again" in text_of(posts[-1])


async def test_persistent_429_ends_in_busy_after_bounded_retries() -> None:
    """Losant rate limiting every call: a bounded number of reads, then "busy"."""
    async with running_bot(LOSANT_RETRY_BUDGET_S="1") as bot:
        bot.sim.faults.add(method="GET", path=MEMBERS, status=429, times=None)
        posts = await list_acme(bot)
        assert 2 <= len(member_reads(bot)) <= 10
        assert BUSY == posts[-1]["text"]


# ---- 5xx ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_reads_recover_from_a_run_of_server_errors(status: int) -> None:
    """Three 5xx answers in a row are retried within the budget; the person sees the list."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="GET", path=MEMBERS, status=status, times=3)
        posts = await list_acme(bot)
        assert [status, status, status, 200] == member_reads(bot)
        assert_acme_listed(posts[-1])


async def test_a_proxy_error_page_is_not_echoed() -> None:
    """Persistent 502s with an HTML body from a proxy: "unavailable", and no HTML shown."""
    async with running_bot(LOSANT_RETRY_BUDGET_S="1") as bot:
        bot.sim.faults.add(
            method="GET", path=MEMBERS, status=502, body="<html><h1>Bad Gateway</h1></html>",
            times=None,
        )  # fmt: skip
        posts = await list_acme(bot)
        assert UNAVAILABLE == posts[-1]["text"]
        assert "<h1>" not in text_of(posts[-1])
        assert len(member_reads(bot)) >= 2


# ---- dropped and refused connections ----------------------------------------------


async def test_reads_recover_from_dropped_connections() -> None:
    """Two connections dropped without an answer are retried; the person sees the list."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="GET", path=MEMBERS, drop=True, times=2)
        posts = await list_acme(bot)
        assert [None, None, 200] == member_reads(bot)
        assert_acme_listed(posts[-1])


async def test_every_connection_dropped_ends_in_unavailable() -> None:
    """Losant dropping every connection: bounded retries, then "unavailable"."""
    async with running_bot(LOSANT_RETRY_BUDGET_S="1") as bot:
        bot.sim.faults.add(method="GET", path=MEMBERS, drop=True, times=None)
        posts = await list_acme(bot)
        assert UNAVAILABLE == posts[-1]["text"]
        assert 2 <= len(member_reads(bot)) <= 10


async def test_refused_connections_end_in_unavailable_within_the_budget(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing listening at LOSANT_API_URL: retried until the budget is spent, then a
    clear "unavailable" reply. The waits the bot chose between attempts (its debug log)
    fit in the 1 s budget, so a person waits no longer than that."""
    caplog.set_level(logging.DEBUG, logger="bot.losant")
    async with running_bot(
        LOSANT_API_URL=f"http://127.0.0.1:{free_port()}", LOSANT_RETRY_BUDGET_S="1"
    ) as bot:
        sent = await bot.command("list org=Acme")
        reply = await bot.reply(sent)
        assert UNAVAILABLE == reply["text"]
        assert "Try again" in text_of(reply)
        assert [] == bot.sim.requests
    waits = [r.delay_s for r in caplog.records if hasattr(r, "delay_s")]
    assert waits, "the bot never retried"
    assert sum(waits) < 1.0, waits


# ---- answers the bot cannot read ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<html>oops</html>", id="html"),
        pytest.param("", id="empty"),
        pytest.param('{"items": [', id="truncated-json"),
        pytest.param("[1, 2, 3]", id="json-array"),
        pytest.param({"items": "everyone"}, id="items-not-a-list"),
        pytest.param({"items": [{"email": "x@acme.io"}]}, id="member-without-id-or-role"),
        pytest.param(
            {"items": [{"userId": "5f0c0c0c0c0c0c0c0c0c0c99", "role": "overlord"}]},
            id="unknown-role",
        ),
        pytest.param({"items": [{"userId": "not-hex", "role": "view"}]}, id="bad-user-id"),
    ],
)
async def test_a_200_that_breaks_the_schema_is_a_clear_logged_error(
    body: str | dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """A 2xx whose body is not the documented shape: a clear reply (nothing of the body
    echoed, no retry of an answer that will not change) and a warning for the operator
    naming the status and the call."""
    caplog.set_level(logging.WARNING)
    async with running_bot() as bot:
        bot.sim.faults.add(method="GET", path=MEMBERS, status=200, body=body)
        posts = await list_acme(bot)
        assert UNREADABLE == posts[-1]["text"]
        assert "HTTP 200" in text_of(posts[-1])
        assert [200] == member_reads(bot)
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert any("200" in w and "/members" in w for w in warnings), warnings


async def test_an_org_that_breaks_the_schema_is_a_clear_error() -> None:
    """A 200 for the org lookup without the org's ID: the same clear "could not read"."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="GET", path=r"/orgs$", status=200, body={"items": [{}]})
        sent = await bot.command("list org=Acme")
        reply = await bot.reply(sent)
        assert UNREADABLE == reply["text"]
        assert not [r for r in bot.sim.requests if r.path.endswith("/members")]


async def test_a_5xx_with_a_body_of_the_wrong_shape_is_still_unavailable() -> None:
    """A 503 whose JSON is not Losant's error shape is treated as the 503 it is."""
    async with running_bot(LOSANT_RETRY_BUDGET_S="1") as bot:
        bot.sim.faults.add(
            method="GET", path=MEMBERS, status=503, body={"error": {"code": 7}}, times=None
        )
        posts = await list_acme(bot)
        assert UNAVAILABLE == posts[-1]["text"]
        assert "HTTP 503" in text_of(posts[-1])
