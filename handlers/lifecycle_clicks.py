"""Button clicks on grants and requests: End now, Extend, Approve, Deny, and asking again.

Each value carries only an ID (signed), never a decision or a length: who may click
is checked again at the click. On a request, the requester is refused before any other
rule, whatever else they may do (a writer or an approver cannot approve their own
request); then only the clicker's identity decides, not the channel, because a card
lives in the approval channel, not where a command ran.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Literal

from bot.edges.losant.errors import LosantError
from bot.edges.store import Request, RequestState
from bot.usecases.access import Verdict
from bot.usecases.errors import BotError
from bot.usecases.results import Result
from handlers import outcome
from handlers.button_seals import opened
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.outcome import Outcome
from handlers.views import Reply
from handlers.views.requests import render_admin_approval, render_refused_click

OWN_REQUEST = "the requester cannot decide their own request"


async def end_grant_work(deps: Deps, caller: Caller, *, value: str) -> Outcome:
    """End now: a writer ends a listed grant, reverting it at once."""
    return await _on_grant(deps, caller, value, "revoke", deps.operations.lifecycle.end_grant)


async def extend_grant_work(deps: Deps, caller: Caller, *, value: str) -> Outcome:
    """Extend: a writer makes a listed grant last its length again, from now."""
    extend = deps.operations.lifecycle.extend_grant
    return await _on_grant(deps, caller, value, "extend", extend)


async def _on_grant(
    deps: Deps,
    caller: Caller,
    value: str,
    subcommand: Literal["revoke", "extend"],
    act: Callable[[str, str], Awaitable[Result]],
) -> Outcome:
    """A writer's button on a listed grant: ``act(grant_id, writer)`` once the value is ours
    and the clicker may write."""
    grant_id = opened(value, "grant", deps.operations.ref_opened)
    if grant_id is None:
        return _not_ours(caller, subcommand)
    refusal = await _writer_refusal(deps, caller, subcommand)
    if refusal is not None:
        return refusal
    try:
        result = await act(grant_id, caller.user)
    except (LosantError, BotError) as exc:
        return outcome.for_error(exc, caller, subcommand=subcommand, is_write=True)
    return outcome.for_result(result, caller)


async def decide_work(
    deps: Deps, caller: Caller, *, value: str, approve: bool, confirmed: bool = False
) -> Outcome:
    """Approve or Deny on a request (and an approver's Confirm of an ``admin`` approval)."""
    verb = "approve" if approve else "deny"
    requesting = deps.operations.lifecycle.requesting
    request_id = opened(value, "request", deps.operations.ref_opened)
    if request_id is None:
        return _not_ours(caller, verb)
    try:
        request = await requesting.get(request_id)
    except BotError as exc:
        return outcome.for_error(exc, caller, subcommand=verb, is_write=False)
    if caller.user == request.requester:
        # Before any other rule: nothing else a requester may do lets them decide for
        # themselves.
        reply = render_refused_click(
            "You made this request, so you cannot decide it: another approver must."
        )
        return _refused(caller, request, verb, OWN_REQUEST, reply)
    verdict = await deps.access.may_approve(caller.user)
    if not verdict.allowed:
        reply = render_refused_click(_why_not(verdict, "decide access requests"))
        return _refused(caller, request, verb, verdict.reason, reply)
    pending = request.state is RequestState.PENDING
    if approve and request.role == "admin" and not confirmed and pending:
        # Granting admin is confirmed first, as it is for a writer's command.
        return Outcome(render_admin_approval(request))
    try:
        result = await requesting.decide(request, approver=caller.user, approve=approve)
    except (LosantError, BotError) as exc:
        return outcome.for_error(exc, caller, subcommand=verb, is_write=False)
    decided = outcome.for_result(result, caller)
    # What both Home tabs show has changed: the requester's request, the approver's queue.
    return dataclasses.replace(decided, refresh_homes=(request.requester, caller.user))


async def ask_again_work(deps: Deps, caller: Caller, *, value: str) -> Outcome:
    """The "ask for more" button of an ending-soon DM: a new request, for oneself."""
    verdict = await deps.access.may_request(caller.user)
    if not verdict.allowed:
        reply = render_refused_click(_why_not(verdict, "ask for access"))
        return outcome.refused(caller, reply, subcommand="request", reason=verdict.reason)
    grant_id = opened(value, "grant", deps.operations.ref_opened)
    if grant_id is None:
        return _not_ours(caller, "request")
    try:
        result = await deps.operations.lifecycle.requesting.ask_again(
            grant_id, requester=caller.user
        )
    except (LosantError, BotError) as exc:
        return outcome.for_error(exc, caller, subcommand="request", is_write=False)
    return outcome.for_result(result, caller)


async def _writer_refusal(
    deps: Deps, caller: Caller, subcommand: Literal["revoke", "extend"]
) -> Outcome | None:
    verdict = await deps.access.check(
        user_id=caller.user, channel_id=caller.channel, subcommand=subcommand
    )
    if verdict.allowed:
        return None
    return outcome.denied(caller, verdict, subcommand=subcommand, need="write")


def _refused(caller: Caller, request: Request, verb: str, reason: str, reply: Reply) -> Outcome:
    return outcome.refused(
        caller,
        reply,
        subcommand=verb,
        reason=reason,
        org=request.org_id,
        target=request.requester_email,
        role=request.role,
    )


def _why_not(verdict: Verdict, doing: str) -> str:
    if verdict.transient:
        return f"Your access could not be checked just now ({verdict.reason}). Try again."
    return f"You may not {doing}: {verdict.reason}."


def _not_ours(caller: Caller, subcommand: str) -> Outcome:
    """A button value this bot did not sign (edited, or from elsewhere): refused, audited."""
    reply = render_refused_click("That button's value was not one the bot made.")
    return outcome.refused(caller, reply, subcommand=subcommand, reason="tampered button value")
