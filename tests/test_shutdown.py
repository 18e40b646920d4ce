"""SIGTERM, as Heroku sends it on every restart: commands in flight still get their
reply, audit messages still queued are posted, new commands are not taken, and the
process exits 0 within the grace period.

Each test runs the real ``python -m bot`` against a simulator and a fake Slack. A
gate holds Losant's answers until the bot has said it is shutting down, so a command
is surely in flight when the signal lands; nothing is timed with a stopwatch.
"""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.seed import ACME
from bot.serving.serve import GRACE_S
from tests.fakes.signing import encode_command, sign, slash_command_body
from tests.harness import SIGNING_SECRET, WRITER, ManualClock, text_of
from tests.process import START_S, bot_process

LATENCY_S = 2.0
EMAILS = ("one@acme.io", "two@acme.io", "three@acme.io")


def signed_command(slack: FakeSlack, text: str) -> tuple[str, bytes, dict[str, str]]:
    url = slack.response_url()
    body = encode_command(slash_command_body(text=text, user_id=WRITER, response_url=url))
    return url, body, sign(body, SIGNING_SECRET)


async def test_sigterm_lets_a_command_in_flight_reply_then_exits_0() -> None:
    """A `list` waiting on Losant when SIGTERM arrives is still answered; a new
    connection after the signal is refused; the process exits 0 after the reply, not
    at the end of the grace period (it never says the grace period is over).

    A request on a connection that was already open (a proxy's keep-alive) is still
    taken while the bot drains, and it too is answered before the exit: nothing the
    bot accepted is dropped. Heroku's router sends a stopping dyno nothing new anyway.
    """
    async with Simulator() as sim, FakeSlack() as slack:
        release = sim.faults.gate()
        org = sim.state.find_org_by_name(ACME)
        assert org is not None
        async with (
            bot_process(sim, slack, LOSANT_TIMEOUT_S="10") as bot,
            httpx.AsyncClient(timeout=10, trust_env=False) as kept_alive,
        ):
            assert 200 == (await kept_alive.get(f"{bot.base_url}/healthz")).status_code
            url, body, headers = signed_command(slack, f"list org={org.id}")
            ack = await kept_alive.post(bot.events_url, content=body, headers=headers)
            # The ack is sent once the handler runs, so the command is in flight now.
            bot.terminate()
            await bot.wait_for_line("shutting down: 1 request(s) in flight")

            refused_url, body, headers = signed_command(slack, f"list org={org.id}")
            async with httpx.AsyncClient(timeout=5, trust_env=False) as fresh:
                with pytest.raises(httpx.ConnectError):
                    await fresh.post(bot.events_url, content=body, headers=headers)
            draining_url, body, headers = signed_command(slack, f"list org={org.id}")
            during_drain = await kept_alive.post(bot.events_url, content=body, headers=headers)
            held_until_now = [r.status for r in sim.requests]
            release.set()

            status = await bot.exit_status(timeout=GRACE_S + 5)

        def final_reply(to: str) -> str:
            return text_of([p.payload for p in slack.responses if p.url == to][-1])

    assert (200, 200, 0) == (ack.status_code, during_drain.status_code, status)
    assert "12 members" in final_reply(url)
    assert "12 members" in final_reply(draining_url)
    assert [] == [p for p in slack.responses if p.url == refused_url]
    assert {None} == set(held_until_now)  # Losant had been asked, and had answered nothing
    assert "grace period over" not in bot.output
    assert "Traceback" not in bot.output


async def test_sigterm_with_nothing_in_flight_exits_at_once() -> None:
    """An idle bot stops on SIGTERM without waiting for anything and exits 0: within a
    bound shorter than the grace period, and without saying the grace period is over."""
    assert START_S < GRACE_S
    async with Simulator() as sim, FakeSlack() as slack, bot_process(sim, slack) as bot:
        bot.terminate()
        status = await bot.exit_status(timeout=START_S)

    assert 0 == status
    assert "shutting down: 0 request(s) in flight" in bot.output
    assert "grace period over" not in bot.output


async def test_sigterm_posts_the_audit_messages_still_queued_before_exiting() -> None:
    """Audit lines waiting out Slack's rate limit when SIGTERM lands are posted during the
    drain, and the process then exits 0 with nothing dropped."""
    clock = ManualClock()
    async with Simulator() as sim, FakeSlack() as slack:
        # Slack's clock stands still until the test moves it: after the first post, every
        # post is answered 429 until then.
        slack.rate_limit("chat.postMessage", per_s=1, clock=clock)
        async with bot_process(sim, slack, MEMBERS_AUDIT_CHANNEL="C0AUDIT") as bot:
            async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
                for email in EMAILS:
                    _, body, headers = signed_command(slack, f"add org={ACME} email={email}")
                    acked = await http.post(bot.events_url, content=body, headers=headers)
                    assert 200 == acked.status_code
                await slack.wait_for_responses(len(EMAILS), timeout=10)
            await slack.wait_for_rate_limited(1, timeout=10)

            bot.terminate()
            clock.advance(1)
            status = await bot.exit_status(timeout=GRACE_S + 5)

    posted = sorted(line for m in slack.messages for line in m["text"].split("\n"))
    expected = sorted(f"<@{WRITER}> added {email} to Acme as view" for email in EMAILS)
    assert (0, expected) == (status, posted)
    assert "not posted" not in bot.output
    assert "Traceback" not in bot.output
