"""Log set-up: JSON lines with the request ID, secrets masked, Bolt's false alarm dropped."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.serving import logs


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """Route logging to a string for one test, then restore the root logger."""
    root, bolt = logging.getLogger(), logging.getLogger("slack_bolt")
    saved = (root.handlers[:], root.level, bolt.level)
    out = io.StringIO()
    logs.configure("info", "json", secrets=["xoxb-very-secret-token"], stream=out)
    yield out
    root.handlers[:], _, _ = saved
    root.setLevel(saved[1])
    bolt.setLevel(saved[2])


def test_lines_are_json_with_the_request_id(stream: io.StringIO) -> None:
    """Each line is one JSON object carrying the request ID and any extra fields."""
    token = logs.request_id_var.set("abc123")
    try:
        logging.getLogger("bot.test").info("hello %s", "world", extra={"org": "o1"})
    finally:
        logs.request_id_var.reset(token)
    line = json.loads(stream.getvalue())
    assert ("hello world", "abc123", "o1", "info") == (
        line["message"],
        line["request_id"],
        line["org"],
        line["level"],
    )


def test_a_secret_in_a_message_is_masked(stream: io.StringIO) -> None:
    """A configured secret that a library puts in a message never reaches the output."""
    logging.getLogger("slack_sdk").warning("calling with xoxb-very-secret-token now")
    assert "xoxb-very-secret-token" not in stream.getvalue()
    assert "[redacted]" in stream.getvalue()


def test_bolts_unused_token_notice_is_dropped_but_other_warnings_are_not(
    stream: io.StringIO,
) -> None:
    """Bolt's "token will be unused" start-up warning is dropped; its other warnings stay."""
    bolt = logging.getLogger("slack_bolt")
    bolt.warning("As you gave `client` as well, `token` will be unused.")
    bolt.warning("something else went wrong")
    messages = [json.loads(line)["message"] for line in stream.getvalue().splitlines()]
    assert ["something else went wrong"] == messages


@pytest.mark.parametrize("level", ["info", "debug"])
def test_bolts_own_level_is_the_configured_one(stream: io.StringIO, level: str) -> None:
    """Bolt tests its logger's own level (not the effective one) before building a debug
    line: set, it builds them only when they will be logged."""
    logs.configure(level, "json", stream=stream)
    assert logging.getLevelName(level.upper()) == logging.getLogger("slack_bolt").level
