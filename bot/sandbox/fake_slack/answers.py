"""What the app answers in its ack, and what Slack does with that answer.

Some of an app's replies are not API calls but the body of its acknowledgement: the
message a slash command's ack shows, the ``response_action`` of a modal submission
(show errors, update, push, clear), the ``options`` of a typeahead. Slack acts on them;
the fake cannot see them unless told, because the harness or the console posts to the
app itself. So whoever delivers a payload hands the app's answer to
``FakeSlack.app_answered`` (the fake's own Socket Mode does it for every envelope),
which records it and changes what the person sees as Slack would.

A submission the app answers with nothing closes that modal (and any pushed over it);
``errors`` keeps it open with the errors shown; ``update`` replaces it; ``push`` adds
one; ``clear`` closes them all. The fake applies a view from an answer as given: when
Slack refuses such a view, the person sees an error in the modal, which the fake does
not draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.fake_slack.conversations import Conversations, content_of
from bot.sandbox.fake_slack.views import ViewStore


@dataclass(frozen=True)
class AppAnswer:
    """One payload delivered to the app, and the body the app answered it with."""

    payload: dict[str, Any]
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        """The payload's type; a slash command's form has none, so it is ``slash_command``."""
        return "slash_command" if "command" in self.payload else str(self.payload.get("type"))


def apply(answer: AppAnswer, conversations: Conversations, views: ViewStore) -> None:
    """Change what people see as Slack does on receiving ``answer``."""
    if answer.kind == "slash_command":
        _show_ack(answer, conversations)
    elif answer.kind == "view_submission":
        _act_on_submission(answer, views)


def _show_ack(answer: AppAnswer, conversations: Conversations) -> None:
    """A command's ack with text or blocks is the first reply the person sees."""
    if not content_of(answer.body):
        return
    user, channel = str(answer.payload.get("user_id")), str(answer.payload.get("channel_id"))
    in_channel = answer.body.get("response_type") == "in_channel"
    conversations.post(channel, answer.body, ephemeral_to=None if in_channel else user)


def _act_on_submission(answer: AppAnswer, views: ViewStore) -> None:
    submitted = answer.payload.get("view") or {}
    view = views.get(str(submitted.get("id", "")))
    if view is None:
        return  # a payload built for a view the fake never opened: nothing on screen
    action = answer.body.get("response_action")
    if action == "errors":
        view.errors = dict(answer.body.get("errors") or {})
    elif action == "update":
        views.update(view, dict(answer.body.get("view") or {}))
    elif action == "push":
        views.push(view.user, dict(answer.body.get("view") or {}))
    elif action == "clear":
        views.close_all(view.user)
    else:
        views.close(view)
