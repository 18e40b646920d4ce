"""The process-wide resources and their lifetime: one Losant HTTP client, one session
for replies, one in-flight tracker, and the app built on them.

``python -m bot``, the console and the end-to-end tests all enter a ``Runtime``,
so they run the same wiring; leaving it closes every connection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

import httpx
from slack_bolt.async_app import AsyncApp

from bot.config import Settings
from bot.edges.losant.client import LosantClient
from bot.edges.slack.responder import Responder
from bot.serving.app import Authorize, create_app
from bot.serving.inflight import InFlight


class Runtime:
    """``async with Runtime(settings) as rt:`` gives ``rt.app``, ``rt.losant``, ``rt.inflight``."""

    def __init__(
        self,
        settings: Settings,
        *,
        authorize: Authorize | None = None,
        losant_transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.inflight = InFlight()
        self.responder = Responder()
        self.losant = LosantClient.create(
            base_url=settings.losant_api_url,
            token=settings.losant_api_token.get_secret_value(),
            instance_id=settings.losant_instance_id,
            timeout_s=settings.losant_timeout_s,
            retry_budget_s=settings.losant_retry_budget_s,
            transport=losant_transport,
        )
        self.app: AsyncApp = create_app(
            settings,
            self.losant,
            responder=self.responder,
            inflight=self.inflight,
            authorize=authorize,
            clock=clock,
        )

    async def __aenter__(self) -> Runtime:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self, grace_s: float = 0.0) -> None:
        """Let in-flight requests finish (up to ``grace_s``), then close every connection."""
        if grace_s > 0:
            await self.inflight.drain(grace_s)
        await self.responder.aclose()
        await self.losant.aclose()
