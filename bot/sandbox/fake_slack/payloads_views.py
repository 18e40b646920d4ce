"""Payloads Slack sends about modals, the Home tab, shortcuts and events.

The features after ``/members`` (requests, a Home tab, modals to fill in) are driven by
more than commands and clicks: a click inside a modal or on the Home tab, a submitted
modal, a typeahead asking for options, a global shortcut, and the ``app_home_opened``
event. These build each as Slack sends it, from a view as Slack returns it (take one
from ``FakeSlack.open_views(user)[-1]`` or ``FakeSlack.home(user)``), with the person's
input in ``state.values`` (``with_state``). Interactions are encoded with
``encode_action``, the event with ``encode_event`` (both in ``payloads.py``).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from typing import Any

from bot.sandbox.fake_slack.conversations import BOT_USER_ID
from bot.sandbox.fake_slack.payloads import (
    ACTION_TS,
    API_APP_ID,
    TEAM_ID,
    VERIFICATION_TOKEN,
    action_of,
    team_of,
    user_of,
)

StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]
_EVENT_IDS = itertools.count(1)


def with_state(view: Mapping[str, Any], values: StateValues) -> dict[str, Any]:
    """A copy of ``view`` holding what the person entered: ``{block_id: {action_id: {...}}}``.

    Each innermost dict is the element's state as Slack reports it, e.g.
    ``{"type": "plain_text_input", "value": "ann@acme.io"}``.
    """
    shown = copy.deepcopy(dict(view))
    shown["state"] = {"values": copy.deepcopy({k: dict(v) for k, v in values.items()})}
    return shown


def _common(user_id: str, kind: str) -> dict[str, Any]:
    return {
        "type": kind,
        "user": user_of(user_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "team": team_of(),
        "enterprise": None,
        "is_enterprise_install": False,
    }


def view_action_body(
    *,
    view: Mapping[str, Any],
    action_id: str,
    user_id: str,
    trigger_id: str,
    value: str | None = None,
    block_id: str = "b",
    element: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``block_actions`` for a click in a modal or on the Home tab (``view["type"]`` says which).

    Slack sends no ``response_url`` for these: the app answers with ``views.update``.
    """
    return {
        **_common(user_id, "block_actions"),
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": trigger_id,
        "view": copy.deepcopy(dict(view)),
        "actions": [action_of(action_id, block_id=block_id, value=value, element=element)],
    }


def view_submission_body(
    *, view: Mapping[str, Any], user_id: str, trigger_id: str
) -> dict[str, Any]:
    """``view_submission``: the person pressed the modal's submit button.

    ``view`` carries ``state.values`` (see ``with_state``), ``private_metadata`` and
    ``callback_id`` as the app set them. The app may answer in its ack with
    ``{"response_action": "errors" | "update" | "push" | "clear", ...}``.
    """
    return {
        **_common(user_id, "view_submission"),
        "trigger_id": trigger_id,
        "view": copy.deepcopy(dict(view)),
        "response_urls": [],
    }


def block_suggestion_body(
    *, view: Mapping[str, Any], user_id: str, action_id: str, value: str, block_id: str = "b"
) -> dict[str, Any]:
    """``block_suggestion``: the person typed ``value`` into an external select in ``view``.

    The app answers in its ack with ``{"options": [...]}`` or ``{"option_groups": [...]}``.
    """
    return {
        **_common(user_id, "block_suggestion"),
        "container": {"type": "view", "view_id": view["id"]},
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "view": copy.deepcopy(dict(view)),
    }


def shortcut_body(*, callback_id: str, user_id: str, trigger_id: str) -> dict[str, Any]:
    """``shortcut``: the person chose the app's global shortcut ``callback_id``."""
    return {
        **_common(user_id, "shortcut"),
        "action_ts": ACTION_TS,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
    }


def app_home_opened_body(
    *, user_id: str, channel_id: str, view: Mapping[str, Any] | None = None, tab: str = "home"
) -> dict[str, Any]:
    """The ``event_callback`` for ``app_home_opened``: ``user_id`` opened the app's ``tab``.

    ``channel_id`` is the DM with the app (``FakeSlack.dm_channel(user)``); ``view`` is
    the Home view the person last had published, which Slack includes when there is one.
    """
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id,
        "tab": tab,
        "event_ts": ACTION_TS,
    }
    if view is not None:
        event["view"] = copy.deepcopy(dict(view))
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_EVENT_IDS):010d}",
        "event_time": 1700000001,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
