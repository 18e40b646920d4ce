"""What a line typed into the console means, before it reaches the bot.

The console stands in for Slack's client, so it does what that client does to a
message: a person picked from the ``@`` list is sent as ``<@U…|name>``. And ``press``
names a button of the last reply by its number or the start of its label. Both are
pure, so they are tested on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sandbox.console.render import Button, buttons

People = Mapping[str, tuple[str, str]]
"""Everyone the stand-in Slack knows: user ID to (email, name)."""


def as_slack_sends(text: str, people: People) -> str:
    """A typed ``@bo`` or ``@U0BO`` becomes ``<@U0BO|bo>``, as Slack sends a picked mention.

    Anyone else stays as typed, which is what Slack sends for a name it does not know.
    """
    by_name = {name.lower(): user_id for user_id, (_, name) in people.items()}
    words = []
    for word in text.split(" "):
        key, eq, value = word.partition("=")
        target = value if eq else key
        if target.startswith("@"):
            user_id = target[1:] if target[1:] in people else by_name.get(target[1:].lower())
            if user_id is not None:
                target = f"<@{user_id}|{people[user_id][1]}>"
                word = f"{key}={target}" if eq else target
        words.append(word)
    return " ".join(words)


def pick_button(words: list[str], last: dict[str, Any] | None) -> Button | str:
    """The button ``press <words>`` means (a number or a label's start), or why there is none."""
    choices = buttons(last or {})
    if not choices:
        return "The last reply has no buttons to press."
    listed = "  ".join(f"[{number}] {b.label}" for number, b in enumerate(choices, start=1))
    wanted = " ".join(words).lower()
    if not wanted:
        return f"Press which button? {listed}"
    if wanted.isdigit() and 1 <= int(wanted) <= len(choices):
        return choices[int(wanted) - 1]
    matches = [b for b in choices if b.label.lower().startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    return f"No button {' '.join(words)!r} on the last reply. Its buttons: {listed}"
