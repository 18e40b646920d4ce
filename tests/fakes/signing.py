"""Requests exactly as Slack sends them over HTTP: the payloads, their encoding, the signature.

HTTP-mode end-to-end tests must go through the app's real request verification, so
they need bodies that Slack would send, signed the way Slack signs them (HMAC-SHA256
over ``v0:<timestamp>:<raw body>``, computed here by slack_sdk's own
``SignatureVerifier``), and posted without re-encoding the bytes that were signed.

``post_signed`` uses an ``httpx.AsyncClient``; create it with ``trust_env=False`` so a
proxy set in the environment can never route a loopback test off the machine.
"""

from __future__ import annotations

import time

import httpx
from slack_sdk.signature import SignatureVerifier

# The builders live with the fake Slack, so the demo console shares them; tests import
# them from here, next to the signing that goes with them.
from bot.sandbox.fake_slack.payloads import (
    API_APP_ID,
    FORM,
    JSON,
    VERIFICATION_TOKEN,
    block_action_body,
    encode_action,
    encode_command,
    encode_event,
    slash_command_body,
)
from bot.sandbox.fake_slack.payloads_views import (
    app_home_opened_body,
    block_suggestion_body,
    shortcut_body,
    view_action_body,
    view_submission_body,
    with_state,
)

__all__ = [
    "API_APP_ID",
    "FORM",
    "JSON",
    "VERIFICATION_TOKEN",
    "app_home_opened_body",
    "block_action_body",
    "block_suggestion_body",
    "encode_action",
    "encode_command",
    "encode_event",
    "post_signed",
    "shortcut_body",
    "sign",
    "slash_command_body",
    "view_action_body",
    "view_submission_body",
    "with_state",
]


def sign(
    body: bytes, secret: str, *, timestamp: int | None = None, content_type: str = FORM
) -> dict[str, str]:
    """The headers Slack sends with ``body``, signed with ``secret`` at ``timestamp`` (now).

    ``content_type`` is JSON for Events API bodies, a form for everything else.
    """
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # None only when there is no timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


async def post_signed(
    http: httpx.AsyncClient,
    url: str,
    body: bytes,
    secret: str,
    *,
    timestamp: int | None = None,
    content_type: str = FORM,
) -> tuple[int, str]:
    """POST ``body`` exactly as signed; the status and text of the answer."""
    headers = sign(body, secret, timestamp=timestamp, content_type=content_type)
    response = await http.post(url, content=body, headers=headers)
    return response.status_code, response.text
