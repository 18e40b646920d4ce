"""End to end: the audit trail of changes and refusals (ARCHITECTURE.md §4).

Every change and every refused attempt leaves exactly one structured log line (logger
``bot.usecases.audit``) with the promised keys and, when ``MEMBERS_AUDIT_CHANNEL`` is set,
one sentence in that channel saying who did what to whom, where, and how it ended: one
message each, unless a burst meets Slack's rate limit and sentences are combined.
Usage errors and plain reads leave nothing; a broken audit channel never breaks the
reply, and what could not be posted is counted in the log.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest

from bot.sandbox.simulator.seed import GLOBEX, RND
from tests.harness import (
    AUDIT_KEYS,
    READER,
    SIGNING_SECRET,
    STRANGER,
    WRITER,
    Harness,
    ManualClock,
    acme_id,
    audit_lines,
    org_id,
    running_bot,
    text_of,
)

AUDIT_CHANNEL = "C0AUDIT"
REQUEST_ID = re.compile(r"^[0-9a-f]{12}$")


@pytest.fixture
def audit_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="bot.audit")
    return caplog


def without_request_id(line: dict[str, Any]) -> dict[str, Any]:
    """The line minus its request ID, after checking that it has one of ours."""
    assert REQUEST_ID.match(str(line["request_id"])), line
    return {key: value for key, value in line.items() if key != "request_id"}


def audit(**keys: Any) -> dict[str, Any]:
    """An expected audit line: ``event="audit"`` and every key, None unless given."""
    return {"event": "audit", **dict.fromkeys(AUDIT_KEYS[1:-1]), **keys}


async def confirmed(bot: Harness, text: str, *, user: str = WRITER) -> dict[str, Any]:
    """Run a command that asks for confirmation, confirm it, and return the outcome."""
    card = await bot.reply(await bot.command(text, user=user))
    return await bot.reply(await bot.click(card, "members_confirm", user=user))


# ---- changes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needs_confirm", "expected", "message"),
    [
        pytest.param(
            "add org=Acme email=bo.two@acme.io",
            False,
            {"subcommand": "add", "target": "bo.two@acme.io", "role": "view"},
            f"<@{WRITER}> added bo.two@acme.io to Acme as view",
            id="add",
        ),
        pytest.param(
            "add org=Acme email=boss@acme.io role=admin",
            True,
            {"subcommand": "add", "target": "boss@acme.io", "role": "admin"},
            f"<@{WRITER}> added boss@acme.io to Acme as admin",
            id="add-admin",
        ),
        pytest.param(
            "role org=Acme user=ada@acme.io role=admin",
            True,
            {"subcommand": "role", "target": "ada@acme.io", "role": "admin"},
            f"<@{WRITER}> changed ada@acme.io's role in Acme from edit to admin",
            id="role",
        ),
        pytest.param(
            "remove org=Acme user=ada@acme.io",
            True,
            {"subcommand": "remove", "target": "ada@acme.io"},
            f"<@{WRITER}> removed ada@acme.io from Acme (was edit)",
            id="remove",
        ),
        pytest.param(
            "add org=Acme email=ada@acme.io",
            False,
            # Nothing was sent to Losant, so there is no status to report.
            {"subcommand": "add", "target": "ada@acme.io", "role": "edit", "losant_status": None},
            f"<@{WRITER}> asked to add ada@acme.io to Acme: already a member, as edit; "
            "nothing changed",
            id="add-already-member",
        ),
    ],
)
async def test_every_change_is_one_log_line_and_one_channel_message(
    text: str,
    needs_confirm: bool,
    expected: dict[str, Any],
    message: str,
    audit_log: pytest.LogCaptureFixture,
) -> None:
    """A change is audited once, with every ARCHITECTURE.md §4 key, and told once in the channel."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        if needs_confirm:
            await confirmed(bot, text)
        else:
            await bot.reply(await bot.command(text))
        (line,) = audit_lines(audit_log)
        assert audit(
            actor=WRITER,
            channel="C0GENERAL",
            org=acme_id(bot.sim),
            decision="done",
            **{"losant_status": 200, **expected},
        ) == without_request_id(line)
        assert [(AUDIT_CHANNEL, message)] == [(m["channel"], m["text"]) for m in bot.slack.messages]


async def test_untrusted_values_in_the_channel_message_are_escaped(
    audit_log: pytest.LogCaptureFixture,
) -> None:
    """An org called "R&D <Labs>" is written inert in the audit channel."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        await bot.reply(
            await bot.command('role org="R&amp;D &lt;Labs&gt;" user=ada@acme.io role=edit')
        )
        (posted,) = bot.slack.messages
        assert (
            f"<@{WRITER}> changed ada@acme.io's role in R&amp;D &lt;Labs&gt; from view to edit"
            == posted["text"]
        )
        (line,) = audit_lines(audit_log)
        assert bot.sim.state.find_org_by_name(RND).id == line["org"]  # type: ignore[union-attr]


# ---- refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "channel", "text", "env", "expected", "message"),
    [
        pytest.param(
            STRANGER,
            "C0GENERAL",
            "list org=Acme",
            {},
            {"subcommand": "list", "org_name": "Acme"},
            f"<@{STRANGER}> was refused: list the members of Acme — "
            "not in MEMBERS_WRITERS or MEMBERS_READERS",
            id="stranger-reads",
        ),
        pytest.param(
            READER,
            "C0GENERAL",
            "role org=Acme user=ada@acme.io role=admin",
            {},
            {"subcommand": "role", "org_name": "Acme", "target": "ada@acme.io", "role": "admin"},
            f"<@{READER}> was refused: change ada@acme.io's role in Acme to admin — "
            "not in MEMBERS_WRITERS (you may only read)",
            id="reader-writes",
        ),
        pytest.param(
            WRITER,
            "C0RANDOM",
            "remove org=Acme user=ada@acme.io",
            {"MEMBERS_CHANNELS": "C0ADMINS"},
            {"subcommand": "remove", "org_name": "Acme", "target": "ada@acme.io"},
            f"<@{WRITER}> was refused: remove ada@acme.io from Acme — only works in: C0ADMINS",
            id="wrong-channel",
        ),
    ],
)
async def test_every_refused_command_is_audited_once(
    user: str,
    channel: str,
    text: str,
    env: dict[str, str],
    expected: dict[str, Any],
    message: str,
    audit_log: pytest.LogCaptureFixture,
) -> None:
    """A denied command: one `refused` line naming who, where and what, and one message."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL, **env) as bot:
        await bot.answer(await bot.command(text, user=user, channel=channel))
        org_name = expected.pop("org_name")
        (line,) = audit_lines(audit_log)
        assert audit(actor=user, channel=channel, decision="refused", **expected) == (
            without_request_id(line)
        )
        (record,) = [r for r in audit_log.records if getattr(r, "event", None) == "audit"]
        assert org_name == getattr(record, "org_name", None)
        assert [message] == [m["text"] for m in bot.slack.messages]
        assert [] == bot.sim.requests


async def test_refused_clicks_are_audited_with_what_they_were_for(
    audit_log: pytest.LogCaptureFixture,
) -> None:
    """Someone else's Confirm, an expired one, an edited one and a stranger's Next: 4 lines."""
    clock = ManualClock()
    async with running_bot(clock, MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        card = await bot.reply(await bot.command("remove org=Acme user=ada@acme.io"))
        await bot.reply(await bot.click(card, "members_confirm", user=READER))
        await bot.reply(await bot.click(card, "members_confirm", value="edited.value"))
        listing = await bot.reply(await bot.command(f"list org={GLOBEX}"))
        await bot.reply(await bot.click(listing, "members_next", user=STRANGER))
        clock.advance(601)
        await bot.reply(await bot.click(card, "members_confirm"))

        acme, globex = acme_id(bot.sim), org_id(bot.sim, GLOBEX)
        assert [
            audit(actor=READER, subcommand="remove", org=acme, target="ada@acme.io"),
            audit(actor=WRITER, subcommand="confirm"),
            audit(actor=STRANGER, subcommand="list", org=globex),
            audit(actor=WRITER, subcommand="remove", org=acme, target="ada@acme.io"),
        ] == [
            {**without_request_id(line), "channel": None, "decision": None}
            for line in audit_lines(audit_log)
        ]
        assert {"refused"} == {line["decision"] for line in audit_lines(audit_log)}
        assert [
            f"<@{READER}> was refused: remove ada@acme.io from {acme} — not the invoker",
            f"<@{WRITER}> was refused: confirm a change — tampered confirmation value",
            f"<@{STRANGER}> was refused: list the members of {globex} — "
            "not in MEMBERS_WRITERS or MEMBERS_READERS",
            f"<@{WRITER}> was refused: remove ada@acme.io from {acme} — expired confirmation",
        ] == [m["text"] for m in bot.slack.messages]
        assert [] == bot.sim.writes()


# ---- failures and unknown outcomes -----------------------------------------------------


async def test_a_write_losant_refuses_is_audited_as_failed_with_its_status(
    audit_log: pytest.LogCaptureFixture,
) -> None:
    """Losant's 400 on a write: decision `failed`, its status, and its words in the channel."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        bot.sim.faults.add(
            method="POST",
            path=r"/members$",
            status=400,
            body={"type": "Validation", "message": "email is not allowed here"},
        )
        await bot.reply(await bot.command(f"add org={acme_id(bot.sim)} email=x@acme.io role=edit"))
        (line,) = audit_lines(audit_log)
        assert audit(
            actor=WRITER,
            channel="C0GENERAL",
            subcommand="add",
            org=acme_id(bot.sim),
            target="x@acme.io",
            role="edit",
            decision="failed",
            losant_status=400,
        ) == without_request_id(line)
        assert [
            f"<@{WRITER}> tried to add x@acme.io to {acme_id(bot.sim)} as edit — "
            "failed: Losant 400: email is not allowed here"
        ] == [m["text"] for m in bot.slack.messages]


async def test_a_write_whose_outcome_is_unknown_is_audited_as_unknown(
    audit_log: pytest.LogCaptureFixture,
) -> None:
    """A lost POST that cannot be read back: decision `unknown`, and what to check."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL, LOSANT_RETRY_BUDGET_S="0.2") as bot:
        # The first member read (is maybe@ already a member?) goes through; every read
        # after the lost POST fails, so the bot cannot tell whether the add happened.
        bot.sim.faults.add(method="GET", path=r"/members$", times=1)
        bot.sim.faults.add(method="POST", path=r"/members$", drop=True, after_handling=True)
        bot.sim.faults.add(method="GET", path=r"/members$", status=503, times=100)
        reply = await bot.reply(await bot.command("add org=Acme email=maybe@acme.io role=edit"))
        assert "could not tell whether it did" in text_of(reply)
        (line,) = audit_lines(audit_log)
        assert ("unknown", "add", "maybe@acme.io", "edit", acme_id(bot.sim)) == (
            line["decision"],
            line["subcommand"],
            line["target"],
            line["role"],
            line["org"],
        )
        (posted,) = bot.slack.messages
        said, _, check = posted["text"].rpartition("; ")
        assert said.startswith(
            f"<@{WRITER}> tried to add maybe@acme.io to Acme as edit — outcome unknown: "
        )
        assert f"check with `/members show org={acme_id(bot.sim)} user=maybe@acme.io`" == check


# ---- what is not audited, and what never breaks ---------------------------------------------


@pytest.mark.parametrize(
    ("user", "text"),
    [
        pytest.param(WRITER, "lsit org=Acme", id="typo"),
        pytest.param(WRITER, "add org=Acme", id="missing-member"),
        pytest.param(STRANGER, "remove org=Acme user=not-an-email", id="stranger-usage-error"),
        pytest.param(READER, "list org=Acme", id="read"),
        pytest.param(READER, "show org=Acme user=bo@acme.io", id="show"),
        pytest.param(WRITER, "help", id="help"),
        pytest.param(WRITER, "remove org=Acme user=ada@acme.io", id="card-not-yet-confirmed"),
    ],
)
async def test_usage_errors_reads_and_pending_cards_are_not_audited(
    user: str, text: str, audit_log: pytest.LogCaptureFixture
) -> None:
    """Only changes and refusals are audited: nothing for typos, reads or an unanswered card."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        await bot.answer(await bot.command(text, user=user))
        assert [] == audit_lines(audit_log)
        assert [] == bot.slack.calls_to("chat.postMessage")


@pytest.mark.parametrize(
    ("break_channel", "logged", "posted"),
    [
        pytest.param(
            lambda bot: bot.slack.fail_api("chat.postMessage", error="internal_error"),
            [
                (logging.WARNING, f"could not post to the audit channel {AUDIT_CHANNEL} "
                 "(HTTP 200: internal_error); retrying"),
                (logging.INFO, f"posting to the audit channel {AUDIT_CHANNEL} again"),
            ],
            [f"<@{WRITER}> added still@acme.io to Acme as view"],
            id="slack-error-retried",
        ),
        pytest.param(
            lambda bot: bot.slack.remove_channel(AUDIT_CHANNEL),
            [
                (logging.ERROR, f"dropped 1 audit message(s) for the audit channel {AUDIT_CHANNEL}"
                 " (HTTP 200: channel_not_found); further drops are counted until a post "
                 "succeeds (each one's audit log line remains)"),
            ],
            [],
            id="channel-gone",
        ),
        pytest.param(
            lambda bot: bot.slack.fail_api("chat.postMessage", error="ratelimited", status=429),
            [],
            [f"<@{WRITER}> added still@acme.io to Acme as view"],
            id="rate-limited-waited-out",
        ),
    ],
)  # fmt: skip
async def test_a_broken_audit_channel_is_logged_and_the_reply_still_arrives(
    break_channel: Any,
    logged: list[tuple[int, str]],
    posted: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """chat.postMessage failing: the person still gets their answer; a passing failure is
    retried, a lasting one is dropped and logged."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        break_channel(bot)
        reply = await bot.reply(await bot.command("add org=Acme email=still@acme.io"))
        assert "Added still@acme.io to *Acme* as `view`" in reply["text"]
        assert ["done"] == [line["decision"] for line in audit_lines(caplog)]
        assert logged == [
            (r.levelno, r.getMessage()) for r in caplog.records if r.name == "bot.audit.channel"
        ]
        assert posted == [m["text"] for m in bot.slack.messages]


async def test_a_burst_under_slacks_rate_limit_reaches_the_channel_whole_and_in_order(
    audit_log: pytest.LogCaptureFixture,
) -> None:
    """Twelve adds at once, just after a post, with one post a second allowed: all twelve
    sentences are posted, combined into fewer messages, in the order of the log lines."""
    clock = ManualClock()
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        # Slack's clock stands still until the test moves it, so the first change spends
        # the channel's allowance and the burst surely meets the limit.
        bot.slack.rate_limit("chat.postMessage", per_s=1, clock=clock)
        await bot.reply(await bot.command("add org=Acme email=first@acme.io"))
        emails = [f"burst{i:02}@acme.io" for i in range(12)]
        await asyncio.gather(*(bot.command(f"add org=Acme email={email}") for email in emails))
        await bot.slack.wait_for_rate_limited(1, timeout=10)
        clock.advance(1)
        await bot.settle()

        logged = [line["target"] for line in audit_lines(audit_log)]
        assert ["first@acme.io", *sorted(emails)] == [logged[0], *sorted(logged[1:])]
        expected = [f"<@{WRITER}> added {email} to Acme as view" for email in logged]
        posted = [line for m in bot.slack.messages for line in m["text"].split("\n")]
        assert expected == posted


@pytest.mark.parametrize(
    "take_slack_down",
    [
        pytest.param(
            lambda slack: slack.fail_api("chat.postMessage", status=503, times=1000), id="5xx"
        ),
        pytest.param(
            lambda slack: slack.fail_api(
                "chat.postMessage", error="ratelimited", status=429, times=1000
            ),
            id="ratelimited",
        ),
    ],
)
async def test_closing_with_slack_down_logs_one_error_with_the_dropped_count(
    take_slack_down: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack taking no posts: every event has its log line, and closing the bot says in one
    ERROR how many audit messages were dropped."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        take_slack_down(bot.slack)
        for i in range(3):
            await bot.command(f"add org=Acme email=down{i}@acme.io")
        assert await bot.runtime.inflight.drain(10), "the bot did not finish in time"

        await bot.runtime.aclose(grace_s=0.2)

        assert ["done"] * 3 == [line["decision"] for line in audit_lines(caplog)]
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert [
            f"shutting down with 3 audit message(s) not posted to {AUDIT_CHANNEL}: dropped "
            "(each one's audit log line remains)"
        ] == errors
        assert [] == bot.slack.messages


async def test_each_request_has_its_own_request_id(audit_log: pytest.LogCaptureFixture) -> None:
    """Two audited requests carry two different request IDs."""
    async with running_bot() as bot:
        await bot.answer(await bot.command("list org=Acme", user=STRANGER))
        await bot.answer(await bot.command("list org=Acme", user=STRANGER))
        ids = [line["request_id"] for line in audit_lines(audit_log)]
        assert 2 == len(set(ids))
        assert all(REQUEST_ID.match(i) for i in ids)


async def test_no_token_ever_appears_in_the_audit(caplog: pytest.LogCaptureFixture) -> None:
    """Neither Slack's nor Losant's secrets reach an audit line or an audit message."""
    caplog.set_level(logging.DEBUG)
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        await bot.reply(await bot.command("add org=Acme email=t@acme.io"))
        await bot.answer(await bot.command("list org=Acme", user=STRANGER))
        await confirmed(bot, "remove org=Acme user=t@acme.io")
        secrets = [bot.slack.bot_token, SIGNING_SECRET, bot.sim.token]
        audit_records = [r for r in caplog.records if r.name == "bot.audit"]
        assert 3 == len(audit_records)
        written = [f"{r.getMessage()} {vars(r)}" for r in audit_records]
        written += [m["text"] for m in bot.slack.messages]
        assert [] == [(s, w) for s in secrets for w in written if s in w]
