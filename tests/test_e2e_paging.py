"""End to end: Prev/Next through long member and org lists, with signed button clicks.

A page button carries the whole query, so each click is checked as a request of its
own: who clicked, what Losant was asked, which page came back, and that every message
on the way stayed inside Slack's limits.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from bot.sandbox.simulator.seed import GLOBEX, GLOBEX_SIZE
from bot.usecases.commands import ListCommand, OrgRef
from bot.usecases.results import MemberPage
from handlers.views import escape, render_result
from tests.harness import (
    GROUP_MEMBER,
    READER,
    STRANGER,
    Harness,
    audit_lines,
    find_button,
    limit_problems,
    running_bot,
    text_of,
)

PAGE = 20
GLOBEX_PAGES = GLOBEX_SIZE // PAGE  # 130: Globex fills its pages exactly


def shown_emails(message: dict[str, Any]) -> list[str]:
    """The members a list reply shows, in order: the first part of each "• " line."""
    return [
        line.removeprefix("• ").split(" · ")[0]
        for line in text_of(message).splitlines()
        if line.startswith("• ")
    ]


def page_line(message: dict[str, Any]) -> str:
    """The "Page x of y · members a to b" line of a paged reply ('' when there is none)."""
    return next((ln for ln in text_of(message).splitlines() if ln.startswith("Page ")), "")


def button_ids(message: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in message.get("blocks", [])
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def member_list_calls(bot: Harness) -> list[dict[str, str]]:
    return [r.query for r in bot.sim.requests if r.method == "GET" and r.path.endswith("/members")]


def globex_emails(bot: Harness, *, descending: bool = False) -> list[str]:
    org = bot.sim.state.find_org_by_name(GLOBEX)
    assert org is not None
    return sorted((m.email for m in bot.sim.state.members(org.id)), reverse=descending)


async def click_and_read(
    bot: Harness, message: dict[str, Any], action_id: str, *, user: str = READER
) -> dict[str, Any]:
    """Click ``action_id`` on ``message`` and return the one reply the click got."""
    sent = await bot.click(message, action_id, user=user)
    assert 200 == sent.status
    (reply,) = await bot.replies(sent)
    await bot.settle()
    return reply


async def test_paging_through_thousands_forward_and_back() -> None:
    """Next, Next, Next, Prev, Prev through Globex: the right 20 members each time, in place."""
    async with running_bot() as bot:
        everyone = globex_emails(bot)
        assert GLOBEX_SIZE == len(everyone)
        sent = await bot.command(f"list org={GLOBEX}")
        message = await bot.reply(sent)
        seen: list[tuple[int, list[str], str]] = [(0, shown_emails(message), page_line(message))]
        page = 0
        for action in ("members_next",) * 3 + ("members_prev",) * 2:
            message = await click_and_read(bot, message, action)
            page += 1 if action == "members_next" else -1
            assert True is message.get("replace_original"), "a click replaces the list"
            assert [] == limit_problems(message)
            seen.append((page, shown_emails(message), page_line(message)))

        expected = [
            (
                index,
                everyone[index * PAGE : (index + 1) * PAGE],
                f"Page {index + 1} of {GLOBEX_PAGES} · members "
                f"{index * PAGE + 1}\u2013{(index + 1) * PAGE}",
            )
            for index in (0, 1, 2, 3, 2, 1)
        ]
        assert expected == seen
        assert "Members of Globex: 2,600 members (page 2 of 130)" == message["text"]


@pytest.mark.slow
async def test_every_page_of_thousands_by_next_alone() -> None:
    """All 130 pages of Globex by Next: each shows its 20 members and fits Slack's limits."""
    async with running_bot() as bot:
        everyone = globex_emails(bot)
        message = await bot.reply(await bot.command(f"list org={GLOBEX}"))
        pages = [shown_emails(message)]
        problems = limit_problems(message)
        while "members_next" in button_ids(message):
            message = await click_and_read(bot, message, "members_next")
            pages.append(shown_emails(message))
            problems += limit_problems(message)
        assert [] == problems
        assert [everyone[i : i + PAGE] for i in range(0, GLOBEX_SIZE, PAGE)] == pages
        assert ["members_prev"] == button_ids(message)


@pytest.mark.parametrize(
    ("words", "query"),
    [
        pytest.param("", ListCommand(OrgRef(GLOBEX)), id="by-email"),
        pytest.param(
            "sort=role dir=desc",
            ListCommand(OrgRef(GLOBEX), sort="role", direction="desc"),
            id="by-role-desc",
        ),
        pytest.param(
            "role=view", ListCommand(OrgRef(GLOBEX), filter="view", field="role"), id="views"
        ),
    ],
)
async def test_every_page_of_thousands_fits_slacks_limits(words: str, query: ListCommand) -> None:
    """Every page of Globex, rendered from what Losant sent, is inside every Slack limit."""
    async with running_bot() as bot:
        first = await bot.reply(await bot.command(f"list org={GLOBEX} {words}"))
        org = await bot.runtime.losant.get_org(
            json.loads(find_button(first, "members_next")["value"])["o"]
        )
        # The listing the bot itself fetched for that page, rendered as each click would
        # render it: all pages in a blink (clicking through all 130 is the slow test).
        listing = await bot.runtime.losant.list_members(
            org.id,
            sort_field=query.sort,
            sort_direction=query.direction,
            filter_field=query.field if query.filter else None,
            filter=query.filter,
        )
        pages = -(-len(listing.items) // PAGE)
        assert pages > 50
        problems = {
            page: found
            for page in range(pages)
            if (
                found := limit_problems(
                    render_result(MemberPage(org, query, listing.items, page)).to_dict()
                )
            )
        }
        assert {} == problems
        assert [] == limit_problems(first)


async def test_every_page_button_value_carries_the_whole_query() -> None:
    """Filter, field, sort and direction ride in the button and are sent to Losant again."""
    async with running_bot() as bot:
        org_id = bot.sim.state.find_org_by_name(GLOBEX).id  # type: ignore[union-attr]
        sent = await bot.command(f'list org={GLOBEX} filter="*smith*" sort=email dir=desc')
        first = await bot.reply(sent)
        value = json.loads(find_button(first, "members_next")["value"])
        assert {
            "v": 1,
            "o": org_id,
            "f": "*smith*",
            "ff": "email",
            "s": "email",
            "d": "desc",
            "p": 1,
        } == value

        second = await click_and_read(bot, first, "members_next")
        smiths = [e for e in globex_emails(bot, descending=True) if "smith" in e]
        assert smiths[PAGE : 2 * PAGE] == shown_emails(second)
        assert "`*smith*`" in text_of(second)
        sent_to_losant = {
            (q.get("filterField"), q.get("filter"), q.get("sortField"), q.get("sortDirection"))
            for q in member_list_calls(bot)
        }
        assert {("email", "*smith*", "email", "desc")} == sent_to_losant
        back = json.loads(find_button(second, "members_prev")["value"])
        assert {**value, "p": 0} == back


async def test_first_and_last_pages_offer_only_the_way_back_in() -> None:
    """Page 1 has only Next; the last page, reached by a button, has only Prev."""
    async with running_bot() as bot:
        sent = await bot.command(f"list org={GLOBEX} sort=email")
        first = await bot.reply(sent)
        assert ["members_next"] == button_ids(first)
        last_value = json.dumps(
            {**json.loads(find_button(first, "members_next")["value"]), "p": GLOBEX_PAGES - 1}
        )
        reply_sent = await bot.click(first, "members_next", user=READER, value=last_value)
        (last,) = await bot.replies(reply_sent)
        assert ["members_prev"] == button_ids(last)
        assert globex_emails(bot)[-PAGE:] == shown_emails(last)
        assert f"Page {GLOBEX_PAGES} of {GLOBEX_PAGES}" in page_line(last)


async def test_a_page_past_the_end_shows_the_last_page() -> None:
    """The org shrank since the button was drawn: the click shows the last page there is."""
    async with running_bot() as bot:
        first = await bot.reply(await bot.command(f"list org={GLOBEX}"))
        to_last = {**json.loads(find_button(first, "members_next")["value"]), "p": 129}
        globex = bot.sim.state.find_org_by_name(GLOBEX)
        assert globex is not None
        for member in bot.sim.state.members(globex.id)[-600:]:
            bot.sim.state.remove_member(globex.id, member.user_id)
        sent = await bot.click(first, "members_next", user=READER, value=json.dumps(to_last))
        (reply,) = await bot.replies(sent)
        assert "Page 100 of 100 · members 1,981\u20132,000" == page_line(reply)
        assert globex_emails(bot)[-PAGE:] == shown_emails(reply)


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(READER, id="reader"),
        pytest.param(GROUP_MEMBER, id="writer-by-group"),
    ],
)
async def test_anyone_who_may_read_can_page(user: str) -> None:
    """A list drawn for one person can be paged by anyone allowed to read."""
    async with running_bot() as bot:
        first = await bot.reply(await bot.command(f"list org={GLOBEX}"))
        second = await click_and_read(bot, first, "members_next", user=user)
        assert globex_emails(bot)[PAGE : 2 * PAGE] == shown_emails(second)


async def test_a_stranger_clicking_next_is_refused_audited_and_losant_not_called(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Permission is checked again at the click: a stranger gets a refusal, not the page."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT") as bot:
        first = await bot.reply(await bot.command(f"list org={GLOBEX}"))
        org_id = bot.sim.state.find_org_by_name(GLOBEX).id  # type: ignore[union-attr]
        before = len(bot.sim.requests)
        sent = await bot.click(first, "members_next", user=STRANGER)
        (reply,) = await bot.replies(sent)
        await bot.settle()
        assert before == len(bot.sim.requests), "Losant was not called for the stranger"
        assert STRANGER in text_of(reply)
        assert "MEMBERS_READERS" in text_of(reply)
        assert [] == shown_emails(reply)
        assert False is reply.get("replace_original"), "the list stays for its owner"
        (line,) = audit_lines(caplog)
        assert {
            "actor": STRANGER,
            "subcommand": "list",
            "org": org_id,
            "decision": "refused",
            "losant_status": None,
        } == {k: line[k] for k in ("actor", "subcommand", "org", "decision", "losant_status")}
        (posted,) = bot.slack.messages
        assert f"<@{STRANGER}> was refused" in posted["text"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("not json", id="junk"),
        pytest.param('{"v":1,"p":-1,"o":"5f0c0c0c0c0c0c0c0c0c0c01","ff":"email"}', id="partial"),
        pytest.param('{"v":1,"p":"1"}', id="org-value-with-string-page"),
    ],
)
async def test_an_edited_page_value_is_refused_and_audited(
    value: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A page value the bot did not make is refused, Losant is not asked, the audit says so."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        first = await bot.reply(await bot.command(f"list org={GLOBEX}"))
        before = len(bot.sim.requests)
        sent = await bot.click(first, "members_next", user=READER, value=value)
        (reply,) = await bot.replies(sent)
        await bot.settle()
        assert before == len(bot.sim.requests)
        assert "not one the bot made" in text_of(reply)
        assert ["refused"] == [line["decision"] for line in audit_lines(caplog)]


async def test_a_query_too_long_for_a_button_gets_a_hint_instead() -> None:
    """A filter that would not fit in a 2000-character button value: no buttons, a hint."""
    async with running_bot() as bot:
        sent = await bot.command(f"list org={GLOBEX} filter={'*' * 1995}")
        reply = await bot.reply(sent)
        assert [] == button_ids(reply)
        assert "narrow the filter" in text_of(reply)
        assert "2,600 members" in text_of(reply)
        assert [] == limit_problems(reply)


async def test_orgs_page_forward_and_back() -> None:
    """`/members orgs` pages by name with Prev/Next once there are more than 20 orgs."""
    async with running_bot() as bot:
        for n in range(45):
            bot.sim.state.add_org(f"Zeta {n:02d}")
        # Shown as Slack needs them: "R&D <Labs>" is escaped.
        names = [
            escape(name)
            for name in sorted((o.name for o in bot.sim.state.orgs.values()), key=str.casefold)
        ]
        pages = -(-len(names) // PAGE)
        assert 3 == pages

        message = await bot.reply(await bot.command("orgs", user=READER))
        seen = [org_names(message)]
        for action in ("orgs_next", "orgs_next", "orgs_prev"):
            message = await click_and_read(bot, message, action)
            assert True is message.get("replace_original")
            assert [] == limit_problems(message)
            seen.append(org_names(message))

        expected = [names[i * PAGE : (i + 1) * PAGE] for i in (0, 1, 2, 1)]
        assert expected == seen
        assert f"Orgs: {len(names)} orgs (page 2 of 3)" == message["text"]


async def test_orgs_filter_rides_in_the_button() -> None:
    """A filtered org list pages within the filter, and Losant is asked with it each time."""
    async with running_bot() as bot:
        for n in range(25):
            bot.sim.state.add_org(f"Zeta {n:02d}")
        first = await bot.reply(await bot.command('orgs filter="Zeta*"'))
        assert {"v": 1, "f": "Zeta*", "p": 1} == json.loads(
            find_button(first, "orgs_next")["value"]
        )
        second = await click_and_read(bot, first, "orgs_next")
        assert [f"Zeta {n:02d}" for n in range(20, 25)] == org_names(second)
        filters = {r.query.get("filter") for r in bot.sim.requests if r.path.endswith("/orgs")}
        assert {"Zeta*"} == filters


async def test_a_stranger_paging_orgs_is_refused() -> None:
    """The org list's buttons, too, re-check who clicked."""
    async with running_bot() as bot:
        for n in range(25):
            bot.sim.state.add_org(f"Zeta {n:02d}")
        first = await bot.reply(await bot.command("orgs"))
        before = len(bot.sim.requests)
        sent = await bot.click(first, "orgs_next", user=STRANGER)
        (reply,) = await bot.replies(sent)
        await bot.settle()
        assert before == len(bot.sim.requests)
        assert [] == org_names(reply)
        assert STRANGER in text_of(reply)
        assert False is reply.get("replace_original")


def org_names(message: dict[str, Any]) -> list[str]:
    """The org names an org list shows, in order (each is bold on its own line)."""
    return [
        match.group(1)
        for line in text_of(message).splitlines()
        if (match := re.match(r"^• \*(.+?)\* · ", line))
    ]
