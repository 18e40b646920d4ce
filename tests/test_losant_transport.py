"""The aiohttp transport under the Losant client: what only the transport decides.

The client's end-to-end tests already run every status, timeout and dropped
connection through it. These pin the rest: aiohttp would silently re-send a DELETE
whose connection broke, and must not; an encoded answer is decoded as httpx decodes
it; and an answer that is not HTTP becomes the client's transport error, not an
aiohttp exception.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from bot.edges.losant.client import LosantClient
from bot.edges.losant.errors import LosantError, LosantUnavailable, LosantUnexpected
from bot.sandbox.loopback import listen
from bot.sandbox.simulator import Simulator

ORG_ID = "5f0c0c0c0c0c0c0c0c0c0caa"
INSTANCE_ID = "5f0c0c0c0c0c0c0c0c0c0c01"
Serve = Callable[[Callable[[web.Request], Awaitable[web.Response]]], Awaitable[str]]


async def no_sleep(_: float) -> None:
    """Backoff between retries is not what these tests are about."""


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Serves one handler for every path on a loopback port; returns its base URL."""
    runners: list[web.AppRunner] = []

    async def start(handler: Callable[[web.Request], Awaitable[web.Response]]) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner, base_url = await listen(app)
        runners.append(runner)
        return base_url

    yield start
    for runner in runners:
        await runner.cleanup()


def client_for(base_url: str, **options: Any) -> LosantClient:
    settings: dict[str, Any] = {
        "base_url": base_url,
        "token": "t0ken",
        "instance_id": INSTANCE_ID,
        "timeout_s": 2.0,
        "sleep": no_sleep,
    }
    return LosantClient.create(**(settings | options))


async def test_a_delete_whose_connection_drops_is_sent_once(simulator: Simulator) -> None:
    """aiohttp re-sends an idempotent request on a broken connection; a DELETE still goes once."""
    org = simulator.state.find_org_by_name("Acme")
    assert org is not None
    member = simulator.state.find_member_by_email(org.id, "ada@acme.io")
    assert member is not None
    simulator.faults.add(method="DELETE", drop=True, after_handling=True)
    async with client_for(
        simulator.base_url, token=simulator.token, instance_id=simulator.instance_id
    ) as client:
        with pytest.raises(LosantUnavailable) as caught:
            await client.remove_member(org.id, member.user_id)
    assert (True, ["DELETE"]) == (
        caught.value.may_have_applied,
        [r.method for r in simulator.writes()],
    )


async def test_a_gzipped_answer_is_decoded(serve: Serve) -> None:
    """Losant may compress its answers; the client reads them as if they were plain."""

    async def gzipped(_: web.Request) -> web.Response:
        body = gzip.compress(json.dumps({"id": ORG_ID, "name": "Zipped"}).encode())
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return web.Response(body=body, headers=headers)

    async with client_for(await serve(gzipped)) as client:
        org = await client.get_org(ORG_ID)
    assert (ORG_ID, "Zipped") == (org.id, org.name)


async def test_a_corrupt_compressed_answer_is_unexpected(serve: Serve) -> None:
    """An answer whose encoding is broken arrived, so it is an unexpected answer, not an outage."""

    async def corrupt(_: web.Request) -> web.Response:
        return web.Response(body=b"not gzip at all", headers={"Content-Encoding": "gzip"})

    async with client_for(await serve(corrupt)) as client:
        with pytest.raises(LosantError) as caught:
            await client.get_org(ORG_ID)
    assert (LosantUnexpected, "Losant's answer could not be decoded") == (
        type(caught.value),
        str(caught.value),
    )


async def test_an_answer_that_is_not_http_is_a_transport_failure() -> None:
    """Whatever a broken server sends, the client raises its own error, never aiohttp's."""
    seen = 0

    async def not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal seen
        seen += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(not_http, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with client_for(f"http://127.0.0.1:{port}", max_attempts=2) as client:
            with pytest.raises(LosantError) as caught:
                await client.get_org(ORG_ID)
    finally:
        server.close()
        await server.wait_closed()
    assert (LosantUnavailable, 2) == (type(caught.value), seen)
