"""Pins the signing helpers: requests built as Slack sends them, signed as Slack signs them.

HTTP-mode end-to-end tests are only as good as these helpers: a body Slack would never
send, or a signature the app's verifier would refuse for the wrong reason, would make
those tests prove nothing. slack_sdk's own SignatureVerifier is the judge here.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from tests.fakes.signing import (
    block_action_body,
    encode_action,
    encode_command,
    post_signed,
    sign,
    slash_command_body,
)

SECRET = "signing-secret"


def test_sign_produces_headers_slacks_verifier_accepts() -> None:
    """sign() gives the three headers Slack sends, and SignatureVerifier accepts them."""
    body = encode_command(slash_command_body(text="list", response_url="http://127.0.0.1/r/1"))

    headers = sign(body, SECRET)

    expected_names = {"Content-Type", "X-Slack-Request-Timestamp", "X-Slack-Signature"}
    assert expected_names == set(headers)
    expected_content_type = "application/x-www-form-urlencoded"
    assert expected_content_type == headers["Content-Type"]
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)


@pytest.mark.parametrize(
    ("secret", "tamper"),
    [
        pytest.param("other-secret", b"", id="wrong-secret"),
        pytest.param(SECRET, b"&text=admin", id="tampered-body"),
    ],
)
def test_signature_binds_secret_and_body(secret: str, tamper: bytes) -> None:
    """A signature made with another secret, or over other bytes, is refused."""
    body = encode_command({"text": "list"})

    headers = sign(body, secret)

    assert not SignatureVerifier(SECRET).is_valid_request(body + tamper, headers)


def test_sign_uses_the_given_timestamp() -> None:
    """sign(timestamp=…) signs at that time, so stale requests can be built on purpose."""
    headers = sign(b"x", SECRET, timestamp=1_000)

    expected_timestamp = "1000"
    assert expected_timestamp == headers["X-Slack-Request-Timestamp"]
    assert not SignatureVerifier(SECRET).is_valid_request(b"x", headers)


def test_slash_command_body_has_every_field_slack_sends() -> None:
    """The command form carries every field Slack sends, all of them strings."""
    body = slash_command_body(text="list org=acme", response_url="http://127.0.0.1/r/1")

    expected_fields = {
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id",
        "user_name", "command", "text", "response_url", "trigger_id", "api_app_id",
        "is_enterprise_install",
    }  # fmt: skip
    assert expected_fields == set(body)
    assert all(isinstance(value, str) for value in body.values())
    assert {key: [value] for key, value in body.items()} == parse_qs(encode_command(body).decode())


def test_block_action_body_round_trips_through_its_encoding() -> None:
    """A click's payload is one form field holding JSON, with the clicked button in actions."""
    body = block_action_body(
        action_id="members_next",
        value='{"page": 2}',
        user_id="U1",
        channel_id="C1",
        response_url="http://127.0.0.1/r/1",
    )

    decoded = json.loads(parse_qs(encode_action(body).decode())["payload"][0])

    assert body == decoded
    action = decoded["actions"][0]
    expected_action = {"type": "button", "action_id": "members_next", "value": '{"page": 2}'}
    assert expected_action == {key: action[key] for key in expected_action}
    expected_click = ("block_actions", "U1", True)
    assert expected_click == (
        decoded["type"],
        decoded["user"]["id"],
        decoded["container"]["is_ephemeral"],
    )


async def test_post_signed_sends_exactly_the_signed_bytes() -> None:
    """post_signed's request passes Slack's verification on the receiving side."""

    def verify(request: httpx.Request) -> httpx.Response:
        valid = SignatureVerifier(SECRET).is_valid_request(request.content, dict(request.headers))
        return httpx.Response(200 if valid else 401, text="verified" if valid else "refused")

    body = encode_action({"type": "block_actions"})
    async with httpx.AsyncClient(transport=httpx.MockTransport(verify)) as http:
        answer = await post_signed(http, "http://127.0.0.1/slack/events", body, SECRET)

    expected_answer = (200, "verified")
    assert expected_answer == answer
