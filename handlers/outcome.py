"""The one kind of answer every listener's work returns, and the ways to build it.

A command, a page click, a Confirm or a Cancel (and every way in still to come) ends
in an ``Outcome``: the reply, whether it takes the place of the card whose button was
pressed, and what the audit trail records. ``handlers.delivery`` is the only code that
acts on one. Results, failures and refusals become outcomes here, in one place each,
so a change, a failure and a refusal read and audit the same whichever way they came.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.edges.losant.errors import LosantError
from bot.edges.losant.models import Role
from bot.usecases.access import Verdict
from bot.usecases.audit import AuditEvent, org_as_named
from bot.usecases.commands import Subcommand
from bot.usecases.errors import BotError
from bot.usecases.results import (
    MemberAdded,
    MemberRemoved,
    Result,
    RoleChanged,
    WriteUnknown,
)
from bot.usecases.results_grants import LifecycleResult
from bot.usecases.results_runs import BulkAdded, Offboarded
from handlers.audit_runs import run_events
from handlers.caller import Caller
from handlers.views import (
    Reply,
    render_bot_error,
    render_denied,
    render_losant_error,
    render_result,
)


@dataclass(frozen=True)
class OpenModal:
    """A form to open on ``trigger_id`` (of the command, click or shortcut that asked)."""

    trigger_id: str
    view: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What to tell the person, where, and what to record.

    ``replace``: the reply takes the place of the message whose button was pressed
    (a confirmed card becomes its outcome; a page becomes the next page). Otherwise
    the reply is a message of its own and the card stays, for whoever may still use it.
    ``reply`` None: nothing to post (a form opened, a typeahead answered).
    """

    reply: Reply | None
    replace: bool = False
    audit: tuple[AuditEvent, ...] = ()
    # The events are one run (an org or a person each): one channel message for them all.
    as_one_run: bool = False
    # The whole answer, given in the ack itself: a form's inline errors
    # (``response_action: errors``) or a typeahead's options.
    ack_with: Mapping[str, Any] | None = None
    modal: OpenModal | None = None
    # People whose Home tab shows what this changed: rebuilt once the rest is done.
    refresh_homes: tuple[str, ...] = ()


# What a listener's work is: an Outcome known at once (answered in the ack when it can
# be), or the work still to do, which the delivery step runs after acking.
Work = Outcome | Coroutine[Any, Any, Outcome]


def for_result(result: Result, caller: Caller, *, replace: bool = False) -> Outcome:
    """The reply for ``result``, and its audit: an event for a write, one per org or
    person for a run, nothing for a read."""
    reply = render_result(result)
    if isinstance(result, Offboarded | BulkAdded):
        return Outcome(reply, replace, run_events(result, caller), as_one_run=True)
    if isinstance(result, LifecycleResult):
        # A grant's or a request's steps, already in the events table: now the log and channel.
        return Outcome(reply, replace, tuple(step.audit(caller.channel) for step in result.steps))
    event = _audit(result, caller)
    return Outcome(reply, replace, (event,) if event else ())


def refused(
    caller: Caller,
    reply: Reply | None,
    *,
    subcommand: str,
    reason: str,
    org: str | None = None,
    target: str | None = None,
    role: str | None = None,
    replace: bool = False,
) -> Outcome:
    """A refusal: ``reply`` to the person (None: said another way, such as on a form),
    and a ``refused`` audit event saying why."""
    event = AuditEvent(
        actor=caller.user,
        channel=caller.channel,
        subcommand=subcommand,
        decision="refused",
        **org_as_named(org),
        target=target,
        role=role,
        reason=reason,
    )
    return Outcome(reply, replace, (event,))


def denied(
    caller: Caller,
    verdict: Verdict,
    *,
    subcommand: Subcommand,
    need: Literal["read", "write"],
    org: str | None = None,
    target: str | None = None,
    role: str | None = None,
) -> Outcome:
    """The refusal for an access ``verdict`` that did not allow ``subcommand``: who asked,
    why not and whom to ask (``render_denied``), and its audit event."""
    reply = render_denied(
        caller.user,
        subcommand,
        need,
        verdict.reason,
        channels=verdict.channels,
        transient=verdict.transient,
    )
    reason = verdict.reason
    return refused(
        caller, reply, subcommand=subcommand, reason=reason, org=org, target=target, role=role
    )


def for_error(
    exc: LosantError | BotError,
    caller: Caller,
    *,
    subcommand: str,
    is_write: bool,
    org: str | None = None,
    target: str | None = None,
    role: str | None = None,
    replace: bool = False,
) -> Outcome:
    """The reply for a failure, and a ``failed`` audit event when a write failed."""
    if isinstance(exc, LosantError):
        # A write's error means it did not happen: one that might have is read back first.
        reply = render_losant_error(exc, org=org, target=target, unchanged=is_write)
        status = exc.status
    else:
        reply = render_bot_error(exc)
        status = None
    if not is_write:
        return Outcome(reply, replace)
    event = AuditEvent(
        actor=caller.user,
        channel=caller.channel,
        subcommand=subcommand,
        decision="failed",
        **org_as_named(org),
        target=target,
        role=role,
        losant_status=status,
        reason=exc.message[:200],
    )
    return Outcome(reply, replace, (event,))


def _audit(result: Result, caller: Caller) -> AuditEvent | None:
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
                actor=caller.user,
                channel=caller.channel,
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
        actor=caller.user,
        channel=caller.channel,
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
