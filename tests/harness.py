"""The real bot over real loopback HTTP, between the Losant simulator and a fake Slack.

``running_bot(...)`` starts all three on ephemeral ports and yields a ``Harness``
that sends slash commands and button clicks signed exactly as Slack signs them,
and reads what came back: the HTTP ack, the response_url posts, the audit.
Nothing of the bot is patched; settings come from an explicit environment.
"""

from __future__ import annotations

import json
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from bot.config import Settings, load_settings
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.loopback import listen
from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.seed import ACME
from bot.serving.app import web_app
from bot.serving.runtime import Runtime
from bot.usecases.sweep import SweepReport
from handlers.views import Reply, check_limits
from tests.fakes.signing import (
    JSON,
    block_action_body,
    encode_action,
    encode_command,
    encode_event,
    sign,
    slash_command_body,
)

SIGNING_SECRET = "e2e-signing-secret-0123456789"
WRITER = "UWRITER01"
READER = "UREADER01"
STRANGER = "USTRANGE1"
GROUP = "SWRITERS1"
GROUP_MEMBER = "UGROUPIE1"

# The tests' databases live in one folder removed when the test process exits, so a
# run leaves nothing in /tmp (a bot of a subprocess has ended by then).
_DATABASES = tempfile.TemporaryDirectory(prefix="members-bot-test-")


@dataclass
class Sent:
    """One request sent to the bot: its HTTP answer and the response_url it carried."""

    status: int
    ack: dict[str, Any]
    response_url: str
    raw: str = ""


@dataclass
class Harness:
    sim: Simulator
    slack: FakeSlack
    runtime: Runtime
    settings: Settings
    base_url: str
    http: httpx.AsyncClient
    secret: str = SIGNING_SECRET
    sent: list[Sent] = field(default_factory=list)

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    async def post_signed(
        self, body: bytes, *, timestamp: int | None = None, secret: str | None = None
    ) -> httpx.Response:
        headers = sign(body, secret or self.secret, timestamp=timestamp)
        return await self.http.post(self.events_url, content=body, headers=headers)

    async def command(
        self,
        text: str,
        *,
        user: str = WRITER,
        channel: str = "C0GENERAL",
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> Sent:
        """Send ``/members <text>`` as ``user`` and return the ack."""
        response_url = self.slack.response_url(user=user, channel=channel)
        payload = slash_command_body(
            text=text,
            user_id=user,
            channel_id=channel,
            response_url=response_url,
            trigger_id=self.slack.new_trigger_id(user),
        )
        response = await self.post_signed(
            encode_command(payload), timestamp=timestamp, secret=secret
        )
        sent = Sent(response.status_code, _json_or_text(response), response_url, response.text)
        if sent.status == 200:
            # What the ack says is the first thing the person sees.
            await self.slack.app_answered(payload, sent.ack)
        self.sent.append(sent)
        return sent

    async def click(
        self,
        message: Mapping[str, Any],
        action_id: str,
        *,
        user: str = WRITER,
        channel: str = "C0GENERAL",
        value: str | None = None,
    ) -> Sent:
        """Click the button ``action_id`` of ``message`` (a reply payload) as ``user``."""
        button = find_button(message, action_id)
        # The message on screen that the payload became: replies to the click replace it.
        shown = self.slack.find_shown(message, user=user, channel=channel)
        ts = None if shown is None else shown["ts"]
        response_url = self.slack.response_url(user=user, channel=channel, message_ts=ts)
        payload = block_action_body(
            action_id=action_id,
            value=button["value"] if value is None else value,
            user_id=user,
            channel_id=channel,
            response_url=response_url,
            message=dict(message) if ts is None else {**message, "ts": ts},
            trigger_id=self.slack.new_trigger_id(user),
        )
        response = await self.post_signed(encode_action(payload))
        return Sent(response.status_code, _json_or_text(response), response_url, response.text)

    async def interact(self, payload: Mapping[str, Any]) -> Sent:
        """Send any interaction payload (see ``tests.fakes.signing``) and apply its ack.

        The fake Slack acts on the ack as Slack would (a submission's
        ``response_action``); ``response_url`` is the payload's, if it has one.
        """
        response = await self.post_signed(encode_action(payload))
        sent = Sent(
            response.status_code,
            _json_or_text(response),
            str(payload.get("response_url", "")),
            response.text,
        )
        if sent.status == 200:
            await self.slack.app_answered(payload, sent.ack)
        return sent

    async def event(self, payload: Mapping[str, Any]) -> httpx.Response:
        """Send an Events API ``event_callback`` (e.g. ``app_home_opened_body``), signed."""
        body = encode_event(payload)
        headers = sign(body, self.secret, content_type=JSON)
        return await self.http.post(self.events_url, content=body, headers=headers)

    async def replies(
        self, sent: Sent, count: int = 1, wait_s: float = 10.0
    ) -> list[dict[str, Any]]:
        """The first ``count`` payloads posted to ``sent``'s response_url."""
        posts = await self.slack.wait_for_responses(count, url=sent.response_url, timeout=wait_s)
        return [p.payload for p in posts[:count]]

    async def reply(self, sent: Sent, wait_s: float = 10.0) -> dict[str, Any]:
        """The final reply to ``sent``: the last post once the bot has finished the request."""
        await self.settle(wait_s)
        posts = [p for p in self.slack.responses if p.url == sent.response_url]
        assert posts, f"no reply was posted for {sent!r}"
        return posts[-1].payload

    async def answer(self, sent: Sent, wait_s: float = 10.0) -> dict[str, Any]:
        """What the person finally sees: the last reply posted, or else the ack's message."""
        await self.settle(wait_s)
        posts = [p for p in self.slack.responses if p.url == sent.response_url]
        if posts:
            return posts[-1].payload
        assert sent.ack, f"neither an ack message nor a reply for {sent!r}"
        return sent.ack

    async def sweep(self, wait_s: float = 10.0) -> SweepReport:
        """Run one sweep now (as the timer would), then let the audit channel post."""
        report = await self.runtime.sweeper.sweep()
        await self.settle(wait_s)
        return report

    def dms(self, user: str) -> list[dict[str, Any]]:
        """What ``user`` sees in their direct conversation with the bot, oldest first."""
        return self.slack.visible(user, user)

    async def settle(self, wait_s: float = 10.0) -> None:
        """Wait until the bot has finished every request it has started, and the audit
        channel has posted (or given up on) what they queued."""
        assert await self.runtime.drain(wait_s), "the bot did not finish in time"


def org_id(sim: Simulator, name: str = ACME) -> str:
    """The ID of the seeded org called ``name`` (Acme unless said otherwise)."""
    org = sim.state.find_org_by_name(name)
    assert org is not None, f"the simulator has no org named {name!r}"
    return org.id


def acme_id(sim: Simulator) -> str:
    """The ID of the seeded Acme org, which most tests use."""
    return org_id(sim)


def role_in_acme(sim: Simulator, email: str) -> str | None:
    """The member's role in Losant's real state, None when not a member."""
    member = sim.state.find_member_by_email(acme_id(sim), email)
    return member.role if member is not None else None


def find_button(message: Mapping[str, Any], action_id: str) -> dict[str, Any]:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no button {action_id!r} in {json.dumps(message)[:500]}")


def text_of(message: Mapping[str, Any]) -> str:
    """Every piece of text in a message (fallback and blocks), for assertions on wording."""
    parts: list[str] = [str(message.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return "\n".join(parts)


def limit_problems(message: Mapping[str, Any]) -> list[str]:
    """Every Slack limit ``message`` breaks: the bot's own check, then slack_sdk's."""
    reply = Reply(text=str(message.get("text", "")), blocks=list(message.get("blocks", [])))
    problems = check_limits(reply)
    for index, raw in enumerate(reply.blocks):
        block = Block.parse(raw)
        if block is None:
            problems.append(f"block {index}: slack_sdk does not know {raw.get('type')!r}")
            continue
        try:
            block.validate_json()
        except SlackObjectFormationError as exc:
            problems.append(f"block {index}: {exc}")
    return problems


AUDIT_KEYS = (
    "event",
    "actor",
    "channel",
    "subcommand",
    "org",
    "target",
    "role",
    "decision",
    "losant_status",
    "request_id",
)


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The audit log lines captured so far, each as its ARCHITECTURE.md §4 keys."""
    return [
        {key: getattr(record, key, "<missing>") for key in AUDIT_KEYS}
        for record in caplog.records
        if record.name == "bot.audit" and getattr(record, "event", None) == "audit"
    ]


def _json_or_text(response: httpx.Response) -> dict[str, Any]:
    if not response.content:
        return {}
    try:
        value = response.json()
    except ValueError:
        return {"text": response.text}
    return value if isinstance(value, dict) else {"value": value}


def bot_environment(sim: Simulator, slack: FakeSlack, **overrides: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "LOSANT_API_URL": sim.base_url,
        "LOSANT_API_TOKEN": sim.token,
        "LOSANT_INSTANCE_ID": sim.instance_id,
        "MEMBERS_WRITERS": f"{WRITER} {GROUP}",
        "MEMBERS_READERS": READER,
        "LOSANT_TIMEOUT_S": "2",
        "LOSANT_RETRY_BUDGET_S": "3",
        "LOG_FORMAT": "json",
        # Every bot of a test its own database, never members-bot.db in the repository.
        "DATABASE_URL": f"sqlite:///{tempfile.mkdtemp(dir=_DATABASES.name)}/bot.db",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def free_port() -> int:
    """A loopback port nothing listens on right now (the OS's pick, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class ManualClock:
    """Wall-clock time (unix seconds) that moves only when a test says so."""

    now: float = field(default_factory=lambda: float(int(time.time())))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@asynccontextmanager
async def running_bot(
    clock: Callable[[], float] = time.time,
    simulator: Simulator | None = None,
    /,
    **env_overrides: str,
) -> AsyncIterator[Harness]:
    """The bot, the simulator and the fake Slack, all on loopback, for one test.

    ``clock`` is the bot's wall clock (confirmation expiry); pass a ``ManualClock``
    to move time without sleeping. ``simulator``: one not yet started, seeded as the test
    needs (``Simulator(orgs=1000, latency_s=0.05)``); the demo orgs otherwise. Both are
    positional, so no setting in ``env_overrides`` (``running_bot(**env)``) is taken for one.
    """
    async with simulator or Simulator() as sim, FakeSlack() as slack:
        slack.add_group(GROUP, [GROUP_MEMBER])
        settings = load_settings(bot_environment(sim, slack, **env_overrides), mode="serve")
        runtime = await Runtime.open(settings, clock=clock)
        runner, base_url = await listen(web_app(runtime.app))
        async with httpx.AsyncClient(timeout=10) as http:
            harness = Harness(sim, slack, runtime, settings, base_url, http)
            try:
                yield harness
            finally:
                await runtime.aclose(grace_s=5)
                await runner.cleanup()
