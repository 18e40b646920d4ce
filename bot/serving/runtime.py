"""The process-wide resources and their lifetime: one Losant HTTP client, one session
for replies, one Slack Web API client, one in-flight tracker, one auditor (and its
audit channel poster), the database, the app built on them, and the sweep for what falls
due.

``python -m bot``, the console and the end-to-end tests all open a ``Runtime``
(``await Runtime.open(settings)``), so they run the same wiring; closing it closes
every connection.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import httpx
from slack_bolt.async_app import AsyncApp

from bot.config import Settings
from bot.edges.losant.client import LosantClient
from bot.edges.slack.audit_channel import AuditChannel
from bot.edges.slack.responder import Responder
from bot.edges.store import Store
from bot.edges.store.engine import database_url
from bot.serving.app import Authorize, build_deps, create_app, web_client
from bot.serving.inflight import InFlight
from bot.usecases.audit import Auditor
from bot.usecases.sweep import Sweeper


def process_name() -> str:
    """This process, as the leases it takes name it: the dyno (or host), the PID, a nonce."""
    where = os.environ.get("DYNO") or socket.gethostname()
    return f"{where}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[-64:]


class Runtime:
    """``async with Runtime(settings) as rt:`` gives ``rt.app``, ``rt.losant``, ``rt.inflight``,
    ``rt.auditor``."""

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        authorize: Authorize | None = None,
        losant_transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        sweep: bool = True,
    ) -> Runtime:
        """Open the database (migrating a SQLite file), then build everything on it; with
        ``sweep``, start sweeping for what is due (at once, to catch up, then on a timer)."""
        raw = settings.database_url.get_secret_value() if settings.database_url else None
        store = await Store.open(database_url(raw, cwd=Path.cwd()))
        runtime = cls(
            settings,
            store,
            authorize=authorize,
            losant_transport=losant_transport,
            clock=clock,
        )
        if sweep:
            runtime.sweeper.start()
        return runtime

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        authorize: Authorize | None = None,
        losant_transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.store = store
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
        self.slack = web_client(settings)
        channel = settings.members_audit_channel
        self.auditor = Auditor(AuditChannel(self.slack, channel) if channel else None)
        self.deps = build_deps(
            settings,
            self.losant,
            responder=self.responder,
            inflight=self.inflight,
            auditor=self.auditor,
            slack_client=self.slack,
            store=store,
            owner=process_name(),
            clock=clock,
        )
        self.app: AsyncApp = create_app(
            settings, self.deps, slack_client=self.slack, authorize=authorize
        )
        lifecycle = self.deps.operations.lifecycle
        self.sweeper = Sweeper(
            store,
            lifecycle.reverter,
            lifecycle.journal,
            lifecycle.notices,
            self.auditor,
            clock=clock,
            every_s=settings.members_sweep_s,
            fanout=settings.members_fanout,
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

    async def stop_sweeping(self, grace_s: float) -> None:
        """Take no new grant to revert; let a sweep under way finish within ``grace_s``."""
        await self.sweeper.stop(grace_s)

    async def drain(self, grace_s: float) -> bool:
        """Let in-flight requests finish, then the audit channel post what they queued,
        all within one ``grace_s``; False if requests were still unfinished."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_s
        finished = await self.inflight.drain(grace_s)
        await self.auditor.flush(deadline - loop.time())
        return finished

    async def aclose(self, grace_s: float = 0.0) -> None:
        """Drain (up to ``grace_s`` in all), then close every connection.

        Audit lines still unposted then are dropped, with one ERROR saying how many.
        """
        await self.stop_sweeping(grace_s)
        if grace_s > 0:
            await self.drain(grace_s)
        await self.auditor.aclose()
        await self.responder.aclose()
        await self.losant.aclose()
        await self.store.aclose()
