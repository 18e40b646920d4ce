"""What a person asked for: the parsed form of a ``/members`` command line.

The parser (``handlers.parser``) turns text into one of these frozen values; the
operations (``bot.usecases.operations``) carry them out; nothing here does I/O. Keeping the
grammar's data model apart from both lets each be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.edges.losant.models import MemberField, Role, SortDirection, is_email, is_object_id

Subcommand = Literal["help", "list", "add", "show", "role", "remove", "orgs"]
SUBCOMMANDS: tuple[Subcommand, ...] = ("help", "list", "add", "show", "role", "remove", "orgs")
READ_SUBCOMMANDS: frozenset[Subcommand] = frozenset({"help", "list", "show", "orgs"})
WRITE_SUBCOMMANDS: frozenset[Subcommand] = frozenset({"add", "role", "remove"})


@dataclass(frozen=True)
class OrgRef:
    """An org as the person named it: a 24-hex ID, or a name matched exactly, ignoring case."""

    value: str

    @property
    def is_id(self) -> bool:
        return is_object_id(self.value)


@dataclass(frozen=True)
class MemberRef:
    """A member as the person named them: an email, a Losant user ID, or a Slack user."""

    kind: Literal["email", "user_id", "slack_user"]
    value: str

    @classmethod
    def from_text(cls, value: str) -> MemberRef:
        """Classify an already-unescaped value; the parser validates it first."""
        if is_object_id(value):
            return cls("user_id", value.lower())
        if is_email(value):
            return cls("email", value)
        return cls("slack_user", value)


@dataclass(frozen=True)
class HelpCommand:
    subcommand: Literal["help"] = "help"


@dataclass(frozen=True)
class ListCommand:
    org: OrgRef
    filter: str | None = None
    field: MemberField = "email"
    sort: MemberField = "email"
    direction: SortDirection = "asc"
    subcommand: Literal["list"] = "list"


@dataclass(frozen=True)
class AddCommand:
    org: OrgRef
    target: MemberRef
    role: Role = "view"
    role_defaulted: bool = True
    subcommand: Literal["add"] = "add"


@dataclass(frozen=True)
class ShowCommand:
    org: OrgRef
    target: MemberRef
    subcommand: Literal["show"] = "show"


@dataclass(frozen=True)
class RoleCommand:
    org: OrgRef
    target: MemberRef
    role: Role
    subcommand: Literal["role"] = "role"


@dataclass(frozen=True)
class RemoveCommand:
    org: OrgRef
    target: MemberRef
    subcommand: Literal["remove"] = "remove"


@dataclass(frozen=True)
class OrgsCommand:
    filter: str | None = None
    subcommand: Literal["orgs"] = "orgs"


Command = (
    HelpCommand | ListCommand | AddCommand | ShowCommand | RoleCommand | RemoveCommand | OrgsCommand
)


class UsageError(Exception):
    """The text is not a valid command. ``message`` says what is wrong and how to fix it.

    ``subcommand`` is set when the subcommand was understood, so the reply can show
    that subcommand's usage line.
    """

    def __init__(self, message: str, *, subcommand: Subcommand | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subcommand = subcommand


def org_of(command: Command) -> str | None:
    """The org as the person named it, for audit lines and error replies."""
    org = getattr(command, "org", None)
    return org.value if isinstance(org, OrgRef) else None


def target_of(command: Command) -> str | None:
    """The member as the person named them (email, user ID or Slack user ID)."""
    target = getattr(command, "target", None)
    return target.value if isinstance(target, MemberRef) else None


def role_of(command: Command) -> Role | None:
    """The role a write would grant; list's ``role=`` is a filter, not a grant."""
    return command.role if isinstance(command, AddCommand | RoleCommand) else None
