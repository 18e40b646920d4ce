"""The Home tab: a person's Losant access, their requests and grants, and what waits for them.

Pure: ``render_home(HomeData)`` is the whole view. Everything in it is bounded so it
stays inside Slack's 100 blocks however much there is: roles in at most 20 orgs (a
count for the rest), at most 10 items per list (a count and the command that shows
them all). Approve / Deny and End now / Extend use the same action IDs as the request
card and the ``grants`` list, so one listener serves each wherever it is clicked; their
values were signed by the use case that gathered the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.edges.store import Grant, GrantState, Request
from bot.usecases.durations import describe_remaining, format_duration
from bot.usecases.home_data import Access, GrantItem, HomeData, Listed, RequestItem
from handlers.views.blocks import actions, button, context, section
from handlers.views.grants import END_ACTION, EXTEND_ACTION
from handlers.views.phrases import EMAIL_CHARS, ORG_CHARS, command, plural
from handlers.views.reply import clip, code
from handlers.views.requests import APPROVE_ACTION, DENY_ACTION

HOME_ADD = "home_add"
HOME_REQUEST = "home_request"
# Approve / Deny are the request card's own buttons (handlers.views.requests).
REQUEST_APPROVE = APPROVE_ACTION
REQUEST_DENY = DENY_ACTION
NEW = "new"  # what a button that opens an empty form stands for (it has no value)
REASON_CHARS = 300


def render_home(data: HomeData) -> dict[str, Any]:
    """The Home tab view for ``data.user``."""
    blocks: list[Block | dict[str, Any]] = [HeaderBlock(text="Your Losant access")]
    if not data.known:
        blocks.append(
            section(
                "members-bot manages who belongs to the orgs of our Losant instance. You may "
                "not use it yet: ask an admin of this bot to add your user ID to the people "
                "who may read, add or request access."
            )
        )
        return _home(blocks)
    blocks += _access(data.access, data.email)
    # These open an empty form: they carry no value, so there is nothing to sign.
    buttons = []
    if data.may_request:
        buttons.append(button("Request access", HOME_REQUEST, "", style="primary"))
    if data.may_add:
        buttons.append(button("Add people", HOME_ADD, ""))
    if buttons:
        blocks.append(actions(*buttons))
    if data.own_requests.total:
        blocks += _titled("Your requests waiting for a decision", data.own_requests)
        blocks.append(
            section("\n".join(_own_request(i.request, data.now) for i in data.own_requests.items))
        )
        blocks += _more(data.own_requests, command("requests"))
    if data.own_grants.total:
        blocks += _titled("Your time-limited access", data.own_grants)
        blocks += [_own_grant(item, data.now) for item in data.own_grants.items]
        blocks += _more(data.own_grants, command("grants", f"user={data.email or ''}"))
    if data.approver:
        blocks += _titled("Requests waiting for you", data.waiting)
        if not data.waiting.total:
            blocks.append(context("Nothing waits for your decision."))
        for item in data.waiting.items:
            blocks += _waiting(item, data.now)
        blocks += _more(data.waiting, command("requests"))
        if data.attention.total:
            blocks += _titled("Grants that need a person", data.attention)
            for grant_item in data.attention.items:
                blocks += _attention(grant_item, data.now)
            blocks += _more(data.attention, command("grants"))
    return _home(blocks)


def _home(blocks: Sequence[Block | dict[str, Any]]) -> dict[str, Any]:
    view: dict[str, Any] = View(type="home", blocks=list(blocks)).to_dict()
    return view


def _access(access: Access, email: str | None) -> list[Block | dict[str, Any]]:
    who = f" as {clip(email, EMAIL_CHARS)}" if email else ""
    if access.pending:
        return [context(f":hourglass_flowing_sand: Looking up your orgs in Losant{who}…")]
    if access.problem:
        return [
            section(f":warning: Your access could not be looked up: {clip(access.problem, 500)}")
        ]
    found = access.found
    assert found is not None  # not pending, no problem
    if not found.memberships:
        return [section(f"You are in no org of this instance{who}.")]
    lines = [f"• *{clip(m.org.name, ORG_CHARS)}*: `{m.member.role}`" for m in found.memberships]
    total = len(found.memberships) + found.others
    blocks: list[Block | dict[str, Any]] = [
        section(f"You are in {plural(total, 'org')}{who}:\n" + "\n".join(lines))
    ]
    if found.others:
        see = command("find", f"user={email}") if email else command("find")
        blocks.append(context(f"…and {plural(found.others, 'more org')}: {see} lists them all."))
    return blocks


def _titled(title: str, listed: Listed[Any]) -> list[Block | dict[str, Any]]:
    count = f" ({listed.total:,})" if listed.total else ""
    return [DividerBlock(), section(f"*{title}*{count}")]


def _more(listed: Listed[Any], see: str) -> list[Block | dict[str, Any]]:
    return [context(f"…and {listed.more:,} more: {see} shows them all.")] if listed.more else []


def _own_request(request: Request, now: datetime) -> str:
    return (
        f"• {_asked(request)}, asked {_ago(request.created_at, now)}; "
        f"expires {_in(request.expires_at, now)}"
    )


def _own_grant(item: GrantItem, now: datetime) -> dict[str, Any]:
    grant = item.grant
    said = f"• `{grant.role}` in *{clip(grant.org_name, ORG_CHARS)}*: {_ends(grant, now)}"
    if not item.value:
        return section(said)
    more = button("Ask for more time", HOME_REQUEST, item.value)
    return {**section(said), "accessory": more}


def _waiting(item: RequestItem, now: datetime) -> list[Block | dict[str, Any]]:
    request = item.request
    reason = clip(request.reason, REASON_CHARS)
    said = (
        f"<@{request.requester}> ({clip(request.requester_email, EMAIL_CHARS)}) asks for "
        f"{_asked(request)}: “{reason}”\nAsked {_ago(request.created_at, now)}; "
        f"expires {_in(request.expires_at, now)}."
    )
    blocks: list[Block | dict[str, Any]] = [section(said)]
    if item.value:
        blocks.append(
            actions(
                button("Approve", REQUEST_APPROVE, item.value, style="primary"),
                button("Deny", REQUEST_DENY, item.value, style="danger"),
            )
        )
    return blocks


def _attention(item: GrantItem, now: datetime) -> list[Block | dict[str, Any]]:
    grant = item.grant
    who = clip(grant.target_email, EMAIL_CHARS)
    org = clip(grant.org_name, ORG_CHARS)
    if grant.state is GrantState.DRIFTED:
        said = (
            f":warning: `{grant.role}` for {who} in *{org}* drifted: the role was changed "
            "by someone else, so the bot left it as it is."
        )
    else:
        failing = f" Last error: {clip(grant.last_error, 200)}" if grant.last_error else ""
        said = f":warning: `{grant.role}` for {who} in *{org}*: {_ends(grant, now)}.{failing}"
    blocks: list[Block | dict[str, Any]] = [section(said)]
    if item.value:
        blocks.append(
            actions(
                # The same buttons, and values, as the `grants` list's.
                button("End now", END_ACTION, grant.id, style="danger"),
                button("Extend", EXTEND_ACTION, grant.id),
            )
        )
    return blocks


def _asked(request: Request) -> str:
    return (
        f"`{request.role}` in *{clip(request.org_name, ORG_CHARS)}* for "
        f"{code(format_duration(request.duration_s), 20)}"
    )


def _ends(grant: Grant, now: datetime) -> str:
    left = int((grant.ends_at - now).total_seconds())
    if left > 0:
        return f"ends in {describe_remaining(left)}"
    return f"overdue by {describe_remaining(left)}, its revert is late"


def _ago(then: datetime, now: datetime) -> str:
    return f"{describe_remaining(int((now - then).total_seconds()))} ago"


def _in(then: datetime, now: datetime) -> str:
    return f"in {describe_remaining(int((then - now).total_seconds()))}"
