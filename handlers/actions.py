"""Button clicks on the bot's messages: Prev/Next paging, Confirm and Cancel.

Stateless: everything a click needs rides in the button's value, so any process may
serve it. A click is a request like any other: the clicker's permission is checked
again, and every forged, expired or foreign value is refused and audited. Each
function returns the click's ``Work``; the delivery step does the rest.
"""

from __future__ import annotations

from bot.edges.losant.errors import LosantError
from bot.edges.losant.models import Role
from bot.usecases.commands import Subcommand
from bot.usecases.errors import BotError
from bot.usecases.sealed import ExpiredValue, InvalidConfirmation, PendingChange
from bot.usecases.sealed_runs import PendingBulkAdd, PendingOffboard, PendingRun
from handlers import outcome
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.outcome import Outcome, Work
from handlers.paging import MemberPageState, OrgPageState, decode_member_state, decode_org_state
from handlers.views import (
    Reply,
    render_cancelled,
    render_confirm_refused,
    render_not_invoker,
    render_result,
)

_NOT_OURS = "That button's value was not one the bot made."
Pending = PendingChange | PendingRun


async def page_work(deps: Deps, caller: Caller, *, orgs: bool, value: str) -> Outcome:
    """Prev/Next on a member list, or on the org list (``orgs``): the page replaces the list."""
    subcommand: Subcommand = "orgs" if orgs else "list"
    state = _page_state(orgs, value)
    verdict = await deps.access.check(
        user_id=caller.user, channel_id=caller.channel, subcommand=subcommand
    )
    if not verdict.allowed:
        # Said to the clicker alone; the list stays for whoever may read it.
        org = state.org_id if isinstance(state, MemberPageState) else None
        return outcome.denied(caller, verdict, subcommand=subcommand, need="read", org=org)
    if state is None:
        return outcome.refused(
            caller,
            render_confirm_refused(_NOT_OURS),
            subcommand=subcommand,
            reason="malformed page button value",
        )
    try:
        if isinstance(state, MemberPageState):
            result = await deps.operations.member_page(
                org_id=state.org_id,
                filter=state.filter,
                field=state.field,
                sort=state.sort,
                direction=state.direction,
                page=state.page,
            )
        else:
            result = await deps.operations.orgs(state.filter, page=state.page)
    except (LosantError, BotError) as exc:
        return outcome.for_error(exc, caller, subcommand=subcommand, is_write=False)
    return Outcome(render_result(result), replace=True)


def _page_state(orgs: bool, value: str) -> MemberPageState | OrgPageState | None:
    try:
        return decode_org_state(value) if orgs else decode_member_state(value)
    except ValueError:
        return None


def confirm_work(deps: Deps, caller: Caller, *, value: str, confirmed: bool) -> Work:
    """Confirm or Cancel a pending change: only its invoker, before it expires, if still allowed."""
    try:
        change = deps.operations.opened(value)
    except ExpiredValue as exc:
        # Authentic, so the audit can say what it was for; the stale card goes.
        reply = render_confirm_refused(exc.message)
        return _refused(caller, exc.change, "expired confirmation", reply, replace=True)
    except InvalidConfirmation as exc:
        reply = render_confirm_refused(exc.message)
        return _refused(caller, None, "tampered confirmation value", reply)
    if caller.user != change.actor:
        # The card stays for its invoker; the clicker gets their own answer.
        return _refused(caller, change, "not the invoker", render_not_invoker(change.actor))
    if not confirmed:
        return Outcome(render_cancelled(), replace=True)
    return _confirmed(deps, caller, change)


async def _confirmed(deps: Deps, caller: Caller, change: Pending) -> Outcome:
    subcommand, org, target, role = _described(change)
    verdict = await deps.access.check(
        user_id=caller.user, channel_id=caller.channel, subcommand=subcommand
    )
    if not verdict.allowed:
        why = (
            f"Your access could not be checked just now ({verdict.reason}). Try again."
            if verdict.transient
            else f"You may no longer make this change: {verdict.reason}"
        )
        reply = render_confirm_refused(why)
        # A passing failure keeps the card, so the click can be tried again.
        return _refused(caller, change, verdict.reason, reply, replace=not verdict.transient)
    try:
        result = await deps.operations.confirm(change, caller.progress)
    except (LosantError, BotError) as exc:
        return outcome.for_error(
            exc,
            caller,
            subcommand=subcommand,
            is_write=True,
            org=org,
            target=target,
            role=role,
            replace=True,
        )
    return outcome.for_result(result, caller, replace=True)


def _described(change: Pending) -> tuple[Subcommand, str | None, str | None, Role | None]:
    """What a sealed change is, for access checks and the audit: subcommand, org, target, role."""
    match change:
        case PendingOffboard():
            return "offboard", None, change.email or change.user_id, None
        case PendingBulkAdd():
            return "add", change.org_id, None, change.role
    return change.op, change.org_id, change.target, change.role


def _refused(
    caller: Caller,
    change: Pending | None,
    reason: str,
    reply: Reply,
    *,
    replace: bool = False,
) -> Outcome:
    subcommand, org, target, role = _described(change) if change else ("confirm", None, None, None)
    return outcome.refused(
        caller,
        reply,
        subcommand=subcommand,
        reason=reason,
        org=org,
        target=target,
        role=role,
        replace=replace,
    )
