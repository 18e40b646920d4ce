"""From an operation's result or failure to the reply and the audit decision.

Shared by the command listener and the confirm button so that both report a
change, and audit it, the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.audit import AuditEvent, org_as_named
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
                # No write was sent when the change was already in place.
                losant_status=None if result.outcome == "already_member" else 200,
                already=result.outcome == "already_member",
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
                previous_role=result.previous_role,
                # No write was sent when the change was already in place.
                losant_status=None if result.outcome == "unchanged" else 200,
                already=result.outcome == "unchanged",
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
                previous_role=result.member.role if result.member else None,
                # No write was sent when the change was already in place.
                losant_status=None if result.outcome == "already_removed" else 200,
                already=result.outcome == "already_removed",
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
                reason=result.detail,
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
        # A write's error means it did not happen: one that might have is read back first.
        reply = render_losant_error(exc, org=org, target=target, unchanged=is_write)
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
            **org_as_named(org),
            target=target,
            role=role,
            losant_status=status,
            reason=exc.message[:200],
        )
        if is_write
        else None
    )
    return Outcome(reply=reply, audit=event)
