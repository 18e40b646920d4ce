"""The people a many-people ``add`` names: each once, in order, and what names nobody.

A pasted list is messy — commas, new lines, Slack's mailto and mention markup, the same
address twice in different case, a stray word. One bad entry must not block the rest
(ARCHITECTURE.md §8), so here an entry that names nobody becomes a ``NotValid`` with the reason,
for the reply to show, instead of a usage error for the whole line. Whether the list as
a whole is acceptable (empty, too long) is the parser's call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.edges.losant.models import is_email, is_object_id
from bot.usecases.commands import MemberRef, NotValid
from handlers.tokenize import Token, echo, list_items

MEMBER_FORMS = "an email, a Losant user ID (24 hex characters) or an @mention"
# Each reason reads after the entry and "is": "`bo` is not an email, …".
NOT_A_MEMBER = f"not {MEMBER_FORMS}"
NOT_AN_EMAIL = "not an email address"
UNKNOWN_AT_NAME = (
    "not a person Slack recognised: type `@` and pick them from Slack's list, so the "
    "command carries their Slack ID, or give their email"
)
A_USER_GROUP = "a Slack user group: name its people one by one"
A_CHANNEL = "a channel, not a person"


@dataclass(frozen=True)
class People:
    """Distinct people in the order first named, and the entries that name nobody."""

    targets: tuple[MemberRef, ...]
    invalid: tuple[NotValid, ...]

    @property
    def count(self) -> int:
        """How many distinct entries the list holds, valid or not."""
        return len(self.targets) + len(self.invalid)


def people(tokens: Iterable[Token]) -> People:
    """Each entry of each token's value (a list: commas, spaces, new lines), sorted out."""
    targets: dict[tuple[str, str], MemberRef] = {}
    invalid: dict[str, NotValid] = {}
    for token in tokens:
        for item in list_items(token):
            named = member_or_why(item)
            if isinstance(named, MemberRef):
                targets.setdefault(_identity(named), named)
            else:
                invalid.setdefault(named.text, named)
    return People(tuple(targets.values()), tuple(invalid.values()))


def member_or_why(item: Token) -> MemberRef | NotValid:
    """The member one entry names, or why it names nobody."""
    if item.mention:
        return MemberRef("slack_user", item.mention)
    value = item.value
    if is_object_id(value) or is_email(value):
        return MemberRef.from_text(value)
    return NotValid(echo(value), _why(value))


def _why(value: str) -> str:
    # `<@…>` here was typed as text (Slack's own mention markup is read as one).
    if value.startswith(("@", "<@")):
        return UNKNOWN_AT_NAME
    if value.startswith("<!subteam^"):
        return A_USER_GROUP
    if value.startswith(("<#", "<!")):
        return A_CHANNEL
    return NOT_AN_EMAIL if "@" in value else NOT_A_MEMBER


def _identity(member: MemberRef) -> tuple[str, str]:
    # Email addresses are compared ignoring case, as Losant does; IDs are already canonical.
    value = member.value.lower() if member.kind == "email" else member.value
    return member.kind, value
