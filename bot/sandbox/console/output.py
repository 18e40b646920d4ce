"""What the console prints for each line: the replies, and what the bot posted elsewhere.

What the bot posts outside a reply (audit lines, request cards and their updates, direct
messages) is shown under the reply that caused it, each under a label saying where it
went, and a card or DM with buttons can be pressed like a reply. ``--json`` prints the
same as one JSON document a line typed.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from bot.sandbox.console.render import buttons, mrkdwn_to_text, to_text
from bot.sandbox.console.session import Exchange
from bot.slack_ids import is_user_id


def say(line: str, problem: str, raw: bool, out: TextIO) -> None:
    """A problem with the line itself, which never reached the bot."""
    print(json.dumps({"input": line, "error": problem}, indent=2) if raw else problem, file=out)
    if not raw:
        print(file=out)


def show(line: str, exchange: Exchange, raw: bool, out: TextIO) -> dict[str, Any] | None:
    """Print what the bot answered; return the message a later ``press`` acts on."""
    messages = ([exchange.ack] if exchange.ack else []) + exchange.replies
    if raw:
        # One JSON document per line typed, so the output is a stream jq can read.
        document = {
            "input": line,
            "ack": exchange.ack,
            "replies": exchange.replies,
            "audit": exchange.audit,
            "posted": exchange.posted,
        }
        print(json.dumps(document, indent=2), file=out)
    else:
        if messages:
            print("\n\n".join(to_text(message) for message in messages), file=out)
        for posted in exchange.posted:
            print(show_posted(posted), file=out)
        if not messages and not exchange.posted:
            print("(no reply)", file=out)
        print(file=out)
    return pressable(messages, exchange.posted)


def show_posted(posted: dict[str, Any]) -> str:
    """One posted or updated message, indented under a line saying where it went."""
    channel = str(posted.get("channel", ""))
    if "blocks" not in posted:
        # Only audit lines are plain text; lines posted together stay under their label.
        text = mrkdwn_to_text(str(posted.get("text", "")))
        return "  [audit channel] " + text.replace("\n", "\n" + " " * 18)
    if is_user_id(channel):
        where = f"DM to {channel}"
    else:
        where = f"{'card updated' if posted.get('updated') else 'card'} in #{channel}"
    body = "\n".join(f"    {line}" for line in to_text(posted).splitlines())
    return f"  [{where}]\n{body}"


def pressable(replies: list[dict[str, Any]], posted: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What ``press`` acts on next: the last reply, unless only a card or DM has buttons."""
    if replies and buttons(replies[-1]):
        return replies[-1]
    with_buttons = [p for p in posted if buttons(p)]
    if with_buttons:
        return with_buttons[-1]
    return replies[-1] if replies else None
