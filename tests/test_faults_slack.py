"""End to end: Slack misbehaving while the bot answers.

The response_url may answer 5xx, 429 or 404, or be slow; the Web API may fail the
calls the bot makes to decide access (``usergroups.users.list``), to resolve a
mention (``users.info``) or to post the audit message (``chat.postMessage``). Each
test asserts what reached the fake Slack, what the person saw and what was logged.
"""

from __future__ import annotations

import logging

import pytest

from tests.harness import GROUP_MEMBER, audit_lines, running_bot, text_of

LIST = "list org=Acme"


def respond_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.respond" and r.levelno >= logging.ERROR]


# ---- response_url ----------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_reply_gets_through_when_a_retry_succeeds(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The response_url fails twice, the third post is accepted: the reply arrives and
    nothing is logged as lost."""
    async with running_bot() as bot:
        bot.slack.fail_responses(status=status, times=2)
        sent = await bot.command(LIST)
        await bot.settle()
        posts = [p for p in bot.slack.responses if p.url == sent.response_url]
        assert [status, status, 200] == [p.status for p in posts]
        assert "12 members" in text_of(posts[-1].payload)
        assert [] == respond_errors(caplog)


async def test_reply_lost_to_a_persistent_5xx_is_retried_a_bounded_number_of_times_then_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A response_url that keeps answering 503: three posts in all, then one error log
    line with the status, and never the URL (a credential for 30 minutes)."""
    async with running_bot() as bot:
        bot.slack.fail_responses(status=503, times=10)
        sent = await bot.command(LIST)
        await bot.settle()
        assert [503, 503, 503] == [p.status for p in bot.slack.responses]
        [error] = respond_errors(caplog)
        assert 503 == getattr(error, "status", None)
        assert sent.response_url not in error.getMessage()
        assert sent.response_url not in str(vars(error))


async def test_expired_response_url_is_not_retried() -> None:
    """404 (an expired or unknown response_url) will not change: one post, no retries."""
    async with running_bot() as bot:
        bot.slack.fail_responses(status=404, times=10)
        await bot.command(LIST)
        await bot.settle()
        assert [404] == [p.status for p in bot.slack.responses]


async def test_reply_whose_post_timed_out_is_sent_again() -> None:
    """The response_url holds the first post for a minute, far past the bot's 5 s
    timeout: the bot gives up on it and posts again while the first is still held, and
    the second post is answered, so the reply is not lost. By the fake Slack's own
    record of arrivals, the bot waited its timeout out before posting again."""
    async with running_bot() as bot:
        bot.slack.fail_responses(status=200, delay_s=60.0, times=1)
        sent = await bot.command(LIST)
        posts = await bot.slack.wait_for_responses(2, url=sent.response_url, timeout=15)
        await bot.settle()
        assert [posts[0].payload] == [posts[1].payload]
        assert "12 members" in text_of(posts[1].payload)
        assert posts[1].arrived - posts[0].arrived >= 5.0


# ---- usergroups.users.list (access) ------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        pytest.param("internal_error", 200, id="ok-false"),
        pytest.param("ratelimited", 429, id="429"),
        pytest.param("fatal_error", 500, id="500"),
        pytest.param("missing_scope", 200, id="missing-scope"),
    ],
)
async def test_group_lookup_failure_refuses_with_the_reason_and_touches_nothing(
    error: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """When Slack cannot say who is in a writers' group, a member of that group is
    refused (fail closed), told Slack could not check, the refusal is audited, and
    Losant hears nothing."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT") as bot:
        bot.slack.fail_api("usergroups.users.list", error=error, status=status, times=5)
        sent = await bot.command("add org=Acme email=new@acme.io", user=GROUP_MEMBER)
        reply = await bot.answer(sent)
        text = text_of(reply)
        assert "could not check your user groups with Slack" in text
        assert error in text
        assert [] == bot.sim.requests
        assert [("refused", GROUP_MEMBER)] == [
            (a["decision"], a["actor"]) for a in audit_lines(caplog)
        ]
        [audit] = await bot.slack.wait_for_messages(1)
        assert GROUP_MEMBER in audit["text"]


async def test_a_failed_group_lookup_is_not_remembered() -> None:
    """Slack failing once refuses that one command; the next one asks again and works."""
    async with running_bot() as bot:
        bot.slack.fail_api("usergroups.users.list", times=1)
        refused = await bot.answer(await bot.command(LIST, user=GROUP_MEMBER))
        allowed = await bot.answer(await bot.command(LIST, user=GROUP_MEMBER))
        assert "may not run" in text_of(refused)
        assert "12 members" in text_of(allowed)
        assert 2 == len(bot.slack.calls_to("usergroups.users.list"))


async def test_writers_listed_by_id_need_no_group_lookup() -> None:
    """A writer named directly is served even while Slack's group API is down."""
    async with running_bot() as bot:
        bot.slack.fail_api("usergroups.users.list", times=5)
        reply = await bot.answer(await bot.command(LIST))
        assert "12 members" in text_of(reply)
        assert [] == bot.slack.calls_to("usergroups.users.list")


# ---- users.info and chat.postMessage ------------------------------------------------


async def test_mention_lookup_failure_is_a_clear_reply_and_no_write() -> None:
    """`add @person` while users.info fails: the reply names Slack's error; no POST."""
    async with running_bot() as bot:
        bot.slack.add_user("UPAL00001", email="pal@acme.io", name="pal")
        bot.slack.fail_api("users.info", error="internal_error", times=5)
        reply = await bot.reply(await bot.command("add org=Acme <@UPAL00001|pal>"))
        assert "users.info" in text_of(reply)
        assert "internal_error" in text_of(reply)
        assert [] == bot.sim.writes()


async def test_broken_audit_channel_does_not_break_the_reply(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """chat.postMessage to the audit channel failing for good: the change is made, the
    person gets their reply, and one ERROR says the audit message was dropped."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT") as bot:
        bot.slack.fail_api("chat.postMessage", error="channel_not_found", times=5)
        reply = await bot.reply(await bot.command("add org=Acme email=new@acme.io"))
        assert "Added new@acme.io" in text_of(reply)
        errors = [
            r.getMessage()
            for r in caplog.records
            if r.name.startswith("bot.audit") and r.levelno >= logging.WARNING
        ]
        assert 1 == len(errors)
        assert errors[0].startswith("dropped 1 audit message(s) for the audit channel C0AUDIT")
        assert [] == bot.slack.messages
