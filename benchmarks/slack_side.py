"""Slack's side of every benchmark: signed slash commands out, replies in, each timed.

``SlackSide`` is one small HTTP server on loopback that plays the two parts of Slack
an app under test talks to: ``auth.test`` (Bolt asks once, to learn who it is) and
the response_urls, where it notes when each command's final reply arrived.
``Commander`` sends ``/members`` commands as Slack does (every form field, signed
with the signing secret by slack_sdk's own ``SignatureVerifier``) over kept-alive
connections and times each ack.

Both speak just enough HTTP/1.1 over plain asyncio streams (fixed-length bodies,
keep-alive), because they share one core with the simulator while the app under test
has the other: with a general-purpose client and server, the harness spent more CPU
per command than the minimal pipeline it measures and capped its throughput.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

from bot.sandbox.fake_slack.payloads import block_action_body, encode_action
from bot.usecases.progress import Step
from handlers.views import render_working

SIGNING_SECRET = "bench-signing-secret-0123456789"
BOT_TOKEN = "xoxb-bench"
USER = "UBENCH001"
CHANNEL = "CBENCH001"
# What every interim reply starts with ("working on it", with or without how far long
# work has got); the final one comes later.
WORKING = os.path.commonprefix(  # noqa: RUF071 (strings, not paths: a common prefix is meant)
    [render_working().text, render_working(Step(1, 2, "x")).text]
)
_AUTH_TEST = json.dumps(
    {
        "ok": True,
        "url": "https://bench.slack.invalid/",
        "team": "Bench",
        "user": "members-bot",
        "team_id": "T0BENCH01",
        "user_id": "U0BOT0001",
        "bot_id": "B0BOT0001",
        "is_enterprise_install": False,
    }
).encode()


async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """One HTTP message with a fixed-length body: (start line, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    start, _, headers = head.partition(b"\r\n")
    length = 0
    for line in headers.lower().split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            raise RuntimeError("chunked bodies are not expected from the apps under test")
    return start, await reader.readexactly(length) if length else b""


@dataclass(frozen=True)
class Expected:
    """A response_url handed out, and the future that gets the final reply's arrival time;
    ``payload`` is that reply, once it has come (a card, for the button to click)."""

    url: str
    replied: asyncio.Future[float]
    payload: dict[str, Any] = field(default_factory=dict)


Expected_ = tuple[str, Expected]  # the final reply's prefix, and who waits for it


class SlackSide:
    """``async with SlackSide() as slack:``; ``slack.api_url`` and ``slack.expect(...)``."""

    def __init__(self) -> None:
        self.root_url = ""
        self._keys = itertools.count(1)
        self._waiting: dict[bytes, Expected_] = {}
        self._server: asyncio.Server | None = None

    @property
    def api_url(self) -> str:
        return f"{self.root_url}api/"

    @property
    def unwatched_url(self) -> str:
        """A response_url for commands whose reply nobody waits for (it is answered, no more)."""
        return f"{self.root_url}respond/0"

    def expect(self, final_prefix: str) -> Expected:
        """A fresh response_url whose final reply's text starts with ``final_prefix``."""
        path = f"/respond/{next(self._keys)}"
        replied = asyncio.get_running_loop().create_future()
        expected = Expected(f"{self.root_url}{path[1:]}", replied)
        self._waiting[path.encode()] = (final_prefix, expected)
        return expected

    async def __aenter__(self) -> SlackSide:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.root_url = f"http://127.0.0.1:{port}/"
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                start, body = await _read_message(reader)
                arrived = time.perf_counter()
                path = start.split(b" ")[1]
                if path.startswith(b"/api/"):
                    kind, answer = b"application/json", _AUTH_TEST
                else:
                    kind, answer = b"text/plain", self._reply(path, body, arrived)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s"
                    % (kind, len(answer), answer)
                )
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the app closed a kept-alive connection
        finally:
            writer.close()

    def _reply(self, path: bytes, body: bytes, arrived: float) -> bytes:
        payload = json.loads(body)
        text = str(payload.get("text", ""))
        if path not in self._waiting or text.startswith(WORKING):
            return b"ok"
        prefix, expected = self._waiting.pop(path)
        replied = expected.replied
        if text.startswith(prefix):
            expected.payload.update(payload)
            replied.set_result(arrived)
        else:  # an error reply would make every figure meaningless: stop the benchmark
            replied.set_exception(RuntimeError(f"expected {prefix!r}..., got {text[:300]!r}"))
        return b"ok"


class Commander:
    """Sends signed ``/members`` commands to apps and times each ack."""

    def __init__(self, *, secret: str = SIGNING_SECRET) -> None:
        self._verifier = SignatureVerifier(secret)
        self._idle: dict[str, list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}
        self._form = _fixed_fields()

    async def command(self, events_url: str, text: str, response_url: str) -> tuple[float, float]:
        """POST ``/members <text>``; (when it was sent, when the ack came back), perf_counter."""
        body = b"%s&text=%s&response_url=%s" % (
            self._form,
            quote_plus(text).encode(),
            quote_plus(response_url).encode(),
        )
        return await self._post(events_url, body, text)

    async def _post(self, events_url: str, body: bytes, what: str) -> tuple[float, float]:
        """POST a form ``body`` signed as Slack signs it; (when sent, when acked)."""
        timestamp = str(int(time.time()))
        signature = self._verifier.generate_signature(timestamp=timestamp, body=body)
        url = urlsplit(events_url)
        request = (
            f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        idle = self._idle.setdefault(url.netloc, [])
        reader, writer = (
            idle.pop() if idle else await asyncio.open_connection(url.hostname, url.port)
        )
        sent = time.perf_counter()
        writer.write(request)
        status, _ = await _read_message(reader)
        acked = time.perf_counter()
        idle.append((reader, writer))
        if status.split(b" ")[1] != b"200":
            raise RuntimeError(f"{events_url} answered {status!r} to {what[:200]!r}")
        return sent, acked

    async def click(
        self, events_url: str, value: str, response_url: str, action_id: str = "members_confirm"
    ) -> tuple[float, float]:
        """Click the button ``action_id`` whose value is ``value``, as USER; (sent, acked)."""
        payload = block_action_body(
            action_id=action_id,
            value=value,
            user_id=USER,
            channel_id=CHANNEL,
            response_url=response_url,
        )
        return await self._post(events_url, encode_action(payload), action_id)

    def close(self) -> None:
        for connections in self._idle.values():
            for _, writer in connections:
                writer.close()


def _fixed_fields() -> bytes:
    """Every field Slack posts for a slash command but the text and the response_url,
    form-encoded once (each command appends its own two)."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T0BENCH01",
            "team_domain": "bench",
            "channel_id": CHANNEL,
            "channel_name": "members",
            "user_id": USER,
            "user_name": "bench",
            "command": "/members",
            "api_app_id": "A0BENCH01",
            "is_enterprise_install": "false",
            "trigger_id": "1.2.3",
        }
    ).encode()
