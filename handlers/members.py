"""What a ``/members`` command line becomes: parse (pure), check access, run, render.

Usage errors, help and refusals that need no network call are ``Outcome``s at once,
so the delivery step answers them in the ack; anything that needs Losant, or Slack to
decide access (a user group not cached), is work for after the ack.
"""

from __future__ import annotations

from bot.edges.losant.errors import LosantError
from bot.usecases.access import Verdict, need_for, subcommands_for
from bot.usecases.commands import (
    WRITE_SUBCOMMANDS,
    Command,
    GrantsCommand,
    HelpCommand,
    RequestsCommand,
    org_of,
    role_of,
    target_of,
)
from bot.usecases.errors import BotError
from handlers import outcome
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.outcome import Outcome, Work
from handlers.parser import USAGE, UsageError, parse
from handlers.views import render_denied, render_help, render_usage_error


def command_work(deps: Deps, caller: Caller, text: str) -> Work:
    """The outcome of the command line ``text``, or the work that will produce it."""
    try:
        command = parse(text, default_org=deps.default_org)
    except UsageError as exc:
        usage = USAGE[exc.subcommand] if exc.subcommand else None
        return Outcome(render_usage_error(exc.message, usage))
    verdict = deps.access.check_now(
        user_id=caller.user, channel_id=caller.channel, subcommand=command.subcommand
    )
    if verdict is not None and (not verdict.allowed or isinstance(command, HelpCommand)):
        return _without_losant(command, verdict, caller, deps)
    return _run(command, verdict, caller, deps)


async def _run(command: Command, verdict: Verdict | None, caller: Caller, deps: Deps) -> Outcome:
    if verdict is None:  # deciding needs Slack: a user group's members
        verdict = await deps.access.check(
            user_id=caller.user, channel_id=caller.channel, subcommand=command.subcommand
        )
        if not verdict.allowed or isinstance(command, HelpCommand):
            return _without_losant(command, verdict, caller, deps)
    writer = approver = False
    if isinstance(command, GrantsCommand):
        # Writers get End now / Extend buttons on the list.
        writer = await deps.access.level(caller.user) == "write"
    elif isinstance(command, RequestsCommand):
        approver = (await deps.access.may_approve(caller.user)).allowed
    try:
        result = await deps.operations.run(
            command, actor=caller.user, progress=caller.progress, writer=writer, approver=approver
        )
    except (LosantError, BotError) as exc:
        return outcome.for_error(
            exc,
            caller,
            subcommand=command.subcommand,
            is_write=command.subcommand in WRITE_SUBCOMMANDS,
            org=org_of(command),
            target=target_of(command),
            role=role_of(command),
        )
    return outcome.for_result(result, caller)


def _without_losant(command: Command, verdict: Verdict, caller: Caller, deps: Deps) -> Outcome:
    """Help (only what the caller may run), or the refusal."""
    if verdict.allowed:
        offered = subcommands_for(verdict.level)
        if "request" not in offered:
            # A requester who may not read still learns the one thing they may do. Decided
            # from what is known without Slack, so help stays an answer in the ack.
            asks = deps.access.check_now(
                user_id=caller.user, channel_id=caller.channel, subcommand="request"
            )
            if asks is not None and asks.allowed:
                offered = (*offered, "request", "requests")
        help_reply = render_help(offered, USAGE, default_org=deps.default_org)
        return Outcome(help_reply)
    reply = render_denied(
        caller.user,
        command.subcommand,
        need_for(command.subcommand) or "read",
        verdict.reason,
        channels=verdict.channels,
        transient=verdict.transient,
    )
    return outcome.refused(
        caller,
        reply,
        subcommand=command.subcommand,
        reason=verdict.reason,
        org=org_of(command),
        target=target_of(command),
        role=role_of(command),
    )
