"""Grant and request buttons leave signed, whatever block they stand in; nothing else changes."""

from __future__ import annotations

from typing import Any

from bot.usecases.sealed_views import RefKind, SealedRef, unseal_ref
from handlers.button_seals import key_sealer, opened, seal_buttons

KEY = b"k" * 32
NOW = 1_800_000_000.0


def clock() -> float:
    return NOW


def button(action_id: str, value: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": action_id}
    if value is not None:
        element["value"] = value
    return element


def open_ref(value: str) -> SealedRef:
    return unseal_ref(value, KEY, now=NOW)


def test_only_grant_and_request_buttons_are_signed() -> None:
    """Approve in an actions block and "Ask for more time" as an accessory are signed; a page
    button, a valueless button and the text around them stay exactly as they were."""
    message: dict[str, Any] = {
        "text": "t",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "x"}},
            {
                "type": "actions",
                "elements": [
                    button("request_approve", "abc123"),
                    button("members_next", "page-2"),
                    button("home_request", None),
                ],
            },
            {"type": "section", "accessory": button("home_request", "def456")},
        ],
    }

    signed = seal_buttons(message, key_sealer(KEY, clock))

    approve, page, bare = signed["blocks"][1]["elements"]
    more = signed["blocks"][2]["accessory"]
    assert ("request", "abc123") == (open_ref(approve["value"]).kind, opened_id(approve))
    assert ("grant", "def456") == (open_ref(more["value"]).kind, opened_id(more))
    assert (button("members_next", "page-2"), button("home_request", None)) == (page, bare)
    assert message["blocks"][0] == signed["blocks"][0]
    assert "abc123" == message["blocks"][1]["elements"][0]["value"]  # the input is untouched


def opened_id(element: dict[str, Any]) -> str:
    return open_ref(element["value"]).id


def test_a_value_is_opened_only_for_its_own_kind_and_only_when_signed() -> None:
    """A request's value does not open as a grant; a bare or edited ID opens as nothing."""
    seal = key_sealer(KEY, clock)
    kinds: tuple[RefKind, RefKind] = ("request", "grant")
    value = seal(kinds[0], "abc123")

    assert ("abc123", None) == (
        opened(value, "request", open_ref),
        opened(value, "grant", open_ref),
    )
    assert None is opened("abc123", "request", open_ref)
    assert None is opened(value[:-2] + "xx", "request", open_ref)
