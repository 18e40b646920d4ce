"""Wiring the Slack listeners into a Bolt app: the ``/members`` command and its buttons.

The listeners stay thin: each hands the work to ``handlers.members`` or
``handlers.actions``, which in turn use ``bot.usecases.operations`` and the pure parser and views.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from handlers.actions import handle_confirm, handle_page
from handlers.deps import Deps
from handlers.members import handle_command


def register(app: AsyncApp, deps: Deps) -> None:
    """Attach the ``/members`` command and its buttons to ``app``."""

    @app.command("/members")
    async def members_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        await handle_command(ack, body, deps)

    @app.action(re.compile(r"^members_(prev|next)$"))
    async def members_page(ack: AsyncAck, body: dict[str, Any]) -> None:
        await handle_page(ack, body, deps, kind="members")

    @app.action(re.compile(r"^orgs_(prev|next)$"))
    async def orgs_page(ack: AsyncAck, body: dict[str, Any]) -> None:
        await handle_page(ack, body, deps, kind="orgs")

    @app.action("members_confirm")
    async def confirm(ack: AsyncAck, body: dict[str, Any]) -> None:
        await handle_confirm(ack, body, deps, confirmed=True)

    @app.action("members_cancel")
    async def cancel(ack: AsyncAck, body: dict[str, Any]) -> None:
        await handle_confirm(ack, body, deps, confirmed=False)
