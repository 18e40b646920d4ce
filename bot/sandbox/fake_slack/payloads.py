"""Payloads exactly as Slack sends them to an app: commands, clicks, and their encodings.

The tests' HTTP harness, the fake's Socket Mode and the demo console all have to hand
the app what Slack would hand it, field for field, or the app is tested against a
Slack that does not exist. The builders live here, in the package, so the console can
use them as well as the tests; the modal, Home tab, shortcut and event payloads are in
``payloads_views.py``. Each takes the ``trigger_id`` to carry: pass one from
``FakeSlack.new_trigger_id()`` for the app to be able to open a modal with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

API_APP_ID = "A1"
TEAM_ID = "T1"
VERIFICATION_TOKEN = "legacy-verification-token"  # noqa: S105 - deprecated by Slack, still sent
ACTION_TS = "1700000001.000200"
# How each body goes: the Events API as JSON, everything else (commands, clicks) as a form.
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def user_of(user_id: str, team_id: str = TEAM_ID) -> dict[str, str]:
    """The ``user`` object of an interaction payload."""
    return {"id": user_id, "username": "bo", "name": "bo", "team_id": team_id}


def team_of(team_id: str = TEAM_ID) -> dict[str, str]:
    """The ``team`` object of an interaction payload."""
    return {"id": team_id, "domain": "test"}


def action_of(
    action_id: str,
    *,
    block_id: str,
    value: str | None,
    element: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One entry of ``actions``: a button with ``value`` unless ``element`` says otherwise.

    ``element`` overrides fields, e.g. ``{"type": "static_select", "selected_option":
    {...}}`` for a select menu (which has no ``value``: pass ``value=None``).
    """
    action: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": action_id, "emoji": True},
        "action_ts": ACTION_TS,
    }
    if value is not None:
        action["value"] = value
    action.update(element or {})
    return action


def slash_command_body(
    *,
    text: str,
    response_url: str,
    user_id: str = "U111",
    channel_id: str = "C111",
    command: str = "/members",
    team_id: str = TEAM_ID,
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
    trigger_id: str = "1.2.4",
) -> dict[str, Any]:
    """The ``block_actions`` payload Slack sends when someone clicks a button in a message.

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
        "user": user_of(user_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id,
        "team": team_of(),
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "members"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action_of(action_id, block_id=block_id, value=value)],
    }
    if message is not None:
        body["message"] = message
    return body


def encode_command(payload: Mapping[str, str]) -> bytes:
    """A slash command's body: the fields, form-encoded."""
    return urlencode(payload).encode()


def encode_action(payload: Mapping[str, Any]) -> bytes:
    """An interaction's body: one form field, ``payload``, holding the JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def encode_event(payload: Mapping[str, Any]) -> bytes:
    """An Events API body: the JSON itself (sent as ``application/json``)."""
    return json.dumps(payload).encode()
