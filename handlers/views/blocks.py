"""The few Block Kit shapes the views use, built with slack_sdk's models.

Going through slack_sdk's classes means each block is validated by Slack's own
rules as it is turned into JSON (``to_dict`` raises on a broken limit), so a view
that miscounts fails loudly in tests instead of silently in Slack. Only mrkdwn
text carries data: how plain_text treats ``&amp;`` is not documented, so button
labels and other plain_text stay fixed strings.
"""

from __future__ import annotations

from typing import Any, Literal

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from handlers.views.reply import MAX_FIELD_TEXT, MAX_SECTION_TEXT, fit_lines


def _mrkdwn(text: str, limit: int) -> MarkdownTextObject:
    # verbatim: data such as "evil.example" or "#general" is not turned into links.
    return MarkdownTextObject(text=fit_lines(text, limit), verbatim=True)


def section(text: str, *, fields: list[str] | None = None) -> dict[str, Any]:
    """A mrkdwn section; ``text`` and ``fields`` must already be escaped."""
    block = SectionBlock(
        text=_mrkdwn(text, MAX_SECTION_TEXT),
        fields=[_mrkdwn(f, MAX_FIELD_TEXT) for f in fields] if fields else None,
    )
    result: dict[str, Any] = block.to_dict()
    return result


def context(*texts: str) -> dict[str, Any]:
    """A small grey line (or up to ten) under a message; texts must already be escaped."""
    block = ContextBlock(elements=[_mrkdwn(t, MAX_SECTION_TEXT) for t in texts])
    result: dict[str, Any] = block.to_dict()
    return result


def button(
    label: str,
    action_id: str,
    value: str,
    *,
    style: Literal["primary", "danger"] | None = None,
) -> ButtonElement:
    """A button with a fixed ``label``; ``value`` must fit in 2000 characters."""
    return ButtonElement(text=label, action_id=action_id, value=value, style=style)


def actions(*buttons: ButtonElement) -> dict[str, Any]:
    result: dict[str, Any] = ActionsBlock(elements=list(buttons)).to_dict()
    return result
