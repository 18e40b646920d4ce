"""The responder against a tiny loopback server: what a post looks like on the wire, and
which failures are tried again.

The end-to-end tests (test_faults_slack.py) cover 5xx, 429, 404 and a post held past
the timeout; these cover what the fake Slack cannot do: a connection dropped before
any answer, a post that cannot be made at all, and the exact headers and body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.edges.slack.responder import Responder
from bot.sandbox.loopback import listen


class Receiver:
    """Records every post; answers with each of ``answers`` in turn (the last repeats)."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[str] = ["ok"]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.posts.append((dict(request.headers), await request.read()))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if answer == "drop":
            assert request.transport is not None
            request.transport.close()  # gone before answering, as a dying proxy does
            return web.Response()
        status, _, text = answer.partition(" ")
        return web.Response(status=int(status) if status.isdigit() else 200, text=text or "ok")


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    got = Receiver()
    app = web.Application()
    app.router.add_post("/respond", got.handle)
    runner, base = await listen(app)
    try:
        yield got, f"{base}/respond"
    finally:
        await runner.cleanup()


@pytest.fixture
async def responder() -> AsyncIterator[Responder]:
    sender = Responder(timeout_s=5.0, retries=2)
    try:
        yield sender
    finally:
        await sender.aclose()


async def test_a_reply_is_json_with_slack_sdks_headers(
    receiver: tuple[Receiver, str], responder: Responder
) -> None:
    """The body is the payload (keys set to None left out, as slack_sdk does); the
    headers are the ones slack_sdk's webhook client sends."""
    got, url = receiver
    payload: dict[str, Any] = {
        "text": "hi",
        "blocks": [],
        "replace_original": None,
        "response_type": "ephemeral",
    }
    assert await responder.send(url, payload)
    [(headers, body)] = got.posts
    assert {"text": "hi", "blocks": [], "response_type": "ephemeral"} == json.loads(body)
    assert "application/json;charset=utf-8" == headers["Content-Type"]
    assert headers["User-Agent"].startswith("Python/")
    assert "slackclient/" in headers["User-Agent"]


async def test_a_connection_dropped_before_the_answer_is_tried_again(
    receiver: tuple[Receiver, str], responder: Responder
) -> None:
    got, url = receiver
    got.answers = ["drop", "ok"]
    assert await responder.send(url, {"text": "hi"})
    assert 2 == len(got.posts)


async def test_failures_of_both_kinds_share_one_bound(
    receiver: tuple[Receiver, str], responder: Responder, caplog: pytest.LogCaptureFixture
) -> None:
    """A drop, then a 503, then a drop: three attempts in all, then the last failure is
    logged, by its kind only."""
    got, url = receiver
    got.answers = ["drop", "503 busy", "drop", "ok"]
    assert not await responder.send(url, {"text": "hi"})
    assert 3 == len(got.posts)
    [error] = [r for r in caplog.records if r.name == "bot.respond"]
    assert error.getMessage().startswith("could not deliver a reply to Slack: ")
    assert url not in error.getMessage()


async def test_a_post_that_cannot_be_made_is_not_tried_again(
    responder: Responder, caplog: pytest.LogCaptureFixture
) -> None:
    """An address that is not HTTP will not become one: one attempt, one ERROR line."""
    with caplog.at_level(logging.ERROR, logger="bot.respond"):
        assert not await responder.send("ftp://127.0.0.1/respond", {"text": "hi"})
    assert ["could not deliver a reply to Slack: NonHttpUrlClientError"] == [
        r.getMessage() for r in caplog.records if r.name == "bot.respond"
    ]
