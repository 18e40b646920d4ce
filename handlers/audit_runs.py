"""The audit of a run across orgs or people: one event per org (offboard) or person (a
many-people add), with the keys every audit line has, so a log search for one person
or one org finds their part of a run like any single change."""

from __future__ import annotations

from bot.usecases.audit import AuditEvent, Decision
from bot.usecases.results_runs import BulkAdded, Offboarded, OrgOutcome, PersonOutcome
from handlers.caller import Caller

_ORG_DECISIONS: dict[OrgOutcome, Decision] = {
    "removed": "done",
    "already_removed": "done",
    "kept": "failed",
    "failed": "failed",
    "unknown": "unknown",
}
_PERSON_DECISIONS: dict[PersonOutcome, Decision] = {
    "added": "done",
    "already_member": "done",
    "not_valid": "failed",
    "failed": "failed",
    "unknown": "unknown",
}


def run_events(result: Offboarded | BulkAdded, caller: Caller) -> tuple[AuditEvent, ...]:
    if isinstance(result, Offboarded):
        return tuple(
            AuditEvent(
                actor=caller.user,
                channel=caller.channel,
                subcommand="offboard",
                decision=_ORG_DECISIONS[r.outcome],
                org=r.org_id,
                org_name=r.org_name,
                target=result.person,
                previous_role=r.role,
                losant_status=r.losant_status,
                reason=r.detail[:200] or None,
                already=r.outcome == "already_removed",
            )
            for r in result.results
        )
    return tuple(
        AuditEvent(
            actor=caller.user,
            channel=caller.channel,
            subcommand="add",
            decision=_PERSON_DECISIONS[r.outcome],
            org=result.org.id,
            org_name=result.org.name,
            target=r.who,
            # The role asked for, on every line of the run (the channel message names it
            # once); someone already a member keeps theirs, which the line says apart.
            role=result.role,
            previous_role=r.role if r.outcome == "already_member" else None,
            losant_status=r.losant_status,
            reason=(f"not valid: {r.detail}" if r.outcome == "not_valid" else r.detail)[:200]
            or None,
            already=r.outcome == "already_member",
        )
        for r in result.results
    )
