"""Every step of a grant or a request, recorded twice: in the database and in the audit log.

The ``events`` table is the lasting record, written where the step happens (a use case, or
the sweep). The audit log line and the channel sentence go out where every other audit goes:
a command's or a click's ``Outcome`` (through the delivery step), or, for the sweep, which no
person started, straight through the same ``Auditor``. A ``Step`` is what both are made from,
so the table, the log and the channel always tell the same story.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.edges.store import EventKind, EventLog, Grant, Request
from bot.usecases.audit import AuditEvent, Decision
from bot.usecases.clock import Clock, utc_now

log = logging.getLogger("bot.journal")

BOT_ACTOR = "members-bot"
"""The actor of the steps nobody started: a revert at the end, an expiry."""


@dataclass(frozen=True)
class Step:
    """One step: what happened, to whom, in which org, by whom, and how it ended."""

    kind: EventKind
    actor: str
    subcommand: str
    org_id: str | None = None
    org_name: str | None = None
    target: str | None = None
    role: str | None = None
    previous_role: str | None = None
    grant_id: str | None = None
    request_id: str | None = None
    until: datetime | None = None
    detail: str | None = None
    decision: Decision = "done"
    losant_status: int | None = None
    # A revert that found the person already gone.
    already: bool = False

    def audit(self, channel: str = "") -> AuditEvent:
        """The audit event for this step, said in ``channel`` (none for the bot's own)."""
        return AuditEvent(
            actor=self.actor,
            channel=channel,
            subcommand=self.subcommand,
            decision=self.decision,
            org=self.org_id,
            org_name=self.org_name,
            target=self.target,
            role=self.role,
            previous_role=self.previous_role,
            losant_status=self.losant_status,
            reason=self.detail,
            already=self.already,
            step=self.kind.value,
            grant=self.grant_id,
            request=self.request_id,
            until=self.until.isoformat() if self.until else None,
        )


def grant_step(kind: EventKind, grant: Grant, actor: str, subcommand: str, **more: Any) -> Step:
    """A step of ``grant``, with its org, person, role and end filled in; ``more`` adds to it."""
    step = Step(
        kind,
        actor,
        subcommand,
        org_id=grant.org_id,
        org_name=grant.org_name,
        target=grant.target_email,
        role=grant.role,
        previous_role=grant.previous_role,
        grant_id=grant.id,
        request_id=grant.request_id,
        until=grant.ends_at,
    )
    return replace(step, **more)


def request_step(
    kind: EventKind, request: Request, actor: str, subcommand: str, **more: Any
) -> Step:
    """A step of ``request``, with its org, requester and role filled in; ``more`` adds to it."""
    step = Step(
        kind,
        actor,
        subcommand,
        org_id=request.org_id,
        org_name=request.org_name,
        target=request.requester_email,
        role=request.role,
        previous_role=request.current_role,
        request_id=request.id,
        grant_id=request.grant_id,
    )
    return replace(step, **more)


class Journal:
    """Appends steps to the ``events`` table at the clock's now."""

    def __init__(self, events: EventLog, clock: Clock) -> None:
        self._events = events
        self._clock = clock

    async def append(self, *steps: Step) -> None:
        """Record ``steps``; a failure is logged loudly with the step, never raised, so a
        change that happened is still answered and audited in the log."""
        for step in steps:
            try:
                await self._events.append(
                    step.kind,
                    at=utc_now(self._clock),
                    actor=step.actor,
                    grant_id=step.grant_id,
                    request_id=step.request_id,
                    org_id=step.org_id,
                    target=step.target,
                    role=step.role,
                    detail=step.detail,
                )
            except Exception:
                log.exception(
                    "could not record a %s step in the events table",
                    step.kind.value,
                    extra={"grant": step.grant_id, "request": step.request_id},
                )
