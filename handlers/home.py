"""The Home tab's Slack side: ``app_home_opened``, and how a built Home reaches Slack.

Opening the tab is like any change to what it shows: an outcome naming whose Home to
rebuild, which the delivery step hands to the Home use case once the event is acked
(``bot.usecases.home``). Slack sends ``app_home_opened`` for the Messages tab too;
that one needs nothing. Publishing renders the use case's data with the pure view
and calls ``views.publish``; the use case itself never sees Block Kit.
"""

from __future__ import annotations

from typing import Any

from bot.edges.slack.surfaces import Surfaces
from bot.usecases.home import Publish
from bot.usecases.home_data import HomeData
from handlers.button_seals import Seal, seal_buttons
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.outcome import Outcome, Work
from handlers.views.home import render_home


def opened_work(deps: Deps, caller: Caller, event: dict[str, Any]) -> Work:
    """``app_home_opened``: rebuild the person's Home tab (not for the Messages tab)."""
    if event.get("tab") != "home" or not caller.user:
        return Outcome(None)
    return Outcome(None, refresh_homes=(caller.user,))


def home_publisher(surfaces: Surfaces, seal: Seal) -> Publish:
    """What the Home use case publishes through: the view (its grant and request buttons
    signed), then ``views.publish``."""

    async def publish(data: HomeData) -> bool:
        return await surfaces.publish_home(data.user, seal_buttons(render_home(data), seal))

    return publish
