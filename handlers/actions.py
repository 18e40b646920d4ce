"""Button clicks on the bot's messages: Prev/Next paging and Confirm/Cancel.

Stateless: everything a click needs rides in the button's value (DESIGN §1), so
any process may serve it. A click is a request like any other: the clicker's
permission is checked again, and every forged, expired or foreign confirmation is
refused and audited. Outcomes replace the message that carried the button.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.edges.losant.errors import LosantError
from bot.serving.logs import request_id_var
from bot.usecases.audit import AuditEvent
from bot.usecases.commands import Subcommand
from bot.usecases.errors import BotError
from bot.usecases.sealed import ExpiredValue, InvalidConfirmation, PendingChange, unseal
from handlers import outcome
from handlers.delivery import deliver
from handlers.deps import Deps
from handlers.members import new_request_id
from handlers.paging import (
    MemberPageState,
    OrgPageState,
    decode_member_state,
    decode_org_state,
)
from handlers.views import (
    Reply,
    render_cancelled,
    render_confirm_refused,
    render_denied,
    render_not_invoker,
    render_result,
)

log = logging.getLogger("bot.handlers")


def _click(body: dict[str, Any]) -> tuple[str, str, str, str]:
    action = (body.get("actions") or [{}])[0]
    user = str((body.get("user") or {}).get("id", ""))
    channel = str((body.get("channel") or {}).get("id", ""))
    return user, channel, str(action.get("value", "")), str(body.get("response_url", ""))


async def _replace(deps: Deps, url: str, reply: Reply) -> None:
    await deps.responder.send(url, {**reply.to_dict(), "replace_original": True})


async def handle_page(ack: AsyncAck, body: dict[str, Any], deps: Deps, *, kind: str) -> None:
    """Prev/Next on a member list (``kind="members"``) or an org list (``kind="orgs"``)."""
    request_id_var.set(new_request_id())
    user, channel, value, url = _click(body)
    subcommand: Subcommand = "list" if kind == "members" else "orgs"
    async with deps.inflight.track():
        await ack()
        # Decoded before the permission check only so that a refusal's audit names the org.
        state = _page_state(kind, value)
        org = state.org_id if isinstance(state, MemberPageState) else None
        decision = await deps.access.check(user_id=user, channel_id=channel, subcommand=subcommand)
        if not decision.allowed:
            # Said to the clicker alone; the list stays for whoever may read it.
            denied = render_denied(
                user,
                subcommand,
                "read",
                decision.reason,
                channels=decision.channels,
                transient=decision.transient,
            )
            await deps.responder.send(url, {**denied.to_dict(), "replace_original": False})
            await _audit_refused(deps, user, channel, subcommand, decision.reason, org=org)
            return
        if state is None:
            reply = render_confirm_refused(
                "That button's value was not one the bot made.", replace=False
            )
            await deps.responder.send(url, reply.to_dict())
            await _audit_refused(deps, user, channel, subcommand, "malformed page button value")
            return
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
            out = outcome.for_error(
                exc, actor=user, channel=channel, subcommand=subcommand, is_write=False
            )
            await deps.responder.send(url, out.reply.to_dict())
            return
        await _replace(deps, url, render_result(result))


def _page_state(kind: str, value: str) -> MemberPageState | OrgPageState | None:
    try:
        return decode_member_state(value) if kind == "members" else decode_org_state(value)
    except ValueError:
        return None


async def _audit_refused(
    deps: Deps, user: str, channel: str, subcommand: str, reason: str, *, org: str | None = None
) -> None:
    await deps.auditor.record(
        AuditEvent(
            actor=user,
            channel=channel,
            subcommand=subcommand,
            decision="refused",
            org=org,
            reason=reason,
        )
    )


async def handle_confirm(
    ack: AsyncAck, body: dict[str, Any], deps: Deps, *, confirmed: bool
) -> None:
    """Confirm or Cancel a pending change: only its invoker, before it expires, if still allowed."""
    request_id_var.set(new_request_id())
    user, channel, value, url = _click(body)
    async with deps.inflight.track():
        await ack()
        try:
            change = unseal(value, deps.signing_key, now=deps.clock())
        except ExpiredValue as exc:
            # Authentic, so the audit can say what it was for; the stale card goes.
            reply = render_confirm_refused(exc.message)
            await _refuse(deps, url, user, channel, exc.change, "expired confirmation", reply)
            return
        except InvalidConfirmation as exc:
            reply = render_confirm_refused(exc.message, replace=False)
            await _refuse(deps, url, user, channel, None, "tampered confirmation value", reply)
            return
        if user != change.actor:
            # The card stays for its invoker; the clicker gets their own answer.
            reply = render_not_invoker(change.actor)
            await _refuse(deps, url, user, channel, change, "not the invoker", reply)
            return
        if not confirmed:
            await _replace(deps, url, render_cancelled())
            return
        decision = await deps.access.check(user_id=user, channel_id=channel, subcommand=change.op)
        if not decision.allowed:
            why = (
                f"Your access could not be checked just now ({decision.reason}). Try again."
                if decision.transient
                else f"You may no longer make this change: {decision.reason}"
            )
            reply = render_confirm_refused(why, replace=not decision.transient)
            await _refuse(deps, url, user, channel, change, decision.reason, reply)
            return
        await deliver(deps, url, _confirmed(change, user, channel, deps), replace=True)


async def _confirmed(change: PendingChange, user: str, channel: str, deps: Deps) -> outcome.Outcome:
    try:
        result = await deps.operations.confirm(change)
    except (LosantError, BotError) as exc:
        return outcome.for_error(
            exc,
            actor=user,
            channel=channel,
            subcommand=change.op,
            is_write=True,
            org=change.org_id,
            target=change.target,
            role=change.role,
        )
    return outcome.for_result(result, actor=user, channel=channel)


async def _refuse(
    deps: Deps,
    url: str,
    user: str,
    channel: str,
    change: PendingChange | None,
    reason: str,
    reply: Reply,
) -> None:
    await deps.responder.send(url, reply.to_dict())
    await deps.auditor.record(
        AuditEvent(
            actor=user,
            channel=channel,
            subcommand=change.op if change else "confirm",
            decision="refused",
            org=change.org_id if change else None,
            target=change.target if change else None,
            role=change.role if change else None,
            reason=reason,
        )
    )
