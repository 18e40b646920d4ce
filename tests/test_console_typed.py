"""What a console line means before the bot sees it: mentions as Slack sends them, ``press``."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.console.render import Button
from bot.sandbox.console.typed import as_slack_sends, pick_button

PEOPLE = {
    "U0BO": ("bo@acme.io", "bo"),
    "U0ADA": ("ada@acme.io", "ada"),
    "U0ME": ("you@acme.io", "you"),
}
PREV = Button("Prev", "members_prev", "p")
NEXT = Button("Next", "members_next", "n")
REMOVE = Button("Remove", "members_confirm", "r")
CANCEL = Button("Cancel", "members_cancel", "c")


def with_buttons(*row: Button) -> dict[str, Any]:
    """A reply with one actions block holding ``row`` (or no actions block at all)."""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]
    if row:
        elements = [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": b.label},
                "action_id": b.action_id,
                "value": b.value,
            }
            for b in row
        ]
        blocks.append({"type": "actions", "elements": elements})
    return {"blocks": blocks}


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        pytest.param("show org=Acme user=@U0BO", "show org=Acme user=<@U0BO|bo>", id="by-id"),
        pytest.param("show org=Acme user=@Ada", "show org=Acme user=<@U0ADA|ada>", id="by-name"),
        pytest.param("add org=Acme @bo role=edit", "add org=Acme <@U0BO|bo> role=edit", id="bare"),
        pytest.param("show org=Acme user=@you", "show org=Acme user=<@U0ME|you>", id="yourself"),
        pytest.param("show org=Acme user=@nobody", "show org=Acme user=@nobody", id="unknown"),
        pytest.param("show user=<@U0BO|bo>", "show user=<@U0BO|bo>", id="already-escaped"),
        pytest.param('list filter="@bo  x"', 'list filter="@bo  x"', id="quoted-kept-as-typed"),
        pytest.param("list org=Acme", "list org=Acme", id="no-mention"),
    ],
)
def test_mentions_are_sent_as_slack_sends_a_picked_person(typed: str, sent: str) -> None:
    """``@name`` or ``@ID`` of a known person becomes ``<@ID|name>``; anything else is untouched."""
    assert sent == as_slack_sends(typed, PEOPLE)


@pytest.mark.parametrize(
    ("words", "row", "expected"),
    [
        pytest.param(["2"], (PREV, NEXT), NEXT, id="by-number"),
        pytest.param(["next"], (PREV, NEXT), NEXT, id="by-label"),
        pytest.param(["P"], (PREV, NEXT), PREV, id="by-label-start-any-case"),
        pytest.param(["cancel"], (REMOVE, CANCEL), CANCEL, id="cancel"),
        pytest.param(
            [],
            (PREV, NEXT),
            "Press which button? [1] Prev  [2] Next",
            id="no-words-lists-buttons",
        ),
        pytest.param(
            ["3"],
            (PREV, NEXT),
            "No button '3' on the last reply. Its buttons: [1] Prev  [2] Next",
            id="number-out-of-range",
        ),
        pytest.param(
            ["e"],
            (REMOVE, CANCEL),
            "No button 'e' on the last reply. Its buttons: [1] Remove  [2] Cancel",
            id="no-label-starts-so",
        ),
        pytest.param(["1"], (), "The last reply has no buttons to press.", id="no-buttons"),
    ],
)
def test_press_names_a_button_or_says_why_not(
    words: list[str], row: tuple[Button, ...], expected: Button | str
) -> None:
    """``press`` takes a number or a label's start; otherwise it says what can be pressed."""
    assert expected == pick_button(words, with_buttons(*row))


def test_press_before_any_reply_has_nothing_to_press() -> None:
    """``press`` as the first line finds no reply, and says there is nothing to press."""
    assert "The last reply has no buttons to press." == pick_button(["1"], None)
