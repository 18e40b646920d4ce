"""The limits Slack enforces on a modal or Home tab view, and how it words a breach.

slack_sdk checks some of these only when the app builds views from its model classes;
a view built as a plain dict reaches Slack unchecked, and Slack refuses it with
``invalid_arguments`` and one line per problem in ``response_metadata.messages``. The
fake refuses the same views the same way, so a too-long title fails in a test rather
than in front of a person.

The wording follows what Slack answers for a long title ("[ERROR] failed to match all
allowed schemas [json-pointer:/view/title]" then "[ERROR] must be less than 24
characters [json-pointer:/view/title/text]", as reported in
jeremeamia/slack-block-kit#3); the other limits are worded the same way.
"""

from __future__ import annotations

import json
from typing import Any

MAX_TEXT = {"title": 24, "submit": 24, "close": 24}
MAX_BLOCKS = 100
MAX_STRINGS = {"private_metadata": 3000, "callback_id": 255, "external_id": 255}
MAX_VIEW_BYTES = 250_000
INPUT_BLOCK = "input"


def too_large(view: dict[str, Any]) -> bool:
    """Whether Slack would answer ``view_too_large`` (over 250 kB of JSON)."""
    return len(json.dumps(view).encode()) > MAX_VIEW_BYTES


def problems(view: Any, *, allowed_types: tuple[str, ...]) -> list[str]:
    """Every limit ``view`` breaks, as Slack words it; empty when Slack would take it."""
    if not isinstance(view, dict):
        return ["[ERROR] must provide an object [json-pointer:/view]"]
    kind = view.get("type")
    if kind not in allowed_types:
        return [f"[ERROR] must be one of {', '.join(allowed_types)} [json-pointer:/view/type]"]
    found: list[str] = []
    if kind == "modal" and "title" not in view:
        found.append("[ERROR] missing required field: title [json-pointer:/view]")
    for name, limit in MAX_TEXT.items():
        found += _text_problems(view.get(name), name, limit)
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        found.append("[ERROR] missing required field: blocks [json-pointer:/view]")
    elif len(blocks) > MAX_BLOCKS:
        found.append(f"[ERROR] no more than {MAX_BLOCKS} items allowed [json-pointer:/view/blocks]")
    elif kind == "modal" and "submit" not in view and _has_inputs(blocks):
        found.append(
            "[ERROR] must provide a submit property when using input blocks [json-pointer:/view]"
        )
    for name, limit in MAX_STRINGS.items():
        value = view.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            where = f"[json-pointer:/view/{name}]"
            found.append(f"[ERROR] must be less than {limit} characters {where}")
    return found


def _text_problems(text: Any, name: str, limit: int) -> list[str]:
    if text is None:
        return []
    schema_error = f"[ERROR] failed to match all allowed schemas [json-pointer:/view/{name}]"
    if not isinstance(text, dict) or text.get("type") != "plain_text":
        return [schema_error, f"[ERROR] must be a plain_text object [json-pointer:/view/{name}]"]
    if len(str(text.get("text", ""))) > limit:
        return [
            schema_error,
            f"[ERROR] must be less than {limit} characters [json-pointer:/view/{name}/text]",
        ]
    return []


def _has_inputs(blocks: list[Any]) -> bool:
    return any(isinstance(block, dict) and block.get("type") == INPUT_BLOCK for block in blocks)
