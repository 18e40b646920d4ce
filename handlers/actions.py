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

from bot.audit import AuditEvent
from bot.commands import Subcommand
from bot.errors import BotError
from bot.logs import request_id_var
from bot.losant.errors import LosantError
from bot.signing import ExpiredValue, InvalidConfirmation, PendingChange, unseal
from handlers import outcome
from handlers.deps import Deps
from handlers.members import new_request_id
from handlers.paging import decode_member_state, decode_org_state
from handlers.views import (
    Reply,
    render_cancelled,
    render_confirm_refused,
    render_denied,
    render_orgs,
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
        decision = await deps.access.check(user_id=user, channel_id=channel, subcommand=subcommand)
        if not decision.allowed:
            await deps.responder.send(
                url, render_denied(user, subcommand, "read", decision.reason).to_dict()
            )
            await deps.auditor.record(
                AuditEvent(
                    actor=user,
                    channel=channel,
                    subcommand=subcommand,
                    decision="refused",
                    reason=decision.reason,
                )
            )
            return
        try:
            if kind == "members":
                state = decode_member_state(value)
                result = await deps.operations.member_page(
                    org_id=state.org_id,
                    filter=state.filter,
                    field=state.field,
                    sort=state.sort,
                    direction=state.direction,
                    page=state.page,
                )
                reply = render_result(result)
            else:
                org_state = decode_org_state(value)
                reply = render_orgs(
                    await deps.operations.orgs(org_state.filter, page=org_state.page)
                )
        except ValueError:
            await deps.responder.send(
                url,
                render_confirm_refused("That button's value was not one the bot made.").to_dict(),
            )
            await deps.auditor.record(
                AuditEvent(
                    actor=user,
                    channel=channel,
                    subcommand=subcommand,
                    decision="refused",
                    reason="malformed page button value",
                )
            )
            return
        except (LosantError, BotError) as exc:
            out = outcome.for_error(
                exc, actor=user, channel=channel, subcommand=subcommand, is_write=False
            )
            await deps.responder.send(url, out.reply.to_dict())
            return
        await _replace(deps, url, reply)


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
        except InvalidConfirmation as exc:
            expired = isinstance(exc, ExpiredValue)
            reason = "expired confirmation" if expired else "tampered confirmation value"
            await _refuse(deps, url, user, channel, None, reason, str(exc), replace=expired)
            return
        if user != change.actor:
            await _refuse(
                deps,
                url,
                user,
                channel,
                change,
                "not the invoker",
                f"Only <@{change.actor}>, who asked for this change, can confirm it.",
            )
            return
        if not confirmed:
            await _replace(deps, url, render_cancelled())
            return
        decision = await deps.access.check(user_id=user, channel_id=channel, subcommand=change.op)
        if not decision.allowed:
            await _refuse(
                deps,
                url,
                user,
                channel,
                change,
                decision.reason,
                f"You may no longer make this change: {decision.reason}",
            )
            return
        try:
            result = await deps.operations.confirm(change)
        except (LosantError, BotError) as exc:
            out = outcome.for_error(
                exc,
                actor=user,
                channel=channel,
                subcommand=change.op,
                is_write=True,
                org=change.org_id,
                target=change.target,
                role=change.role,
            )
        else:
            out = outcome.for_result(result, actor=user, channel=channel, subcommand=change.op)
        await _replace(deps, url, out.reply)
        if out.audit is not None:
            await deps.auditor.record(out.audit)


async def _refuse(
    deps: Deps,
    url: str,
    user: str,
    channel: str,
    change: PendingChange | None,
    reason: str,
    message: str,
    *,
    replace: bool = False,
) -> None:
    reply = render_confirm_refused(message)
    if replace:
        await _replace(deps, url, reply)
    else:
        await deps.responder.send(url, {**reply.to_dict(), "replace_original": False})
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
