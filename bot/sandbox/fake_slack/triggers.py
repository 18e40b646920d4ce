"""Trigger IDs: the short-lived, single-use tickets an app exchanges for a modal.

Slack puts a ``trigger_id`` in every slash command, click and shortcut; ``views.open``
(and ``views.push``) must spend it within 3 seconds, once. An app that opens its modal
after slow work, or twice from one click, fails in Slack, so it must fail here too:
the fake issues the IDs (``FakeSlack.new_trigger_id()``), times them on its own clock
(which a test may own) and answers as Slack does: ``invalid_trigger_id`` for one it
never issued, ``exchanged_trigger_id`` for one already spent (the brief for this fake
said ``invalid_trigger_id``; Slack's documented code for that case is this one), and
``expired_trigger_id`` after 3 seconds.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass

LIFETIME_S = 3.0


@dataclass
class _Trigger:
    user: str
    issued_at: float
    exchanged: bool = False


class TriggerIds:
    """Issues trigger IDs and exchanges each at most once, within its lifetime."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._serial = itertools.count(1)
        self._issued: dict[str, _Trigger] = {}

    def new(self, user: str) -> str:
        """A fresh trigger ID for something ``user`` just did, shaped like Slack's."""
        trigger_id = f"{next(self._serial)}.{7890123}.{secrets.token_hex(16)}"
        self._issued[trigger_id] = _Trigger(user=user, issued_at=self._clock())
        return trigger_id

    def check(self, trigger_id: str) -> str | None:
        """The error ``trigger_id`` would get now, or None if it may be exchanged."""
        trigger = self._issued.get(trigger_id)
        if trigger is None:
            return "invalid_trigger_id"
        if trigger.exchanged:
            return "exchanged_trigger_id"
        if self._clock() - trigger.issued_at >= LIFETIME_S:
            return "expired_trigger_id"
        return None

    def exchange(self, trigger_id: str) -> str:
        """Spend ``trigger_id`` (``check`` said it may be); whose it was."""
        trigger = self._issued[trigger_id]
        trigger.exchanged = True
        return trigger.user
