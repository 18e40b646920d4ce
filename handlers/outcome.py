"""From an operation's result or failure to the reply and the audit decision.

Shared by the command listener and the confirm button so that both report a
change, and audit it, the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.audit import AuditEvent
from bot.errors import BotError
from bot.losant.errors import LosantError
from bot.results import (
    ConfirmationNeeded,
    MemberAdded,
    MemberRemoved,
    Result,
    RoleChanged,
    WriteUnknown,
)
from handlers.views import Reply, render_bot_error, render_losant_error, render_result


@dataclass(frozen=True)
class Outcome:
    reply: Reply
    audit: AuditEvent | None


def for_result(result: Result, *, actor: str, channel: str, subcommand: str) -> Outcome:
    """The reply for ``result``, and an audit event when it is the outcome of a write."""
    reply = render_result(result)
    event: AuditEvent | None = None
    match result:
        case MemberAdded():
            event = AuditEvent(
                actor=actor,
                channel=channel,
                subcommand="add",
                decision="done",
                org=result.org.id,
                org_name=result.org.name,
                target=result.member.email or result.member.user_id,
                role=result.member.role,
                losant_status=200,
                reason="already a member" if result.outcome == "already_member" else None,
            )
        case RoleChanged():
            event = AuditEvent(
                actor=actor,
                channel=channel,
                subcommand="role",
                decision="done",
                org=result.org.id,
                org_name=result.org.name,
                target=result.member.email or result.member.user_id,
                role=result.member.role,
                losant_status=200,
                reason=f"was {result.previous_role}"
                if result.outcome == "changed"
                else "already had that role",
            )
        case MemberRemoved():
            event = AuditEvent(
                actor=actor,
                channel=channel,
                subcommand="remove",
                decision="done",
                org=result.org.id,
                org_name=result.org.name,
                target=result.target,
                losant_status=200,
                reason="already removed" if result.outcome == "already_removed" else None,
            )
        case WriteUnknown():
            event = AuditEvent(
                actor=actor,
                channel=channel,
                subcommand=result.subcommand,
                decision="unknown",
                org=result.org.id,
                org_name=result.org.name,
                target=result.target,
                role=result.role,
            )
        case ConfirmationNeeded():
            event = None
    return Outcome(reply=reply, audit=event)


def for_error(
    exc: LosantError | BotError,
    *,
    actor: str,
    channel: str,
    subcommand: str,
    is_write: bool,
    org: str | None = None,
    target: str | None = None,
    role: str | None = None,
) -> Outcome:
    """The reply for a failure, and a ``failed`` audit event when a write failed."""
    if isinstance(exc, LosantError):
        reply = render_losant_error(exc, org=org, target=target)
        status = exc.status
    else:
        reply = render_bot_error(exc)
        status = None
    event = (
        AuditEvent(
            actor=actor,
            channel=channel,
            subcommand=subcommand,
            decision="failed",
            org=org,
            target=target,
            role=role,
            losant_status=status,
            reason=exc.message[:200],
        )
        if is_write
        else None
    )
    return Outcome(reply=reply, audit=event)
