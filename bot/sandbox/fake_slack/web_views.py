"""The Web API's view methods: open, push and update modals, publish the Home tab.

Each checks what Slack checks before it shows anything: a trigger ID the fake issued,
unspent and under 3 seconds old (``triggers.py``); a view within Slack's limits
(``view_limits.py``), refused with ``invalid_arguments`` and Slack's wording; a view
ID, external ID and ``hash`` that match what Slack holds (``not_found``,
``hash_conflict``, ``duplicate_external_id``). A view the fake refused leaves the
trigger unspent, since nothing was shown.
"""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox.fake_slack.triggers import TriggerIds
from bot.sandbox.fake_slack.view_limits import problems, too_large
from bot.sandbox.fake_slack.views import View, ViewStore
from bot.sandbox.fake_slack.web_answers import Answer, Method, Refused, answering_refusals, missing

MODAL = ("modal",)
HOME = ("home",)
VIEW_POINTER = "[json-pointer:/view]"


class ViewMethods:
    """``views.open``, ``views.push``, ``views.update`` and ``views.publish``."""

    def __init__(self, views: ViewStore, triggers: TriggerIds) -> None:
        self._views = views
        self._triggers = triggers

    def methods(self) -> dict[str, Method]:
        """The Web API methods this class serves, by name."""
        served = {
            "views.open": self.open,
            "views.push": self.push,
            "views.update": self.update,
            "views.publish": self.publish,
        }
        return {name: answering_refusals(method) for name, method in served.items()}

    def open(self, args: dict[str, Any]) -> Answer:
        body = self._new_view(args, MODAL)
        return _answer(self._views.open(self._exchange(args), body))

    def push(self, args: dict[str, Any]) -> Answer:
        body = self._new_view(args, MODAL)
        pushed = self._views.push(self._exchange(args), body)
        if isinstance(pushed, str):
            raise Refused(pushed)
        return _answer(pushed)

    def update(self, args: dict[str, Any]) -> Answer:
        view_id, external_id = str(args.get("view_id", "")), str(args.get("external_id", ""))
        if not (view_id or external_id):
            raise missing("view_id")
        current = self._views.get(view_id, external_id)
        if current is None:
            raise Refused("not_found")
        body = _view(args, (str(current.body.get("type")),))
        _check_hash(args, current)
        if self._views.external_id_taken(body, by=current):
            raise Refused("duplicate_external_id")
        return _answer(self._views.update(current, body))

    def publish(self, args: dict[str, Any]) -> Answer:
        user = str(args.get("user_id", ""))
        if not user:
            raise missing("user_id")
        body = _view(args, HOME)
        current = self._views.home(user)
        _check_hash(args, current)
        if self._views.external_id_taken(body, by=current):
            raise Refused("duplicate_external_id")
        return _answer(self._views.publish(user, body))

    def _new_view(self, args: dict[str, Any], allowed_types: tuple[str, ...]) -> dict[str, Any]:
        body = _view(args, allowed_types)
        if self._views.external_id_taken(body):
            raise Refused("duplicate_external_id")
        return body

    def _exchange(self, args: dict[str, Any]) -> str:
        """Spend the call's trigger ID; whose it was."""
        trigger_id = str(args.get("trigger_id", ""))
        if not trigger_id:
            raise missing("trigger_id")
        code = self._triggers.check(trigger_id)
        if code is not None:
            raise Refused(code)
        return self._triggers.exchange(trigger_id)


def _view(args: dict[str, Any], allowed_types: tuple[str, ...]) -> dict[str, Any]:
    """The ``view`` argument, once Slack would accept it."""
    view = args.get("view")
    if view is None:
        raise missing("view")
    if isinstance(view, str):
        # Form-encoded calls carry the view as a JSON string.
        try:
            view = json.loads(view)
        except ValueError:
            raise Refused("invalid_arguments", f"[ERROR] invalid json {VIEW_POINTER}") from None
    found = problems(view, allowed_types=allowed_types)
    if found:
        raise Refused("invalid_arguments", *found)
    if too_large(view):
        raise Refused("view_too_large")
    return dict(view)


def _check_hash(args: dict[str, Any], current: View | None) -> None:
    """A ``hash`` given must be the one Slack holds: the app saw the latest view."""
    given = args.get("hash")
    if given and (current is None or given != current.hash):
        raise Refused("hash_conflict")


def _answer(view: View) -> Answer:
    return {"ok": True, "view": view.shown()}
