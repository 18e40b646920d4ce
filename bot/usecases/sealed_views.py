"""Signed values for forms and the Home tab: a form's ``private_metadata`` and Home buttons.

A form is drawn by one process and submitted, minutes later, to any other; a Home
tab's buttons are clicked long after it was published. Like a Confirm button
(``bot.usecases.sealed``), each carries what the next request needs, sealed with an
HMAC under the key every process shares, so an edited or foreign value is refused:

* ``FormMeta`` rides in a modal's ``private_metadata``: which form it is, who it was
  drawn for, and where the answer goes (the channel and response_url of the slash
  command that opened it; none for a shortcut or the Home tab, or once Slack would no
  longer take a post to it: then a direct message). A form holds for ``FORM_TTL_S``.
* ``SealedRef`` is a button's value naming one record of the store: a request (for
  Approve / Deny) or a grant (for End now / Extend / asking for more time).

Format: ``base64url(JSON) "." base64url(HMAC-SHA256)``, each under its own domain tag,
so neither can pass for the other nor for a Confirm value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticValidationError

from bot.slack_ids import CHANNEL_ID, USER_ID
from bot.usecases.envelope import b64, sign, signed_body, unb64
from bot.usecases.sealed import ExpiredValue, TamperedValue

FormKind = Literal["add", "request"]
RefKind = Literal["request", "grant"]

# Slack's limit on private_metadata; a button value is allowed 2000.
MAX_METADATA_CHARS = 3000
# How long a form may stay open before its submission is refused as stale.
FORM_TTL_S = 3600
# A slash command's response_url takes posts for 30 minutes; a form submitted later
# than this after it opened is answered in a direct message instead.
RESPONSE_URL_S = 25 * 60
_FORM_DOMAIN = b"members-bot/form/v1."
_REF_DOMAIN = b"members-bot/ref/v1."
_FORM_TAMPERED = "This form was not drawn by members-bot, or was changed. Open it again."
_FORM_EXPIRED = "This form has been open too long. Close it and open it again."
_REF_TAMPERED = "That button's value was not one the bot made."
_REF_EXPIRED = "That button is out of date: open the Home tab again."


@dataclass(frozen=True)
class FormMeta:
    """A form drawn for ``actor``; answers go to ``response_url`` (``""``: a direct message)."""

    form: FormKind
    actor: str
    channel: str
    response_url: str
    expires_at: int


@dataclass(frozen=True)
class SealedRef:
    """A button naming the ``kind`` record with ID ``id``."""

    kind: RefKind
    id: str
    expires_at: int


_Actor = Annotated[str, StringConstraints(pattern=f"^{USER_ID.pattern}$")]
_Expiry = Annotated[int, Field(ge=0, lt=10**11)]
# A response_url is Slack's (https://hooks.slack.com/...), or a local stand-in's.
_Url = Annotated[str, StringConstraints(pattern=r"^(https?://[!-~]{1,500})?$")]
_Channel = Annotated[str, StringConstraints(pattern=f"^({CHANNEL_ID.pattern})?$")]


class _FormWire(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    f: FormKind
    by: _Actor
    ch: _Channel
    url: _Url
    exp: _Expiry


class _RefWire(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    k: RefKind
    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{1,64}$")]
    exp: _Expiry


def seal_form(meta: FormMeta, key: bytes) -> str:
    """The ``private_metadata`` for ``meta``; ValueError if it is not one the bot would make."""
    try:
        wire = _FormWire(
            f=meta.form,
            by=meta.actor,
            ch=meta.channel,
            url=meta.response_url,
            exp=meta.expires_at,
        )
    except PydanticValidationError as exc:
        raise ValueError(f"not a valid form ({exc.error_count()} problem(s))") from None
    return _seal(wire.model_dump_json(), key, _FORM_DOMAIN)


def unseal_form(value: str, key: bytes, *, now: float) -> FormMeta:
    """The form ``value`` describes, if authentic and not expired at ``now`` (unix seconds)."""
    raw = _unsealed(value, key, _FORM_DOMAIN, _FORM_TAMPERED)
    try:
        wire = _FormWire.model_validate(json.loads(raw))
    except ValueError:
        raise TamperedValue(_FORM_TAMPERED) from None
    if now > wire.exp:
        raise ExpiredValue(_FORM_EXPIRED, None)
    opened_at = wire.exp - FORM_TTL_S
    url = wire.url if now <= opened_at + RESPONSE_URL_S else ""
    return FormMeta(wire.f, wire.by, wire.ch, url, wire.exp)


def seal_ref(ref: SealedRef, key: bytes) -> str:
    """The button value naming ``ref``."""
    try:
        wire = _RefWire(k=ref.kind, id=ref.id, exp=ref.expires_at)
    except PydanticValidationError as exc:
        raise ValueError(f"not a valid reference ({exc.error_count()} problem(s))") from None
    return _seal(wire.model_dump_json(), key, _REF_DOMAIN)


def unseal_ref(value: str, key: bytes, *, now: float) -> SealedRef:
    """The record a button ``value`` names, if authentic and not expired at ``now``."""
    raw = _unsealed(value, key, _REF_DOMAIN, _REF_TAMPERED)
    try:
        wire = _RefWire.model_validate(json.loads(raw))
    except ValueError:
        raise TamperedValue(_REF_TAMPERED) from None
    if now > wire.exp:
        raise ExpiredValue(_REF_EXPIRED, None)
    return SealedRef(wire.k, wire.id, wire.exp)


def _seal(text: str, key: bytes, domain: bytes) -> str:
    return sign(b64(text.encode()), key, domain)


def _unsealed(value: str, key: bytes, domain: bytes, tampered: str) -> bytes:
    body = signed_body(value, key, domain, max_chars=MAX_METADATA_CHARS)
    if body is None:
        raise TamperedValue(tampered)
    try:
        return unb64(body)
    except ValueError:
        raise TamperedValue(tampered) from None
