"""End to end: show, role, remove and orgs, as a new user would try them.

Members are named every way the grammar allows (email in any case, Losant user ID,
Slack @mention); each test checks what the person saw, what Losant received, and,
for changes, that the reply says what changed from what.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from bot.sandbox.simulator.seed import ACME, INITECH
from tests.harness import (
    GROUP_MEMBER,
    READER,
    STRANGER,
    WRITER,
    Harness,
    audit_lines,
    find_button,
    limit_problems,
    org_id,
    running_bot,
    text_of,
)

PAL = "UPAL00001"


def user_id(bot: Harness, email: str, org: str = ACME) -> str:
    member = bot.sim.state.find_member_by_email(org_id(bot.sim, org), email)
    assert member is not None
    return member.user_id


def naming(bot: Harness, how: str, email: str) -> str:
    """``user=…`` for ``email`` written the way ``how`` says; a mention adds the Slack user."""
    if how == "email":
        return f"user={email}"
    if how == "upper-case-email":
        return f"user={email.upper()}"
    if how == "user-id":
        return f"user={user_id(bot, email)}"
    bot.slack.add_user(PAL, email=email, name="pal")
    return f"<@{PAL}|pal>" if how == "bare-mention" else f"user=<@{PAL}|pal>"


HOW = ["email", "upper-case-email", "user-id", "mention", "bare-mention"]


async def final(bot: Harness, text: str, *, user: str = WRITER) -> dict[str, Any]:
    reply = await bot.answer(await bot.command(text, user=user))
    assert [] == limit_problems(reply)
    return reply


async def test_someone_added_between_the_read_and_the_post_is_already_a_member() -> None:
    """Losant's AlreadyExists to the POST is "already a member" once the read-back finds them."""
    async with running_bot() as bot:
        # The read before the write misses ada, as if she were added just after it.
        empty = {"items": [], "count": 0}
        bot.sim.faults.add(method="GET", path=r"/members$", status=200, body=empty, times=1)
        reply = await final(bot, "add org=Acme email=ada@acme.io role=view")
        assert "ada@acme.io is already a member of *Acme*, as `edit`." == reply["text"]
        assert [("POST", 400)] == [(w.method, w.status) for w in bot.sim.writes()]


@pytest.mark.parametrize("how", HOW)
async def test_show_finds_one_member_however_named(how: str) -> None:
    """`show` gives the member's role, user ID and name, and writes nothing."""
    async with running_bot() as bot:
        reply = await final(bot, f"show org=Acme {naming(bot, how, 'bo@acme.io')}", user=READER)
        assert "bo@acme.io is a member of *Acme*." == reply["text"]
        fields = [f["text"] for f in reply["blocks"][0]["fields"]]
        assert [
            "*Role*\n`admin`",
            f"*User ID*\n`{user_id(bot, 'bo@acme.io')}`",
            "*Name*\nBo Diddley",
            "*Two-factor auth*\non",
            "*SSO*\nnot linked",
        ] == fields
        assert [] == bot.sim.writes()


@pytest.mark.parametrize(
    ("user", "said"),
    [
        pytest.param(
            "user=nobody@acme.io", "nobody@acme.io is not a member of Acme.", id="unknown-email"
        ),
        pytest.param(
            "user=bo@acme.io.evil", "bo@acme.io.evil is not a member of Acme.", id="near-miss-email"
        ),
        pytest.param(
            "user=aaaaaaaaaaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaaaaaaaaa is not a member of Acme.",
            id="unknown-user-id",
        ),
    ],
)
async def test_show_of_someone_not_in_the_org_is_a_clear_error(user: str, said: str) -> None:
    """A member that matches nobody is named back with how to see who is there."""
    async with running_bot() as bot:
        reply = await final(bot, f"show org=Acme {user}")
        assert said == reply["text"]
        assert f"/members list org={org_id(bot.sim)}" in text_of(reply)


async def test_a_mentioned_person_without_an_email_is_a_clear_error() -> None:
    """A Slack user whose profile has no email cannot be matched; the reply says what to do."""
    async with running_bot() as bot:
        bot.slack.add_user(PAL, email=None, name="pal")
        reply = await final(bot, f"show org=Acme user=<@{PAL}|pal>")
        assert f"Slack user {PAL} has no email address on their Slack profile." == reply["text"]
        assert "Name them by email instead: user=&lt;email&gt;." in text_of(reply)


@pytest.mark.parametrize("how", HOW)
async def test_role_shows_the_previous_and_the_new_role(
    how: str, caplog: pytest.LogCaptureFixture
) -> None:
    """`role` changes the role in Losant and says from what to what; the audit says so too."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT") as bot:
        reply = await final(bot, f"role org=Acme {naming(bot, how, 'ada@acme.io')} role=view")
        assert "Changed the role of ada@acme.io in *Acme*: `edit` → `view`." == reply["text"]
        assert [("PATCH", {"role": "view"})] == [(w.method, w.json) for w in bot.sim.writes()]
        assert bot.sim.writes()[0].path.endswith(f"/members/{user_id(bot, 'ada@acme.io')}")
        assert [("done", "ada@acme.io", "view")] == [
            (a["decision"], a["target"], a["role"]) for a in audit_lines(caplog)
        ]
        (posted,) = bot.slack.messages
        assert (
            f"<@{WRITER}> changed ada@acme.io's role in Acme from edit to view" == (posted["text"])
        )


async def test_role_already_held_changes_nothing() -> None:
    """Asking for the role someone already has says so and sends no PATCH."""
    async with running_bot() as bot:
        reply = await final(bot, "role org=Acme user=ada@acme.io role=edit")
        assert (
            "ada@acme.io already has the role `edit` in *Acme*; nothing changed." == (reply["text"])
        )
        assert [] == bot.sim.writes()


async def test_demoting_the_last_admin_shows_losants_reason() -> None:
    """Losant refuses to leave an org without an admin; the reply says so in its words."""
    async with running_bot() as bot:
        reply = await final(
            bot, f'role org="{INITECH}" user=peter.gibbons@initech.example role=view'
        )
        assert "An organization must have at least one admin member" in text_of(reply)
        peter = bot.sim.state.find_member_by_email(
            org_id(bot.sim, INITECH), "peter.gibbons@initech.example"
        )
        assert "admin" == (peter.role if peter else None)
        assert [("PATCH", 400)] == [(w.method, w.status) for w in bot.sim.writes()]


@pytest.mark.parametrize("how", HOW)
async def test_remove_however_named_removes_that_member(how: str) -> None:
    """`remove` by email, user ID or mention asks first, then deletes exactly that member."""
    async with running_bot() as bot:
        ada = user_id(bot, "ada@acme.io")
        card = await final(bot, f"remove org=Acme {naming(bot, how, 'ada@acme.io')}")
        assert "Remove ada@acme.io (now `edit`) from *Acme*?" == card["blocks"][0]["text"]["text"]
        sent = await bot.click(card, "members_confirm")
        reply = await bot.reply(sent)
        assert "Removed ada@acme.io from *Acme*. Their role was `edit`." == reply["text"]
        assert [("DELETE", f"/members/{ada}")] == [
            (w.method, w.path[w.path.rindex("/members/") :]) for w in bot.sim.writes()
        ]
        assert None is bot.sim.state.find_member_by_email(org_id(bot.sim), "ada@acme.io")


async def test_removing_the_last_admin_replaces_the_card_with_losants_refusal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A confirmed removal that Losant refuses ends in its reason, audited as failed."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        card = await final(bot, f'remove org="{INITECH}" user=peter.gibbons@initech.example')
        sent = await bot.click(card, "members_confirm")
        reply = await bot.reply(sent)
        assert True is reply.get("replace_original")
        assert "An organization must have at least one admin member" in text_of(reply)
        assert [("failed", 400, org_id(bot.sim, INITECH))] == [
            (a["decision"], a["losant_status"], a["org"]) for a in audit_lines(caplog)
        ]


@pytest.mark.parametrize(
    ("text", "current"),
    [
        pytest.param("add org=Acme email=ada@acme.io", "edit", id="default-role"),
        pytest.param("add org=Acme email=ADA@acme.io role=view", "edit", id="other-case"),
        pytest.param("add org=Acme email=ada@acme.io role=admin", "edit", id="admin-no-card"),
        pytest.param("add org=Acme user=<@UPAL00001|pal>", "edit", id="mention"),
        pytest.param("add org=Acme email=bo@acme.io role=admin", "admin", id="already-admin"),
    ],
)
async def test_adding_a_member_again_says_so_with_their_role_and_how_to_change_it(
    text: str, current: str
) -> None:
    """No write, no card: the reply shows the current role and the `role` command to use."""
    async with running_bot() as bot:
        bot.slack.add_user(PAL, email="ada@acme.io", name="pal")
        reply = await final(bot, text)
        email = "bo@acme.io" if current == "admin" else "ada@acme.io"
        assert f"{email} is already a member of *Acme*, as `{current}`." == reply["text"]
        hint = f"/members role org={org_id(bot.sim)} user={email} role=&lt;role&gt;"
        assert hint in text_of(reply)
        assert [] == bot.sim.writes()
        with pytest.raises(AssertionError):
            find_button(reply, "members_confirm")


async def test_orgs_lists_every_org_with_its_id_and_size() -> None:
    """`orgs` shows each org once, with its ID and member count, sorted by name."""
    async with running_bot() as bot:
        reply = await final(bot, "orgs", user=READER)
        lines = [ln for ln in text_of(reply).splitlines() if ln.startswith("• ")]
        expected = [
            f"• *{name}* · `{org.id}` · {len(org.roles):,} member{'s' * (len(org.roles) != 1)}"
            for org in sorted(bot.sim.state.orgs.values(), key=lambda o: o.name.casefold())
            for name in [org.name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")]
        ]
        assert expected == lines
        assert f"Orgs: {len(expected)} orgs (page 1 of 1)" == reply["text"]


@pytest.mark.parametrize(
    ("glob", "names"),
    [
        pytest.param("Acme*", ["Acme", "Acme Staging"], id="prefix"),
        pytest.param(
            '"* *"',
            ["Acme Staging", "Hooli (archived)", "Initech Sandbox", "R&amp;D &lt;Labs&gt;"],
            id="quoted-with-space",
        ),
        pytest.param("Globex", ["Globex"], id="exact"),
    ],
)
async def test_orgs_filter_is_a_glob_on_the_name(glob: str, names: list[str]) -> None:
    """`orgs filter=<glob>` shows only the orgs whose name matches."""
    async with running_bot() as bot:
        reply = await final(bot, f"orgs filter={glob}")
        shown = re.findall(r"^• \*(.+?)\* · ", text_of(reply), flags=re.MULTILINE)
        assert names == shown


async def test_orgs_filter_matching_nothing_says_how_to_widen_it() -> None:
    """An org filter that matches nothing is not an empty list but a hint."""
    async with running_bot() as bot:
        reply = await final(bot, "orgs filter=Nonesuch*")
        assert "No orgs to show." == reply["text"]
        assert "No orgs have a name matching `Nonesuch*`." in text_of(reply)


EVERYTHING = (
    "help, list, add, show, role, remove, orgs, find, offboard, grants, extend, revoke, "
    "request, requests"
)
READS = "help, list, show, orgs, find, grants, request, requests"


@pytest.mark.parametrize(
    ("user", "env", "offered"),
    [
        pytest.param(WRITER, {}, EVERYTHING, id="writer"),
        pytest.param(GROUP_MEMBER, {}, EVERYTHING, id="group"),
        pytest.param(READER, {}, READS, id="reader"),
        pytest.param(STRANGER, {}, "help", id="stranger"),
        pytest.param(READER, {"MEMBERS_GROUP_CACHE_S": "0"}, READS, id="reader-no-cache"),
    ],
)
async def test_help_lists_only_what_the_caller_may_run(
    user: str, env: dict[str, str], offered: str
) -> None:
    """Help's fallback and its lines name exactly the subcommands this caller may run."""
    async with running_bot(**env) as bot:
        reply = await final(bot, "help", user=user)
        assert f"/members: {offered}." == reply["text"]
        listed = re.findall(r"^• `/members (\w+)", text_of(reply), flags=re.MULTILINE)
        assert offered.split(", ") == listed
        assert [] == bot.sim.requests


async def test_a_role_change_reads_the_member_once_then_writes_once() -> None:
    """The read that finds the member is also the read-first before the PATCH: Losant
    sees one read of the member and one write, nothing twice."""
    async with running_bot() as bot:
        await bot.reply(await bot.command("role org=Acme user=ada@acme.io role=view"))
        member_calls = [
            (r.method, r.path[r.path.index("/members") + 1 :])
            for r in bot.sim.requests
            if "/members" in r.path
        ]
        ada = bot.sim.state.find_member_by_email(org_id(bot.sim), "ada@acme.io")
        assert ada is not None
        assert [("GET", "members"), ("PATCH", f"members/{ada.user_id}")] == member_calls
