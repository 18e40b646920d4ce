"""End to end: the Home tab, as a requester, an approver and a stranger see it.

The Home tab is published when the person opens it and again when what it shows
changes: these open it through ``app_home_opened``, put requests and grants in the
store as the request and grant use cases do, and read what Slack would show.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.edges.losant.models import Role
from bot.edges.store import Request
from bot.sandbox.simulator.seed import ACME
from handlers.views.forms import REQUEST_FORM
from handlers.views.grants import END_ACTION, EXTEND_ACTION
from handlers.views.home import (
    HOME_ADD,
    HOME_REQUEST,
    REQUEST_APPROVE,
    REQUEST_DENY,
)
from handlers.views.view_limits import check_view
from tests.forms_kit import click_home, home_buttons, open_form, open_home, submit
from tests.harness import (
    GROUP,
    GROUP_MEMBER,
    READER,
    STRANGER,
    WRITER,
    Harness,
    audit_lines,
    org_id,
    running_bot,
)

ADA = "ada@acme.io"  # edit in Acme: the reader's Slack profile email
BO = "bo@acme.io"  # admin of Acme and others: the writer's (an approver)


def text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"])


def actions(view: dict[str, Any]) -> list[str]:
    ids = []
    for block in view["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        ids += [e["action_id"] for e in elements if e.get("type") == "button"]
        if "accessory" in block:
            ids.append(block["accessory"]["action_id"])
    return ids


def people(bot: Harness) -> None:
    bot.slack.add_user(READER, email=ADA, name="ada")
    bot.slack.add_user(WRITER, email=BO, name="bo")
    bot.slack.add_user(STRANGER, email="stranger@x.io", name="stranger")


def now() -> datetime:
    return datetime.now(UTC)


async def a_request(
    bot: Harness, *, by: str = READER, email: str = ADA, role: Role = "admin"
) -> Request:
    return await bot.runtime.store.requests.create(
        requester=by,
        requester_email=email,
        org_id=org_id(bot.sim),
        org_name=ACME,
        role=role,
        current_role="edit",
        duration_s=7200,
        reason="incident 7 <!channel>",
        ttl=timedelta(hours=8),
        now=now(),
    )


async def a_grant(bot: Harness, *, email: str = ADA, ends_in: timedelta) -> None:
    await bot.runtime.store.grants.grant(
        org_id=org_id(bot.sim),
        org_name=ACME,
        email=email,
        role="admin",
        previous_role="edit",
        ends_at=now() + ends_in,
        granted_by=WRITER,
        now=now(),
    )


async def test_a_requester_sees_their_access_requests_and_grants() -> None:
    """A reader sees their orgs and roles, their open request, their grant's time left."""
    async with running_bot() as bot:
        people(bot)
        await a_request(bot)
        await a_grant(bot, ends_in=timedelta(hours=3, minutes=5))

        home = await open_home(bot, READER)

        assert f"as {ADA}" in text(home)
        assert "*Acme*: `edit`" in text(home)
        assert "Your requests waiting for a decision" in text(home)
        assert "ends in 3 h" in text(home)
        assert [HOME_REQUEST, HOME_REQUEST] == actions(home)  # request access, more time
        assert "Requests waiting for you" not in text(home)
        assert [] == check_view(home)


async def test_an_approver_sees_what_waits_for_them_with_its_buttons() -> None:
    """A writer (an approver) sees the request with Approve / Deny, and an overdue grant."""
    async with running_bot() as bot:
        people(bot)
        request = await a_request(bot)
        await a_grant(bot, ends_in=-timedelta(minutes=20))

        home = await open_home(bot, WRITER)

        assert "Requests waiting for you" in text(home)
        assert "&lt;!channel&gt;" in text(home)  # the reason is shown inert
        assert "overdue by 20 min" in text(home)
        assert [
            HOME_REQUEST,
            HOME_ADD,
            REQUEST_APPROVE,
            REQUEST_DENY,
            END_ACTION,
            EXTEND_ACTION,
        ] == (actions(home))
        ((_, approve),) = home_buttons(home, REQUEST_APPROVE)
        # The request card's own button: it names the request, signed like a Confirm value.
        opened = bot.runtime.deps.operations.ref_opened(approve["value"])
        assert ("request", request.id) == (opened.kind, opened.id)
        assert [] == check_view(home)


async def test_a_stranger_sees_only_how_to_get_access() -> None:
    """Someone who may do nothing sees a sentence, no buttons, and costs no Losant call."""
    async with running_bot() as bot:
        people(bot)

        home = await open_home(bot, STRANGER)

        assert [] == actions(home)
        assert "You may not use it yet" in text(home)
        assert [] == bot.sim.requests


async def test_the_request_button_opens_the_request_form() -> None:
    """ "Request access" on the Home tab opens the request form, answered in a DM."""
    async with running_bot() as bot:
        people(bot)
        home = await open_home(bot, READER)

        await click_home(bot, home, HOME_REQUEST, user=READER)

        [form] = bot.slack.open_views(READER)
        assert REQUEST_FORM == form["callback_id"]
        assert "direct message" in json.dumps(form)


async def test_more_time_opens_the_request_form_for_that_grant() -> None:
    """ "Ask for more time" on a grant opens the request form with its org and role chosen."""
    async with running_bot() as bot:
        people(bot)
        await a_grant(bot, ends_in=timedelta(hours=1))
        home = await open_home(bot, READER)

        await click_home(bot, home, HOME_REQUEST, user=READER, index=1)

        [form] = bot.slack.open_views(READER)
        org, role = form["blocks"][0]["element"], form["blocks"][1]["element"]
        assert (org_id(bot.sim), "admin") == (
            org["initial_option"]["value"],
            role["initial_option"]["value"],
        )


async def test_a_home_button_after_losing_permission_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A writer through a group who has left it presses Add people: refused, and audited."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_GROUP_CACHE_S="0") as bot:
        bot.slack.add_user(GROUP_MEMBER, email="groupie@acme.io", name="groupie")
        home = await open_home(bot, GROUP_MEMBER)
        bot.slack.add_group(GROUP, [])

        await click_home(bot, home, HOME_ADD, user=GROUP_MEMBER)

        [modal] = bot.slack.open_views(GROUP_MEMBER)
        assert "You may not request access" in json.dumps(modal)
        assert [("request", "refused", GROUP_MEMBER)] == [
            (line["subcommand"], line["decision"], line["actor"]) for line in audit_lines(caplog)
        ]


async def test_the_home_tab_shows_an_add_made_from_a_form() -> None:
    """After an add of a picked person, their Home tab is rebuilt with the new org."""
    async with running_bot() as bot:
        people(bot)
        assert "Initech" not in text(await open_home(bot, READER))
        form = await open_form(bot, "add")

        initech = org_id(bot.sim, "Initech Sandbox")
        await submit(bot, form, org=initech, people=[READER], role="view")
        await bot.settle()

        home = bot.slack.home(READER)
        assert home is not None
        assert "*Initech Sandbox*: `view`" in text(home)


async def test_the_home_tab_is_rebuilt_after_a_decision() -> None:
    """Once a request is decided, refreshing the people concerned shows it gone from both."""
    async with running_bot() as bot:
        people(bot)
        request = await a_request(bot)
        assert "Requests waiting for you* (1)" in text(await open_home(bot, WRITER))
        assert "Your requests waiting" in text(await open_home(bot, READER))

        await bot.runtime.store.requests.decide(request.id, WRITER, False, "no", now())
        assert bot.runtime.deps.home is not None
        await bot.runtime.deps.home.refresh([READER, WRITER])

        approver, requester = bot.slack.home(WRITER), bot.slack.home(READER)
        assert approver is not None
        assert requester is not None
        assert "Nothing waits for your decision" in text(approver)
        assert "Your requests waiting" not in text(requester)


async def test_an_approval_from_the_home_tab() -> None:
    """Approve on the Home tab decides the request and both Home tabs show it."""
    async with running_bot() as bot:
        people(bot)
        request = await a_request(bot, role="collaborate")
        home = await open_home(bot, WRITER)

        sent = await click_home(bot, home, REQUEST_APPROVE, user=WRITER)
        assert 200 == sent.status
        await bot.settle()

        decided = await bot.runtime.store.requests.get(request.id)
        assert decided is not None
        assert "approved" == decided.state.value
        approver = bot.slack.home(WRITER)
        assert approver is not None
        assert "Nothing waits for your decision" in text(approver)
