"""Who asked, from where, and where the answer goes: the same three facts for every way in.

Bolt already works them out for each request (``context.user_id``, ``channel_id`` and
``response_url``), for a command and a button click alike, so listeners never dig
through the raw body for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.context.async_context import AsyncBoltContext


@dataclass(frozen=True)
class Caller:
    user: str
    channel: str
    response_url: str

    @classmethod
    def of(cls, context: AsyncBoltContext) -> Caller:
        return cls(
            user=context.user_id or "",
            channel=context.channel_id or "",
            response_url=context.response_url or "",
        )
