"""End to end: the forms, opened, typed into, submitted as a person would in Slack.

A form must open before any Losant call (the trigger ID lasts 3 seconds), suggest orgs
as the person types, show what is wrong on the form itself, and, once valid, do exactly
what the typed command does: the same access check, confirmation, reply and audit.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.sandbox.simulator.seed import ACME, ACME_STAGING, UMBRELLA
from handlers.views.forms import ADD_FORM, REQUEST_FORM
from handlers.views.view_limits import check_options, check_view
from tests.forms_kit import Form, open_by_shortcut, open_form, submit, suggest
from tests.harness import (
    GROUP,
    GROUP_MEMBER,
    READER,
    STRANGER,
    WRITER,
    Harness,
    audit_lines,
    limit_problems,
    org_id,
    running_bot,
    text_of,
)

NEWCOMER = "newcomer@acme.io"


def titles(bot: Harness, user: str = WRITER) -> list[str]:
    return [view["title"]["text"] for view in bot.slack.open_views(user)]


def role_in(bot: Harness, email: str, org: str = ACME) -> str | None:
    member = bot.sim.state.find_member_by_email(org_id(bot.sim, org), email)
    return member.role if member else None


async def answer(bot: Harness, form: Form) -> dict[str, Any]:
    """The last reply posted under the command that opened ``form``."""
    assert form.opened_by is not None
    return await bot.reply(form.opened_by)


async def test_add_alone_opens_the_add_form_before_any_losant_call() -> None:
    """`/members add` with no arguments opens the add form, and Losant is not asked anything."""
    async with running_bot() as bot:
        form = await open_form(bot, "add")

        assert ({}, ADD_FORM, []) == (
            form.opened_by and form.opened_by.ack,
            form.view["callback_id"],
            bot.sim.requests,
        )
        assert ["org", "people", "emails", "role", "duration"] == [
            b["block_id"] for b in form.view["blocks"] if b["type"] == "input"
        ]
        assert [] == check_view(form.view)
        assert [] == bot.slack.visible(WRITER, "C0GENERAL")


async def test_the_org_field_suggests_the_orgs_matching_what_is_typed() -> None:
    """Typing “acm” offers the Acme orgs by name, IDs as values; a shared name shows its ID."""
    async with running_bot() as bot:
        form = await open_form(bot, "add")

        acme = await suggest(bot, form, "acm")
        umbrellas = await suggest(bot, form, "UMBRELLA")

        assert [
            ({"type": "plain_text", "text": ACME}, org_id(bot.sim, ACME)),
            ({"type": "plain_text", "text": ACME_STAGING}, org_id(bot.sim, ACME_STAGING)),
        ] == [(o["text"], o["value"]) for o in acme]
        assert 2 == len({o["text"]["text"] for o in umbrellas})
        assert all(o["text"]["text"].casefold().startswith(UMBRELLA.casefold()) for o in umbrellas)
        assert [] == check_options(acme) + check_options(umbrellas)


async def test_the_org_list_is_read_once_for_many_keystrokes() -> None:
    """Keystrokes after the first are answered from the cached org list: one Losant read."""
    async with running_bot() as bot:
        form = await open_form(bot, "add")

        for typed in ("a", "ac", "acm", "acme", "g", "gl"):
            await suggest(bot, form, typed)

        assert 1 == len([r for r in bot.sim.requests if r.path.endswith("/orgs")])


async def test_someone_who_may_not_use_the_forms_is_offered_no_orgs() -> None:
    """A stranger typing into a form (a forged payload) gets no org names."""
    async with running_bot() as bot:
        form = await open_form(bot, "add")
        form.user = STRANGER

        assert [] == await suggest(bot, form, "acm")


async def test_a_valid_add_form_does_what_the_typed_command_does(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Submitting the form closes it and answers under the command with the typed reply."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        acme = org_id(bot.sim)
        typed = await bot.reply(await bot.command(f"add org={acme} email=typed@x.io role=edit"))
        form = await open_form(bot, "add")

        sent = await submit(bot, form, org=acme, emails=NEWCOMER, role="edit", duration="none")
        reply = await answer(bot, form)

        assert ({}, []) == (sent.ack, titles(bot))
        assert text_of(typed).replace("typed@x.io", NEWCOMER) == text_of(reply)
        assert "edit" == role_in(bot, NEWCOMER)
        assert [] == limit_problems(reply)
        assert [("add", "done", "typed@x.io"), ("add", "done", NEWCOMER)] == [
            (line["subcommand"], line["decision"], line["target"]) for line in audit_lines(caplog)
        ]


async def test_invalid_fields_are_shown_on_the_form() -> None:
    """No org, a bad email and a duration beyond the role's limit: errors inline, nothing sent."""
    async with running_bot() as bot:
        form = await open_form(bot, "add")

        sent = await submit(
            bot, form, emails="bo@acme.io, not-an-email", role="admin", duration="1d"
        )

        assert "errors" == sent.ack["response_action"]
        assert {"org", "emails", "duration"} == set(sent.ack["errors"])
        assert "at most 4h" in sent.ack["errors"]["duration"]
        assert sent.ack["errors"] == bot.slack.modal_errors(WRITER)
        assert ["Add people to an org"] == titles(bot)
        assert [] == bot.sim.writes()


async def test_a_form_naming_nobody_asks_for_someone() -> None:
    """Neither a person picked nor an email given: the people field says what it needs."""
    async with running_bot() as bot:
        form = await open_form(bot, "add")

        sent = await submit(bot, form, org=org_id(bot.sim), role="view")

        assert {"people": "Pick someone, or give their email below."} == sent.ack["errors"]


async def test_picked_people_are_added_by_their_slack_email() -> None:
    """People picked in the user field are added by the email on their Slack profile."""
    async with running_bot() as bot:
        bot.slack.add_user("UNEW00001", email=NEWCOMER, name="newcomer")
        form = await open_form(bot, "add")

        await submit(bot, form, org=org_id(bot.sim), people=["UNEW00001"], role="view")
        await answer(bot, form)

        assert "view" == role_in(bot, NEWCOMER)


async def test_admin_from_the_form_asks_to_confirm_first() -> None:
    """The confirmation rules hold: admin from the form is a Confirm card, nothing written."""
    async with running_bot() as bot:
        form = await open_form(bot, "add")

        await submit(bot, form, org=org_id(bot.sim), emails=NEWCOMER, role="admin")
        card = await answer(bot, form)

        assert ["members_confirm", "members_cancel"] == [
            e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
        ]
        assert [] == bot.sim.writes()


async def test_a_submission_after_losing_permission_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A writer through a group opens the form, leaves the group, submits: refused, audited."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_GROUP_CACHE_S="0") as bot:
        form = await open_form(bot, "add", user=GROUP_MEMBER)
        bot.slack.add_group(GROUP, [])

        await submit(bot, form, org=org_id(bot.sim), emails=NEWCOMER, role="view")
        reply = await answer(bot, form)

        assert "may not run" in text_of(reply)
        assert [] == bot.sim.writes()
        assert [("add", "refused", GROUP_MEMBER)] == [
            (line["subcommand"], line["decision"], line["actor"]) for line in audit_lines(caplog)
        ]


@pytest.mark.parametrize(
    ("how", "expected_error"),
    [
        pytest.param("edited", "not drawn by members-bot", id="edited-metadata"),
        pytest.param("someone-else", "opened by someone else", id="someone-elses-form"),
    ],
)
async def test_a_form_the_bot_did_not_draw_for_you_is_refused_on_it(
    how: str, expected_error: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Edited metadata, or another person's form: refused on the form, audited, nothing sent."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        form = await open_form(bot, "add")
        submitter = WRITER
        if how == "edited":
            body, _, mac = form.view["private_metadata"].partition(".")
            form.view["private_metadata"] = body[:-2] + "xx." + mac
        else:
            submitter = GROUP_MEMBER

        sent = await submit(bot, form, user=submitter, org=org_id(bot.sim), emails=NEWCOMER)

        assert expected_error in sent.ack["errors"]["org"]
        assert [] == bot.sim.writes()
        assert ["refused"] == [line["decision"] for line in audit_lines(caplog)]


async def test_a_reader_who_types_add_gets_the_request_form() -> None:
    """Someone who may not add sees only the request form, even from `/members add`."""
    async with running_bot() as bot:
        form = await open_form(bot, "add", user=READER)

        assert (REQUEST_FORM, "Request Losant access") == (
            form.view["callback_id"],
            form.view["title"]["text"],
        )
        assert [] == check_view(form.view)


async def test_a_stranger_is_told_they_may_not_and_gets_no_form(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Someone who may not even request is refused under their command, and it is audited."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        sent = await bot.command("request", user=STRANGER)
        reply = await bot.reply(sent)

        assert [] == bot.slack.open_views(STRANGER)
        assert "may not run" in text_of(reply)
        assert [("request", "refused")] == [
            (line["subcommand"], line["decision"]) for line in audit_lines(caplog)
        ]


async def test_the_shortcut_opens_the_request_form_or_says_why_not() -> None:
    """The global shortcut opens the request form; for a stranger, a modal saying why not."""
    async with running_bot() as bot:
        form = await open_by_shortcut(bot, user=READER)
        refused = await open_by_shortcut(bot, user=STRANGER)

        assert form is not None
        assert refused is not None
        assert (REQUEST_FORM, "Losant access") == (
            form.view["callback_id"],
            refused.view["title"]["text"],
        )
        assert "may not request access" in json.dumps(refused.view)
        assert [] == check_view(form.view) + check_view(refused.view)


async def test_the_request_form_shows_what_to_fix() -> None:
    """A request without a role or reason, or for longer than allowed, is fixed on the form."""
    async with running_bot() as bot:
        form = await open_form(bot, "request", user=READER)

        missing = await submit(bot, form, org=org_id(bot.sim), duration="2h")
        too_long = await submit(
            bot, form, org=org_id(bot.sim), role="admin", duration="1d", reason="debug"
        )

        assert {"role", "reason"} == set(missing.ack["errors"])
        assert {"duration"} == set(too_long.ack["errors"])


async def test_a_valid_request_form_runs_the_typed_request() -> None:
    """The request form's submission is the typed `request`, answered in a DM from a shortcut."""
    async with running_bot() as bot:
        bot.slack.add_user(READER, email="ada@acme.io", name="ada")
        acme = org_id(bot.sim)
        typed = await bot.reply(
            await bot.command(f'request org={acme} role=edit for=2h reason="debug"', user=READER)
        )
        form = await open_by_shortcut(bot, user=READER)
        assert form is not None

        sent = await submit(bot, form, org=acme, role="edit", duration="2h", reason="debug")
        await bot.settle()

        assert {} == sent.ack
        dm = bot.slack.visible(READER, READER)
        assert [text_of(typed)] == [text_of(message) for message in dm]
