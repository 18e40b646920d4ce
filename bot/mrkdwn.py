"""Escaping for Slack's mrkdwn: the one rule every message the bot posts relies on.

Slack reads ``<…>`` in mrkdwn as mentions, broadcasts and links, so any text that
came from a person or from Losant must be made inert before it is shown. The
replies (``handlers.views``) and the audit channel message (``bot.usecases.audit``) both need
it, and the bot must not depend on the handlers, so the rule lives here, once.
"""

from __future__ import annotations

# Slack's three entities; nothing else is escaped, so the text is shown exactly as it came.
ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """Make ``text`` inert in mrkdwn: ``&`` first, then ``<`` and ``>``, nothing else."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
