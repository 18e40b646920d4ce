"""The audit channel poster against the fake Slack over loopback: queued, combined, in order,
rate-limit aware, bounded, and honest in the log about what it could not post.

Time is the test's: the fake's rate limit runs on a ``ManualClock``, and the poster's
waits (``Retry-After``, backoff) move that clock at once instead of passing in real
time, so a wait the poster skipped shows up as another 429 rather than as a slow test.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from bot.edges.slack.audit_channel import AuditChannel
from bot.sandbox.fake_slack import FakeSlack
from bot.usecases.audit import AuditEvent, Auditor
from tests.harness import ManualClock

CHANNEL = "C0AUDIT"
WAIT_S = 10.0
BACKOFF_S = 0.5


@dataclass
class Sleeps:
    """The poster's waits: recorded, and passed on the shared clock at once.

    ``during`` runs inside each wait (to post more lines while the poster waits);
    ``hang`` makes every wait last until the poster is closed, like a long backoff.
    """

    clock: ManualClock
    asked: list[float] = field(default_factory=list)
    during: Callable[[], None] | None = None
    hang: bool = False
    entered: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        self.entered.set()
        if self.hang:
            await asyncio.Event().wait()
        if self.during is not None:
            self.during()
        self.clock.advance(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sleeps(clock: ManualClock) -> Sleeps:
    return Sleeps(clock)


@pytest.fixture
async def open_channel(
    slack: FakeSlack, sleeps: Sleeps
) -> AsyncIterator[Callable[..., AuditChannel]]:
    """Builds posters on the fake Slack, and closes each one when the test ends."""
    opened: list[AuditChannel] = []

    def build(**options: Any) -> AuditChannel:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        options = {
            "backoff": FixedValueRetryIntervalCalculator(BACKOFF_S),
            "sleep": sleeps,
            **options,
        }
        channel = AuditChannel(client, CHANNEL, **options)
        opened.append(channel)
        return channel

    yield build
    for channel in opened:
        await channel.aclose()


@pytest.fixture
def channel_log(caplog: pytest.LogCaptureFixture) -> Callable[[], list[tuple[int, str]]]:
    """What the poster logged at INFO or above, as (level, message)."""
    caplog.set_level(logging.DEBUG, logger="bot.audit.channel")

    def lines() -> list[tuple[int, str]]:
        return [
            (r.levelno, r.getMessage())
            for r in caplog.records
            if r.name == "bot.audit.channel" and r.levelno >= logging.INFO
        ]

    return lines


def texts(slack: FakeSlack) -> list[str]:
    return [str(m["text"]) for m in slack.messages]


def lost(count: int) -> str:
    were = "message was" if count == 1 else "messages were"
    return f"_{count} earlier audit {were} lost; the bot's log has every one._"


async def test_one_line_is_one_message_with_exactly_that_text(
    slack: FakeSlack, open_channel: Callable[..., AuditChannel]
) -> None:
    """A single queued line is posted alone, as it is, to the audit channel."""
    channel = open_channel()
    channel.post("<@U01> added bo@acme.io to Acme as view")

    assert await channel.flush(WAIT_S)
    assert [(CHANNEL, "<@U01> added bo@acme.io to Acme as view")] == [
        (m["channel"], m["text"]) for m in slack.messages
    ]


async def test_recording_never_waits_on_slack(
    slack: FakeSlack, open_channel: Callable[..., AuditChannel], caplog: pytest.LogCaptureFixture
) -> None:
    """With Slack holding its answer for a minute, record() still returns at once, logged."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    slack.fail_api("chat.postMessage", error=None, delay_s=60)
    auditor = Auditor(open_channel())
    event = AuditEvent(actor="U01", channel="C1", subcommand="add", decision="done")

    async with asyncio.timeout(WAIT_S):
        await auditor.record(event)
        await auditor.record(event)

    assert 2 == len([r for r in caplog.records if getattr(r, "event", None) == "audit"])
    assert [] == slack.messages


async def test_a_burst_under_the_rate_limit_takes_a_handful_of_posts_in_order(
    slack: FakeSlack,
    clock: ManualClock,
    sleeps: Sleeps,
    open_channel: Callable[..., AuditChannel],
) -> None:
    """100 lines at one post a second: 5 messages of 20 lines, in order, each 429 waited out."""
    slack.rate_limit("chat.postMessage", per_s=1, clock=clock)
    channel = open_channel()
    lines = [f"<@U01> added user{i:03}@acme.io to Acme as view" for i in range(100)]
    for line in lines:
        channel.post(line)

    assert await channel.flush(WAIT_S)
    assert [20] * 5 == [len(text.split("\n")) for text in texts(slack)]
    assert lines == [line for text in texts(slack) for line in text.split("\n")]
    assert ([1.0] * 4, 4) == (sleeps.asked, len(slack.rate_limited))


async def test_a_message_holds_about_max_chars(
    slack: FakeSlack, open_channel: Callable[..., AuditChannel]
) -> None:
    """Long lines are combined only up to the character budget; a line is never split."""
    channel = open_channel(max_chars=3000)
    lines = [str(i) * 1000 for i in range(5)]
    for line in lines:
        channel.post(line)

    assert await channel.flush(WAIT_S)
    assert [lines[0:2], lines[2:4], lines[4:]] == [text.split("\n") for text in texts(slack)]


async def test_order_is_kept_across_a_429_and_waiting_lines_join_the_retry(
    slack: FakeSlack,
    clock: ManualClock,
    sleeps: Sleeps,
    open_channel: Callable[..., AuditChannel],
) -> None:
    """a posts; b is rate-limited; c and d, queued during the wait, go out with b, after a."""
    slack.rate_limit("chat.postMessage", per_s=1, clock=clock)
    channel = open_channel()
    channel.post("a")
    assert await channel.flush(WAIT_S)

    def meanwhile() -> None:
        channel.post("c")
        channel.post("d")

    sleeps.during = meanwhile
    channel.post("b")

    assert await channel.flush(WAIT_S)
    assert ["a", "b\nc\nd"] == texts(slack)
    assert (["b"], [1.0]) == ([call.args["text"] for call in slack.rate_limited], sleeps.asked)


async def test_server_errors_are_retried_with_backoff_then_posted(
    slack: FakeSlack,
    sleeps: Sleeps,
    open_channel: Callable[..., AuditChannel],
    channel_log: Callable[[], list[tuple[int, str]]],
) -> None:
    """Two 500s, then success: posted once, after two backoffs; one WARNING, then relief."""
    slack.fail_api("chat.postMessage", status=500, times=2)
    channel = open_channel()
    channel.post("x")

    assert await channel.flush(WAIT_S)
    assert (["x"], [BACKOFF_S, BACKOFF_S], 0) == (texts(slack), sleeps.asked, channel.dropped)
    assert [
        (logging.WARNING, f"could not post to the audit channel {CHANNEL} (HTTP 500: "
         "internal_error); retrying"),
        (logging.INFO, f"posting to the audit channel {CHANNEL} again"),
    ] == channel_log()  # fmt: skip


async def test_a_lasting_server_error_drops_after_bounded_attempts_and_says_so_later(
    slack: FakeSlack,
    open_channel: Callable[..., AuditChannel],
    channel_log: Callable[[], list[tuple[int, str]]],
) -> None:
    """3 attempts all 503: the line is dropped with one ERROR; the next message says one is lost."""
    slack.fail_api("chat.postMessage", error="service_unavailable", status=503, times=3)
    channel = open_channel(attempts=3)
    channel.post("x")
    assert await channel.flush(WAIT_S)

    channel.post("y")

    assert await channel.flush(WAIT_S)
    assert (4, 1, [f"{lost(1)}\ny"]) == (
        len(slack.calls_to("chat.postMessage")),
        channel.dropped,
        texts(slack),
    )
    assert [logging.WARNING, logging.ERROR, logging.WARNING] == [lvl for lvl, _ in channel_log()]
    assert (
        f"posting to the audit channel {CHANNEL} again; 1 audit message(s) were dropped meanwhile"
        == channel_log()[-1][1]
    )


@pytest.mark.parametrize(
    "break_channel",
    [
        pytest.param(lambda slack: slack.remove_channel(CHANNEL), id="channel_not_found"),
        pytest.param(
            lambda slack: slack.fail_api("chat.postMessage", error="not_in_channel", times=9),
            id="not_in_channel",
        ),
        pytest.param(
            lambda slack: slack.fail_api("chat.postMessage", error="invalid_auth", times=9),
            id="invalid_auth",
        ),
    ],
)
async def test_permanent_errors_are_not_retried_and_log_one_error_per_episode(
    break_channel: Callable[[FakeSlack], None],
    slack: FakeSlack,
    sleeps: Sleeps,
    open_channel: Callable[..., AuditChannel],
    channel_log: Callable[[], list[tuple[int, str]]],
) -> None:
    """An error retrying cannot fix: one call per message, every line counted, one ERROR."""
    break_channel(slack)
    channel = open_channel()
    for line in ("a", "b", "c"):
        channel.post(line)
    assert await channel.flush(WAIT_S)
    channel.post("d")

    assert await channel.flush(WAIT_S)
    assert (2, 4, [], []) == (
        len(slack.calls_to("chat.postMessage")),
        channel.dropped,
        sleeps.asked,
        slack.messages,
    )
    assert [logging.ERROR] == [level for level, _ in channel_log()]
    assert channel_log()[0][1].startswith(
        f"dropped 3 audit message(s) for the audit channel {CHANNEL}"
    )


async def test_the_queue_is_bounded_and_drops_the_oldest(
    slack: FakeSlack,
    open_channel: Callable[..., AuditChannel],
    channel_log: Callable[[], list[tuple[int, str]]],
) -> None:
    """Five lines into room for three: the two oldest are dropped, counted and owned up to."""
    channel = open_channel(capacity=3)
    for i in range(5):
        channel.post(f"l{i}")

    assert await channel.flush(WAIT_S)
    assert (2, [f"{lost(2)}\nl2\nl3\nl4"]) == (channel.dropped, texts(slack))
    assert [
        (logging.ERROR, f"dropped 1 audit message(s) for the audit channel {CHANNEL} "
         "(more than 3 waiting); further drops are counted until a post succeeds "
         "(each one's audit log line remains)"),
        (logging.WARNING, f"posting to the audit channel {CHANNEL} again; 2 audit message(s) "
         "were dropped meanwhile"),
    ] == channel_log()  # fmt: skip


async def test_closing_posts_what_is_queued_within_the_grace_period(
    slack: FakeSlack,
    clock: ManualClock,
    open_channel: Callable[..., AuditChannel],
    channel_log: Callable[[], list[tuple[int, str]]],
) -> None:
    """Lines still behind the rate limit at close are posted before aclose returns."""
    slack.rate_limit("chat.postMessage", per_s=1, clock=clock)
    channel = open_channel()
    channel.post("a")
    assert await channel.flush(WAIT_S)
    channel.post("b")
    channel.post("c")

    await channel.aclose(grace_s=WAIT_S)

    assert (["a", "b\nc"], 1) == (texts(slack), len(slack.rate_limited))
    assert (0, 0, []) == (channel.pending, channel.dropped, channel_log())


async def test_closing_with_slack_down_drops_the_rest_with_one_error(
    slack: FakeSlack,
    sleeps: Sleeps,
    open_channel: Callable[..., AuditChannel],
    channel_log: Callable[[], list[tuple[int, str]]],
) -> None:
    """Slack down past the grace period: one ERROR with the count; later lines are dropped too."""
    slack.fail_api("chat.postMessage", status=500, times=100)
    sleeps.hang = True
    channel = open_channel()
    channel.post("a")
    channel.post("b")
    async with asyncio.timeout(WAIT_S):
        await sleeps.entered.wait()

    await channel.aclose(grace_s=0)
    channel.post("c")
    channel.post("d")

    assert (0, 4, []) == (channel.pending, channel.dropped, slack.messages)
    assert [
        (logging.WARNING, f"could not post to the audit channel {CHANNEL} (HTTP 500: "
         "internal_error); retrying"),
        (logging.ERROR, f"shutting down with 2 audit message(s) not posted to {CHANNEL}: "
         "dropped (each one's audit log line remains)"),
        (logging.ERROR, f"the audit channel {CHANNEL} is closed: dropping audit messages"),
    ] == channel_log()  # fmt: skip


async def test_an_auditor_without_a_channel_only_logs(caplog: pytest.LogCaptureFixture) -> None:
    """No MEMBERS_AUDIT_CHANNEL: the log line is written and there is nothing to flush."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    auditor = Auditor()

    await auditor.record(AuditEvent(actor="U01", channel="C1", subcommand="add", decision="done"))

    assert (True, ["audit add - by U01: done"]) == (
        await auditor.flush(0),
        [r.getMessage() for r in caplog.records],
    )
    await auditor.aclose()
