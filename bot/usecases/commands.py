"""What a person asked for: the parsed form of a ``/members`` command line.

The parser (``handlers.parser``) turns text into one of these frozen values; the
operations (``bot.usecases.operations``) carry them out; nothing here does I/O. Keeping the
grammar's data model apart from both lets each be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.edges.losant.models import MemberField, Role, SortDirection, is_email, is_object_id

Subcommand = Literal[
    "help",
    "list",
    "add",
    "show",
    "role",
    "remove",
    "orgs",
    "find",
    "offboard",
    "grants",
    "extend",
    "revoke",
    "request",
    "requests",
]
# The grammar's order: what help lists, and what "did you mean" picks from.
SUBCOMMANDS: tuple[Subcommand, ...] = (
    "help",
    "list",
    "add",
    "show",
    "role",
    "remove",
    "orgs",
    "find",
    "offboard",
    "grants",
    "extend",
    "revoke",
    "request",
    "requests",
)
READ_SUBCOMMANDS: frozenset[Subcommand] = frozenset(
    {"help", "list", "show", "orgs", "find", "grants", "requests"}
)
WRITE_SUBCOMMANDS: frozenset[Subcommand] = frozenset(
    {"add", "role", "remove", "offboard", "extend", "revoke"}
)
# Asking for access is neither: requesters may be neither readers nor writers.
REQUEST_SUBCOMMANDS: frozenset[Subcommand] = frozenset({"request"})
# The most people one `add` may name: a Slack message of outcomes stays readable.
MAX_PEOPLE = 100
# The longest reason a request may give: it has to fit on the approvers' card.
MAX_REASON = 500


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
    """One person; ``duration_s`` makes it a time-limited grant that ends by itself."""

    org: OrgRef
    target: MemberRef
    role: Role = "view"
    role_defaulted: bool = True
    duration_s: int | None = None
    subcommand: Literal["add"] = "add"


@dataclass(frozen=True)
class NotValid:
    """An entry of a many-people list that names nobody: the text as typed, and why."""

    text: str
    why: str


@dataclass(frozen=True)
class BulkAddCommand:
    """Several people at once (``email=a@x.io,b@y.io``, ``user=@a,@b`` or a pasted list).

    ``targets`` are distinct and in the order given; ``invalid`` entries are reported,
    never allowed to block the rest. At most ``MAX_PEOPLE`` entries in all.
    """

    org: OrgRef
    targets: tuple[MemberRef, ...]
    invalid: tuple[NotValid, ...] = ()
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
    duration_s: int | None = None
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


@dataclass(frozen=True)
class FindCommand:
    """Every org of the instance the person is in."""

    target: MemberRef
    subcommand: Literal["find"] = "find"


@dataclass(frozen=True)
class OffboardCommand:
    """Remove the person from every org (after one confirmation)."""

    target: MemberRef
    subcommand: Literal["offboard"] = "offboard"


@dataclass(frozen=True)
class GrantsCommand:
    """Live time-limited grants, optionally of one org and/or one person."""

    org: OrgRef | None = None
    target: MemberRef | None = None
    subcommand: Literal["grants"] = "grants"


@dataclass(frozen=True)
class ExtendCommand:
    """Move a live grant's end to ``duration_s`` from now."""

    org: OrgRef
    target: MemberRef
    duration_s: int
    subcommand: Literal["extend"] = "extend"


@dataclass(frozen=True)
class RevokeCommand:
    """End a live grant now, reverting it."""

    org: OrgRef
    target: MemberRef
    subcommand: Literal["revoke"] = "revoke"


@dataclass(frozen=True)
class RequestCommand:
    """Ask for ``role`` in ``org`` for ``duration_s``, for oneself; approvers decide."""

    org: OrgRef
    role: Role
    duration_s: int
    reason: str
    subcommand: Literal["request"] = "request"


@dataclass(frozen=True)
class RequestsCommand:
    """The requests waiting for the caller's decision (or their own, for requesters)."""

    subcommand: Literal["requests"] = "requests"


Command = (
    HelpCommand
    | ListCommand
    | AddCommand
    | BulkAddCommand
    | ShowCommand
    | RoleCommand
    | RemoveCommand
    | OrgsCommand
    | FindCommand
    | OffboardCommand
    | GrantsCommand
    | ExtendCommand
    | RevokeCommand
    | RequestCommand
    | RequestsCommand
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
    if isinstance(command, AddCommand | BulkAddCommand | RoleCommand | RequestCommand):
        return command.role
    return None
