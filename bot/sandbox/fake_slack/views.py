"""The modals each person has open and the Home tab each one sees.

Modals and the Home tab live in Slack, not in the app: the app opens, pushes, updates
and publishes them through the Web API, and answers submissions with a
``response_action``. Tests and the console need to read the result (which modal is on
top, which errors it shows, what the Home tab says), so the fake keeps the views here:
a stack of modals per person (Slack allows three), one Home view per person, each view
with its ID, ``hash`` and optional ``external_id``, answered in the shape Slack answers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.fake_slack.conversations import BOT_ID

MAX_STACK = 3
APP_ID = "A1"
TEAM_ID = "T1"


@dataclass
class View:
    """One view Slack holds: what the app sent, plus Slack's own fields."""

    id: str
    user: str
    body: dict[str, Any]
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def shown(self) -> dict[str, Any]:
        """The view as Slack returns it from ``views.*`` and sends it in payloads."""
        defaults: dict[str, Any] = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
        }
        return {
            **defaults,
            **self.body,
            "id": self.id,
            "team_id": TEAM_ID,
            "state": {"values": {}},
            "hash": self.hash,
            "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }


class ViewStore:
    """Every view by ID, each person's modal stack and Home tab."""

    def __init__(self) -> None:
        self._serial = itertools.count(1)
        self._views: dict[str, View] = {}
        self._stacks: dict[str, list[str]] = {}
        self._homes: dict[str, str] = {}

    # -- reading -------------------------------------------------------------------

    def get(self, view_id: str = "", external_id: str = "") -> View | None:
        """The view with ``view_id``, or else the one with ``external_id``."""
        if view_id:
            return self._views.get(view_id)
        if external_id:
            return next(
                (v for v in self._views.values() if v.body.get("external_id") == external_id),
                None,
            )
        return None

    def stack(self, user: str) -> list[View]:
        """``user``'s open modals, bottom (the root) first; the last is on screen."""
        return [self._views[view_id] for view_id in self._stacks.get(user, [])]

    def home(self, user: str) -> View | None:
        """The Home tab ``user`` sees, if the app has published one."""
        view_id = self._homes.get(user)
        return self._views.get(view_id) if view_id else None

    def external_id_taken(self, body: dict[str, Any], *, by: View | None = None) -> bool:
        """Whether another view already uses ``body``'s external_id."""
        external_id = body.get("external_id")
        other = self.get(external_id=external_id) if external_id else None
        return other is not None and other is not by

    # -- changing ------------------------------------------------------------------

    def open(self, user: str, body: dict[str, Any]) -> View:
        """Open ``body`` as ``user``'s only modal (a new stack)."""
        self.close_all(user)
        view = self._new(user, body, root=None, previous=None)
        self._stacks[user] = [view.id]
        return view

    def push(self, user: str, body: dict[str, Any]) -> View | str:
        """Push ``body`` onto ``user``'s stack, or the error code Slack gives."""
        stack = self._stacks.get(user)
        if not stack:
            return "not_found"
        if len(stack) >= MAX_STACK:
            return "push_limit_reached"
        view = self._new(user, body, root=stack[0], previous=stack[-1])
        stack.append(view.id)
        return view

    def update(self, view: View, body: dict[str, Any]) -> View:
        """Show ``body`` in ``view``'s place; it keeps its ID, gets a new hash.

        An update that sets no ``external_id`` keeps the view's (the fake's reading:
        Slack's docs do not say).
        """
        kept = {"external_id": view.body["external_id"]} if "external_id" in view.body else {}
        view.body, view.hash, view.errors = {**kept, **body}, self._hash(), {}
        return view

    def publish(self, user: str, body: dict[str, Any]) -> View:
        """Make ``body`` the Home tab ``user`` sees."""
        current = self.home(user)
        if current is not None:
            return self.update(current, body)
        view = self._new(user, body, root=None, previous=None)
        self._homes[user] = view.id
        return view

    def close(self, view: View) -> None:
        """Close ``view`` and any view pushed over it (a submission without an action)."""
        stack = self._stacks.get(view.user, [])
        if view.id in stack:
            del stack[stack.index(view.id) :]

    def close_all(self, user: str) -> None:
        """Close every modal ``user`` has open (``response_action: clear``)."""
        self._stacks.pop(user, None)

    def _new(
        self, user: str, body: dict[str, Any], *, root: str | None, previous: str | None
    ) -> View:
        view_id = f"V{next(self._serial):010d}"
        view = View(view_id, user, dict(body), self._hash(), root or view_id, previous)
        self._views[view_id] = view
        return view

    def _hash(self) -> str:
        return f"1700000000.{next(self._serial):08x}"
