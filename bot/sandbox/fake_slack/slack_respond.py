"""The receiving end of ``response_url``: where the app's ``respond()`` posts land.

Slack gives every slash command and every button click its own ``response_url``; the
app's delayed replies (``respond()``, via ``AsyncWebhookClient``) POST JSON there. The
fake hands out one URL per command or click and records every post to it, so a test
can tell which reply belongs to which invocation and wait for it without sleeping.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.sandbox.fake_slack.arrivals import Arrivals
from bot.sandbox.fake_slack.faults import Fault, FaultPlan

ALL_RESPONSE_URLS = "response_url"


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


class ResponseReceiver:
    """Issues response_urls and records what the app posts to them."""

    def __init__(self, *, stopping: asyncio.Event) -> None:
        self._stopping = stopping
        self._keys = itertools.count(1)
        self._issued: set[int] = set()
        self._faults = FaultPlan()
        self.posts: Arrivals[ResponsePost] = Arrivals("response_url posts")
        # Known only once the server has its port; FakeSlack.start() sets it.
        self.root_url = ""

    def new_url(self) -> str:
        """A fresh response_url, unique to one command or interaction."""
        key = next(self._keys)
        self._issued.add(key)
        return f"{self.root_url}respond/{key}"

    def fail(self, fault: Fault, *, times: int) -> None:
        """Make the next ``times`` posts (to any response_url) suffer ``fault``."""
        self._faults.add(ALL_RESPONSE_URLS, fault, times=times)

    async def handle(self, request: web.Request) -> web.Response:
        """Serve ``POST /respond/<n>``: record the JSON body, answer like Slack's hooks."""
        key = int(request.match_info["key"])
        raw = await request.text()
        payload = _json_object(raw)
        fault: Fault | None = None
        status, body = 200, "ok"
        if key not in self._issued:
            status, body = 404, "no_service"
        elif payload is None:
            status, body = 400, "invalid_payload"
        else:
            fault = self._faults.take(ALL_RESPONSE_URLS)
            if fault is not None:
                status, body = fault.status, fault.error or "ok"
        url = f"{self.root_url}respond/{key}"
        await self.posts.add(ResponsePost(url=url, key=key, payload=payload or {}, status=status))
        if fault is not None:
            await fault.delay(self._stopping)
        return web.Response(status=status, text=body)


def _json_object(raw: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
