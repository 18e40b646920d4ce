"""The records the simulator stores, and the error every refusal is raised as.

Plain dataclasses with ``to_json`` methods that produce exactly the fields the
Losant API returns, so the HTTP layer only adds hypermedia keys. Users are
instance-wide; an :class:`Org` holds only roles by user ID, and a :class:`Member`
is a snapshot joining the two, which is what the API (and test code) reads. A
:class:`RecordedRequest` is what the server noted of each request it received.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.edges.losant.models import Role


class SimulatorError(Exception):
    """A refusal, shaped like Losant's error body: ``{"type": ..., "message": ...}``."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message

    def to_json(self) -> dict[str, Any]:
        return {"type": self.error_type, "message": self.message}


def not_found(what: str) -> SimulatorError:
    return SimulatorError(404, "NotFound", f"{what} was not found")


def iso(moment: datetime) -> str:
    """Losant's timestamp format: UTC, milliseconds, a trailing ``Z``."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


@dataclass(slots=True)
class User:
    """An instance-wide Losant user; names are absent for users created by email."""

    id: str
    email: str
    first_name: str | None = None
    last_name: str | None = None
    avatar_url: str | None = None
    two_factor_auth_enabled: bool = False
    sso_linked: bool = False


@dataclass(slots=True)
class Org:
    """One organization; ``roles`` maps user ID to role in insertion order."""

    id: str
    name: str
    description: str
    creation_date: str
    last_updated: str
    icon_color: str = "#2D89E8"
    is_read_only: bool = False
    member_limit: int = 10_000
    roles: dict[str, Role] = field(default_factory=dict)

    def admin_count(self) -> int:
        return sum(1 for role in self.roles.values() if role == "admin")

    def to_json(self, instance_id: str) -> dict[str, Any]:
        """The org as ``GET .../orgs/{orgId}`` returns it, without hypermedia keys."""
        return {
            "id": self.id,
            "orgId": self.id,
            "instanceId": instance_id,
            "name": self.name,
            "description": self.description,
            "creationDate": self.creation_date,
            "lastUpdated": self.last_updated,
            "iconColor": self.icon_color,
            "isReadOnly": self.is_read_only,
            "summary": {"memberCount": len(self.roles), "pendingInviteCount": 0},
            "limits": {"member": self.member_limit},
        }


@dataclass(frozen=True, slots=True)
class Member:
    """A snapshot of one membership joined with its user, as the API shows it."""

    user: User
    org_id: str
    role: Role

    @property
    def user_id(self) -> str:
        return self.user.id

    @property
    def email(self) -> str:
        return self.user.email

    def to_json(self, instance_id: str) -> dict[str, Any]:
        """The member as the API returns it; absent names are left out, not null."""
        body: dict[str, Any] = {
            "userId": self.user.id,
            "orgId": self.org_id,
            "instanceId": instance_id,
            "email": self.user.email,
            "firstName": self.user.first_name,
            "lastName": self.user.last_name,
            "role": self.role,
            "avatarUrl": self.user.avatar_url,
            "twoFactorAuthEnabled": self.user.two_factor_auth_enabled,
            "ssoLinked": self.user.sso_linked,
        }
        return {key: value for key, value in body.items() if value is not None}


@dataclass(slots=True)
class RecordedRequest:
    """One request as received; ``status`` is None until answered (and if dropped).

    ``arrived`` and ``answered`` are the simulator's own ``time.monotonic()`` readings,
    so a test can show a client waited between two requests without a stopwatch of its own.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: Mapping[str, str]
    body: bytes
    status: int | None = None
    arrived: float = field(default_factory=time.monotonic)
    answered: float | None = None

    def __repr__(self) -> str:
        # Short, for wait_for_requests' failure message; and never the bearer token.
        return f"<{self.method} {self.path} -> {self.status}>"

    def answer(self, status: int) -> None:
        self.status = status
        self.answered = time.monotonic()
