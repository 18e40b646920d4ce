"""The audit channel's sentence for each step of a time-limited grant or an access request.

These steps happen over hours and across processes, and many are the bot's own (a revert at
the end, a request expiring), so each sentence says who, what, in which org, and what it
means now: "members-bot ended bo@acme.io's `edit` in Acme: put back `view`". The ones that
need a person (drifted, failing) say what to check. Every value is escaped for mrkdwn.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.mrkdwn import escape

if TYPE_CHECKING:
    from bot.usecases.audit import AuditEvent


def describe_step(event: AuditEvent, actor: str) -> str:
    """One sentence for a grant's or a request's step; ``actor`` is already a mention."""
    whom = escape(event.target) if event.target else "someone"
    org = escape(event.org_name or event.org or "an org")
    role = f"`{escape(event.role)}`" if event.role else "a role"
    until = f" until {_when(event.until)}" if event.until else ""
    said = f" ({escape(event.reason[:200])})" if event.reason else ""
    if event.decision == "refused":
        return f"{actor} was refused: {escape(event.step or '')} {role} for {whom} in {org}{said}"
    match event.step:
        case "requested":
            return f"{actor} asked for {role} in {org}{until}{said}"
        case "approved":
            return f"{actor} approved {whom}'s request for {role} in {org}"
        case "denied":
            return f"{actor} denied {whom}'s request for {role} in {org}{said}"
        case "expired":
            return f"{whom}'s request for {role} in {org} expired: nobody decided in time"
        case "granted":
            return f"{actor} gave {whom} {role} in {org}{until} ({_before(event)})"
        case "extended":
            return f"{actor} extended {whom}'s {role} in {org}{until}"
        case "revoked":
            return f"{actor} ended {whom}'s {role} in {org} now"
        case "reverted":
            return f"{actor} ended {whom}'s {role} in {org}: {_put_back(event)}"
        case "drifted":
            return (
                f":warning: {whom}'s {role} in {org} ended, but someone had changed their role "
                f"meanwhile{said}: the bot left it as it is. Check it with `/members show "
                f"org={escape(event.org or '')} user={whom}`."
            )
        case "failed":
            return (
                f":warning: Ending {whom}'s {role} in {org} keeps failing{said}. The bot keeps "
                "trying; check Losant, or end it by hand with `/members role` or `/members remove`."
            )
    return f"{actor} {escape(event.step or 'did something')} {whom} in {org}{said}"


def _before(event: AuditEvent) -> str:
    if event.previous_role:
        return f"was `{escape(event.previous_role)}`"
    return "was not a member"


def _put_back(event: AuditEvent) -> str:
    if event.already:
        return f"{escape(event.reason or 'nothing to change')}; nothing to change"
    if event.previous_role:
        return f"put back `{escape(event.previous_role)}`"
    return "removed them"


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return escape(iso)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
