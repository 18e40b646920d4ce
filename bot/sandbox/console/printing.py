"""What the console prints for each line: the bot's replies as text (or as JSON), DMs, the
audit channel's sentences, the form left on screen, the Home tab.

Kept apart from the loop that reads lines (``cli``) so that what a person sees is in one
place; rendering a message or a form is ``render`` and ``form_text``'s job.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from bot.sandbox.console.render import mrkdwn_to_text, to_text
from bot.sandbox.console.session import Exchange


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
    messages = ([said] if said else []) + exchange.replies + exchange.dms
    if raw:
        # One JSON document per line typed, so the output is a stream jq can read.
        document = {
            "input": line,
            "ack": exchange.ack,
            "replies": exchange.replies,
            "audit": exchange.audit,
            "dms": exchange.dms,
            "modal": exchange.modal,
            "errors": exchange.errors,
        }
        print(json.dumps(document, indent=2), file=out)
    else:
        shown = [to_text(m) for m in [said, *exchange.replies] if m]
        shown += [f"[direct message from members-bot]\n{to_text(m)}" for m in exchange.dms]
        if form:
            shown.append(form)
        if shown:
            print("\n\n".join(shown), file=out)
        for text in exchange.audit:
            print(f"  [audit channel] {mrkdwn_to_text(text)}", file=out)
        if not shown:
            print("(no reply)", file=out)
        print(file=out)
    return messages[-1] if messages else None


def show_home(line: str, exchange: Exchange, raw: bool, out: TextIO) -> None:
    """Print the Home tab the bot published."""
    if raw:
        print(json.dumps({"input": line, "home": exchange.home}, indent=2), file=out)
        return
    home = exchange.home
    print(f"[Home tab]\n{to_text(home)}" if home else "(no Home tab was published)", file=out)
    print(file=out)
