"""From an operation's result or failure to the reply and the audit decision.

Shared by the command listener and the confirm button so that both report a
change, and audit it, the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.edges.losant.errors import LosantError
from bot.edges.losant.models import Role
from bot.usecases.audit import AuditEvent, org_as_named
from bot.usecases.errors import BotError
from bot.usecases.results import (
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


def for_result(result: Result, *, actor: str, channel: str) -> Outcome:
    """The reply for ``result``, and an audit event when it is the outcome of a write."""
    return Outcome(reply=render_result(result), audit=_audit(result, actor, channel))


def _audit(result: Result, actor: str, channel: str) -> AuditEvent | None:
    """What the audit trail records for a write's outcome; reads record nothing."""
    role: Role | None
    previous: Role | None
    match result:
        case MemberAdded():
            already = result.outcome == "already_member"
            target, role, previous = result.member.key, result.member.role, None
            op = "add"
        case RoleChanged():
            already = result.outcome == "unchanged"
            target, role, previous = result.member.key, result.member.role, result.previous_role
            op = "role"
        case MemberRemoved():
            already = result.outcome == "already_removed"
            previous = result.member.role if result.member else None
            target, role, op = result.target, None, "remove"
        case WriteUnknown():
            return AuditEvent(
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
        case _:
            return None
    return AuditEvent(
        actor=actor,
        channel=channel,
        subcommand=op,
        decision="done",
        org=result.org.id,
        org_name=result.org.name,
        target=target,
        role=role,
        previous_role=previous,
        # No write was sent when the change was already in place.
        losant_status=None if already else 200,
        already=already,
    )


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
