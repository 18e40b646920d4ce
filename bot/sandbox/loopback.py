"""Serving an aiohttp app on a port the OS picks, and knowing the URL it was given.

The fake Slack, the Losant simulator and the tests' in-process bots each listen on
127.0.0.1 and port 0, so that any number of them can run side by side, and each then
needs the base URL it ended up on. Those few steps, and the clean-up when binding
fails, are written here once.
"""

from __future__ import annotations

from aiohttp import web

LOOPBACK = "127.0.0.1"
# aiohttp's own default: how long cleanup() lets handlers still running finish.
SHUTDOWN_TIMEOUT_S = 60.0


async def listen(
    app: web.Application,
    host: str = LOOPBACK,
    port: int = 0,
    *,
    shutdown_timeout: float = SHUTDOWN_TIMEOUT_S,
) -> tuple[web.AppRunner, str]:
    """Serve ``app`` on ``host:port`` (port 0: a free one); the runner and the base URL.

    The URL has no trailing slash (``http://127.0.0.1:54321``); ``runner.cleanup()``
    stops serving. No access log and no signal handling: the caller owns both.
    """
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=shutdown_timeout
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_host, bound_port = runner.addresses[0][:2]
    return runner, f"http://{bound_host}:{bound_port}"
