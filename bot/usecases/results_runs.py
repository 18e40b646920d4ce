"""What the work across many orgs or people produced: ``find``, ``offboard`` and a
many-people ``add``. The views render these; the audit records one line per org or
person and one channel message per run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.edges.losant.models import Member, Org, Role
from bot.usecases.commands import NotValid


@dataclass(frozen=True)
class Membership:
    org: Org
    member: Member


@dataclass(frozen=True)
class Found:
    """Every org ``person`` is in (sorted by org name). ``scanned``: how many orgs were
    searched to learn their user ID (None when the person was named by user ID).
    ``others``: orgs they are also in whose roles were not read (a summary's tail)."""

    person: str
    user_id: str | None
    memberships: tuple[Membership, ...]
    scanned: int | None = None
    others: int = 0


@dataclass(frozen=True)
class OffboardConfirmation:
    """The card: ``found``'s orgs; the button covers the first ``covered`` of them (all,
    unless a button value had no room for more)."""

    found: Found
    token: str
    expires_at: int
    covered: int


OrgOutcome = Literal["removed", "already_removed", "kept", "failed", "unknown"]


@dataclass(frozen=True)
class OrgResult:
    """How removing the person from one org ended; ``detail`` says why, for kept/failed/unknown."""

    org_id: str
    org_name: str | None
    role: Role
    outcome: OrgOutcome
    detail: str = ""
    losant_status: int | None = None


@dataclass(frozen=True)
class Offboarded:
    person: str
    results: tuple[OrgResult, ...]


PersonOutcome = Literal["added", "already_member", "not_valid", "failed", "unknown"]


@dataclass(frozen=True)
class PersonResult:
    """How adding one person ended. ``role``: what they have now (added or already)."""

    who: str
    outcome: PersonOutcome
    role: Role | None = None
    detail: str = ""
    losant_status: int | None = None


@dataclass(frozen=True)
class BulkAddConfirmation:
    """The card for a many-people add: who, as what, and who was not valid."""

    org: Org
    role: Role
    targets: tuple[str, ...]
    invalid: tuple[NotValid, ...]
    token: str
    expires_at: int


@dataclass(frozen=True)
class BulkAdded:
    org: Org
    role: Role
    role_defaulted: bool
    results: tuple[PersonResult, ...]


RunResult = Found | OffboardConfirmation | Offboarded | BulkAddConfirmation | BulkAdded
