"""Signing the buttons of grants and requests on their way out, and opening them on the way in.

Approve, Deny, End now, Extend, "ask again" and "Ask for more time" name a request or a
grant by its ID. The views draw them with the plain ID (they are pure and hold no key);
every message that
leaves the bot — a reply, a request card or DM, a Home tab — passes ``seal_buttons``,
which replaces each such value by one signed like a Confirm button
(``key_sealer``). A click's value is opened with ``opened`` before anything
is read: an edited or foreign value is refused, whoever clicks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.usecases.sealed import InvalidConfirmation
from bot.usecases.sealed_views import RefKind, SealedRef, seal_ref
from handlers.views.direct import ASK_AGAIN_ACTION
from handlers.views.grants import END_ACTION, EXTEND_ACTION
from handlers.views.home import HOME_REQUEST
from handlers.views.requests import APPROVE_ACTION, CONFIRM_APPROVE_ACTION, DENY_ACTION

SIGNED: dict[str, RefKind] = {
    APPROVE_ACTION: "request",
    DENY_ACTION: "request",
    CONFIRM_APPROVE_ACTION: "request",
    END_ACTION: "grant",
    EXTEND_ACTION: "grant",
    ASK_AGAIN_ACTION: "grant",
    HOME_REQUEST: "grant",  # "Ask for more time" on a grant of one's own
}
# Long enough for any card or DM to stay usable while its request or grant lives: the
# signature is for authenticity; every click re-reads the record and re-checks the clicker.
TTL_S = 400 * 86_400

Seal = Callable[[RefKind, str], str]


def seal_buttons(message: dict[str, Any], seal: Seal) -> dict[str, Any]:
    """``message`` (a reply, a card, a view) with every grant and request button signed."""
    blocks = message.get("blocks")
    if not isinstance(blocks, list):
        return message
    return {**message, "blocks": [_block(block, seal) for block in blocks]}


def _block(block: Any, seal: Seal) -> Any:
    """Buttons stand in an actions block's elements, or as a section's accessory."""
    if not isinstance(block, dict):
        return block
    if block.get("type") == "actions":
        return {**block, "elements": [_element(e, seal) for e in block.get("elements", [])]}
    if "accessory" in block:
        return {**block, "accessory": _element(block["accessory"], seal)}
    return block


def _element(element: Any, seal: Seal) -> Any:
    if not isinstance(element, dict):
        return element
    kind = SIGNED.get(str(element.get("action_id", "")))
    value = element.get("value")
    if kind is None or not isinstance(value, str) or not value:
        return element
    return {**element, "value": seal(kind, value)}


def key_sealer(key: bytes, clock: Callable[[], float]) -> Seal:
    """Signing with the bot's key, for what is built before ``Operations`` (the notices)."""

    def seal(kind: RefKind, ref_id: str) -> str:
        return seal_ref(SealedRef(kind, ref_id, int(clock()) + TTL_S), key)

    return seal


def opened(value: str, kind: RefKind, open_ref: Callable[[str], SealedRef]) -> str | None:
    """The ID a signed value of ``kind`` names; None when it is not one the bot signed."""
    try:
        ref = open_ref(value)
    except InvalidConfirmation:
        return None
    return ref.id if ref.kind == kind else None
