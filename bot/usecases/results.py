"""What carrying out a command produced: the values the views render.

``bot.usecases.operations`` returns these; ``handlers.views`` turns them into Slack
messages. They hold Losant's models as they came, so rendering stays a pure
function of a result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.edges.losant.models import Member, Org, Role
from bot.usecases.commands import ListCommand, Subcommand
from bot.usecases.results_grants import LifecycleResult
from bot.usecases.results_runs import RunResult


@dataclass(frozen=True)
class MemberPage:
    """The members of ``org`` matching ``query``, all of them; the view shows page ``page``.

    ``members`` may be lazy (``bot.edges.losant.member_list``): its length is free,
    and only the items a view reads become models.
    """

    org: Org
    query: ListCommand
    members: Sequence[Member]
    page: int = 0


@dataclass(frozen=True)
class OrgPage:
    """The orgs of the instance matching ``filter``; the view shows page ``page``."""

    orgs: list[Org]
    total: int
    filter: str | None = None
    page: int = 0


@dataclass(frozen=True)
class AmbiguousOrg:
    """An org name matched several orgs: each is shown with its ID, and nothing else is done."""

    name: str
    matches: list[Org]


@dataclass(frozen=True)
class MemberShown:
    org: Org
    member: Member


@dataclass(frozen=True)
class MemberAdded:
    """``outcome``: added now; or already a member (``member`` shows their current role)."""

    org: Org
    member: Member
    outcome: Literal["added", "already_member"]
    role_defaulted: bool = False
    verified_after_error: bool = False


@dataclass(frozen=True)
class RoleChanged:
    """``outcome``: changed now, or the member already had that role."""

    org: Org
    member: Member
    previous_role: Role
    outcome: Literal["changed", "unchanged"]
    verified_after_error: bool = False


@dataclass(frozen=True)
class MemberRemoved:
    """``outcome``: removed now, or no longer a member when we came to remove them."""

    org: Org
    target: str
    member: Member | None
    outcome: Literal["removed", "already_removed"]
    verified_after_error: bool = False


@dataclass(frozen=True)
class WriteUnknown:
    """A write may or may not have reached Losant and reading back could not tell."""

    org: Org
    subcommand: Subcommand
    target: str
    role: Role | None
    detail: str


@dataclass(frozen=True)
class ConfirmationNeeded:
    """A change that must be confirmed first; ``token`` is the signed button value."""

    org: Org
    subcommand: Subcommand
    target: str
    member: Member | None
    role: Role | None
    previous_role: Role | None
    token: str
    expires_at: int
    # A time-limited grant: how long it lasts once confirmed.
    duration_s: int | None = None


Result = (
    MemberPage
    | OrgPage
    | AmbiguousOrg
    | MemberShown
    | MemberAdded
    | RoleChanged
    | MemberRemoved
    | WriteUnknown
    | ConfirmationNeeded
    | RunResult
    | LifecycleResult
)
