"""Showing a Slack message in a terminal: Block Kit JSON to readable plain text.

Pure, so what the console prints is what the blocks say: headers, sections, fields,
context lines and buttons (numbered, so they can be pressed). Slack's markup is shown
the way Slack shows it: links and mentions by their label, entities decoded, the
bot's few emoji codes as emoji, ``*bold*`` without its asterisks. Code spans keep
their backticks, because what is in them is what one would type (and a glob such as
``*smith*`` inside one is not bold).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

_LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>|<([^<>]+)>")
_CODE = re.compile(r"(`[^`\n]+`)")
# Slack's rule: the asterisks hug the text and are not inside a word.
_BOLD = re.compile(r"(?<![\w*])\*(?![\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
EMOJI = {
    "warning": "⚠️",
    "white_check_mark": "✅",
    "no_entry": "⛔",
    "x": "❌",
    "grey_question": "❔",
    "hourglass_flowing_sand": "⏳",
}
BULLET = "• "


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str


def buttons(message: dict[str, Any]) -> list[Button]:
    """Every button in ``message`` (or a view), in reading order (as ``to_text`` numbers them)."""
    found: list[Button] = []
    for block in message.get("blocks") or []:
        for element in _block_buttons(block):
            label = str((element.get("text") or {}).get("text", ""))
            found.append(
                Button(label, str(element.get("action_id")), str(element.get("value", "")))
            )
    return found


def _block_buttons(block: dict[str, Any]) -> list[dict[str, Any]]:
    """A block's buttons: an actions block's, or a section's accessory (as on the Home tab)."""
    if block.get("type") == "actions":
        elements = block.get("elements") or []
    elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
        elements = [block["accessory"]]
    else:
        elements = []
    return [e for e in elements if e.get("type") == "button"]


def mrkdwn_to_text(text: str) -> str:
    """Slack markup as a person would read it in Slack, minus the formatting."""
    text = _LINK.sub(_link, text)
    # Code spans are shown as typed: no bold and no emoji inside them.
    parts = _CODE.split(text)
    text = "".join(part if index % 2 else _plain(part) for index, part in enumerate(parts))
    # Entities last, so that a decoded "<" can never start a link.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _link(match: re.Match[str]) -> str:
    target, label, bare = match.group(1), match.group(2), match.group(3)
    if bare is not None:
        if bare.startswith("!"):  # <!channel>, <!here>
            return "@" + bare[1:]
        return bare.removeprefix("mailto:")
    if target.startswith(("@", "!subteam^")):  # <@U123|bo>, <!subteam^S1|@team>
        return "@" + label.removeprefix("@")
    if target.startswith("!"):  # <!date^1700000000^{date}|fallback>: the fallback
        return label
    if target.startswith("#"):  # <#C123|general>
        return "#" + label.removeprefix("#")
    if target.startswith("mailto:") or target == label:
        return label
    # A terminal cannot follow a link: show where it goes.
    return f"{label} ({target})"


def _plain(text: str) -> str:
    text = _BOLD.sub(r"\1", text)
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def to_text(message: dict[str, Any], *, width: int = 100) -> str:
    """The message as lines of text; buttons shown as ``[1] Next``."""
    blocks = message.get("blocks") or []
    if not blocks:
        return "\n".join(_wrapped(mrkdwn_to_text(str(message.get("text", ""))), width))
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
                lines += _wrapped(_field(str(field.get("text", ""))), width, indent="  ")
            for accessory in _block_buttons(block):
                number += 1
                lines.append(f"  [{number}] {(accessory.get('text') or {}).get('text', '')}")
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


def _field(text: str) -> str:
    """A field is a label over a value in Slack; on one line here: ``Role: admin``."""
    label, newline, value = mrkdwn_to_text(text).partition("\n")
    return f"{label}: {' '.join(value.split())}" if newline and value.strip() else label


def _wrapped(text: str, width: int, indent: str = "") -> list[str]:
    out: list[str] = []
    for line in text.splitlines() or [""]:
        # A bullet's continuation lines align with its text, not with the bullet.
        hanging = indent + " " * len(BULLET) if line.startswith(BULLET) else indent
        wrapped = textwrap.wrap(
            line,
            width,
            initial_indent=indent,
            subsequent_indent=hanging,
            break_on_hyphens=False,
            break_long_words=False,
        )
        out += wrapped or [""]
    return out
