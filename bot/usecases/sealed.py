"""Confirm buttons that carry their own proof: signed, expiring values.

A Confirm click may reach any process of the bot, long after the card was drawn,
so the button itself carries the change (operation, org, target, role), who asked
for it, and until when it holds, sealed with an HMAC under a secret all processes
share (ARCHITECTURE.md §4). Nothing is stored server-side. Anyone can read a value (it is
base64, not encrypted: it holds nothing the person who clicks could not see), but an
edited, truncated or foreign value is refused, and so is an expired one.

Format: ``base64url(JSON) "." base64url(HMAC-SHA256)``, unpadded. Slack limits a
button value to 2000 characters; the checks on ``target`` keep every valid change
well inside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError

from bot.edges.losant.models import ObjectId, Role, is_email, is_object_id
from bot.slack_ids import USER_ID
from bot.usecases.durations import MAX_DURATION_S
from bot.usecases.envelope import b64, sign, signed_body, unb64

if TYPE_CHECKING:  # sealed_runs builds on this module
    from bot.usecases.sealed_runs import PendingRun

Op = Literal["add", "role", "remove"]

# Longest sealed value: about 1,600 characters (see tests); anything longer is not ours.
_MAX_VALUE_CHARS = 2000
# Tags what is signed, so that this key's MACs mean "a confirm value" and nothing else.
_DOMAIN = b"members-bot/confirm/v1."


class InvalidConfirmation(Exception):
    """A Confirm value that must not be acted on; ``message`` is for the person who clicked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TamperedValue(InvalidConfirmation):
    """The value was edited, cut short, or not made by this bot."""


class ExpiredValue(InvalidConfirmation):
    """The value is authentic but too old; ``change`` says what it was for (for the audit)."""

    def __init__(self, message: str, change: PendingChange | PendingRun | None) -> None:
        super().__init__(message)
        self.change = change


@dataclass(frozen=True)
class PendingChange:
    """A write waiting for its Confirm click. ``target`` is an email or a Losant user ID."""

    op: Op
    org_id: str
    target: str
    role: Role | None
    actor: str
    expires_at: int
    # Set for a time-limited grant (``for=``): how long it lasts once confirmed, in seconds.
    duration_s: int | None = None


def _check_target(value: str) -> str:
    # An unquoted address is printable ASCII without backslashes: in JSON that is one
    # character each, which is what keeps a 1024-character email inside the limit.
    printable = all("!" <= c <= "~" and c != "\\" for c in value)
    if is_object_id(value) or (printable and is_email(value)):
        return value
    raise ValueError("must be a Losant user ID or a plain ASCII email address")


def is_sealable_target(value: str) -> bool:
    """Whether ``value`` may be a change's ``target`` (a user ID or a plain ASCII email)."""
    try:
        _check_target(value)
    except ValueError:
        return False
    return True


class _Wire(BaseModel):
    """The JSON inside a value: short keys (it has to fit a button), checked strictly."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    op: Op
    org: ObjectId
    target: Annotated[str, AfterValidator(_check_target)]
    role: Role | None
    by: Annotated[str, StringConstraints(pattern=f"^{USER_ID.pattern}$")]
    exp: Annotated[int, Field(ge=0, lt=10**11)]
    dur: Annotated[int, Field(ge=1, le=MAX_DURATION_S)] | None = None

    @classmethod
    def of(cls, change: PendingChange) -> Self:
        return cls(
            op=change.op,
            org=change.org_id,
            target=change.target,
            role=change.role,
            by=change.actor,
            exp=change.expires_at,
            dur=change.duration_s,
        )

    @model_validator(mode="after")
    def _role_matches_op(self) -> Self:
        if (self.role is None) != (self.op == "remove"):
            raise ValueError("add and role carry a role; remove does not")
        if self.dur is not None and self.op == "remove":
            raise ValueError("only add and role last for a while")
        return self

    def change(self) -> PendingChange:
        return PendingChange(self.op, self.org, self.target, self.role, self.by, self.exp, self.dur)


def seal(change: PendingChange, key: bytes) -> str:
    """The button value for ``change``; ``ValueError`` if it is not a valid change."""
    try:
        wire = _Wire.of(change)
    except PydanticValidationError as exc:
        wrong = sorted(
            {_FIELD_NAMES.get(str(e["loc"][0]), str(e["loc"][0])) for e in exc.errors() if e["loc"]}
        )
        rule = exc.errors()[0]["msg"].removeprefix("Value error, ")
        why = f"check: {', '.join(wrong)}" if wrong else rule
        raise ValueError(f"not a valid pending change ({why})") from None
    # A change that lasts forever is sealed exactly as before durations existed.
    body = b64(wire.model_dump_json(exclude={"dur"} if wire.dur is None else None).encode())
    return sign(body, key, _DOMAIN)


def unseal(value: str, key: bytes, *, now: float) -> PendingChange:
    """The change ``value`` carries, if authentic and not expired at ``now`` (unix seconds)."""
    body = signed_body(value, key, _DOMAIN, max_chars=_MAX_VALUE_CHARS)
    if body is None:
        raise TamperedValue(_TAMPERED)
    try:
        change = _Wire.model_validate(json.loads(unb64(body))).change()
    except ValueError:  # also what bad base64, UTF-8, JSON and pydantic raise
        # Signed by this key but not a change we would make: a key shared with
        # something else, or a format from another version. Either way, refuse.
        raise TamperedValue(_TAMPERED) from None
    if now > change.expires_at:
        raise ExpiredValue(_EXPIRED, change)
    return change


_FIELD_NAMES = {"org": "org_id", "by": "actor", "exp": "expires_at"}
_TAMPERED = "This confirmation is not valid (it was changed or cut short); run the command again."
_EXPIRED = "This confirmation has expired; run the command again."
