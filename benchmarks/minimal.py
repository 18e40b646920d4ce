"""``python -m benchmarks.minimal``: the floor, the least any bot doing this job must do.

Written with the bot's own libraries: an aiohttp handler verifies the Slack
signature with slack_sdk's ``SignatureVerifier`` and acks at once; a task then makes
one httpx GET to Losant (the members of ``BENCH_ORG_ID``) and posts one fixed message
to the command's response_url, both through the bot's own httpx transport
(``bot.edges.losant.transport``), so the floor is not slowed by a transport the bot does
not use. No framework, no parsing beyond the form, no access check, no models, no
rendering: the bot's gap to this is what those cost. With ``BENCH_CALLS=2`` it also
fetches the org, as the bot must for the list's header (its name): the floor for the
same Losant work.
"""

from __future__ import annotations

import asyncio
import os
from urllib.parse import parse_qs

import httpx
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from bot.edges.losant.transport import AiohttpTransport

REPLY = {"text": "minimal pipeline: members listed", "response_type": "ephemeral"}
LEAN = {"_links": "false", "_embedded": "false", "_actions": "false"}  # as the bot asks


def build() -> web.Application:
    verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])
    losant = httpx.AsyncClient(
        base_url=os.environ["LOSANT_API_URL"],
        headers={"Authorization": f"Bearer {os.environ['LOSANT_API_TOKEN']}"},
        transport=AiohttpTransport(max_connections=100),
    )
    org = f"/instances/{os.environ['LOSANT_INSTANCE_ID']}/orgs/{os.environ['BENCH_ORG_ID']}"
    # BENCH_CALLS=2: also fetch the org, as a member list's header needs its name.
    paths = [f"{org}/members", org][: int(os.environ.get("BENCH_CALLS", "1"))]
    tasks: set[asyncio.Task[None]] = set()  # a task nobody references may be collected

    async def reply(response_url: str) -> None:
        for answer in await asyncio.gather(*(losant.get(path, params=LEAN) for path in paths)):
            answer.raise_for_status()
        await losant.post(response_url, json=REPLY)

    async def events(request: web.Request) -> web.Response:
        body = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        if not verifier.is_valid(body, timestamp, request.headers.get("X-Slack-Signature")):
            return web.Response(status=401)
        response_url = parse_qs(body.decode())["response_url"][0]
        task = asyncio.create_task(reply(response_url))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return web.Response()

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def close(_: web.Application) -> None:
        await losant.aclose()

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", healthz)
    app.on_cleanup.append(close)
    return app


if __name__ == "__main__":
    web.run_app(
        build(), host="127.0.0.1", port=int(os.environ["PORT"]), print=None, access_log=None
    )
