"""Wiring the Slack listeners into a Bolt app: the ``/members`` command and its buttons.

Each listener is one line: it names the work for what Bolt hands it (the ``command``
or the ``action``). ``_listener`` wraps every one the same way, once: a request ID for
the logs, in-flight tracking for a graceful shutdown, who is asking, and the delivery
step that acks and answers.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.serving.logs import request_id_var
from handlers.actions import confirm_work, page_work
from handlers.caller import Caller
from handlers.delivery import deliver
from handlers.deps import Deps
from handlers.members import command_work
from handlers.outcome import Work

# What a listener turns Bolt's payload (``command`` or ``action``) into.
MakeWork = Callable[[Deps, Caller, dict[str, Any]], Work]
Listener = Callable[..., Awaitable[None]]


def register(app: AsyncApp, deps: Deps) -> None:
    """Attach the ``/members`` command and its buttons to ``app``."""
    app.command("/members")(
        _listener(deps, lambda d, c, command: command_work(d, c, str(command.get("text") or "")))
    )
    clicks: dict[str | re.Pattern[str], MakeWork] = {
        re.compile(r"^members_(prev|next)$"): lambda d, c, a: page_work(
            d, c, orgs=False, value=_value(a)
        ),
        re.compile(r"^orgs_(prev|next)$"): lambda d, c, a: page_work(
            d, c, orgs=True, value=_value(a)
        ),
        "members_confirm": lambda d, c, a: confirm_work(d, c, value=_value(a), confirmed=True),
        "members_cancel": lambda d, c, a: confirm_work(d, c, value=_value(a), confirmed=False),
    }
    for action_id, make_work in clicks.items():
        app.action(action_id)(_listener(deps, make_work, on_card=True))


def _listener(deps: Deps, make_work: MakeWork, *, on_card: bool = False) -> Listener:
    """``on_card``: the listener serves a button on one of the bot's messages."""

    async def listener(ack: AsyncAck, context: AsyncBoltContext, payload: dict[str, Any]) -> None:
        # 12 hex digits, as before from uuid4, which cost several times as much.
        request_id_var.set(secrets.token_hex(6))
        async with deps.inflight.track():
            caller = Caller.of(context)
            await deliver(ack, deps, caller, make_work(deps, caller, payload), on_card=on_card)

    return listener


def _value(action: dict[str, Any]) -> str:
    return str(action.get("value", ""))
