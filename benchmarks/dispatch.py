"""Bolt's own work on one ``/members`` command, in this process, beside the floor's.

The reply and throughput rows compare the bot with a pipeline that only checks the
signature and parses the form before its Losant call. Part of the bot's gap to it is
Bolt's dispatch, which the stack names: the request object, the middlewares (SSL check,
signature, authorization, self events, URL verification), the listener's matcher and
the listener itself, each with its arguments built. This row puts a figure on that part
alone: Bolt configured as the bot configures it, with one listener that acks, against
the floor's signature check and form parsing. No target: it says what is left to cut
and where. The listener runs inline (``process_before_response``), so the figure leaves
out the task and the ack poll the bot's Bolt adds; warm figures, means of many requests.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Sequence
from urllib.parse import parse_qs, urlencode

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from benchmarks.report import Row
from benchmarks.stats import Runs

SECRET = "bench-signing-secret-0123456789ab"
RUNS = 5
PER_RUN = 2000


def _command() -> tuple[str, str, str]:
    """A ``/members list`` as Slack sends it: its body, timestamp and signature."""
    body = urlencode(
        {
            "token": "legacy",
            "team_id": "T0BENCH01",
            "team_domain": "bench",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": "UWRITER01",
            "user_name": "writer",
            "command": "/members",
            "text": "list org=5f0b0b0b0b0b0b0b0b0b0b0b filter=*@acme.io sort=email dir=asc",
            "api_app_id": "A0BENCH01",
            "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/T0BENCH01/1/abc",
            "trigger_id": "1.2.3",
        }
    )
    stamp = str(int(time.time()))
    mac = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return body, stamp, f"v0={mac.hexdigest()}"


def _bolt() -> AsyncApp:
    async def authorize() -> AuthorizeResult:  # what the bot's auth.test gives, cached
        return AuthorizeResult(
            enterprise_id=None, team_id="T0BENCH01", bot_token="xoxb-bench", bot_user_id="U0BOT"
        )

    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench"),
        signing_secret=SECRET,
        authorize=authorize,
        process_before_response=True,
        attaching_function_token_enabled=False,
        logger=logging.getLogger("slack_bolt"),
    )

    @app.command("/members")
    async def listener(ack: AsyncAck) -> None:
        await ack()

    return app


async def measure() -> Row:
    body, stamp, signature = _command()
    headers: dict[str, str | Sequence[str]] = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }
    app = _bolt()
    verifier = SignatureVerifier(SECRET)

    async def bolt_us() -> float:
        started = time.perf_counter()
        for _ in range(PER_RUN):
            response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
            assert response.status == 200, response.body
        return (time.perf_counter() - started) / PER_RUN * 1e6

    def floor_us() -> float:
        started = time.perf_counter()
        for _ in range(PER_RUN):
            assert verifier.is_valid(body, stamp, signature)
            parse_qs(body)["response_url"][0]
        return (time.perf_counter() - started) / PER_RUN * 1e6

    await bolt_us()  # warm: imports, the authorize cache
    bolt = Runs.of([await bolt_us() for _ in range(RUNS)])
    floor = Runs.of([floor_us() for _ in range(RUNS)])
    return Row(
        figure="Bolt's dispatch of one command (a listener that acks), in this process",
        measured=f"{bolt.median:.0f} µs",
        reference=f"signature check and form parsing: {floor.median:.0f} µs",
        target="- (for scale)",
        met=None,
        spread=f"{RUNS} runs x {PER_RUN}; Bolt {bolt.span('{:.0f}')}, "
        f"floor {floor.span('{:.0f}')} µs",
        numbers={"bolt_us": bolt.median, "floor_us": floor.median},
    )
