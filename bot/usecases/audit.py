"""The audit trail: one structured log line per change and per refused attempt, and,
when ``MEMBERS_AUDIT_CHANNEL`` is set, one human-readable line in that channel.

The log line is for machines (its keys are a promise to operators) and is written at
once, in the request's path: it is the record. The channel line is for the people who
watch who grants access to what, so it reads as a sentence: who did what to whom in
which org, and how it ended. It is only queued here; posting it is an edge's job
(``bot.edges.slack.audit_channel``), off the request's path, so neither a slow nor a
broken channel ever delays or breaks the person's reply.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Literal, Protocol, TypedDict

from bot.edges.losant.models import is_object_id
from bot.mrkdwn import escape
from bot.serving.logs import request_id_var
from bot.slack_ids import is_user_id
from bot.usecases.audit_steps import describe_step

log = logging.getLogger("bot.audit")

Decision = Literal["done", "refused", "failed", "unknown"]


@dataclass(frozen=True)
class AuditEvent:
    """The keys the audit log line promises operators: who did what to whom, where, and how
    it ended.

    ``org`` is an org ID; ``org_name`` is the name when known (or as the person typed
    it, when the attempt was refused before any lookup). ``already`` marks a ``done``
    whose change was found in place, so nothing was written.
    """

    actor: str
    channel: str
    subcommand: str
    decision: Decision
    org: str | None = None
    target: str | None = None
    role: str | None = None
    losant_status: int | None = None
    reason: str | None = None
    org_name: str | None = None
    previous_role: str | None = None
    already: bool = False
    # A time-limited grant's or an access request's step (``granted``, ``approved``…), the IDs
    # it concerns, and the end it set, in UTC ISO form.
    step: str | None = None
    grant: str | None = None
    request: str | None = None
    until: str | None = None


class OrgKeys(TypedDict):
    org: str | None
    org_name: str | None


def org_as_named(org: str | None) -> OrgKeys:
    """``org``/``org_name`` for an org as a person named it: ``org`` only ever holds IDs."""
    if org is not None and is_object_id(org):
        return OrgKeys(org=org, org_name=None)
    return OrgKeys(org=None, org_name=org)


class AuditSink(Protocol):
    """Where channel lines go: ``post`` only queues, so it returns at once."""

    def post(self, line: str) -> None: ...

    async def flush(self, timeout_s: float) -> bool: ...

    async def aclose(self, grace_s: float = 0.0) -> None: ...


class Auditor:
    """Writes audit events to the log and, when there is a channel, queues them for it."""

    def __init__(self, channel: AuditSink | None = None) -> None:
        self._channel = channel

    async def record(self, event: AuditEvent, *, to_channel: bool = True) -> None:
        """Log ``event`` and queue its sentence for the channel; never waits on Slack.

        ``to_channel=False`` logs only: a step people need not see each time (a revert's
        retry), whose channel message comes once, when it is flagged.
        """
        self._log(event)
        if self._channel is not None and to_channel:
            self._channel.post(describe(event))

    @staticmethod
    def _log(event: AuditEvent) -> None:
        log.info(
            "audit %s %s by %s: %s",
            event.subcommand,
            event.target or "-",
            event.actor,
            event.decision,
            extra={"event": "audit", "request_id": request_id_var.get(), **asdict(event)},
        )

    async def record_run(self, events: Sequence[AuditEvent]) -> None:
        """Log each of a run's events (one per org or person) and queue ONE sentence for
        the whole run: a burst of fifty removals is one message people can read."""
        for event in events:
            self._log(event)
        if self._channel is not None and events:
            self._channel.post(describe_run(events))

    async def flush(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` until every queued line is posted (or given up on)."""
        return True if self._channel is None else await self._channel.flush(timeout_s)

    async def aclose(self, grace_s: float = 0.0) -> None:
        """Post what is queued within ``grace_s``; what is left is dropped, and logged once."""
        if self._channel is not None:
            await self._channel.aclose(grace_s)


def describe(event: AuditEvent) -> str:
    """The channel message: one sentence, every untrusted value escaped for mrkdwn.

    "<@U01> added bo@acme.io to Acme as view", "<@U02> was refused: remove ada@acme.io
    from Acme — not the invoker", "<@U01> tried to add … — failed: Losant 400: …".
    """
    actor = _actor(event.actor)
    if event.step is not None:
        return describe_step(event, actor)
    if event.decision == "done":
        if event.already:
            # ``role`` is then the role they already had, not necessarily the one asked for.
            asked = _intent(replace(event, role=None) if event.subcommand == "add" else event)
            return f"{actor} asked to {asked}: {_already(event)}; nothing changed"
        return f"{actor} {_done(event)}"
    reason = escape(event.reason) if event.reason else ""
    if event.decision == "refused":
        return f"{actor} was refused: {_intent(event)}" + (f" — {reason}" if reason else "")
    if event.decision == "failed":
        status = f"Losant {event.losant_status}" if event.losant_status else ""
        detail = ": ".join(part for part in (status, reason) if part) or "no reason given"
        return f"{actor} tried to {_intent(event)} — failed: {detail}"
    check = "check the member before trying again"
    if event.org and event.target:
        check = f"check with `/members show org={event.org} user={escape(event.target)}`"
    return f"{actor} tried to {_intent(event)} — outcome unknown: " + "; ".join(
        part for part in (reason, check) if part
    )


def _intent(event: AuditEvent) -> str:
    """What was asked for, as a verb phrase: "remove ada@acme.io from Acme"."""
    whom, org, role = _whom(event), _org(event), escape(event.role or "")
    match event.subcommand:
        case "add":
            return f"add {whom} to {org}" + (f" as {role}" if role else "")
        case "role":
            return f"change {whom}'s role in {org}" + (f" to {role}" if role else "")
        case "remove":
            return f"remove {whom} from {org}"
        case "show":
            return f"show {whom} in {org}"
        case "list":
            return f"list the members of {org}"
        case "orgs":
            return "list the orgs"
        case "help":
            return "see the help"
        case "confirm":
            return "confirm a change"
    return f"run {escape(event.subcommand)}"


def _done(event: AuditEvent) -> str:
    whom, org, role = _whom(event), _org(event), escape(event.role or "?")
    if event.subcommand == "add":
        return f"added {whom} to {org} as {role}"
    if event.subcommand == "role":
        was = f" from {escape(event.previous_role)}" if event.previous_role else ""
        return f"changed {whom}'s role in {org}{was} to {role}"
    if event.subcommand == "remove":
        was = f" (was {escape(event.previous_role)})" if event.previous_role else ""
        return f"removed {whom} from {org}{was}"
    return f"did: {_intent(event)}"


def _already(event: AuditEvent) -> str:
    role = escape(event.role or "?")
    return {
        "add": f"already a member, as {role}",
        "role": f"already {role}",
        "remove": "already not a member",
    }.get(event.subcommand, "already done")


def _whom(event: AuditEvent) -> str:
    return escape(event.target) if event.target else "someone"


def _org(event: AuditEvent) -> str:
    return escape(event.org_name or event.org or "an org")


def _actor(actor: str) -> str:
    # A mention only for what really is a Slack user ID; anything else is shown inert.
    return f"<@{actor}>" if is_user_id(actor) else escape(actor or "someone")


_RUN_NAMES = 12  # names listed per kind of ending before "and N more"


def describe_run(events: Sequence[AuditEvent]) -> str:
    """One sentence for a run across orgs (offboard) or people (a many-people add):
    "<@U01> offboarded bo@acme.io: removed from Acme, Globex; kept in Initech — …"."""
    first = events[0]
    actor = _actor(first.actor)
    if first.subcommand == "offboard":
        head = f"{actor} offboarded {_whom(first)}"
        names = [escape(e.org_name or e.org or "?") for e in events]
        words = ("removed from", "already not in", "kept or failed in", "outcome unknown in")
    else:
        head = f"{actor} added people to {_org(first)}" + (
            f" as {escape(first.role)}" if first.role else ""
        )
        names = [_whom(e) for e in events]
        words = ("added", "already members", "failed", "outcome unknown")
    groups: dict[str, list[str]] = {w: [] for w in words}
    for event, name in zip(events, names, strict=True):
        if event.decision == "done":
            kind = words[1] if event.already else words[0]
        else:
            kind = words[3] if event.decision == "unknown" else words[2]
            name += f" ({escape(event.reason[:80])})" if event.reason else ""
        groups[kind].append(name)
    parts = [f"{kind} {_some(names)}" for kind, names in groups.items() if names]
    return f"{head}: " + "; ".join(parts)


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:_RUN_NAMES])
    return shown + (f" and {len(names) - _RUN_NAMES} more" if len(names) > _RUN_NAMES else "")
