"""The Web API's messaging methods: post, post ephemeral, update, and open a DM.

Requests (asked in a DM), reminders and cards that change after the fact all reach
people through these calls rather than a response_url, so the fake answers them as
Slack does and writes what they post into the shared ``Conversations``, where a test
or the console reads what the person sees. Arguments are checked as Slack checks them:
an unknown channel is ``channel_not_found``, a message with nothing to show
``no_text``, more than 50 blocks ``invalid_blocks``, an unknown ts ``message_not_found``
and somebody else's message ``cant_update_message``.

Where Slack's docs leave it open, the fake chooses: ``chat.update`` keeps the old
attachments when none are given (as documented) but shows exactly the text and blocks
it was given; a missing ``user`` for ``chat.postEphemeral`` or a missing ``email`` is
``invalid_arguments``, the generic answer Slack gives for a missing argument.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.sandbox.fake_slack.conversations import (
    BOT_USER_ID,
    Conversations,
    content_of,
    is_user_id,
)
from bot.sandbox.fake_slack.web_answers import Answer, Method, Refused, answering_refusals, missing

MAX_MESSAGE_BLOCKS = 50


class ChatMethods:
    """``chat.postMessage``, ``chat.postEphemeral``, ``chat.update``, ``conversations.open``."""

    def __init__(self, conversations: Conversations, knows_user: Callable[[str], bool]) -> None:
        self._chats = conversations
        self._knows_user = knows_user

    def methods(self) -> dict[str, Method]:
        """The Web API methods this class serves, by name."""
        served = {
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update,
            "conversations.open": self.open,
        }
        return {name: answering_refusals(method) for name, method in served.items()}

    def post_message(self, args: dict[str, Any]) -> Answer:
        channel = self._channel(args)
        message = self._chats.post(channel, _content(args))
        return {"ok": True, "channel": channel, "ts": message.ts, "message": message.shown()}

    def post_ephemeral(self, args: dict[str, Any]) -> Answer:
        channel = self._channel(args)
        user = str(args.get("user", ""))
        if not user:
            raise missing("user")
        if not self._knows_user(user):
            raise Refused("user_not_in_channel")
        message = self._chats.post(channel, _content(args), ephemeral_to=user)
        return {"ok": True, "message_ts": message.ts}

    def update(self, args: dict[str, Any]) -> Answer:
        channel = str(args.get("channel", ""))
        # A DM is updated by its D… ID only: a user ID names no existing message.
        if is_user_id(channel) or self._chats.channel_for(channel) is None:
            raise Refused("channel_not_found")
        message = self._chats.find(channel, str(args.get("ts", "")))
        if message is None or message.ephemeral_to is not None:
            raise Refused("message_not_found")  # ephemeral messages cannot be updated
        if message.user != BOT_USER_ID:
            raise Refused("cant_update_message")
        content = _content(args)
        if "attachments" not in content and "attachments" in message.content:
            content["attachments"] = message.content["attachments"]
        self._chats.replace(message, content)
        return {
            "ok": True,
            "channel": channel,
            "ts": message.ts,
            "text": message.content.get("text", ""),
            "message": message.shown(),
        }

    def open(self, args: dict[str, Any]) -> Answer:
        users = [user.strip() for user in str(args.get("users", "")).split(",") if user.strip()]
        resumed = str(args.get("channel", ""))
        if resumed and not users:
            if self._chats.channel_for(resumed) is None:
                raise Refused("channel_not_found")
            return {"ok": True, "channel": {"id": resumed}, "no_op": True, "already_open": True}
        if not users:
            raise Refused("users_list_not_supplied")
        if len(users) > 8:
            raise Refused("too_many_users")
        if not all(self._knows_user(user) for user in users):
            raise Refused("user_not_found")
        if len(users) > 1:
            # A group DM: the fake keeps it as an ordinary conversation.
            return {"ok": True, "channel": {"id": "G" + "".join(u[1:] for u in sorted(users))}}
        existed = self._chats.has_dm(users[0])
        answer: Answer = {"ok": True, "channel": {"id": self._chats.dm_for(users[0])}}
        if existed:
            answer.update(no_op=True, already_open=True)
        return answer

    def _channel(self, args: dict[str, Any]) -> str:
        """Where a post lands: the channel named, or the DM of the user named."""
        channel = str(args.get("channel", ""))
        landing = self._chats.channel_for(channel)
        if landing is None or (is_user_id(channel) and not self._knows_user(channel)):
            raise Refused("channel_not_found")
        return landing


def _content(args: dict[str, Any]) -> dict[str, Any]:
    """What a post would show, once Slack would accept it."""
    content = content_of(args)
    for key, code in (("blocks", "invalid_blocks_format"), ("attachments", "invalid_attachments")):
        if isinstance(content.get(key), str):
            # Form-encoded calls carry these as JSON strings.
            try:
                content[key] = json.loads(content[key])
            except ValueError:
                raise Refused(code) from None
    blocks = content.get("blocks")
    if blocks is not None and (not isinstance(blocks, list) or len(blocks) > MAX_MESSAGE_BLOCKS):
        raise Refused(
            "invalid_blocks",
            f"[ERROR] no more than {MAX_MESSAGE_BLOCKS} items allowed [json-pointer:/blocks]",
        )
    if not (content.get("text") or content.get("blocks") or content.get("attachments")):
        raise Refused("no_text")
    return content
