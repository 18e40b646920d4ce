"""What a ``/members`` command line becomes: parse (pure), check access, run, render.

Usage errors, help and refusals that need no network call are ``Outcome``s at once,
so the delivery step answers them in the ack; anything that needs Losant, or Slack to
decide access (a user group not cached), is work for after the ack. A submitted form
makes its Command another way (``handlers.form_fields``) and then goes through
``command_outcome`` exactly as a typed line does.
"""

from __future__ import annotations

import dataclasses

from bot.edges.losant.errors import LosantError
from bot.usecases.access import Verdict, need_for, subcommands_for
from bot.usecases.commands import (
    WRITE_SUBCOMMANDS,
    AddCommand,
    BulkAddCommand,
    Command,
    GrantsCommand,
    HelpCommand,
    MemberRef,
    RequestsCommand,
    org_of,
    role_of,
    target_of,
)
from bot.usecases.errors import BotError
from bot.usecases.results import MemberAdded, Result
from bot.usecases.results_runs import BulkAdded
from handlers import outcome
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.outcome import Outcome, Work
from handlers.parser import USAGE, UsageError, parse
from handlers.views import render_help, render_usage_error

# Home tabs rebuilt after one add: each costs Slack and Losant calls.
MAX_HOMES_REFRESHED = 10


def command_work(deps: Deps, caller: Caller, text: str) -> Work:
    """The outcome of the command line ``text``, or the work that will produce it."""
    try:
        command = parse(text, default_org=deps.default_org)
    except UsageError as exc:
        usage = USAGE[exc.subcommand] if exc.subcommand else None
        return Outcome(render_usage_error(exc.message, usage))
    return command_outcome(deps, caller, command, channel=caller.channel)


def command_outcome(deps: Deps, caller: Caller, command: Command, *, channel: str | None) -> Work:
    """Check access, then run ``command``: the one path for typed lines and forms alike.

    ``channel``: where the command was typed, for ``MEMBERS_CHANNELS``; None for a form,
    where the person's identity alone decides.
    """
    verdict = deps.access.check_now(
        user_id=caller.user, channel_id=channel, subcommand=command.subcommand
    )
    if verdict is not None and (not verdict.allowed or isinstance(command, HelpCommand)):
        return _without_losant(command, verdict, caller, deps)
    return _run(command, verdict, caller, deps, channel)


async def _run(
    command: Command, verdict: Verdict | None, caller: Caller, deps: Deps, channel: str | None
) -> Outcome:
    if verdict is None:  # deciding needs Slack: a user group's members
        verdict = await deps.access.check(
            user_id=caller.user, channel_id=channel, subcommand=command.subcommand
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
    done = outcome.for_result(result, caller)
    return dataclasses.replace(done, refresh_homes=_homes_changed(command, result))


def _homes_changed(command: Command, result: Result) -> tuple[str, ...]:
    """The Slack users an add just gave access: their Home tabs show it (the first few)."""
    targets: tuple[MemberRef, ...]
    match command, result:
        case AddCommand(), MemberAdded(outcome="added"):
            targets = (command.target,)
        case BulkAddCommand(), BulkAdded():
            targets = command.targets
        case _:
            return ()
    people = [t.value for t in targets if t.kind == "slack_user"]
    return tuple(people[:MAX_HOMES_REFRESHED])


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
    return outcome.denied(
        caller,
        verdict,
        subcommand=command.subcommand,
        need=need_for(command.subcommand) or "read",
        org=org_of(command),
        target=target_of(command),
        role=role_of(command),
    )
