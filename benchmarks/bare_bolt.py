"""``python -m benchmarks.bare_bolt``: the ack-latency reference, a Bolt app that only acks.

It is configured as the bot configures Bolt (same signature check, same
``auth.test`` at the first request, same aiohttp server with ``/healthz``) and has
one listener, ``/members``, that acks and does nothing else. What the bot's acks
cost beyond this is what our listener adds before ``ack()``.
"""

from __future__ import annotations

import os

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build() -> web.Application:
    app = AsyncApp(
        client=AsyncWebClient(
            token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
        ),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=False,
        attaching_function_token_enabled=False,  # as the bot: it has no workflow functions
    )

    @app.command("/members")
    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    application: web.Application = app.web_app(path="/slack/events")
    application.router.add_get("/healthz", healthz)
    return application


if __name__ == "__main__":
    web.run_app(
        build(), host="127.0.0.1", port=int(os.environ["PORT"]), print=None, access_log=None
    )
