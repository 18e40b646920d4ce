"""The console's lines beyond ``/members``: ``as`` and ``wait``.

Access requests involve two people and hours of time: a requester asks, an approver
decides, the grant ends. The console plays both people (``as ada``, ``as me``) and moves
the bot's clock (``wait 2h``, then a sweep, as each process's timer would run one).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bot.sandbox.console.session import ConsoleSession
from bot.slack_ids import is_user_id
from bot.usecases.durations import parse_duration


def act_as(
    session: ConsoleSession, words: list[str], people: Mapping[str, tuple[str, str]], *, you: str
) -> str:
    """Type as the person ``words`` name (a demo name, a user ID, or ``me``) from now on."""
    wanted = " ".join(words).strip().lstrip("@")
    if not wanted:
        known = ", ".join(name for _, name in people.values())
        return f"As whom? `as <name>` ({known}) or a user ID; `as me` to come back."
    by_name = {name.lower(): user_id for user_id, (_, name) in people.items()}
    user_id = you if wanted.lower() == "me" else by_name.get(wanted.lower(), wanted)
    if not is_user_id(user_id):
        return f"No one called {wanted!r}: use a name the console knows or a user ID (U…)."
    session.user = user_id
    name = people.get(user_id, ("", user_id))[1]
    return f"You are now {name} ({user_id})."


def waited(words: list[str]) -> float | str:
    """The seconds ``wait 2h`` moves the clock by, or what is wrong with it."""
    try:
        return float(parse_duration(" ".join(words)))
    except ValueError as exc:
        return f"wait how long? {exc}"


def clock_text(now: float) -> str:
    return datetime.fromtimestamp(now, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
