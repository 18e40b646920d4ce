"""Pins the fake's Socket Mode endpoint against slack_sdk's aiohttp Socket Mode client.

Bolt's AsyncSocketModeHandler is a thin wrapper around that client, so a round trip
with it here (apps.connections.open, hello, an envelope, its ack) shows the fake speaks
the protocol the real app's handler speaks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.fake_slack import FakeSlack
from tests.fakes.signing import (
    app_home_opened_body,
    block_action_body,
    slash_command_body,
    view_submission_body,
)

BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-test"
# For waits whose outcome is already decided: a failing one stays quick.
SHORT_S = 0.05
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as fake:
        yield fake


@pytest.fixture
async def socket_client(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SocketModeClient]:
    """slack_sdk's aiohttp Socket Mode client, the one Bolt's AsyncSocketModeHandler wraps."""
    for variable in PROXY_VARIABLES:  # the SDK would otherwise route through such a proxy
        monkeypatch.delenv(variable, raising=False)
    client = SocketModeClient(
        app_token=APP_TOKEN, web_client=AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url)
    )
    try:
        yield client
    finally:
        await client.close()
        # close() cancels the client's tasks without awaiting them; let them finish.
        tasks = [client.message_processor, client.message_receiver, client.current_session_monitor]
        await asyncio.gather(*(task for task in tasks if task is not None), return_exceptions=True)


async def test_socket_mode_round_trip(slack: FakeSlack, socket_client: SocketModeClient) -> None:
    """The SDK client connects via apps.connections.open, gets hello, and acks a command."""
    seen: list[dict[str, Any]] = []
    requests: list[SocketModeRequest] = []

    async def record(_client: Any, message: dict[str, Any], _raw: str | None) -> None:
        seen.append(message)

    async def ack(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        requests.append(request)
        await client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload={"text": "Looking up…"})
        )

    socket_client.message_listeners.append(record)
    socket_client.socket_mode_request_listeners.append(ack)
    await socket_client.connect()
    await slack.wait_for_socket()
    command = slash_command_body(text="list", response_url=slack.response_url())

    ack_payload = await slack.send_slash_command(command)

    expected_ack, expected_tokens = {"text": "Looking up…"}, [APP_TOKEN]
    assert expected_ack == ack_payload
    assert expected_tokens == [call.token for call in slack.calls_to("apps.connections.open")]
    expected_hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
    assert expected_hello == {key: seen[0][key] for key in expected_hello}
    assert {"host", "build_number", "approximate_connection_time"} <= set(seen[0]["debug_info"])
    assert [("slash_commands", command, True)] == [
        (r.type, r.payload, r.accepts_response_payload) for r in requests
    ]


async def test_send_interactive_returns_empty_for_a_bare_ack(
    slack: FakeSlack, socket_client: SocketModeClient
) -> None:
    """An interactive envelope acked without a payload gives {}."""

    async def ack(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    socket_client.socket_mode_request_listeners.append(ack)
    await socket_client.connect()
    await slack.wait_for_socket()
    click = block_action_body(
        action_id="next", value="2", user_id="U1", channel_id="C1", response_url="x"
    )

    expected_ack_payload: dict[str, Any] = {}
    assert expected_ack_payload == await slack.send_interactive(click)
    expected_ack_keys = ["envelope_id"]
    assert expected_ack_keys == list(slack.socket_messages[-1])


async def test_an_unacked_envelope_fails_the_wait(
    slack: FakeSlack, socket_client: SocketModeClient
) -> None:
    """A client that never acks makes send_slash_command fail with a clear message."""
    await socket_client.connect()
    await slack.wait_for_socket()

    with pytest.raises(AssertionError, match="did not ack the slash_commands envelope"):
        await slack.send_slash_command({"text": ""}, timeout=SHORT_S)


async def test_waits_on_socket_mode_fail_without_a_client(slack: FakeSlack) -> None:
    """With no client connected, waiting for one or sending an envelope fails clearly."""
    with pytest.raises(AssertionError, match="no Socket Mode client connected within"):
        await slack.wait_for_socket(timeout=SHORT_S)
    with pytest.raises(AssertionError, match="no Socket Mode client connected"):
        await slack.send_slash_command({"text": ""})


async def test_a_submission_over_socket_mode_is_answered_in_the_ack(
    slack: FakeSlack, socket_client: SocketModeClient
) -> None:
    """A view_submission envelope accepts a response payload, and the fake applies it."""
    requests: list[SocketModeRequest] = []

    async def ack(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        requests.append(request)
        answer = {"response_action": "errors", "errors": {"why": "Say more"}}
        await client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=answer)
        )

    socket_client.socket_mode_request_listeners.append(ack)
    await socket_client.connect()
    await slack.wait_for_socket()
    web = AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url)
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Ask"}, "blocks": []}
    view = (await web.views_open(trigger_id=slack.new_trigger_id("U1"), view=modal))["view"]
    submission = view_submission_body(view=view, user_id="U1", trigger_id="1.2.3")

    await slack.send_interactive(submission)

    assert [("interactive", True)] == [(r.type, r.accepts_response_payload) for r in requests]
    assert {"why": "Say more"} == slack.modal_errors("U1")


async def test_an_event_goes_out_as_an_events_api_envelope(
    slack: FakeSlack, socket_client: SocketModeClient
) -> None:
    """send_event delivers an event_callback in an events_api envelope, no payload in the ack."""
    requests: list[SocketModeRequest] = []

    async def ack(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        requests.append(request)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    socket_client.socket_mode_request_listeners.append(ack)
    await socket_client.connect()
    await slack.wait_for_socket()
    event = app_home_opened_body(user_id="U1", channel_id=slack.dm_channel("U1"))

    await slack.send_event(event)

    assert [("events_api", False, event)] == [
        (r.type, r.accepts_response_payload, r.payload) for r in requests
    ]
