"""What the store hands back: frozen snapshots of rows, never live objects tied to a session.

Callers (the sweep, the Slack views, the audit channel) read these after the connection is
gone, and across await points where another process may already have changed the row; a
frozen dataclass says plainly that it is a picture taken at one moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row


class GrantState(StrEnum):
    """Where a grant is in its life; only ``live`` grants are ever reverted."""

    LIVE = "live"
    REVERTED = "reverted"
    DRIFTED = "drifted"
    REVOKED = "revoked"
    # The write that would have started it surely failed: it never took effect.
    VOID = "void"


class RequestState(StrEnum):
    """Where an access request is; only ``pending`` ones can still be decided."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    EXPIRED = "expired"


class EventKind(StrEnum):
    """Every step of a grant or request that the audit trail records."""

    REQUESTED = "requested"
    APPROVED = "approved"
    DENIED = "denied"
    EXPIRED = "expired"
    GRANTED = "granted"
    EXTENDED = "extended"
    REVOKED = "revoked"
    REVERTED = "reverted"
    DRIFTED = "drifted"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Grant:
    """A time-limited role for one person in one org, and the state of its revert."""

    id: str
    org_id: str
    org_name: str
    target_user_id: str | None
    target_email: str
    role: str
    previous_role: str | None
    state: GrantState
    ends_at: datetime
    granted_by: str
    reason: str | None
    request_id: str | None
    created_at: datetime
    updated_at: datetime
    revoked_by: str | None
    lease_owner: str | None
    lease_until: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    flagged_at: datetime | None
    duration_s: int | None
    warned_at: datetime | None

    @property
    def extension_s(self) -> int:
        """What Extend adds: the grant's own length again (an hour for one made without it)."""
        return self.duration_s or 3600

    @classmethod
    def from_row(cls, row: Row[Any]) -> Grant:
        """The snapshot of one ``grants`` row."""
        fields = row._asdict()
        fields["state"] = GrantState(fields["state"])
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class Request:
    """Someone asking for a role for a while, and the decision on it."""

    id: str
    requester: str
    requester_email: str
    org_id: str
    org_name: str
    role: str
    current_role: str | None
    duration_s: int
    reason: str
    state: RequestState
    created_at: datetime
    expires_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    card_channel: str | None
    card_ts: str | None
    grant_id: str | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Request:
        """The snapshot of one ``requests`` row."""
        fields = row._asdict()
        fields["state"] = RequestState(fields["state"])
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class Event:
    """One audited step."""

    id: int
    at: datetime
    kind: str
    actor: str
    grant_id: str | None
    request_id: str | None
    org_id: str | None
    target: str | None
    role: str | None
    detail: str | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Event:
        """The snapshot of one ``events`` row."""
        return cls(**row._asdict())
