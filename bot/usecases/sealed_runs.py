"""Confirm buttons for work across many orgs or people: ``offboard`` and a many-people ``add``.

Like a single change (``bot.usecases.sealed``), the button carries everything the click
needs, signed and expiring, so any process may serve it and nothing is stored. A run
names more than a button value has room for in plain JSON (a hundred emails, dozens of
org IDs), so the JSON is compressed before it is signed; a run that still does not fit
is cut where it must be, and the card says so (``fits``).

Format: ``"z." base64url(zlib(JSON)) "." base64url(HMAC-SHA256)``, under its own domain
tag, so a single change's MAC can never pass for a run's, nor the other way round.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from bot.edges.losant.models import ObjectId, Role
from bot.slack_ids import USER_ID
from bot.usecases.envelope import b64, sign, signed_body, unb64
from bot.usecases.sealed import ExpiredValue, TamperedValue

PREFIX = "z."
MAX_VALUE_CHARS = 2000  # Slack's limit on a button value
MAX_ORGS = 200  # orgs one offboard card may cover; the rest are for a second offboard
_DOMAIN = b"members-bot/confirm-run/v1."
_TAMPERED = "This confirmation is not valid (it was changed or cut short); run the command again."
_EXPIRED = "This confirmation has expired; run the command again."
# zlib output of a few hundred bytes can expand at most this much when decompressed;
# anything claiming more is not ours (and must not make the bot allocate much).
_MAX_JSON_BYTES = 64 * 1024


@dataclass(frozen=True)
class OrgRole:
    org_id: str
    role: Role


@dataclass(frozen=True)
class PendingOffboard:
    """Remove ``user_id`` (``email`` as shown) from each of ``orgs``, with the role it had."""

    user_id: str
    email: str | None
    orgs: tuple[OrgRole, ...]
    actor: str
    expires_at: int
    op: Literal["offboard"] = "offboard"


@dataclass(frozen=True)
class PendingBulkAdd:
    """Add each of ``targets`` (emails or Losant user IDs) to ``org_id`` as ``role``."""

    org_id: str
    targets: tuple[str, ...]
    role: Role
    actor: str
    expires_at: int
    op: Literal["add_many"] = "add_many"


PendingRun = PendingOffboard | PendingBulkAdd


@dataclass(frozen=True)
class Sealer:
    """What sealing a card needs: the shared key, how long a card holds, and the clock."""

    key: bytes
    ttl_s: int
    clock: Callable[[], float]

    def expiry(self) -> int:
        return int(self.clock()) + self.ttl_s

    def seal(self, run: PendingRun) -> str:
        return seal_run(run, self.key)


_Actor = Annotated[str, StringConstraints(pattern=f"^{USER_ID.pattern}$")]
_Expiry = Annotated[int, Field(ge=0, lt=10**11)]
_Target = Annotated[str, StringConstraints(min_length=3, max_length=320)]


class _Offboard(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    op: Literal["offboard"]
    user: ObjectId
    email: Annotated[str, StringConstraints(max_length=320)] | None
    orgs: Annotated[list[tuple[ObjectId, Role]], Field(min_length=1, max_length=MAX_ORGS)]
    by: _Actor
    exp: _Expiry


class _BulkAdd(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    op: Literal["add_many"]
    org: ObjectId
    who: Annotated[list[_Target], Field(min_length=1, max_length=100)]
    role: Role
    by: _Actor
    exp: _Expiry


def is_run(value: str) -> bool:
    return value.startswith(PREFIX)


def seal_run(run: PendingRun, key: bytes) -> str:
    """The button value for ``run``; check ``fits`` before showing it."""
    wire: _Offboard | _BulkAdd
    if isinstance(run, PendingOffboard):
        wire = _Offboard(
            op="offboard",
            user=run.user_id,
            email=run.email,
            orgs=[(o.org_id, o.role) for o in run.orgs],
            by=run.actor,
            exp=run.expires_at,
        )
    else:
        wire = _BulkAdd(
            op="add_many",
            org=run.org_id,
            who=list(run.targets),
            role=run.role,
            by=run.actor,
            exp=run.expires_at,
        )
    return sign(PREFIX + b64(zlib.compress(wire.model_dump_json().encode(), 9)), key, _DOMAIN)


def fits(value: str) -> bool:
    return len(value) <= MAX_VALUE_CHARS


def unseal_run(value: str, key: bytes, *, now: float) -> PendingRun:
    """The run ``value`` carries, if authentic and not expired at ``now`` (unix seconds)."""
    body = signed_body(value, key, _DOMAIN, max_chars=MAX_VALUE_CHARS)
    if body is None or not body.startswith(PREFIX):
        raise TamperedValue(_TAMPERED)
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(unb64(body[len(PREFIX) :]), _MAX_JSON_BYTES)
        run = _typed(raw)
    except (ValueError, zlib.error, PydanticValidationError):
        raise TamperedValue(_TAMPERED) from None
    if now > run.expires_at:
        raise ExpiredValue(_EXPIRED, run)  # authentic: the audit may say what it was for
    return run


# Validated as JSON, not as the Python objects json.loads makes: strict mode takes a JSON
# array for a tuple (an org and its role) only when it reads JSON.
_WIRE: TypeAdapter[_Offboard | _BulkAdd] = TypeAdapter(
    Annotated[_Offboard | _BulkAdd, Field(discriminator="op")]
)


def _typed(raw: bytes) -> PendingRun:
    wire = _WIRE.validate_json(raw)
    if isinstance(wire, _Offboard):
        orgs = tuple(OrgRole(org_id, role) for org_id, role in wire.orgs)
        return PendingOffboard(wire.user, wire.email, orgs, wire.by, wire.exp)
    return PendingBulkAdd(wire.org, tuple(wire.who), wire.role, wire.by, wire.exp)
