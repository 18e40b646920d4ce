"""The audit trail: one structured log line per change and per refused attempt, and,
when ``MEMBERS_AUDIT_CHANNEL`` is set, one human-readable message in that channel.

A failure to post the channel message is logged and never breaks the user's reply.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Literal

from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import request_id_var

log = logging.getLogger("bot.audit")

Decision = Literal["done", "refused", "failed", "unknown"]


@dataclass(frozen=True)
class AuditEvent:
    """The keys DESIGN §4 promises operators: who did what to whom, where, and how it ended."""

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


class Auditor:
    """Writes audit events to the log and, optionally, to a Slack channel."""

    def __init__(self, client: AsyncWebClient | None, channel: str | None) -> None:
        self._client = client
        self._channel = channel

    async def record(self, event: AuditEvent) -> None:
        fields = asdict(event)
        fields.pop("org_name")
        log.info(
            "audit %s %s by %s: %s",
            event.subcommand,
            event.target or "-",
            event.actor,
            event.decision,
            extra={"event": "audit", "request_id": request_id_var.get(), **fields},
        )
        if self._client is None or not self._channel:
            return
        try:
            await self._client.chat_postMessage(
                channel=self._channel, text=describe(event), unfurl_links=False, unfurl_media=False
            )
        except Exception:  # a broken audit channel must not break the user's reply
            log.warning("could not post the audit message to %s", self._channel, exc_info=True)


def describe(event: AuditEvent) -> str:
    """The audit message: one sentence, every untrusted value escaped for mrkdwn."""
    verb = {
        "add": "add",
        "role": "change the role of",
        "remove": "remove",
    }.get(event.subcommand, f"run `{_esc(event.subcommand)}` for")
    where = _esc(event.org_name or event.org or "an org")
    whom = _esc(event.target or "someone")
    role = f" (role {_esc(event.role)})" if event.role else ""
    outcome = {
        "done": ":white_check_mark: done",
        "refused": ":no_entry: refused",
        "failed": ":x: failed",
        "unknown": ":grey_question: outcome unknown",
    }[event.decision]
    reason = f": {_esc(event.reason)}" if event.reason else ""
    status = f" (Losant {event.losant_status})" if event.losant_status else ""
    return f"<@{event.actor}> tried to {verb} {whom} in {where}{role} — {outcome}{reason}{status}"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
