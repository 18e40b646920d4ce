"""A fake Slack on loopback for end-to-end tests: Web API, response_url and Socket Mode.

The real app is only trustworthy end to end if it talks to something that behaves like
Slack over real HTTP and WebSockets, with no patching of the app's internals. This is
that something: one aiohttp server on 127.0.0.1 and an ephemeral port, started in the
test's own event loop, that serves

* ``/api/<method>``: the Web API (point ``SLACK_API_URL`` at ``api_url``);
* ``/respond/<n>``: response_urls, one per command or click (``response_url()``);
* ``/socket``: Socket Mode, reached through ``apps.connections.open``.

It records everything it receives, lets a test wait for it with a bounded timeout, and
can be told to fail (``fail_api``, ``fail_responses``) or to hold a method to Slack's
rate limit (``rate_limit``) for reliability tests. Beyond the raw record it keeps what
each person sees (``visible``, ``open_views``, ``home``: see ``ScreenMixin``). Time, for
trigger IDs and response_urls, is the fake's ``clock``, which a test may own.
"""

# A timeout parameter with a default is the point of these waits: every wait is bounded.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.sandbox.fake_slack.answers import AppAnswer
from bot.sandbox.fake_slack.arrivals import Arrivals
from bot.sandbox.fake_slack.conversations import Conversations
from bot.sandbox.fake_slack.faults import Fault, RateLimit
from bot.sandbox.fake_slack.slack_envelopes import EnvelopeMixin
from bot.sandbox.fake_slack.slack_respond import ResponsePost, ResponseReceiver
from bot.sandbox.fake_slack.slack_socket import FakeSocketMode
from bot.sandbox.fake_slack.slack_web import ApiCall, FakeWebApi
from bot.sandbox.fake_slack.triggers import TriggerIds
from bot.sandbox.fake_slack.views import ViewStore
from bot.sandbox.loopback import listen

# A handler still running at stop() is a bug in a test, not something to wait a minute on.
SHUTDOWN_TIMEOUT_S = 2.0


class FakeSlack(EnvelopeMixin):
    """Slack, as far as members-bot can tell. Use ``async with FakeSlack() as slack:``."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test",  # noqa: S107 - a fake's token, not a secret
        app_token: str = "xapp-test",  # noqa: S107 - a fake's token, not a secret
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self._stopping = asyncio.Event()
        self._conversations = Conversations()
        self._views = ViewStore()
        self._triggers = TriggerIds(clock)
        self._answers: Arrivals[AppAnswer] = Arrivals("answers from the app")
        self._web = FakeWebApi(
            bot_token=bot_token,
            app_token=app_token,
            stopping=self._stopping,
            conversations=self._conversations,
            views=self._views,
            triggers=self._triggers,
        )
        self._receiver = ResponseReceiver(
            stopping=self._stopping, conversations=self._conversations, clock=clock
        )
        self._socket = FakeSocketMode()
        self._runner: web.AppRunner | None = None
        self.root_url = ""

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port; the URLs are valid from here on."""
        self._stopping.clear()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._web.handle)
        app.router.add_post(r"/respond/{key:\d+}", self._receiver.handle)
        app.router.add_get("/socket", self._socket.handle)
        self._runner, base_url = await listen(app, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        self.root_url = f"{base_url}/"
        self._web.root_url = self._receiver.root_url = self.root_url

    async def stop(self) -> None:
        """Close Socket Mode connections, cut injected delays short, stop listening."""
        if self._runner is None:
            return
        self._stopping.set()
        await self._socket.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- Web API ---------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The Web API base URL, with its trailing slash: what ``SLACK_API_URL`` is set to."""
        return f"{self.root_url}api/"

    def add_user(self, user_id: str, *, email: str | None, name: str = "") -> None:
        """A workspace member that ``users.info`` knows; ``email=None``: no email on file."""
        self._web.add_user(user_id, email=email, name=name)

    def add_group(self, group_id: str, members: list[str]) -> None:
        """A user group that ``usergroups.users.list`` knows."""
        self._web.add_group(group_id, members)

    def remove_channel(self, channel_id: str) -> None:
        """Make posts to this channel answer ``channel_not_found``."""
        self._web.remove_channel(channel_id)

    @property
    def calls(self) -> list[ApiCall]:
        """Every Web API call, in arrival order."""
        return self._web.calls.items

    def calls_to(self, method: str) -> list[ApiCall]:
        """The Web API calls to one method, e.g. ``"users.info"``."""
        return [call for call in self.calls if call.method == method]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The arguments of every successful ``chat.postMessage``, in order."""
        return self._web.messages.items

    async def wait_for_messages(self, count: int, *, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The first ``count`` posted messages, once they are there (AssertionError if not)."""
        return await self._web.messages.wait_for(count, timeout=timeout)

    def fail_api(
        self,
        method: str,
        *,
        error: str | None = "internal_error",
        status: int = 200,
        times: int = 1,
        delay_s: float = 0.0,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail or be slow.

        The call waits ``delay_s``, then answers ``{"ok": false, "error": error}`` with
        HTTP ``status``; with ``error=None`` it is only slow and then served normally.
        """
        self._web.fail(method, Fault(error=error, status=status, delay_s=delay_s), times=times)

    def rate_limit(
        self,
        method: str,
        *,
        per_s: float,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Hold ``method`` to ``per_s`` calls a second (per channel, for a call naming one).

        A call beyond the limit is answered as Slack answers it: HTTP 429 with
        ``Retry-After`` in whole seconds and ``{"ok": false, "error": "ratelimited"}``.
        ``burst`` calls may go at once after a quiet spell. ``clock`` (seconds, only
        differences matter) is what refills the bucket: pass one the test moves by hand
        to make time pass without waiting for it. Off unless asked for.
        """
        self._web.rate_limit(method, RateLimit(per_s, burst=burst, clock=clock))

    def lift_rate_limit(self, method: str) -> None:
        """Serve ``method`` without a rate limit again."""
        self._web.rate_limit(method, None)

    @property
    def rate_limited(self) -> list[ApiCall]:
        """Every Web API call answered 429 by a rate limit, in arrival order."""
        return self._web.rate_limited.items

    async def wait_for_rate_limited(self, count: int, *, timeout: float = 5.0) -> list[ApiCall]:
        """The first ``count`` calls answered 429, once there (AssertionError if not)."""
        return await self._web.rate_limited.wait_for(count, timeout=timeout)

    # -- response_url ------------------------------------------------------------------

    def response_url(
        self, *, user: str | None = None, channel: str | None = None, message_ts: str | None = None
    ) -> str:
        """A fresh response_url for one command by ``user`` in ``channel``.

        With ``message_ts`` it is a click's URL: ``replace_original`` and
        ``delete_original`` act on that message. Five posts, 30 minutes of ``clock``.
        """
        return self._receiver.new_url(user=user, channel=channel, message_ts=message_ts)

    @property
    def responses(self) -> list[ResponsePost]:
        """Every post to a response_url, in arrival order, failed ones included."""
        return self._receiver.posts.items

    async def wait_for_responses(
        self, count: int, *, url: str | None = None, timeout: float = 5.0
    ) -> list[ResponsePost]:
        """The first ``count`` posts (to ``url`` if given), once they are there.

        Raises AssertionError on timeout, listing every post that did arrive.
        """
        return await self._receiver.posts.wait_for(
            count,
            timeout=timeout,
            matching=lambda post: url is None or post.url == url,
            described="" if url is None else f" to {url}",
        )

    def fail_responses(self, *, status: int = 500, times: int = 1, delay_s: float = 0.0) -> None:
        """Make the next ``times`` response_url posts answer ``status``, after ``delay_s``."""
        error = "internal_error" if status >= 400 else None
        self._receiver.fail(Fault(error=error, status=status, delay_s=delay_s), times=times)
