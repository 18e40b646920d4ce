"""Serving Slack: HTTP mode on ``$PORT`` (Heroku) or Socket Mode (local development).

Both stop on SIGTERM or SIGINT the way Heroku expects: stop taking new requests,
let the ones in flight post their replies and the audit channel what they queued
(together up to ``GRACE_S``; Heroku allows 30 s), then close connections and exit.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.config import Settings
from bot.serving.app import EVENTS_PATH, web_app
from bot.serving.runtime import Runtime
from bot.usecases.clock import Clock, system_clock

log = logging.getLogger("bot.serve")

GRACE_S = 25.0
# Bolt's own default: how often the Socket Mode client pings Slack and checks the socket.
PING_INTERVAL_S = 10.0


def freeze_what_start_up_built() -> None:
    """Hide every object alive now from the garbage collector's future passes.

    Start-up builds some 60,000 objects the collector tracks (modules, classes,
    pydantic's schemas, the app) that live as long as the process, and every full
    collection walked them all: 15-25 ms during which no request, ack included, was
    served (``make bench``, ack latency p99). Frozen, a collection walks only what
    requests created. Garbage is collected first, so none of it is kept for good.
    """
    gc.collect()
    gc.freeze()


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve_http(
    settings: Settings,
    *,
    host: str = "0.0.0.0",  # noqa: S104 - a dyno must listen on every interface
    clock: Clock = system_clock,
) -> None:
    stop = _stop_event()
    async with await Runtime.open(settings, clock=clock) as runtime:
        runner = web.AppRunner(web_app(runtime.app), handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, settings.port)
        await site.start()
        freeze_what_start_up_built()
        log.info(
            "members-bot listening on http://%s:%d%s (health: /healthz)",
            host,
            settings.port,
            EVENTS_PATH,
        )
        await stop.wait()
        log.info("shutting down: %d request(s) in flight", runtime.inflight.count)
        deadline = asyncio.get_running_loop().time() + GRACE_S
        # Claim no more grants to revert before anything else: another process reverts them.
        await runtime.stop_sweeping(GRACE_S / 2)
        await site.stop()
        finished = await runtime.drain(deadline - asyncio.get_running_loop().time())
        if not finished:
            log.warning("grace period over with %d request(s) unfinished", runtime.inflight.count)
        await runner.cleanup()


async def serve_socket_mode(settings: Settings, *, clock: Clock = system_clock) -> None:
    assert settings.slack_app_token is not None
    stop = _stop_event()
    async with (
        await Runtime.open(settings, clock=clock) as runtime,
        socket_mode(runtime, settings.slack_app_token.get_secret_value()),
    ):
        freeze_what_start_up_built()
        log.info("members-bot connected in Socket Mode")
        await stop.wait()


@asynccontextmanager
async def socket_mode(
    runtime: Runtime,
    app_token: str,
    *,
    grace_s: float = GRACE_S,
    ping_interval_s: float = PING_INTERVAL_S,
) -> AsyncIterator[AsyncSocketModeHandler]:
    """Connected to Slack over Socket Mode inside the ``async with``; a graceful stop on leaving.

    Leaving closes the websocket so that Slack sends new envelopes to other
    connections, lets the requests in flight post their replies and the audit channel
    what they queued (up to ``grace_s`` in all), then releases everything.
    ``ping_interval_s`` is how often the SDK checks the connection (and, while serving,
    reconnects a dropped one).
    """
    handler = AsyncSocketModeHandler(runtime.app, app_token, ping_interval=ping_interval_s)
    client = handler.client
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield handler
    finally:
        log.info("shutting down: %d request(s) in flight", runtime.inflight.count)
        deadline = asyncio.get_running_loop().time() + grace_s
        await runtime.stop_sweeping(grace_s / 2)
        grace_s = deadline - asyncio.get_running_loop().time()
        # Without this the SDK's session monitor sees the closed socket during the
        # drain and opens a new one, taking new envelopes while the process is stopping.
        client.auto_reconnect_enabled = client.default_auto_reconnect_enabled = False
        await handler.disconnect_async()  # type: ignore[no-untyped-call]
        if not await runtime.drain(grace_s):
            log.warning("grace period over with %d request(s) unfinished", runtime.inflight.count)
        await handler.close_async()  # type: ignore[no-untyped-call]
        # close() cancels the SDK's tasks without waiting for them to unwind.
        tasks = (client.message_processor, client.message_receiver, client.current_session_monitor)
        await asyncio.gather(*(task for task in tasks if task is not None), return_exceptions=True)
