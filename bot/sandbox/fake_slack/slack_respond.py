"""The receiving end of ``response_url``: where the app's ``respond()`` posts land.

Slack gives every slash command and every button click its own ``response_url``; the
app's delayed replies (``respond()``, via ``AsyncWebhookClient``) POST JSON there. The
fake hands out one URL per command or click and records every post to it, so a test
can tell which reply belongs to which invocation and wait for it without sleeping.

It also holds the URL to Slack's rules, so an app that breaks them fails here first:

* A URL takes **five** posts within **30 minutes** of the invocation. Slack documents
  the limit but not its answer; the fake answers like a spent hook, HTTP 404 with the
  body ``used_url`` for a sixth post and ``expired_url`` after 30 minutes. Only posts
  Slack accepted count: one the fake failed on purpose (a 5xx) used nothing up.
* ``replace_original`` / ``delete_original`` act on the message whose button was
  clicked, for a click's URL. A slash command's own URL cannot replace what it posted
  before: Slack posts a new message instead (bolt-python#1268, bolt-js#2287), and the
  fake does the same, so a "working on it" note sent that way stays on screen. For the
  same reason ``delete_original`` on a command's URL removes nothing.
* Without ``response_type: in_channel`` a reply is ephemeral: only the invoker sees it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.sandbox.fake_slack.arrivals import Arrivals
from bot.sandbox.fake_slack.conversations import Conversations
from bot.sandbox.fake_slack.faults import Fault, FaultPlan

ALL_RESPONSE_URLS = "response_url"
MAX_POSTS = 5
LIFETIME_S = 30 * 60


@dataclass(frozen=True)
class ResponsePost:
    """One POST to a response_url, and the HTTP status the fake answered it with.

    ``arrived`` is the fake's own ``time.monotonic()`` reading when the post came in, so
    a test can show the app waited between two posts without a stopwatch of its own.
    """

    url: str
    key: int
    payload: dict[str, Any]
    status: int = 200
    arrived: float = field(default_factory=time.monotonic, compare=False)


@dataclass
class _Issued:
    """One response_url: whose conversation it answers in, and how much of it is left."""

    user: str
    channel: str
    clicked_ts: str | None
    issued_at: float
    accepted: int = 0


class ResponseReceiver:
    """Issues response_urls, records what the app posts to them, and shows the posts."""

    def __init__(
        self,
        *,
        stopping: asyncio.Event,
        conversations: Conversations,
        clock: Callable[[], float],
    ) -> None:
        self._stopping = stopping
        self._conversations = conversations
        self._clock = clock
        self._keys = itertools.count(1)
        self._issued: dict[int, _Issued] = {}
        self._faults = FaultPlan()
        self.posts: Arrivals[ResponsePost] = Arrivals("response_url posts")
        # Known only once the server has its port; FakeSlack.start() sets it.
        self.root_url = ""

    def new_url(
        self, *, user: str | None = None, channel: str | None = None, message_ts: str | None = None
    ) -> str:
        """A fresh response_url for one command (or, with ``message_ts``, one click).

        Its replies are shown to ``user`` in ``channel``; a URL issued without them
        keeps its replies in a conversation of its own, which ``visible_for`` shows.
        """
        key = next(self._keys)
        url = f"{self.root_url}respond/{key}"
        self._issued[key] = _Issued(
            user=user or "", channel=channel or url, clicked_ts=message_ts, issued_at=self._clock()
        )
        return url

    def conversation_of(self, url: str) -> tuple[str, str]:
        """The (user, channel) whose conversation ``url`` answers in."""
        issued = self._issued.get(_key_of(url))
        if issued is None:
            raise KeyError(f"the fake never issued {url}")
        return issued.user, issued.channel

    def fail(self, fault: Fault, *, times: int) -> None:
        """Make the next ``times`` posts (to any response_url) suffer ``fault``."""
        self._faults.add(ALL_RESPONSE_URLS, fault, times=times)

    async def handle(self, request: web.Request) -> web.Response:
        """Serve ``POST /respond/<n>``: record the JSON body, answer like Slack's hooks."""
        key = int(request.match_info["key"])
        payload = _json_object(await request.text())
        issued = self._issued.get(key)
        fault: Fault | None = None
        status, body = 200, "ok"
        if issued is None:
            status, body = 404, "no_service"
        elif payload is None:
            status, body = 400, "invalid_payload"
        elif self._clock() - issued.issued_at >= LIFETIME_S:
            status, body = 404, "expired_url"
        elif issued.accepted >= MAX_POSTS:
            status, body = 404, "used_url"
        else:
            fault = self._faults.take(ALL_RESPONSE_URLS)
            if fault is not None:
                status, body = fault.status, fault.error or "ok"
        if issued is not None and payload is not None and status == 200:
            issued.accepted += 1
            self._show(issued, payload)
        url = f"{self.root_url}respond/{key}"
        await self.posts.add(ResponsePost(url=url, key=key, payload=payload or {}, status=status))
        if fault is not None:
            await fault.delay(self._stopping)
        return web.Response(status=status, text=body)

    def _show(self, issued: _Issued, payload: dict[str, Any]) -> None:
        """Change what people see as Slack would for this accepted post."""
        chats = self._conversations
        clicked = chats.find_ts(issued.clicked_ts) if issued.clicked_ts else None
        if _flag(payload, "delete_original"):
            if clicked is not None:
                chats.delete(clicked)
            return
        if _flag(payload, "replace_original") and clicked is not None:
            chats.replace(clicked, payload)
            return
        in_channel = payload.get("response_type") == "in_channel"
        chats.post(issued.channel, payload, ephemeral_to=None if in_channel else issued.user)


def _flag(payload: dict[str, Any], name: str) -> bool:
    # Slack's docs show these as strings ("true") as often as booleans; both work.
    return payload.get(name) in (True, "true")


def _key_of(url: str) -> int:
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def _json_object(raw: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
