"""Serving Slack: HTTP mode on ``$PORT`` (Heroku) or Socket Mode (local development).

Both stop on SIGTERM or SIGINT the way Heroku expects: stop taking new requests,
let the ones in flight post their replies (up to ``GRACE_S``; Heroku allows 30 s),
then close connections and exit.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import EVENTS_PATH, web_app
from bot.config import Settings
from bot.runtime import Runtime

log = logging.getLogger("bot.serve")

GRACE_S = 25.0


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve_http(settings: Settings, *, host: str = "0.0.0.0") -> None:  # noqa: S104 - a dyno must listen on every interface
    stop = _stop_event()
    async with Runtime(settings) as runtime:
        runner = web.AppRunner(web_app(runtime.app), handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, settings.port)
        await site.start()
        log.info(
            "members-bot listening on http://%s:%d%s (health: /healthz)",
            host,
            settings.port,
            EVENTS_PATH,
        )
        await stop.wait()
        log.info("shutting down: %d request(s) in flight", runtime.inflight.count)
        await site.stop()
        finished = await runtime.inflight.drain(GRACE_S)
        if not finished:
            log.warning("grace period over with %d request(s) unfinished", runtime.inflight.count)
        await runner.cleanup()


async def serve_socket_mode(settings: Settings) -> None:
    assert settings.slack_app_token is not None
    stop = _stop_event()
    async with Runtime(settings) as runtime:
        handler = AsyncSocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value())
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("members-bot connected in Socket Mode")
        await stop.wait()
        log.info("shutting down: %d request(s) in flight", runtime.inflight.count)
        await handler.disconnect_async()  # type: ignore[no-untyped-call]
        await runtime.inflight.drain(GRACE_S)
        await handler.close_async()  # type: ignore[no-untyped-call]
