"""Signed, expiring Confirm values: what round-trips, what is refused, and how big they get."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace
from typing import Any

import pytest

from bot.usecases.sealed import (
    ExpiredValue,
    InvalidConfirmation,
    PendingChange,
    TamperedValue,
    seal,
    unseal,
)
from bot.usecases.sealed_runs import PendingRun

KEY = b"8f742231b10e8888abcd99yyyzzz85a5"
ORG = "5f0c2a1b3c4d5e6f7a8b9c0d"
USER_ID = "675ed18f7ae143cd83dc4bb7"
NOW = 1_700_000_000
REMOVE = PendingChange("remove", ORG, "ada@example.com", None, "U012ABCDEF", NOW + 600)
TAMPERED = "This confirmation is not valid (it was changed or cut short); run the command again."
EXPIRED = "This confirmation has expired; run the command again."
WIRE = {"op": "remove", "org": ORG, "target": "ada@example.com", "role": None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload: Any, key: bytes = KEY) -> str:
    """A value made the documented way, for payloads ``seal`` would never produce."""
    body = b64(json.dumps(payload, separators=(",", ":")).encode())
    mac = hmac.new(key, b"members-bot/confirm/v1." + body.encode(), hashlib.sha256).digest()
    return f"{body}.{b64(mac)}"


def flip(text: str, index: int) -> str:
    """``text`` with one base64url character changed to another."""
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(REMOVE, id="remove-by-email"),
        pytest.param(replace(REMOVE, target=USER_ID), id="remove-by-user-id"),
        pytest.param(replace(REMOVE, op="add", role="admin"), id="add-admin"),
        pytest.param(replace(REMOVE, op="role", role="admin", actor="W0ENTERPRISE"), id="role"),
        pytest.param(replace(REMOVE, target="o'neil+tag@sub.example.co.uk"), id="odd-email"),
    ],
)
def test_round_trip(change: PendingChange) -> None:
    """What is sealed unseals to the same change."""
    assert change == unseal(seal(change, KEY), KEY, now=NOW)


def test_wire_format() -> None:
    """The value is base64url(compact JSON with short keys) "." base64url(HMAC-SHA256)."""
    expected = sign({**WIRE, "by": "U012ABCDEF", "exp": NOW + 600})

    assert expected == seal(REMOVE, KEY)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda v: flip(v, 10), id="payload-char"),
        pytest.param(lambda v: flip(v, len(v) - 5), id="signature-char"),
        pytest.param(lambda v: v.replace(".", "A."), id="payload-longer"),
        pytest.param(lambda v: v + "A", id="signature-longer"),
        pytest.param(lambda v: v[:-1], id="truncated-signature"),
        pytest.param(lambda v: v[: v.index(".") + 1], id="no-signature"),
        pytest.param(lambda v: v[: v.index(".")], id="no-dot"),
        pytest.param(lambda v: v[10:], id="truncated-payload"),
        pytest.param(lambda v: v[: len(v) // 2], id="cut-in-half"),
        pytest.param(lambda v: v.replace(".", ".."), id="extra-dot"),
        pytest.param(lambda v: v + "é", id="non-ascii"),
        pytest.param(lambda v: "", id="empty"),
        pytest.param(lambda v: ".", id="dot"),
        pytest.param(lambda v: "page:3", id="other-button"),
        pytest.param(lambda v: "x" * 5000, id="huge"),
        pytest.param(
            lambda v: sign({**WIRE, "by": "U0ATTACKER", "exp": NOW}, b"guess"), id="other-key"
        ),
        pytest.param(
            lambda v: b64(b'{"op":"remove"}') + "." + v.split(".")[1], id="swapped-payload"
        ),
    ],
)
def test_edited_values_are_refused(edit: Any) -> None:
    """Any change to a value, or a value not made with the key, is refused as tampered."""
    with pytest.raises(TamperedValue):
        unseal(edit(seal(REMOVE, KEY)), KEY, now=NOW)


def test_a_different_key_refuses() -> None:
    """A value sealed under one key is refused under another (e.g. after a secret rotation)."""
    with pytest.raises(TamperedValue):
        unseal(seal(REMOVE, KEY), KEY + b"x", now=NOW)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({**WIRE, "by": "U012ABCDEF"}, id="missing-expiry"),
        pytest.param({**WIRE, "by": "U012ABCDEF", "exp": NOW, "admin": True}, id="extra-key"),
        pytest.param({**WIRE, "by": "U012ABCDEF", "exp": str(NOW)}, id="expiry-as-text"),
        pytest.param({**WIRE, "by": "U012ABCDEF", "exp": True}, id="expiry-as-bool"),
        pytest.param({**WIRE, "by": "U012ABCDEF", "exp": -1}, id="negative-expiry"),
        pytest.param({**WIRE, "op": "delete", "by": "U012ABCDEF", "exp": NOW}, id="unknown-op"),
        pytest.param({**WIRE, "role": "owner", "by": "U012ABCDEF", "exp": NOW}, id="unknown-role"),
        pytest.param(
            {**WIRE, "role": "admin", "by": "U012ABCDEF", "exp": NOW}, id="remove-with-role"
        ),
        pytest.param({**WIRE, "op": "add", "by": "U012ABCDEF", "exp": NOW}, id="add-without-role"),
        pytest.param({**WIRE, "org": "my-org", "by": "U012ABCDEF", "exp": NOW}, id="org-not-id"),
        pytest.param(
            {**WIRE, "target": "ada", "by": "U012ABCDEF", "exp": NOW}, id="target-not-email"
        ),
        pytest.param({**WIRE, "by": "<!channel>", "exp": NOW}, id="actor-not-user-id"),
        pytest.param({**WIRE, "by": "S012ABCDEF", "exp": NOW}, id="actor-a-group"),
        pytest.param([WIRE], id="not-an-object"),
        pytest.param("remove ada", id="a-string"),
    ],
)
def test_signed_but_malformed_payloads_are_refused(payload: Any) -> None:
    """Even correctly signed, a payload that is not exactly a valid change is refused."""
    with pytest.raises(TamperedValue):
        unseal(sign(payload), KEY, now=NOW)


def test_signed_bytes_that_are_not_json_are_refused() -> None:
    """A signed payload that is not UTF-8 JSON is refused, not crashed on."""
    body = b64(b"\xff\xfe not json")
    mac = hmac.new(KEY, b"members-bot/confirm/v1." + body.encode(), hashlib.sha256).digest()

    with pytest.raises(TamperedValue):
        unseal(f"{body}.{b64(mac)}", KEY, now=NOW)


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        pytest.param(NOW, False, id="just-sealed"),
        pytest.param(NOW + 599.999, False, id="just-before"),
        pytest.param(NOW + 600, False, id="at-expiry"),
        pytest.param(NOW + 600.001, True, id="just-after"),
        pytest.param(NOW + 86_400, True, id="a-day-later"),
    ],
)
def test_expiry_boundary(now: float, expired: bool) -> None:
    """A value holds up to and including its expiry second, and not a moment after."""
    value = seal(REMOVE, KEY)
    outcome: tuple[PendingChange | PendingRun | None, bool]
    try:
        outcome = (unseal(value, KEY, now=now), False)
    except ExpiredValue as exc:
        outcome = (exc.change, True)  # an expired value still says what it was for
    expected = (REMOVE, expired)

    assert expected == outcome


def test_a_tampered_expired_value_is_tampered() -> None:
    """Authenticity is checked first: an edited old value is reported as edited."""
    with pytest.raises(TamperedValue):
        unseal(flip(seal(REMOVE, KEY), 10), KEY, now=NOW + 10_000)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(TamperedValue, TAMPERED, id="tampered"),
        pytest.param(ExpiredValue, EXPIRED, id="expired"),
    ],
)
def test_messages_are_for_people(error: type[InvalidConfirmation], expected: str) -> None:
    """Both refusals are InvalidConfirmation with a sentence the clicker can act on."""
    value, now = seal(REMOVE, KEY), NOW + 601
    if error is TamperedValue:
        value = flip(value, 10)

    with pytest.raises(error) as caught:
        unseal(value, KEY, now=now)

    assert (expected, expected) == (str(caught.value), caught.value.message)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(replace(REMOVE, target="a" * 1018 + "@b.com"), id="longest-email-remove"),
        pytest.param(
            PendingChange(
                "role", ORG, "a" * 1018 + "@b.com", "collaborate", "U" + "Z" * 31, 10**11 - 1
            ),
            id="every-field-at-its-longest",
        ),
        pytest.param(
            PendingChange(
                "add",
                ORG,
                ("!#$%&'*+/=?^`{|}~" * 60)[:1019] + "@b.co",
                "admin",
                "W" + "9" * 31,
                10**11 - 1,
            ),
            id="every-email-symbol",
        ),
    ],
)
def test_size_bound(change: PendingChange) -> None:
    """Every valid change, even with a 1024-character email, fits Slack's 2000-character value."""
    value = seal(change, KEY)
    expected = (1024, True)

    assert expected == (len(change.target), len(value) < 2000)


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        pytest.param(replace(REMOVE, target="a" * 1019 + "@b.com"), "target", id="email-too-long"),
        pytest.param(replace(REMOVE, target="zoë@example.com"), "target", id="non-ascii-email"),
        pytest.param(replace(REMOVE, target="a\\b@example.com"), "target", id="backslash"),
        pytest.param(replace(REMOVE, org_id="acme", actor="bob"), "actor, org_id", id="bad-ids"),
        pytest.param(replace(REMOVE, expires_at=-1), "expires_at", id="negative-expiry"),
    ],
)
def test_seal_refuses_invalid_changes(change: PendingChange, fields: str) -> None:
    """Nothing invalid is ever signed; the error names the fields to check."""
    with pytest.raises(ValueError, match=f"check: {fields}"):
        seal(change, KEY)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(replace(REMOVE, role="admin"), id="remove-with-role"),
        pytest.param(replace(REMOVE, op="add"), id="add-without-role"),
    ],
)
def test_seal_refuses_op_role_mismatch(change: PendingChange) -> None:
    """add and role always carry the role they grant; remove never does."""
    with pytest.raises(ValueError, match="carry a role"):
        seal(change, KEY)


def test_seal_refuses_an_empty_key() -> None:
    """An empty key would make every value forgeable, so it is refused."""
    with pytest.raises(ValueError, match="empty"):
        seal(REMOVE, b"")
