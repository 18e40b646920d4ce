"""The reply value every view returns, and the text rules every view obeys.

Slack refuses a whole message when one piece breaks a limit, and it parses
``<…>`` in mrkdwn as mentions and links. Both dangers come from data (org names,
emails, names, filters, Losant's messages), so the defences live here, once:
``clip`` makes a value inert (``bot.mrkdwn.escape``) and bounded, and
``check_limits`` is the independent check the tests run on every reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.mrkdwn import ENTITIES, escape

# Slack's documented limits (docs.slack.dev/reference/block-kit); the fallback
# ``text`` is kept to 4000 because Slack only promises to show that much.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_BLOCK_ID = 255
MAX_FALLBACK_TEXT = 4000

ELLIPSIS = "…"


@dataclass(frozen=True)
class Reply:
    """One Slack message: ``text`` is the notification/accessibility fallback of ``blocks``."""

    text: str
    blocks: list[dict[str, Any]]
    response_type: Literal["ephemeral", "in_channel"] = "ephemeral"

    def to_dict(self) -> dict[str, Any]:
        """The keyword arguments for Bolt's ``ack()`` and ``respond()``."""
        body: dict[str, Any] = {
            "text": self.text,
            "blocks": self.blocks,
            "response_type": self.response_type,
        }
        return body


def clip(text: str, limit: int) -> str:
    """``escape(text)``, cut to at most ``limit`` characters with an ellipsis.

    The cut counts escaped characters and never splits an entity, so a clipped
    value is both inert and of known length whatever Losant or a user sent.
    """
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    room = limit - len(ELLIPSIS)
    pieces: list[str] = []
    for char in text:
        piece = ENTITIES.get(char, char)
        room -= len(piece)
        if room < 0:
            break
        pieces.append(piece)
    return "".join(pieces) + ELLIPSIS


def code(text: str, limit: int = 200) -> str:
    """A value shown as a code span; escaped too, since Slack still parses ``<…>`` in one."""
    return f"`{clip(text, limit)}`"


def fit_lines(text: str, limit: int) -> str:
    """Cut already-escaped multi-line ``text`` to ``limit`` at a line break.

    A last line of defence for text assembled from bounded pieces: cutting between
    lines cannot break an entity or a code span.
    """
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS) - 1]
    cut = head.rfind("\n")
    return (head[:cut] if cut > 0 else "") + "\n" + ELLIPSIS


def check_limits(reply: Reply) -> list[str]:
    """Every Slack limit ``reply`` breaks, as readable problems; empty when it is fine."""
    problems: list[str] = []
    if not reply.text.strip():
        problems.append("fallback text is empty")
    if len(reply.text) > MAX_FALLBACK_TEXT:
        problems.append(f"fallback text has {len(reply.text)} > {MAX_FALLBACK_TEXT} chars")
    if not reply.blocks:
        problems.append("no blocks")
    if len(reply.blocks) > MAX_BLOCKS:
        problems.append(f"{len(reply.blocks)} > {MAX_BLOCKS} blocks")
    for index, block in enumerate(reply.blocks):
        problems.extend(f"block {index}: {p}" for p in _block_problems(block))
    return problems


def _block_problems(block: dict[str, Any]) -> list[str]:
    problems = _over("block_id", block.get("block_id", ""), MAX_BLOCK_ID)
    kind = block.get("type")
    if kind == "section":
        problems += _over("section text", _text(block.get("text")), MAX_SECTION_TEXT)
        fields = block.get("fields", [])
        if len(fields) > MAX_SECTION_FIELDS:
            problems.append(f"{len(fields)} > {MAX_SECTION_FIELDS} fields")
        for field in fields:
            problems += _over("field text", _text(field), MAX_FIELD_TEXT)
    elif kind == "header":
        problems += _over("header text", _text(block.get("text")), MAX_HEADER_TEXT)
    elif kind == "context":
        elements = block.get("elements", [])
        if len(elements) > MAX_CONTEXT_ELEMENTS:
            problems.append(f"{len(elements)} > {MAX_CONTEXT_ELEMENTS} context elements")
        for element in elements:
            problems += _over("context text", _text(element), MAX_SECTION_TEXT)
    elif kind == "actions":
        elements = block.get("elements", [])
        if len(elements) > MAX_ACTIONS_ELEMENTS:
            problems.append(f"{len(elements)} > {MAX_ACTIONS_ELEMENTS} actions elements")
        for element in elements:
            problems += _over("button text", _text(element.get("text")), MAX_BUTTON_TEXT)
            problems += _over("button value", element.get("value", ""), MAX_BUTTON_VALUE)
            problems += _over("action_id", element.get("action_id", ""), MAX_ACTION_ID)
    return problems


def _text(obj: Any) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _over(what: str, value: str, limit: int) -> list[str]:
    return [f"{what} has {len(value)} > {limit} chars"] if len(value) > limit else []
