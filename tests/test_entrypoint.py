"""``python -m bot`` as an operator runs it: a real process, its exit status and its output.

The serving process gets its settings from its environment only, talks to a Losant
simulator and a fake Slack started here, and is stopped with SIGTERM as Heroku stops
a dyno. The console and simulator subcommands are driven the same way.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.fakes import FakeSlack
from bot.losant.simulator import Simulator
from tests.fakes.signing import encode_command, sign, slash_command_body
from tests.harness import SIGNING_SECRET, WRITER, bot_environment, text_of

REPO = Path(__file__).resolve().parents[1]
START_S = 20.0  # a cold interpreter on a busy CI machine; normally well under a second
POLL_S = 0.05
SECRETS = {
    "SLACK_BOT_TOKEN": "xoxp-0123456789-this-is-a-user-token",
    "SLACK_SIGNING_SECRET": "s3cr3t-signing-value",
    "LOSANT_API_TOKEN": "losant-token-that-must-never-be-printed",
}
PASTED_TOKEN = "xoxb-1234567890-pasted-by-mistake"
WRONG_APP_TOKEN = "xoxb-wrong-kind-of-token-here"
NEVER_SHOWN = (*SECRETS.values(), PASTED_TOKEN, WRONG_APP_TOKEN)
INSTANCE_ID = "5f0c0c0c0c0c0c0c0c0c0c01"


def free_port() -> int:
    """A port nobody listens on right now (the OS's choice for an ephemeral bind)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def process_env(settings: Mapping[str, str]) -> dict[str, str]:
    """Only what the process needs to start, plus ``settings``: none of the test's own."""
    return {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8", **settings}


async def start(
    *args: str, env: Mapping[str, str], stdin: bool = False
) -> asyncio.subprocess.Process:
    """``python -m bot *args`` with exactly ``env`` (and PATH), its output captured."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        cwd=REPO,
        env=process_env(env),
        stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@dataclass
class Finished:
    status: int
    stdout: str
    stderr: str


async def run(*args: str, env: Mapping[str, str], stdin: str = "") -> Finished:
    """Run ``python -m bot *args`` to completion, feeding ``stdin``; bounded by START_S."""
    process = await start(*args, env=env, stdin=True)
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin.encode()), START_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"python -m bot {' '.join(args)} ran over {START_S}s") from None
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())


async def stop(process: asyncio.subprocess.Process) -> Finished:
    """SIGTERM, as Heroku sends; the exit status and everything the process wrote."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        out, err = await asyncio.wait_for(process.communicate(), START_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"the process did not exit within {START_S}s of SIGTERM") from None
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())


# -- settings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "problems"),
    [
        pytest.param(
            {},
            ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "LOSANT_API_TOKEN", "LOSANT_INSTANCE_ID"],
            id="nothing-set",
        ),
        pytest.param(
            {
                **SECRETS,
                "LOSANT_INSTANCE_ID": "acme",
                "PORT": "eighty",
                "LOSANT_API_URL": "api.losant.com",
                "MEMBERS_WRITERS": f"U0BO bob {PASTED_TOKEN}",
                "MEMBERS_GROUP_CACHE_S": "-1",
            },
            [
                "SLACK_BOT_TOKEN",
                "PORT",
                "LOSANT_INSTANCE_ID",
                "LOSANT_API_URL",
                "MEMBERS_WRITERS",
                "MEMBERS_GROUP_CACHE_S",
            ],
            id="malformed",
        ),
        pytest.param(
            {
                "SLACK_BOT_TOKEN": "xoxb-fine",
                "SLACK_APP_TOKEN": WRONG_APP_TOKEN,
                "LOSANT_API_TOKEN": SECRETS["LOSANT_API_TOKEN"],
            },
            ["SLACK_APP_TOKEN", "LOSANT_INSTANCE_ID"],
            id="socket-mode",
        ),
    ],
)
async def test_bad_settings_stop_start_up_with_one_message(
    environ: dict[str, str], problems: list[str]
) -> None:
    """Every problem is named in one message, with no traceback and no secret, and exit 2."""
    finished = await run(env=environ)

    first, *lines = finished.stderr.strip().splitlines()
    assert 2 == finished.status
    assert ("", "members-bot cannot start:") == (finished.stdout, first)
    assert problems == [line.split()[0] for line in lines]
    assert "Traceback" not in finished.stderr
    shown = finished.stdout + finished.stderr
    assert [] == [secret for secret in NEVER_SHOWN if secret in shown]


async def test_a_malformed_instance_id_says_what_it_must_be() -> None:
    """The instance ID's problem reads as the operator needs it: 24 hex characters."""
    finished = await run(env={**SECRETS, "LOSANT_INSTANCE_ID": "not-an-id"})

    assert "LOSANT_INSTANCE_ID must be 24 hex characters" in finished.stderr.splitlines()


# -- serving over HTTP -----------------------------------------------------------


@dataclass
class Served:
    process: asyncio.subprocess.Process
    base_url: str
    http: httpx.AsyncClient
    sim: Simulator
    slack: FakeSlack
    env: dict[str, str]


async def wait_until_healthy(
    process: asyncio.subprocess.Process, http: httpx.AsyncClient, url: str
) -> httpx.Response:
    """Poll ``url`` until it answers, the process dies, or START_S passes."""
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if process.returncode is not None:
            finished = await stop(process)
            raise AssertionError(f"the bot exited with {finished.status}:\n{finished.stderr}")
        try:
            return await http.get(url)
        except httpx.TransportError:
            await asyncio.sleep(POLL_S)  # not listening yet: ask again shortly
    raise AssertionError(f"{url} did not answer within {START_S}s")


@asynccontextmanager
async def served_bot() -> AsyncIterator[Served]:
    """``python -m bot`` in HTTP mode on a free port, between a simulator and a fake Slack."""
    async with Simulator() as sim, FakeSlack() as slack:
        port = free_port()
        env = bot_environment(sim, slack, PORT=str(port), MEMBERS_WRITERS=WRITER)
        process = await start(env=env)
        # trust_env=False: a proxy in the test's environment must not see loopback calls.
        async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
            served = Served(process, f"http://127.0.0.1:{port}", http, sim, slack, env)
            try:
                await wait_until_healthy(process, http, f"{served.base_url}/healthz")
                yield served
            finally:
                if process.returncode is None:
                    await stop(process)


async def test_the_served_bot_answers_health_and_signed_commands_and_stops_on_sigterm() -> None:
    """/healthz is ok, a signed help is answered, an unsigned POST is 401, SIGTERM exits 0."""
    async with served_bot() as bot:
        health = await bot.http.get(f"{bot.base_url}/healthz")
        body = encode_command(
            slash_command_body(text="help", user_id=WRITER, response_url=bot.slack.response_url())
        )
        events = f"{bot.base_url}/slack/events"
        signed = await bot.http.post(events, content=body, headers=sign(body, SIGNING_SECRET))
        unsigned = await bot.http.post(
            events, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        forged = await bot.http.post(events, content=body, headers=sign(body, "not-the-secret"))
        finished = await stop(bot.process)

    assert (200, {"ok": True}) == (health.status_code, health.json())
    assert 200 == signed.status_code
    assert "/members list" in text_of(signed.json())
    assert (401, 401) == (unsigned.status_code, forged.status_code)
    assert 0 == finished.status
    assert "Traceback" not in finished.stderr
    assert [] == bot.sim.requests


async def test_the_served_bot_replies_through_the_response_url_with_losants_answer() -> None:
    """A signed `list` reaches the simulator and the reply reaches the fake Slack's response_url."""
    async with served_bot() as bot:
        url = bot.slack.response_url()
        body = encode_command(
            slash_command_body(text="list org=Acme", user_id=WRITER, response_url=url)
        )
        ack = await bot.http.post(
            f"{bot.base_url}/slack/events", content=body, headers=sign(body, SIGNING_SECRET)
        )
        [reply] = await bot.slack.wait_for_responses(1, url=url, timeout=START_S)
        finished = await stop(bot.process)

    assert 200 == ack.status_code
    assert "12 members" in text_of(reply.payload)
    assert 0 == finished.status
    secrets = [bot.env[name] for name in ("SLACK_SIGNING_SECRET", "LOSANT_API_TOKEN")]
    assert [] == [secret for secret in secrets if secret in finished.stdout + finished.stderr]


async def test_with_an_app_token_the_bot_serves_socket_mode_until_sigterm() -> None:
    """SLACK_APP_TOKEN set: the process connects over Socket Mode, acks help, and exits 0."""
    async with Simulator() as sim, FakeSlack() as slack:
        env = bot_environment(
            sim,
            slack,
            SLACK_APP_TOKEN=slack.app_token,
            SLACK_SIGNING_SECRET="",
            MEMBERS_WRITERS=WRITER,
        )
        process = await start(env=env)
        try:
            await slack.wait_for_socket(timeout=START_S)
            command = slash_command_body(
                text="help", user_id=WRITER, response_url=slack.response_url()
            )
            ack = await slack.send_slash_command(command, timeout=START_S)
        finally:
            finished = await stop(process)

    assert [slack.app_token] == [call.token for call in slack.calls_to("apps.connections.open")]
    assert "/members list" in text_of(ack)
    assert 0 == finished.status
    assert "Traceback" not in finished.stderr


# -- the simulator -----------------------------------------------------------------


async def test_the_simulator_subcommand_serves_its_seeded_instance() -> None:
    """`python -m bot simulator` prints how to reach it and answers with its token only."""
    port, token = free_port(), "demo-token-for-this-test"
    process = await start(
        "simulator", "--port", str(port), "--token", token, "--instance-id", INSTANCE_ID, env={}
    )
    assert process.stdout is not None
    try:
        lines = [
            (await asyncio.wait_for(process.stdout.readline(), START_S)).decode().strip()
            for _ in range(4)
        ]
        printed = dict(line.split("=", 1) for line in lines[1:])
        orgs_url = f"{printed['LOSANT_API_URL']}/instances/{printed['LOSANT_INSTANCE_ID']}/orgs"
        async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
            allowed = await http.get(orgs_url, headers={"Authorization": f"Bearer {token}"})
            refused = await http.get(orgs_url, headers={"Authorization": "Bearer wrong"})
    finally:
        finished = await stop(process)

    expected_printed = {
        "LOSANT_API_URL": f"http://127.0.0.1:{port}",
        "LOSANT_API_TOKEN": token,
        "LOSANT_INSTANCE_ID": INSTANCE_ID,
    }
    assert expected_printed == printed
    assert 200 == allowed.status_code
    assert {"Acme", "Globex"} <= {org["name"] for org in allowed.json()["items"]}
    assert (401, 0) == (refused.status_code, finished.status)


# -- the console -------------------------------------------------------------------


def json_documents(text: str) -> list[Any]:
    """Every JSON value in ``text``, which holds them one after another (as jq reads them)."""
    decoder, documents, at = json.JSONDecoder(), [], 0
    while text[at:].strip():
        at = len(text) - len(text[at:].lstrip())
        document, at = decoder.raw_decode(text, at)
        documents.append(document)
    return documents


async def test_the_console_reads_piped_lines_and_prints_readable_replies() -> None:
    """Piped lines are echoed and answered as plain text, buttons can be pressed, exit 0."""
    lines = ["help", "list org=Acme", "list org=Globex", "press next", "press 9", "lst"]

    finished = await run("console", "--simulator", env={}, stdin="\n".join(lines) + "\n")

    out = finished.stdout
    assert 0 == finished.status
    assert [f"members> {line}" for line in lines] == [
        line for line in out.splitlines() if line.startswith("members> ")
    ]
    expected_seen = [
        "• `/members list org=<org>",
        "Members of Acme · 12 members",
        "Page 1 of 130",
        "Page 2 of 130",
        "No button '9' on the last reply. Its buttons: [1] Prev  [2] Next",
        "⚠️ Unknown subcommand `lst`. Did you mean `list`?",
    ]
    assert [] == [seen for seen in expected_seen if seen not in out]
    # Slack's markup is rendered, not shown raw.
    assert [] == [raw for raw in ("*Members of", ":warning:", "&lt;", "&gt;") if raw in out]
    assert "" == finished.stderr


async def test_the_console_json_mode_prints_one_json_document_per_line() -> None:
    """With --json the output is a stream of JSON documents: the line, the ack and the replies."""
    lines = ["help", "list org=Acme", "press 1"]

    finished = await run("console", "--simulator", "--json", env={}, stdin="\n".join(lines))

    documents = json_documents(finished.stdout)
    assert 0 == finished.status
    assert lines == [document["input"] for document in documents]
    help_doc, list_doc, press_doc = documents
    assert "/members list" in text_of(help_doc["ack"])
    assert (None, 1) == (list_doc["ack"], len(list_doc["replies"]))
    assert "12 members" in text_of(list_doc["replies"][0])
    assert {"input": "press 1", "error": "The last reply has no buttons to press."} == press_doc


async def test_the_console_acts_as_a_reader_with_access_read() -> None:
    """--access read may list but is refused `add`, and the refusal names the caller."""
    lines = ["list org=Acme", "add org=Acme email=new@acme.io"]

    finished = await run(
        "console", "--simulator", "--access", "read", "--user", "U0READER", env={},
        stdin="\n".join(lines),
    )  # fmt: skip

    listed, refused = finished.stdout.split("members> ")[1:]
    assert 0 == finished.status
    assert "12 members" in listed
    assert "U0READER" in refused
    assert "MEMBERS_WRITERS" in refused
    assert "Added" not in refused


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param([], "LOSANT_API_TOKEN is required", id="no-losant-settings"),
        pytest.param(["--simulator", "--user", "bob"], "--user must be a Slack user ID", id="user"),
        pytest.param(["--simulator", "--channel", "general"], "--channel must be", id="channel"),
    ],
)
async def test_the_console_refuses_to_start_with_a_clear_reason(
    args: list[str], expected: str
) -> None:
    """Missing settings or a malformed option: exit 2 and one plain message, no traceback."""
    finished = await run("console", *args, env={}, stdin="help\n")

    assert 2 == finished.status
    assert expected in finished.stderr
    assert ("", False) == (finished.stdout, "Traceback" in finished.stderr)
