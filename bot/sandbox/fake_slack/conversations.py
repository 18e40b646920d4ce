"""What each person sees in each conversation, once replies have replaced or deleted others.

The raw record of posts (every response_url post, every ``chat.postMessage``) says what
the app sent, not what a person ends up looking at: a Confirm card replaced by its
result, a "working on it" note that Slack did *not* replace, a DM. Tests and the demo
console need the latter, so the fake keeps the messages themselves here, each with its
``ts``, whom it is shown to, and who posted it; the Web API and the response_url
receiver both write to it, and ``visible(user, channel)`` reads it back.

A channel message is seen by everyone in the channel; an ephemeral one only by the
person it was posted for. A DM is the channel ``D…`` that ``dm_for(user)`` opens.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BOT_USER_ID = "UBOT"
BOT_ID = "B1"
# What a message shows; everything else in a post (response_type, replace_original, …)
# says how to show it.
CONTENT_KEYS = ("text", "blocks", "attachments")


@dataclass
class Message:
    """One message as Slack holds it: mutable, because replacing keeps its ``ts``."""

    ts: str
    channel: str
    content: dict[str, Any]
    user: str = BOT_USER_ID
    ephemeral_to: str | None = None

    def shown(self) -> dict[str, Any]:
        """The message as a client would render it, in Slack's own shape."""
        shown: dict[str, Any] = {"type": "message", "ts": self.ts, "user": self.user}
        if self.user == BOT_USER_ID:
            shown["bot_id"] = BOT_ID
        if self.ephemeral_to is not None:
            shown["is_ephemeral"] = True
        shown.update(self.content)
        return shown


def content_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a post or a message that is shown: its text, blocks and attachments."""
    return {key: payload[key] for key in CONTENT_KEYS if key in payload}


def is_user_id(value: str) -> bool:
    """A person's ID (``U…`` or, on Enterprise Grid, ``W…``)."""
    return len(value) > 1 and value[0] in "UW" and value[1:].isalnum()


class Conversations:
    """Every message, in every channel and DM, and who can see it."""

    def __init__(self) -> None:
        self._messages: list[Message] = []
        self._timestamps = itertools.count(1)
        self._dms: dict[str, str] = {}  # user ID -> DM channel ID
        self.missing_channels: set[str] = set()

    # -- channels ------------------------------------------------------------------

    def dm_for(self, user: str) -> str:
        """The ID of the DM between the bot and ``user``, opened on first use."""
        return self._dms.setdefault(user, f"D{user[1:]}")

    def has_dm(self, user: str) -> bool:
        """Whether the DM with ``user`` has been opened yet."""
        return user in self._dms

    def channel_for(self, channel: str) -> str | None:
        """Where a post naming ``channel`` lands: a user ID means their DM; None if nowhere."""
        if not channel or channel in self.missing_channels:
            return None
        if is_user_id(channel):
            return self.dm_for(channel)
        if channel.startswith("D") and channel not in self._dms.values():
            return None  # a DM nobody opened does not exist
        return channel

    # -- messages ------------------------------------------------------------------

    def new_ts(self) -> str:
        """A fresh, increasing message timestamp, as Slack's ``ts`` strings look."""
        return f"1700000000.{next(self._timestamps):06d}"

    def post(
        self,
        channel: str,
        content: Mapping[str, Any],
        *,
        user: str = BOT_USER_ID,
        ephemeral_to: str | None = None,
    ) -> Message:
        """Add a message to ``channel`` (shown only to ``ephemeral_to``, if given)."""
        message = Message(self.new_ts(), channel, content_of(content), user, ephemeral_to)
        self._messages.append(message)
        return message

    def find(self, channel: str, ts: str) -> Message | None:
        """The message ``ts`` in ``channel``, if it is still there."""
        return next((m for m in self._messages if m.channel == channel and m.ts == ts), None)

    def find_ts(self, ts: str) -> Message | None:
        """The message ``ts`` wherever it is (a click names a message by its ts)."""
        return next((m for m in self._messages if m.ts == ts), None)

    def replace(self, message: Message, content: Mapping[str, Any]) -> None:
        """Show ``content`` in ``message``'s place; its ts and audience stay."""
        message.content = content_of(content)

    def delete(self, message: Message) -> None:
        """Remove ``message`` for everyone who could see it."""
        self._messages.remove(message)

    # -- what people see -------------------------------------------------------------

    def visible(self, user: str, channel: str) -> list[dict[str, Any]]:
        """What ``user`` sees in ``channel`` (a user ID means the DM with them), oldest first."""
        # Reading must not open a DM: a user ID with no DM yet shows nothing.
        where = self._dms.get(channel, "") if is_user_id(channel) else channel
        return [
            m.shown()
            for m in self._messages
            if m.channel == where and m.ephemeral_to in (None, user)
        ]

    def find_shown(
        self, message: Mapping[str, Any], *, user: str, channel: str
    ) -> dict[str, Any] | None:
        """The newest message ``user`` sees in ``channel`` that shows what ``message`` shows.

        A test holds a reply as the payload the app posted, without a ``ts``; this finds
        the message on screen that it became, so a click can name it as Slack would.
        """
        wanted = content_of(message)
        if "ts" in message:
            return next((m for m in self.visible(user, channel) if m["ts"] == message["ts"]), None)
        shown = [m for m in self.visible(user, channel) if content_of(m) == wanted]
        return shown[-1] if shown else None
