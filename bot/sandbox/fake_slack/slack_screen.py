"""``FakeSlack``'s view of what each person has on screen, and what they can do next.

The raw records (``responses``, ``messages``, ``calls``) say what the app sent; a test
that asks "what does Ann see now?" needs what Slack made of it: replies after
replacements and deletions, DMs, the modals on her stack and their errors, her Home
tab. This mixin gives ``FakeSlack`` those readings, the trigger IDs a command or a
click carries, and ``app_answered``, through which whoever delivered a payload tells
the fake what the app answered in its ack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sandbox.fake_slack.answers import AppAnswer, apply
from bot.sandbox.fake_slack.arrivals import Arrivals
from bot.sandbox.fake_slack.conversations import Conversations
from bot.sandbox.fake_slack.slack_respond import ResponseReceiver
from bot.sandbox.fake_slack.triggers import TriggerIds
from bot.sandbox.fake_slack.views import ViewStore


class ScreenMixin:
    """What people see in the fake Slack; ``FakeSlack`` sets the attributes below."""

    _conversations: Conversations
    _views: ViewStore
    _triggers: TriggerIds
    _receiver: ResponseReceiver
    _answers: Arrivals[AppAnswer]

    # -- conversations -------------------------------------------------------------

    def visible(self, user: str, channel: str) -> list[dict[str, Any]]:
        """The messages ``user`` sees now in ``channel`` (a user ID: the DM with them).

        Oldest first, each as Slack shows it (``ts``, ``text``, ``blocks``, and
        ``is_ephemeral`` when only ``user`` sees it), after every replacement and deletion.
        """
        return self._conversations.visible(user, channel)

    def visible_for(self, url: str) -> list[dict[str, Any]]:
        """What the person a response_url answers sees in its conversation now."""
        user, channel = self._receiver.conversation_of(url)
        return self._conversations.visible(user, channel)

    def find_shown(
        self, message: Mapping[str, Any], *, user: str, channel: str
    ) -> dict[str, Any] | None:
        """The newest message on ``user``'s screen in ``channel`` showing ``message``.

        ``message`` may be a reply payload as posted (no ``ts``): this is how a test
        finds the ``ts`` a click on it carries.
        """
        return self._conversations.find_shown(message, user=user, channel=channel)

    def dm_channel(self, user: str) -> str:
        """The ID (``D…``) of the bot's DM with ``user``, opening it if need be."""
        return self._conversations.dm_for(user)

    def add_message(self, channel: str, text: str, *, user: str) -> str:
        """A message ``user`` (a person) wrote in ``channel``; its ts."""
        return self._conversations.post(channel, {"text": text}, user=user).ts

    # -- views -----------------------------------------------------------------------

    def new_trigger_id(self, user: str = "") -> str:
        """A trigger ID as Slack puts in a command or click by ``user``: one use, 3 s."""
        return self._triggers.new(user)

    def open_views(self, user: str) -> list[dict[str, Any]]:
        """``user``'s open modals as Slack returns them, root first; the last is on top."""
        return [view.shown() for view in self._views.stack(user)]

    def modal_errors(self, user: str) -> dict[str, str]:
        """The errors (block_id: message) the top modal of ``user`` shows, if any."""
        stack = self._views.stack(user)
        return dict(stack[-1].errors) if stack else {}

    def home(self, user: str) -> dict[str, Any] | None:
        """The Home tab view the app last published for ``user``, if any."""
        view = self._views.home(user)
        return None if view is None else view.shown()

    # -- the app's answers ------------------------------------------------------------

    @property
    def answers(self) -> list[AppAnswer]:
        """Every answer the app gave in an ack, as told to ``app_answered``, in order."""
        return self._answers.items

    async def app_answered(self, payload: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        """Tell the fake the app answered ``payload`` with ``body``; Slack acts on it.

        A command's ack message is shown; a submission's ``response_action`` is applied
        to the modals; typeahead ``options`` are only recorded.
        """
        answer = AppAnswer(payload=dict(payload), body=dict(body))
        apply(answer, self._conversations, self._views)
        await self._answers.add(answer)
