"""One console session: the real app, fed signed requests in-process, its replies collected.

Requests go through ``AsyncApp.async_dispatch`` with a Slack signature, so the console
exercises the same verification, listeners, Losant client and views as production;
only the transport differs. A stand-in Slack (``bot.sandbox.fake_slack.slack``) answers the Web API
calls the bot makes and receives its response_url posts.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.sandbox.console.render import Button
from bot.sandbox.fake_slack.slack import FakeSlack
from bot.serving.runtime import Runtime


@dataclass(frozen=True)
class Exchange:
    """What one request produced: the ack (if it had a body) and the posts that followed.

    ``screen`` is what the person sees in the channel afterwards, as Slack would show
    it: replies that replaced others are there once, in their place.
    """

    ack: dict[str, Any] | None
    replies: list[dict[str, Any]]
    audit: list[str]
    screen: list[dict[str, Any]] = field(default_factory=list)
    # What the bot posted or updated outside the replies: audit lines, request cards, DMs.
    # Each is {"channel": …, "updated": bool, "text": …, "blocks": […]}.
    posted: list[dict[str, Any]] = field(default_factory=list)


class ConsoleSession:
    """Sends ``/members`` lines and button presses as ``user`` in ``channel``."""

    def __init__(
        self, runtime: Runtime, slack: FakeSlack, *, user: str, channel: str, secret: str
    ) -> None:
        self._runtime = runtime
        self._slack = slack
        self._verifier = SignatureVerifier(secret)
        self.user = user
        self.channel = channel
        self._seen_messages = 0
        self._seen_updates = 0

    @staticmethod
    def new_secret() -> str:
        return secrets.token_hex(16)

    async def command(self, text: str, timeout_s: float = 60.0) -> Exchange:
        url = self._slack.response_url(user=self.user, channel=self.channel)
        form = {
            "token": "console",
            "team_id": "T0CONSOLE",
            "team_domain": "console",
            "channel_id": self.channel,
            "channel_name": "console",
            "user_id": self.user,
            "user_name": "you",
            "command": "/members",
            "text": text,
            "api_app_id": "A0CONSOLE",
            "is_enterprise_install": "false",
            "response_url": url,
            "trigger_id": self._slack.new_trigger_id(self.user),
        }
        return await self._dispatch(urlencode(form), form, url, timeout_s)

    async def press(
        self, button: Button, message: dict[str, Any], timeout_s: float = 60.0
    ) -> Exchange:
        # The message on screen the button is on: a reply to the press replaces it.
        shown = self._slack.find_shown(message, user=self.user, channel=self.channel)
        ts = None if shown is None else str(shown["ts"])
        url = self._slack.response_url(user=self.user, channel=self.channel, message_ts=ts)
        container: dict[str, Any] = {"type": "message", "is_ephemeral": True}
        if ts is not None:
            container.update(message_ts=ts, channel_id=self.channel)
        payload = {
            "type": "block_actions",
            "user": {"id": self.user, "username": "you", "team_id": "T0CONSOLE"},
            "api_app_id": "A0CONSOLE",
            "token": "console",
            "container": container,
            "trigger_id": self._slack.new_trigger_id(self.user),
            "team": {"id": "T0CONSOLE", "domain": "console"},
            "channel": {"id": self.channel, "name": "console"},
            "message": message,
            "response_url": url,
            "actions": [
                {
                    "type": "button",
                    "action_id": button.action_id,
                    "block_id": "console",
                    "value": button.value,
                    "text": {"type": "plain_text", "text": button.label},
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self._dispatch(body, payload, url, timeout_s)

    async def _dispatch(
        self, body: str, payload: dict[str, Any], url: str, timeout_s: float
    ) -> Exchange:
        timestamp = str(int(time.time()))
        headers: dict[str, str | Sequence[str]] = {
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": self._verifier.generate_signature(timestamp=timestamp, body=body)
            or "",
        }
        response = await self._runtime.app.async_dispatch(
            AsyncBoltRequest(body=body, headers=headers)
        )
        # The listener has acked; wait until it, and the audit channel, have posted
        # everything they will post.
        await self._runtime.drain(timeout_s)
        ack: dict[str, Any] | None = None
        if response.body:
            try:
                parsed = json.loads(response.body)
                ack = parsed if isinstance(parsed, dict) else {"text": response.body}
            except ValueError:
                ack = {"text": response.body}
        if ack is not None and response.status == 200:
            # Slack shows a command's ack message; the fake needs telling what it was.
            await self._slack.app_answered(payload, ack)
        replies = [p.payload for p in self._slack.responses if p.url == url]
        audit, posted = self._posted()
        return Exchange(
            ack=ack,
            replies=replies,
            audit=audit,
            screen=self._slack.visible(self.user, self.channel),
            posted=posted,
        )

    async def sweep(self, timeout_s: float = 60.0) -> Exchange:
        """Run the sweep now, as every process's timer does; what it posted."""
        await self._runtime.sweeper.sweep()
        await self._runtime.drain(timeout_s)
        audit, posted = self._posted()
        return Exchange(ack=None, replies=[], audit=audit, posted=posted)

    def _posted(self) -> tuple[list[str], list[dict[str, Any]]]:
        """The messages posted and updated since last asked: their texts, and each in full."""
        messages = self._slack.messages[self._seen_messages :]
        self._seen_messages = len(self._slack.messages)
        updates = self._slack.calls_to("chat.update")[self._seen_updates :]
        self._seen_updates += len(updates)
        posted = [_shown(m, updated=False) for m in messages]
        posted += [_shown(call.args, updated=True) for call in updates]
        return [str(m.get("text", "")) for m in messages], posted


def _shown(args: dict[str, Any], *, updated: bool) -> dict[str, Any]:
    blocks = args.get("blocks")
    if isinstance(blocks, str):  # a form-encoded call carries them as JSON
        blocks = json.loads(blocks)
    shown: dict[str, Any] = {
        "channel": str(args.get("channel", "")),
        "updated": updated,
        "text": str(args.get("text", "")),
    }
    if blocks:
        shown["blocks"] = blocks
    return shown
