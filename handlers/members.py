"""The ``/members`` slash command listener: the flow of DESIGN §1, and nothing more.

parse (pure) → check access → ack → run the operation → render (pure) → respond.
Usage errors, help and denials that need no network call are answered in the ack
itself; anything that calls Losant or Slack is acked empty first, and a short
"working on it" is posted if the answer is not ready within ``working_after_s``.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.edges.losant.errors import LosantError
from bot.serving.logs import request_id_var
from bot.usecases.access import Decision, need_for, subcommands_for
from bot.usecases.audit import AuditEvent, org_as_named
from bot.usecases.commands import (
    WRITE_SUBCOMMANDS,
    Command,
    HelpCommand,
    org_of,
    role_of,
    target_of,
)
from bot.usecases.errors import BotError
from handlers import outcome
from handlers.delivery import deliver
from handlers.deps import Deps
from handlers.parser import USAGE, UsageError, parse
from handlers.views import Reply, render_denied, render_help, render_usage_error

log = logging.getLogger("bot.handlers")


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


async def handle_command(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Serve one ``/members`` invocation."""
    request_id_var.set(new_request_id())
    user, channel = str(body.get("user_id", "")), str(body.get("channel_id", ""))
    response_url = str(body.get("response_url", ""))
    async with deps.inflight.track():
        try:
            command = parse(str(body.get("text") or ""), default_org=deps.default_org)
        except UsageError as exc:
            await ack(
                **render_usage_error(
                    exc.message, USAGE[exc.subcommand] if exc.subcommand else None
                ).to_dict()
            )
            return

        decision = deps.access.check_now(
            user_id=user, channel_id=channel, subcommand=command.subcommand
        )
        if decision is not None and (not decision.allowed or isinstance(command, HelpCommand)):
            await ack(**_answer_without_losant(command, decision, user, deps).to_dict())
            refusal = _refusal(command, decision, user, channel)
            if refusal is not None:
                await deps.auditor.record(refusal)
            return
        # Deciding may need Slack (a user group's members), and the rest needs Losant:
        # never hold the ack for either.
        await ack()
        await deliver(deps, response_url, _finish(command, decision, user, channel, deps))


async def _finish(
    command: Command, decision: Decision | None, user: str, channel: str, deps: Deps
) -> outcome.Outcome:
    """Decide access if that needed Slack, then carry the command out."""
    if decision is None:
        decision = await deps.access.check(
            user_id=user, channel_id=channel, subcommand=command.subcommand
        )
        if not decision.allowed or isinstance(command, HelpCommand):
            reply = _answer_without_losant(command, decision, user, deps)
            # Recorded by deliver() once the reply is out, as for every outcome.
            return outcome.Outcome(reply, _refusal(command, decision, user, channel))
    return await _run(command, user, channel, deps)


def _answer_without_losant(command: Command, decision: Decision, user: str, deps: Deps) -> Reply:
    if not decision.allowed:
        need = need_for(command.subcommand) or "read"
        return render_denied(
            user,
            command.subcommand,
            need,
            decision.reason,
            channels=decision.channels,
            transient=decision.transient,
        )
    allowed = subcommands_for(decision.level)
    return render_help(allowed, USAGE, default_org=deps.default_org)


def _refusal(command: Command, decision: Decision, user: str, channel: str) -> AuditEvent | None:
    """The audit event for a refused command; None when it was not refused."""
    if decision.allowed:
        return None
    return AuditEvent(
        actor=user,
        channel=channel,
        subcommand=command.subcommand,
        decision="refused",
        **org_as_named(org_of(command)),
        target=target_of(command),
        role=role_of(command),
        reason=decision.reason,
    )


async def _run(command: Command, user: str, channel: str, deps: Deps) -> outcome.Outcome:
    try:
        result = await deps.operations.run(command, actor=user)
    except (LosantError, BotError) as exc:
        return outcome.for_error(
            exc,
            actor=user,
            channel=channel,
            subcommand=command.subcommand,
            is_write=command.subcommand in WRITE_SUBCOMMANDS,
            org=org_of(command),
            target=target_of(command),
            role=role_of(command),
        )
    return outcome.for_result(result, actor=user, channel=channel)
