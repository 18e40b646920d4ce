"""Requests exactly as Slack sends them over HTTP: the payloads, their encoding, the signature.

HTTP-mode end-to-end tests must go through the app's real request verification, so
they need bodies that Slack would send, signed the way Slack signs them (HMAC-SHA256
over ``v0:<timestamp>:<raw body>``, computed here by slack_sdk's own
``SignatureVerifier``), and posted without re-encoding the bytes that were signed.

``post_signed`` uses an ``httpx.AsyncClient``; create it with ``trust_env=False`` so a
proxy set in the environment can never route a loopback test off the machine.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
API_APP_ID = "A1"
VERIFICATION_TOKEN = "legacy-verification-token"  # deprecated by Slack, still sent


def slash_command_body(
    *,
    text: str,
    response_url: str,
    user_id: str = "U111",
    channel_id: str = "C111",
    command: str = "/members",
    team_id: str = "T1",
    user_name: str = "bo",
    trigger_id: str = "1.2.3",
) -> dict[str, str]:
    """Every field of the form Slack posts for a slash command (all values are strings)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": "test",
        "channel_id": channel_id,
        "channel_name": "members",
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def block_action_body(
    *,
    action_id: str,
    value: str,
    user_id: str,
    channel_id: str,
    response_url: str,
    block_id: str = "b",
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``block_actions`` payload Slack sends when someone clicks a button.

    Without ``message`` it is a click on an ephemeral message, which is how the bot
    replies (Slack includes no ``message`` then); with one, on that channel message.
    """
    container: dict[str, Any] = {
        "type": "message",
        "channel_id": channel_id,
        "is_ephemeral": message is None,
        "message_ts": (message or {}).get("ts", "1700000000.000100"),
    }
    body: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "bo", "name": "bo", "team_id": "T1"},
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": "1.2.4",
        "team": {"id": "T1", "domain": "test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "members"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "action_ts": "1700000001.000200",
            }
        ],
    }
    if message is not None:
        body["message"] = message
    return body


def encode_command(payload: dict[str, str]) -> bytes:
    """A slash command's body: the fields, form-encoded."""
    return urlencode(payload).encode()


def encode_action(payload: dict[str, Any]) -> bytes:
    """An interaction's body: one form field, ``payload``, holding the JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def sign(body: bytes, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with ``body``, signed with ``secret`` at ``timestamp`` (now)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # None only when there is no timestamp
    return {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


async def post_signed(
    http: httpx.AsyncClient, url: str, body: bytes, secret: str, *, timestamp: int | None = None
) -> tuple[int, str]:
    """POST ``body`` exactly as signed; the status and text of the answer."""
    response = await http.post(url, content=body, headers=sign(body, secret, timestamp=timestamp))
    return response.status_code, response.text
