"""Words the views share: how a member, an org, a role, a count or a command is written.

One place for these keeps every reply consistent ("bo@acme.io", "*Acme*",
"`admin`") and keeps each value's length bound next to the value, so the views
can add up the worst case of a message from these numbers.
"""

from __future__ import annotations

from bot.edges.losant.models import Member, Org
from handlers.views.reply import clip, code

EMAIL_CHARS = 80
NAME_CHARS = 40
ORG_CHARS = 80
HINT_CHARS = 300


def plural(count: int, noun: str) -> str:
    """``1 member``, ``1,000 members``."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def member_label(member: Member) -> str:
    """The member as people know them: the email, or the user ID when Losant gave none."""
    return clip(member.email, EMAIL_CHARS) if member.email else code(member.user_id)


def target_label(target: str) -> str:
    """A member as the person typed them (email or user ID), made inert."""
    return clip(target, EMAIL_CHARS)


def member_key(member: Member) -> str:
    """What to type after ``user=`` to name this member again."""
    return member.key


def org_label(org: Org) -> str:
    return f"*{clip(org.name, ORG_CHARS)}*"


def role_label(role: str) -> str:
    return f"`{clip(role, 20)}`"


def command(*parts: str) -> str:
    """A ``/members …`` line to copy, as a code span; values with spaces are quoted.

    ``parts`` are ``"subcommand"`` or ``"key=value"``; the value is what the user
    would type, so it is quoted (not escaped) for the parser, then the whole line
    is escaped for Slack by ``code``.
    """
    words = ["/members"]
    for part in parts:
        key, sep, value = part.partition("=")
        needs_quotes = sep and (not value or any(c.isspace() or c in "\"'" for c in value))
        words.append(f'{key}="{value}"' if needs_quotes else part)
    return code(" ".join(words), HINT_CHARS)
