"""Showing a Slack message in a terminal: Block Kit JSON to readable plain text.

Pure, so what the console prints is what the blocks say: headers, sections, fields,
context lines and buttons (numbered, so they can be pressed), with Slack's mrkdwn
entities and links made readable.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

_LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>|<([^<>]+)>")


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str


def buttons(message: dict[str, Any]) -> list[Button]:
    """Every button in ``message``, in reading order."""
    found: list[Button] = []
    for block in message.get("blocks") or []:
        if block.get("type") != "actions":
            continue
        for element in block.get("elements") or []:
            if element.get("type") == "button":
                label = str((element.get("text") or {}).get("text", ""))
                found.append(
                    Button(label, str(element.get("action_id")), str(element.get("value", "")))
                )
    return found


def mrkdwn_to_text(text: str) -> str:
    """Slack markup as a person would read it: links as their label, entities decoded."""

    def link(match: re.Match[str]) -> str:
        target, label, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.startswith("@"):
                return "@" + bare[1:].split("|")[0]
            if bare.startswith("!"):
                return "@" + bare[1:]
            return bare.removeprefix("mailto:")
        if target.startswith("@"):
            return "@" + label
        return label

    text = _LINK.sub(link, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_text(message: dict[str, Any], *, width: int = 100) -> str:
    """The message as lines of text; buttons shown as ``[1] Next >``."""
    blocks = message.get("blocks") or []
    if not blocks:
        return mrkdwn_to_text(str(message.get("text", "")))
    lines: list[str] = []
    number = 0
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = mrkdwn_to_text(str((block.get("text") or {}).get("text", "")))
            lines += [title, "=" * min(len(title), width)]
        elif kind == "section":
            text = (block.get("text") or {}).get("text")
            if text:
                lines += _wrapped(mrkdwn_to_text(str(text)), width)
            for field in block.get("fields") or []:
                lines += _wrapped(mrkdwn_to_text(str(field.get("text", ""))), width, indent="  ")
        elif kind == "context":
            for element in block.get("elements") or []:
                if "text" in element:
                    lines += _wrapped(mrkdwn_to_text(str(element["text"])), width, indent="  ")
        elif kind == "divider":
            lines.append("-" * 20)
        elif kind == "actions":
            labels = []
            for element in block.get("elements") or []:
                if element.get("type") == "button":
                    number += 1
                    labels.append(f"[{number}] {(element.get('text') or {}).get('text', '')}")
            lines.append("  ".join(labels))
    return "\n".join(lines)


def _wrapped(text: str, width: int, indent: str = "") -> list[str]:
    out: list[str] = []
    for line in text.splitlines() or [""]:
        out += textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent) or [""]
    return out
