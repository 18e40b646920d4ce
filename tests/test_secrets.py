"""Secrets stay secret: the Slack tokens, the signing secret and the Losant token never
appear in a log line, a reply, an audit message, an exception or ``repr()`` of the
settings, whatever happens in a session, errors included.

Each test runs a representative session (reads, writes, a confirmation, group and
mention lookups, Losant refusing the token, Losant down, a forged request, an
internal error) with every secret set to a distinctive value, captures everything
the bot says, and greps it for each secret. One runs in-process with every log
record captured at DEBUG (before any filter could hide a leak); one runs the real
``python -m bot`` at ``LOG_LEVEL=debug`` and greps what it wrote.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from bot.config import SettingsError, load_settings
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.loopback import listen
from bot.sandbox.simulator import Simulator
from bot.serving.app import web_app
from bot.serving.runtime import Runtime
from tests.fakes.signing import (
    block_action_body,
    encode_action,
    encode_command,
    sign,
    slash_command_body,
)
from tests.harness import (
    GROUP,
    GROUP_MEMBER,
    WRITER,
    Harness,
    bot_environment,
    find_button,
    text_of,
)
from tests.process import bot_process

BOT_TOKEN = "xoxb-4242424242-secret-bot-token-value"
APP_TOKEN = "xapp-1-A4242-secret-app-level-token"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
LOSANT_TOKEN = "losant.secret.token.eyJhbGciOiJIUzI1NiJ9"
SECRETS = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "LOSANT_API_TOKEN": LOSANT_TOKEN,
}


def leaks(haystack: str) -> list[str]:
    """The names of the secrets found in ``haystack``."""
    found = [name for name, value in SECRETS.items() if value in haystack]
    return found + (["SLACK_APP_TOKEN"] if APP_TOKEN in haystack else [])


@asynccontextmanager
async def bot_with_secrets(**overrides: str) -> AsyncIterator[Harness]:
    """``running_bot``, with every secret a distinctive value the fakes also expect."""
    async with Simulator(token=LOSANT_TOKEN) as sim, FakeSlack(bot_token=BOT_TOKEN) as slack:
        slack.add_group(GROUP, [GROUP_MEMBER])
        slack.add_user("UPAL00001", email="pal@acme.io", name="pal")
        env = bot_environment(sim, slack, **SECRETS, **overrides)
        runtime = await Runtime.open(load_settings(env, mode="serve"))
        runner, base_url = await listen(web_app(runtime.app))
        async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
            harness = Harness(
                sim, slack, runtime, runtime.settings, base_url, http, secret=SIGNING_SECRET
            )
            try:
                yield harness
            finally:
                await runtime.aclose(grace_s=5)
                await runner.cleanup()


async def malformed_click(http: httpx.AsyncClient, events_url: str, url: str, value: str) -> None:
    """A signed click whose user ID is not a string, which Slack never sends: the bot
    fails inside a listener, so the internal-error path runs for real."""
    payload = block_action_body(
        action_id="members_next", value=value, user_id=WRITER, channel_id="C0G", response_url=url
    )
    payload["user"] = {"id": 12345, "name": "not-a-string"}
    body = encode_action(payload)
    await http.post(events_url, content=body, headers=sign(body, SIGNING_SECRET))


async def session(bot: Harness) -> list[Any]:
    """A representative session; everything the person saw."""
    seen: list[Any] = []
    for text in (
        "list org=Globex",
        "add org=Acme email=new@acme.io",
        "add org=Acme <@UPAL00001|pal>",
        "show org=Acme user=nobody@acme.io",
        "help",
    ):
        sent = await bot.command(text)
        seen += [sent.ack, await bot.answer(sent)]
    seen.append(await bot.answer(await bot.command("list org=Acme", user=GROUP_MEMBER)))

    card = await bot.reply(await bot.command("remove org=Acme user=ada@acme.io"))
    seen += [card, await bot.answer(await bot.click(card, "members_confirm"))]

    bot.sim.faults.add(method="GET", status=503, times=None)
    seen.append(await bot.answer(await bot.command("list org=Acme")))
    bot.sim.faults.clear()
    bot.sim.token = "a-token-the-bot-does-not-have"  # Losant now refuses the bot's token: 401
    seen.append(await bot.answer(await bot.command("add org=Acme email=late@acme.io")))

    forged = await bot.command("list org=Acme", secret="not-" + SIGNING_SECRET)
    seen.append(forged.raw)
    listing = seen[1]
    url = bot.slack.response_url()
    await malformed_click(
        bot.http, bot.events_url, url, find_button(listing, "members_next")["value"]
    )
    await bot.settle()
    seen += [p.payload for p in bot.slack.responses]
    seen += [m for m in bot.slack.messages]
    return seen


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record: its message, its extra fields, and its exception's traceback."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(
        formatter.format(record) + " " + json.dumps(vars(record), default=repr)
        for record in caplog.records
    )


async def test_no_secret_in_logs_replies_audit_or_exceptions(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A whole session, errors included, logged at DEBUG by every library: no secret
    anywhere in what was logged, replied, audited or raised."""
    caplog.set_level(logging.DEBUG)
    async with bot_with_secrets(
        MEMBERS_AUDIT_CHANNEL="C0AUDIT", LOG_LEVEL="debug", LOSANT_RETRY_BUDGET_S="1"
    ) as bot:
        seen = await session(bot)
        said = json.dumps(seen)
        logged = everything_logged(caplog)
        debugging = {r.name for r in caplog.records if r.levelno == logging.DEBUG}

    # The session really went through the paths that could leak.
    for expected in ("Added new@acme.io", "Added pal@acme.io", "Removed ada@acme.io"):
        assert expected in said
    assert "Something went wrong" in said
    assert "all.Instance" in said  # the 401 reply for the operator
    assert "Losant is unavailable" in said
    assert "TypeError" in logged  # the internal error's traceback
    # The code that holds each secret was talking at DEBUG: Bolt (the signing secret),
    # slack_sdk (the bot token), the Losant client (its token).
    assert {"slack_bolt", "slack_sdk.web.async_base_client", "bot.losant"} <= debugging
    assert [] == leaks(said)
    assert [] == leaks(logged)


def test_settings_never_show_their_secrets() -> None:
    """repr(), str(), a dump and a failed load of the settings show no secret."""
    env = {
        **SECRETS,
        "LOSANT_INSTANCE_ID": "5f0c0c0c0c0c0c0c0c0c0c01",
        "SLACK_APP_TOKEN": APP_TOKEN,
    }
    settings = load_settings(env, mode="serve")
    shown = [repr(settings), str(settings), str(settings.model_dump()), settings.model_dump_json()]
    with pytest.raises(SettingsError) as refused:
        load_settings(
            {**env, "SLACK_BOT_TOKEN": APP_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN}, mode="serve"
        )
    shown += [str(refused.value), repr(refused.value)]
    assert [] == [leaks(text) for text in shown if leaks(text)]
    assert set(SECRETS.values()) | {APP_TOKEN} == set(settings.secret_values())


async def test_the_real_process_writes_no_secret_at_debug() -> None:
    """``python -m bot`` at LOG_LEVEL=debug through a session with errors: its whole
    output (JSON logs, tracebacks) holds no secret."""
    async with Simulator(token=LOSANT_TOKEN) as sim, FakeSlack(bot_token=BOT_TOKEN) as slack:
        async with (
            bot_process(
                sim, slack, **SECRETS, LOG_LEVEL="debug", MEMBERS_AUDIT_CHANNEL="C0AUDIT"
            ) as bot,
            httpx.AsyncClient(timeout=10, trust_env=False) as http,
        ):
            urls = []
            for text in ("list org=Globex", "add org=Acme email=new@acme.io"):
                urls.append(slack.response_url())
                body = encode_command(
                    slash_command_body(text=text, user_id=WRITER, response_url=urls[-1])
                )
                await http.post(bot.events_url, content=body, headers=sign(body, SIGNING_SECRET))
                await slack.wait_for_responses(1, url=urls[-1], timeout=10)
            sim.token = "a-token-the-bot-does-not-have"
            [listing] = await slack.wait_for_responses(1, url=urls[0])
            failed = slack.response_url()
            await malformed_click(
                http, bot.events_url, failed, find_button(listing.payload, "members_next")["value"]
            )
            await slack.wait_for_responses(1, url=failed, timeout=10)
            body = encode_command(
                slash_command_body(text="list org=Acme", user_id=WRITER, response_url=failed)
            )
            await http.post(bot.events_url, content=body, headers=sign(body, "forged"))
            bot.terminate()
            assert 0 == await bot.exit_status()
        output = bot.output

    assert "TypeError" in output
    assert '"level": "debug"' in output
    assert [] == leaks(output)
    assert [] == leaks(json.dumps([p.payload for p in slack.responses] + slack.messages))
    assert text_of(slack.responses[-1].payload).startswith("Something went wrong")
