"""Socket Mode end to end: the real app behind Bolt's AsyncSocketModeHandler (ARCHITECTURE.md §7).

The bot is connected with ``bot.serving.serve.socket_mode``, the same code ``python -m bot``
runs when SLACK_APP_TOKEN is set. The handler asks the fake Slack's Web API for
``apps.connections.open``, gets its local ``ws://`` URL and ``hello``; the fake then
delivers slash-command and button envelopes and reads back the acks, while the
response_url posts and Losant's requests are read from the fake and the simulator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from bot.config import load_settings
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.serving.runtime import Runtime
from bot.serving.serve import socket_mode
from tests.fakes.signing import block_action_body, slash_command_body
from tests.harness import STRANGER, WRITER, bot_environment, find_button, text_of

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
CHANNEL = "C0GENERAL"
WAIT_S = 10.0
# A Losant answer slow enough to still be in flight when the bot is told to stop,
# and far longer than the test's ping interval, so a reconnect would have happened.
SLOW_LOSANT_S = 0.5
FAST_PING_S = 0.02


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk's Socket Mode client would route a loopback websocket through such a proxy."""
    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@dataclass
class SocketBot:
    sim: Simulator
    slack: FakeSlack
    runtime: Runtime

    async def command(self, text: str, *, user: str = WRITER) -> tuple[dict[str, Any], str]:
        """Deliver ``/members <text>`` as a slash_commands envelope; the ack and response_url."""
        url = self.slack.response_url()
        body = slash_command_body(text=text, user_id=user, channel_id=CHANNEL, response_url=url)
        return await self.slack.send_slash_command(body), url

    async def click(
        self, message: dict[str, Any], action_id: str, *, user: str = WRITER
    ) -> tuple[dict[str, Any], str]:
        """Deliver a click on ``message``'s button as an interactive envelope."""
        url = self.slack.response_url()
        body = block_action_body(
            action_id=action_id,
            value=find_button(message, action_id)["value"],
            user_id=user,
            channel_id=CHANNEL,
            response_url=url,
        )
        return await self.slack.send_interactive(body), url

    async def replies(self, url: str) -> list[dict[str, Any]]:
        """Every post to ``url``, once the bot has finished everything it started."""
        assert await self.runtime.inflight.drain(WAIT_S), "the bot did not finish in time"
        return [post.payload for post in self.slack.responses if post.url == url]


@asynccontextmanager
async def socket_bot(**connect: float) -> AsyncIterator[SocketBot]:
    """The bot in Socket Mode, with no signing secret, between the simulator and the fake.

    Access is by user ID only (no user groups), so a denial needs no Slack call and is
    answered in the ack.
    """
    async with Simulator() as sim, FakeSlack() as slack:
        env = bot_environment(
            sim,
            slack,
            SLACK_APP_TOKEN=slack.app_token,
            SLACK_SIGNING_SECRET="",
            MEMBERS_WRITERS=WRITER,
        )
        settings = load_settings(env, mode="serve")
        assert settings.socket_mode
        # Nested inside FakeSlack: the handler is closed before the fake stops, or the
        # SDK would see Slack go away and try to reconnect.
        async with (
            await Runtime.open(settings) as runtime,
            socket_mode(runtime, slack.app_token, **{"grace_s": WAIT_S, **connect}),
        ):
            await slack.wait_for_socket()
            yield SocketBot(sim, slack, runtime)


async def test_the_handler_connects_with_the_app_token() -> None:
    """The handler opens its websocket through apps.connections.open with the xapp- token."""
    async with socket_bot() as bot:
        expected = [bot.slack.app_token]
        assert expected == [call.token for call in bot.slack.calls_to("apps.connections.open")]


@pytest.mark.parametrize(
    ("text", "user", "expected_words"),
    [
        pytest.param("help", WRITER, ["/members list", "/members add"], id="help"),
        pytest.param("", WRITER, ["/members list", "/members remove"], id="bare-command"),
        pytest.param("lst org=Acme", WRITER, ["list"], id="usage-error-names-closest"),
        pytest.param("list org=Acme", STRANGER, [STRANGER], id="denied-says-who"),
    ],
)
async def test_answers_needing_no_network_come_in_the_ack(
    text: str, user: str, expected_words: list[str]
) -> None:
    """Help, usage errors and denials ride in the ack envelope: no post, no Losant call."""
    async with socket_bot() as bot:
        ack, url = await bot.command(text, user=user)
        replies = await bot.replies(url)

        shown = text_of(ack)
        assert [] == [word for word in expected_words if word not in shown]
        assert "ephemeral" == ack.get("response_type")
        assert [] == replies
        assert [] == bot.sim.requests


async def test_list_is_acked_empty_then_answered_through_the_response_url() -> None:
    """`list` acks with only the envelope ID, then posts the member list to the response_url."""
    async with socket_bot() as bot:
        ack, url = await bot.command("list org=Acme")
        ack_message = bot.slack.socket_messages[-1]
        replies = await bot.replies(url)

        assert {} == ack
        assert ["envelope_id"] == list(ack_message)
        assert 1 == len(replies)
        assert "ephemeral" == replies[0].get("response_type")
        text = text_of(replies[0])
        assert [] == [word for word in ("Acme", "12 members", "bo@acme.io") if word not in text]
        member_calls = [r.path for r in bot.sim.requests if r.path.endswith("/members")]
        assert 1 == len(member_calls)


async def test_a_next_click_arrives_as_an_interactive_envelope_and_pages() -> None:
    """Next on a list reply, clicked over Socket Mode, is acked bare and replaces it with page 2."""
    async with socket_bot() as bot:
        _, list_url = await bot.command("list org=Globex")
        [first_page] = await bot.replies(list_url)

        ack, click_url = await bot.click(first_page, "members_next")
        [second_page] = await bot.replies(click_url)

        assert {} == ack
        assert "(page 1 of 130)" in first_page["text"]
        assert "(page 2 of 130)" in second_page["text"]
        assert True is second_page.get("replace_original")
        first_rows = {line for line in text_of(first_page).splitlines() if line.startswith("•")}
        second_rows = {line for line in text_of(second_page).splitlines() if line.startswith("•")}
        assert (20, 20, set()) == (len(first_rows), len(second_rows), first_rows & second_rows)


async def test_a_confirm_click_over_socket_mode_writes_once() -> None:
    """`remove` asks for confirmation; Confirm, delivered as an envelope, sends one DELETE."""
    async with socket_bot() as bot:
        _, url = await bot.command("remove org=Acme user=ada@acme.io")
        [card] = await bot.replies(url)

        ack, click_url = await bot.click(card, "members_confirm")
        [outcome] = await bot.replies(click_url)

        assert {} == ack
        assert ["DELETE"] == [w.method for w in bot.sim.writes()]
        assert "ada@acme.io" in text_of(outcome)
        assert "members_confirm" not in str(outcome)


async def test_stopping_lets_a_request_in_flight_reply_and_does_not_reconnect() -> None:
    """Leaving ``socket_mode`` waits for a slow reply and opens no new websocket meanwhile."""
    async with socket_bot(ping_interval_s=FAST_PING_S) as bot:
        bot.sim.faults.add(method="GET", path=r"/members$", delay_s=SLOW_LOSANT_S)
        ack, url = await bot.command("list org=Acme")
        assert 1 == bot.runtime.inflight.count
    # Out of the block: the handler has disconnected, drained and closed.

    posts = [post.payload for post in bot.slack.responses if post.url == url]
    assert {} == ack
    assert 1 == len(posts)
    assert "12 members" in text_of(posts[0])
    assert 1 == len(bot.slack.calls_to("apps.connections.open"))
