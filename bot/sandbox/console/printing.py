"""What the console prints for each line: the bot's replies as text (or as JSON), the form
left on screen, the Home tab, and what the bot posted elsewhere — audit lines, request
cards and their updates, direct messages — each under a label saying where it went; a
card or DM with buttons can be pressed like a reply.

Kept apart from the loop that reads lines (``cli``) so that what a person sees is in one
place; rendering a message or a form is ``render`` and ``form_text``'s job.
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


def show(
    line: str, exchange: Exchange, raw: bool, out: TextIO, *, form: str | None = None
) -> dict[str, Any] | None:
    """Print what the bot answered; return the message a later ``press`` acts on."""
    # An interaction's ack is no message: it holds a form's errors or a typeahead's options.
    said = (
        exchange.ack
        if exchange.ack and ("text" in exchange.ack or "blocks" in exchange.ack)
        else None
    )
    messages = ([said] if said else []) + exchange.replies
    if raw:
        # One JSON document per line typed, so the output is a stream jq can read.
        document = {
            "input": line,
            "ack": exchange.ack,
            "replies": exchange.replies,
            "audit": exchange.audit,
            "posted": exchange.posted,
            "modal": exchange.modal,
            "errors": exchange.errors,
        }
        print(json.dumps(document, indent=2), file=out)
    else:
        shown = [to_text(m) for m in [said, *exchange.replies] if m]
        if form:
            shown.append(form)
        if shown:
            print("\n\n".join(shown), file=out)
        for posted in exchange.posted:
            print(show_posted(posted), file=out)
        if not shown and not exchange.posted:
            print("(no reply)", file=out)
        print(file=out)
    return pressable(messages, exchange.posted)


def show_home(line: str, exchange: Exchange, raw: bool, out: TextIO) -> None:
    """Print the Home tab the bot published."""
    if raw:
        print(json.dumps({"input": line, "home": exchange.home}, indent=2), file=out)
        return
    home = exchange.home
    print(f"[Home tab]\n{to_text(home)}" if home else "(no Home tab was published)", file=out)
    print(file=out)


def show_posted(posted: dict[str, Any]) -> str:
    """One posted or updated message, indented under a line saying where it went."""
    channel = str(posted.get("channel", ""))
    if "blocks" not in posted:
        # Only audit lines are plain text; lines posted together stay under their label.
        text = mrkdwn_to_text(str(posted.get("text", "")))
        return "  [audit channel] " + text.replace("\n", "\n" + " " * 18)
    if is_user_id(channel) or channel.startswith("D"):
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
