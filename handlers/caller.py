"""Who asked, from where, and where the answer goes: the same three facts for every way in.

Bolt already works them out for each request (``context.user_id``, ``channel_id`` and
``response_url``), for a command and a button click alike, so listeners never dig
through the raw body for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_bolt.context.async_context import AsyncBoltContext

from bot.usecases.progress import Progress


@dataclass(frozen=True)
class Caller:
    """``progress``: where the request's work says how far it has got, for the notes."""

    user: str
    channel: str
    response_url: str
    progress: Progress = field(default_factory=Progress, compare=False)

    @classmethod
    def of(cls, context: AsyncBoltContext) -> Caller:
        return cls(
            user=context.user_id or "",
            channel=context.channel_id or "",
            response_url=context.response_url or "",
        )
