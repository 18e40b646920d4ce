"""Errors of the bot's own making (not Losant's): a reference that cannot be resolved.

``handlers`` catch these next to ``LosantError`` and show ``message`` and ``hint``
to the person who asked; anything else is a bug and goes to Bolt's error handler.
"""

from __future__ import annotations


class BotError(Exception):
    """Something the person can fix: ``message`` says what happened, ``hint`` what to do."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class OrgNotFound(BotError):
    """No org has that name (or ID)."""


class MemberNotFound(BotError):
    """No member of the org matches that email or user ID."""


class SlackLookupError(BotError):
    """Slack could not tell us what we needed (a mentioned person's email, a group's members)."""
