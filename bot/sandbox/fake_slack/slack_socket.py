"""Slack's Socket Mode endpoint, small enough to read, faithful where the SDK looks.

Locally the bot runs in Socket Mode: ``AsyncSocketModeHandler`` asks the Web API for a
WebSocket URL (``apps.connections.open``), connects, and then receives each slash
command or button click as an *envelope* that it must acknowledge by echoing the
``envelope_id`` (with the reply in ``payload`` when the envelope accepts one). This
class plays Slack's side of that exchange on ``/socket`` so the real handler can be
driven end to end: it greets each connection with ``hello`` as Slack does, sends
envelopes to the newest connection, and hands back the app's ack.
"""

# A timeout parameter with a default is the point of these waits: every wait is bounded.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from bot.sandbox.fake_slack.arrivals import Arrivals

APP_ID = "A1"


class FakeSocketMode:
    """Serves ``/socket``, pushes envelopes, and matches the app's acks to them."""

    def __init__(self) -> None:
        self._sockets: list[web.WebSocketResponse] = []
        self._connected = asyncio.Event()
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.received: Arrivals[dict[str, Any]] = Arrivals("Socket Mode messages from the app")

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Accept one Socket Mode connection and read the app's messages until it closes."""
        # autoping answers the SDK's keep-alive pings, as Slack's servers do.
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        try:
            await socket.send_json(_hello(num_connections=len(self._sockets)))
            self._connected.set()
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await self._on_text(message.data)
        finally:
            self._sockets.remove(socket)
            if not self._sockets:
                self._connected.clear()
        return socket

    async def wait_for_connection(self, timeout: float) -> None:
        """Return once a client is connected and has been sent ``hello``."""
        try:
            async with asyncio.timeout(timeout):
                await self._connected.wait()
        except TimeoutError:
            raise AssertionError(f"no Socket Mode client connected within {timeout}s") from None

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool, timeout: float
    ) -> dict[str, Any]:
        """Send one envelope and return the ``payload`` of the app's ack (``{}`` if none)."""
        if not self._sockets:
            raise AssertionError(f"cannot send a {kind} envelope: no Socket Mode client connected")
        envelope_id = str(uuid.uuid4())
        acked = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = acked
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
            "payload": payload,
        }
        try:
            # Slack picks one connection per envelope; the newest is as good as any.
            await self._sockets[-1].send_json(envelope)
            async with asyncio.timeout(timeout):
                ack = await acked
        except TimeoutError:
            raise AssertionError(
                f"the app did not ack the {kind} envelope {envelope_id} within {timeout}s"
            ) from None
        finally:
            self._pending.pop(envelope_id, None)
        ack_payload = ack.get("payload")
        return ack_payload if isinstance(ack_payload, dict) else {}

    async def close(self) -> None:
        """Close every connection, as Slack does when it goes away."""
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"fake slack stopping")

    async def _on_text(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            message = {"unparsed": data}
        if not isinstance(message, dict):
            message = {"unparsed": data}
        await self.received.add(message)
        acked = self._pending.get(str(message.get("envelope_id")))
        if acked is not None and not acked.done():
            acked.set_result(message)


def _hello(*, num_connections: int) -> dict[str, Any]:
    """The greeting Slack sends on every new Socket Mode connection."""
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {
            "host": "applink-fake",
            "build_number": 1,
            "approximate_connection_time": 18060,
        },
        "connection_info": {"app_id": APP_ID},
    }
