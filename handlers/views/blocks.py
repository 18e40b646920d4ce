"""The few Block Kit shapes the views use, as the JSON Slack takes.

Each function returns exactly what slack_sdk's block models turn into JSON
(``tests/test_blocks.py`` compares them), and refuses what those models refuse as
they do, with slack_sdk's ``SlackObjectFormationError``, so a view that miscounts
fails loudly in tests instead of silently in Slack; the tests also parse every reply
back through slack_sdk's models (``tests.harness.limit_problems``). The dicts are
built directly because going through the models (an object per block and text, then
``to_dict`` walking every attribute and validator) cost 7 % of a whole ``/members
list``'s CPU. Only mrkdwn text carries data: how plain_text treats ``&amp;`` is not
documented, so button labels and other plain_text stay fixed strings.
"""

from __future__ import annotations

from typing import Any, Literal

from slack_sdk.errors import SlackObjectFormationError

from handlers.views.reply import (
    MAX_ACTION_ID,
    MAX_ACTIONS_ELEMENTS,
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_CONTEXT_ELEMENTS,
    MAX_FIELD_TEXT,
    MAX_SECTION_FIELDS,
    MAX_SECTION_TEXT,
    fit_lines,
)


def _mrkdwn(text: str, limit: int) -> dict[str, Any]:
    # verbatim: data such as "evil.example" or "#general" is not turned into links.
    return {"type": "mrkdwn", "text": fit_lines(text, limit), "verbatim": True}


def _at_most(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise SlackObjectFormationError(f"{what} cannot exceed {limit}")


def section(text: str, *, fields: list[str] | None = None) -> dict[str, Any]:
    """A mrkdwn section; ``text`` and ``fields`` must already be escaped."""
    block: dict[str, Any] = {"type": "section", "text": _mrkdwn(text, MAX_SECTION_TEXT)}
    if fields:
        _at_most(len(fields), MAX_SECTION_FIELDS, "fields attribute")
        block["fields"] = [_mrkdwn(f, MAX_FIELD_TEXT) for f in fields]
    return block


def context(*texts: str) -> dict[str, Any]:
    """A small grey line (or up to ten) under a message; texts must already be escaped."""
    _at_most(len(texts), MAX_CONTEXT_ELEMENTS, "elements attribute")
    return {"type": "context", "elements": [_mrkdwn(t, MAX_SECTION_TEXT) for t in texts]}


def button(
    label: str,
    action_id: str,
    value: str,
    *,
    style: Literal["primary", "danger"] | None = None,
) -> dict[str, Any]:
    """A button with a fixed ``label``; ``value`` must fit in 2000 characters."""
    _at_most(len(label), MAX_BUTTON_TEXT, "text attribute")
    _at_most(len(action_id), MAX_ACTION_ID, "action_id attribute")
    _at_most(len(value), MAX_BUTTON_VALUE, "value attribute")
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": action_id,
    }
    if value:  # a button that only opens something (a form) carries no value
        element["value"] = value
    if style is not None:
        if style not in ("primary", "danger"):
            raise SlackObjectFormationError("style must be either primary or danger")
        element["style"] = style
    return element


def actions(*buttons: dict[str, Any]) -> dict[str, Any]:
    _at_most(len(buttons), MAX_ACTIONS_ELEMENTS, "elements attribute")
    return {"type": "actions", "elements": list(buttons)}
