"""One console session: the real app, fed signed requests in-process, its replies collected.

Requests go through ``AsyncApp.async_dispatch`` with a Slack signature, so the console
exercises the same verification, listeners, Losant client and views as production;
only the transport differs. A stand-in Slack (``bot.sandbox.fake_slack.slack``) answers the Web API
calls the bot makes and receives its response_url posts. Besides commands and clicks,
a session submits forms, types into their org field, uses the shortcut and opens the
Home tab, with the payloads the fake Slack's builders make, as Slack sends them.
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
from bot.sandbox.fake_slack.payloads import FORM, JSON, encode_event
from bot.sandbox.fake_slack.payloads_views import (
    app_home_opened_body,
    block_suggestion_body,
    shortcut_body,
    view_action_body,
    view_submission_body,
    with_state,
)
from bot.sandbox.fake_slack.slack import FakeSlack
from bot.serving.runtime import Runtime

REQUEST_SHORTCUT = "request_losant_access"


@dataclass(frozen=True)
class Exchange:
    """What one request produced: the ack (if it had a body) and the posts that followed.

    ``screen`` is what the person sees in the channel afterwards, as Slack would show
    it: replies that replaced others are there once, in their place. ``dms``: what the
    bot sent them in a direct message; ``modal``: the form on top of their screen
    afterwards, with ``errors`` under its fields; ``home``: their Home tab.
    """

    ack: dict[str, Any] | None
    replies: list[dict[str, Any]]
    audit: list[str]
    screen: list[dict[str, Any]] = field(default_factory=list)
    dms: list[dict[str, Any]] = field(default_factory=list)
    # What the bot posted or updated outside the replies: audit lines, request cards, DMs.
    # Each is {"channel": …, "updated": bool, "text": …, "blocks": […]}.
    posted: list[dict[str, Any]] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)
    home: dict[str, Any] | None = None


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
        return await self._dispatch(urlencode(form), form, timeout_s)

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
        return await self._dispatch(body, payload, timeout_s)

    async def submit(self, view: dict[str, Any], values: dict[str, Any]) -> Exchange:
        """Press the submit button of ``view`` with ``values`` as its state."""
        payload = view_submission_body(
            view=with_state(view, values), user_id=self.user, trigger_id=self._trigger()
        )
        return await self._interact(payload)

    async def suggest(self, view: dict[str, Any], action_id: str, typed: str) -> Exchange:
        """Type ``typed`` into the external select ``action_id`` of ``view``."""
        payload = block_suggestion_body(
            view=view, user_id=self.user, action_id=action_id, value=typed
        )
        return await self._interact(payload)

    async def shortcut(self) -> Exchange:
        """Choose the app's global shortcut, "Request Losant access"."""
        payload = shortcut_body(
            callback_id=REQUEST_SHORTCUT, user_id=self.user, trigger_id=self._trigger()
        )
        return await self._interact(payload)

    async def press_in_view(self, button: Button, view: dict[str, Any]) -> Exchange:
        """Click ``button`` on the Home tab (or a modal) ``view``."""
        payload = view_action_body(
            view=view,
            action_id=button.action_id,
            user_id=self.user,
            trigger_id=self._trigger(),
            value=button.value,
        )
        return await self._interact(payload)

    async def open_home(self, timeout_s: float = 60.0) -> Exchange:
        """Open the app's Home tab, as ``app_home_opened`` tells the app."""
        payload = app_home_opened_body(
            user_id=self.user, channel_id=self._slack.dm_channel(self.user)
        )
        body = encode_event(payload).decode()
        return await self._dispatch(body, payload, timeout_s, content_type=JSON)

    def _trigger(self) -> str:
        return self._slack.new_trigger_id(self.user)

    async def _interact(self, payload: dict[str, Any], timeout_s: float = 60.0) -> Exchange:
        body = urlencode({"payload": json.dumps(payload)})
        return await self._dispatch(body, payload, timeout_s)

    async def _dispatch(
        self,
        body: str,
        payload: dict[str, Any],
        timeout_s: float,
        *,
        content_type: str = FORM,
    ) -> Exchange:
        posted = len(self._slack.responses)
        timestamp = str(int(time.time()))
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
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
        if response.status == 200:
            # Slack acts on the ack (shows a command's message, closes a submitted form);
            # the fake needs telling what it was.
            await self._slack.app_answered(payload, ack or {})
        # Whatever reached a response_url meanwhile: a form answers under its command.
        replies = [p.payload for p in self._slack.responses[posted:]]
        messages, elsewhere = self._posted()
        dm = (self.user, self._slack.dm_channel(self.user))
        views = self._slack.open_views(self.user)
        return Exchange(
            ack=ack,
            replies=replies,
            audit=[str(m.get("text", "")) for m in messages if m.get("channel") not in dm],
            screen=self._slack.visible(self.user, self.channel),
            dms=[m for m in messages if m.get("channel") in dm],
            modal=views[-1] if views else None,
            errors=self._slack.modal_errors(self.user),
            home=self._slack.home(self.user),
            posted=elsewhere,
        )

    async def sweep(self, timeout_s: float = 60.0) -> Exchange:
        """Run the sweep now, as every process's timer does; what it posted."""
        await self._runtime.sweeper.sweep()
        await self._runtime.drain(timeout_s)
        messages, posted = self._posted()
        audit = [str(m.get("text", "")) for m in messages]
        return Exchange(ack=None, replies=[], audit=audit, posted=posted)

    def _posted(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The messages posted since last asked, and everything posted or updated, in full."""
        messages = self._slack.messages[self._seen_messages :]
        self._seen_messages = len(self._slack.messages)
        updates = self._slack.calls_to("chat.update")[self._seen_updates :]
        self._seen_updates += len(updates)
        posted = [_shown(m, updated=False) for m in messages]
        posted += [_shown(call.args, updated=True) for call in updates]
        return messages, posted


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
