"""``python -m bot`` as an operator runs it: a real process, its exit status and its output.

The serving process gets its settings from its environment only, talks to a Losant
simulator and a fake Slack started here, and is stopped with SIGTERM as Heroku stops
a dyno. The console and simulator subcommands are driven the same way.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.fakes.signing import encode_command, sign, slash_command_body
from tests.harness import SIGNING_SECRET, WRITER, free_port, text_of
from tests.process import START_S, bot_process, run, start, stdout_lines, stop

SECRETS = {
    "SLACK_BOT_TOKEN": "xoxp-0123456789-this-is-a-user-token",
    "SLACK_SIGNING_SECRET": "s3cr3t-signing-value",
    "LOSANT_API_TOKEN": "losant-token-that-must-never-be-printed",
}
PASTED_TOKEN = "xoxb-1234567890-pasted-by-mistake"
WRONG_APP_TOKEN = "xoxb-wrong-kind-of-token-here"
NEVER_SHOWN = (*SECRETS.values(), PASTED_TOKEN, WRONG_APP_TOKEN)
INSTANCE_ID = "5f0c0c0c0c0c0c0c0c0c0c01"


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


async def test_the_served_bot_answers_health_and_signed_commands_and_stops_on_sigterm() -> None:
    """/healthz is ok, a signed help is answered, an unsigned POST is 401, SIGTERM exits 0."""
    async with (
        Simulator() as sim,
        FakeSlack() as slack,
        bot_process(sim, slack, MEMBERS_WRITERS=WRITER) as bot,
        # trust_env=False: a proxy in the test's environment must not see loopback calls.
        httpx.AsyncClient(timeout=10, trust_env=False) as http,
    ):
        health = await http.get(f"{bot.base_url}/healthz")
        body = encode_command(
            slash_command_body(text="help", user_id=WRITER, response_url=slack.response_url())
        )
        signed = await http.post(bot.events_url, content=body, headers=sign(body, SIGNING_SECRET))
        unsigned = await http.post(
            bot.events_url,
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        forged = await http.post(bot.events_url, content=body, headers=sign(body, "not-the-secret"))
        bot.terminate()
        status = await bot.exit_status()

    assert (200, {"ok": True}) == (health.status_code, health.json())
    assert 200 == signed.status_code
    assert "/members list" in text_of(signed.json())
    assert (401, 401) == (unsigned.status_code, forged.status_code)
    assert 0 == status
    assert "Traceback" not in bot.output
    assert [] == sim.requests


async def test_the_served_bot_replies_through_the_response_url_with_losants_answer() -> None:
    """A signed `list` reaches the simulator and the reply reaches the fake Slack's response_url."""
    async with (
        Simulator() as sim,
        FakeSlack() as slack,
        bot_process(sim, slack, MEMBERS_WRITERS=WRITER) as bot,
        httpx.AsyncClient(timeout=10, trust_env=False) as http,
    ):
        url = slack.response_url()
        body = encode_command(
            slash_command_body(text="list org=Acme", user_id=WRITER, response_url=url)
        )
        ack = await http.post(bot.events_url, content=body, headers=sign(body, SIGNING_SECRET))
        [reply] = await slack.wait_for_responses(1, url=url, timeout=START_S)
        bot.terminate()
        status = await bot.exit_status()

    assert 200 == ack.status_code
    assert "12 members" in text_of(reply.payload)
    assert 0 == status
    secrets = [bot.env[name] for name in ("SLACK_SIGNING_SECRET", "LOSANT_API_TOKEN")]
    assert [] == [secret for secret in secrets if secret in bot.output]


async def test_with_an_app_token_the_bot_serves_socket_mode_until_sigterm() -> None:
    """SLACK_APP_TOKEN set: the process connects over Socket Mode, acks help, and exits 0."""
    async with (
        Simulator() as sim,
        FakeSlack() as slack,
        bot_process(
            sim,
            slack,
            ready="connected in Socket Mode",
            SLACK_APP_TOKEN=slack.app_token,
            SLACK_SIGNING_SECRET="",
            MEMBERS_WRITERS=WRITER,
        ) as bot,
    ):
        await slack.wait_for_socket(timeout=START_S)
        command = slash_command_body(text="help", user_id=WRITER, response_url=slack.response_url())
        ack = await slack.send_slash_command(command, timeout=START_S)
        bot.terminate()
        status = await bot.exit_status()

    assert [slack.app_token] == [call.token for call in slack.calls_to("apps.connections.open")]
    assert "/members list" in text_of(ack)
    assert 0 == status
    assert "Traceback" not in bot.output


# -- the simulator -----------------------------------------------------------------


async def test_the_simulator_subcommand_serves_its_seeded_instance() -> None:
    """`python -m bot simulator` prints how to reach it and answers with its token only."""
    port, token = free_port(), "demo-token-for-this-test"
    process = await start(
        "simulator", "--port", str(port), "--token", token, "--instance-id", INSTANCE_ID, env={}
    )
    try:
        lines = await stdout_lines(process, 4)
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
