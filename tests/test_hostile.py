"""Hostile input: text built to crash the bot, break Slack's limits or inject markup,
requests that are forged, stale, replayed or unsigned, and forged button values.

The property tests go through the real parser and the real views (and, for a smaller
sample, the whole running bot): whatever the text, the bot answers with a usage error
or a result, never a crash, always inside Slack's limits, and with every echoed value
inert. "Inert" means the only ``<`` in a message is one the bot wrote itself: a
mention of the caller.

Replays: Slack signs each request with a timestamp, and Bolt (as Slack advises)
refuses one more than five minutes off, but keeps no record of what it has seen, so
the same signed request sent twice within the window is served twice. The bot stays
safe because every write reads first: a replayed `add` finds the member already
there and sends nothing, a replayed Confirm finds the change already made.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.edges.losant.errors import LosantAlreadyExists, LosantMemberNotFound, LosantOrgNotFound
from bot.edges.losant.models import Member, Org
from bot.usecases.commands import (
    SUBCOMMANDS,
    Command,
    HelpCommand,
    ListCommand,
    OrgsCommand,
    UsageError,
    org_of,
    role_of,
    target_of,
)
from bot.usecases.errors import MemberNotFound, OrgNotFound
from bot.usecases.results import ConfirmationNeeded, MemberPage, OrgPage
from handlers.paging import MemberPageState, encode
from handlers.parser import MAX_TEXT_LENGTH, USAGE, parse
from handlers.views import (
    Reply,
    check_limits,
    render_bot_error,
    render_confirmation,
    render_denied,
    render_help,
    render_losant_error,
    render_result,
    render_usage_error,
)
from tests.fakes.signing import (
    block_action_body,
    encode_action,
    encode_command,
    sign,
    slash_command_body,
)
from tests.harness import (
    STRANGER,
    WRITER,
    Harness,
    acme_id,
    find_button,
    limit_problems,
    running_bot,
    text_of,
)

CALLER = "UHOSTILE1"
ORG_ID = "5f0c0c0c0c0c0c0c0c0c0c02"
USER_ID = "5f0c0c0c0c0c0c0c0c0c0c03"

# Markup Slack would act on, in the forms it can reach the bot: raw, and as Slack
# escapes what people type (`&lt;`), plus pieces of the grammar to get past the parser.
HOSTILE = [
    "<!channel>", "<!here>", "<!everyone>", "<@U0BOSS>", "<@U0BOSS|boss>", "<#C0SECRET>",
    "<!subteam^S0ADMINS>", "<https://evil.example|click me>", "<mailto:a@b.co|a@b.co>",
    "&lt;!channel&gt;", "&lt;https://evil.example|x&gt;", "&amp;lt;", "&", "<", ">",
    "*bold*", "`", "```", "~", "_", "\u202e", "\u200b", "\x00", "\U0001f600", "\n",
    "list", "add", "show", "role", "remove", "orgs", "help", "org=", "filter=", "email=",
    "user=", "role=", "field=", "sort=", "dir=", '"', "\u201c", "\u201d", "a@b.co", "Acme",
    "admin", "view", ORG_ID, USER_ID, " ", "=",
]  # fmt: skip
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=5)), max_size=30).map(
    "".join
)
any_text = st.one_of(
    st.text(max_size=300),
    hostile_text,
    # Around the parser's length limit, where off-by-one mistakes live.
    st.integers(MAX_TEXT_LENGTH - 2, MAX_TEXT_LENGTH + 2).flatmap(
        lambda n: st.text(alphabet="<@!&>x =", min_size=n, max_size=n)
    ),
)


# What the bot itself writes with ``<``: a mention of the caller, and the confirm
# card's expiry as a date Slack shows in the reader's time zone.
OWN_MARKUP = re.compile(rf"<@(?:{CALLER}|{WRITER})>|<!date\^\d+\^")


def uninert(text: str) -> list[str]:
    """Every ``<…`` in ``text`` that the bot did not write itself."""
    return [m.group(0) for m in re.finditer(r"<.{0,20}", text) if not OWN_MARKUP.match(m.group(0))]


def echoes(command: Command) -> list[Reply]:
    """Every view that can show a value of ``command`` back to the person."""
    org_value, target = org_of(command) or "Acme", target_of(command) or "a@b.co"
    org = Org(id=ORG_ID, name=org_value)
    member = Member(user_id=USER_ID, role="view", email=target, first_name=target)
    replies = [
        render_denied(CALLER, command.subcommand, "write", "not in MEMBERS_WRITERS"),
        render_losant_error(
            LosantMemberNotFound("Member was not found", status=404), org=org_value, target=target
        ),
        render_losant_error(LosantOrgNotFound("Not found", status=404), org=org_value),
        render_losant_error(
            LosantAlreadyExists("exists", status=400, error_type="AlreadyExists"),
            org=org_value,
            target=target,
            unchanged=True,
        ),
        # What bot.usecases.lookup says when a name or member is not found: it quotes the input.
        render_bot_error(OrgNotFound(f"No org is named “{org_value}”.", hint="Run /members orgs")),
        render_bot_error(MemberNotFound(f"{target} is not a member of {org_value}.")),
        render_confirmation(
            ConfirmationNeeded(
                org=org,
                subcommand=command.subcommand,
                target=target,
                member=member,
                role=role_of(command),
                previous_role="view",
                token="x" * 1600,
                expires_at=int(time.time()) + 600,
            )
        ),
    ]
    if isinstance(command, ListCommand):
        for members in ([], [member]):
            replies.append(render_result(MemberPage(org=org, query=command, members=members)))
    if isinstance(command, OrgsCommand):
        replies.append(render_result(OrgPage(orgs=[org], total=1, filter=command.filter)))
    if isinstance(command, HelpCommand):
        replies.append(render_help(SUBCOMMANDS, USAGE, default_org=org_value))
    return replies


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_no_text_crashes_the_parser_or_breaks_a_reply(text: str) -> None:
    """Any text parses to a command or a usage error, and every reply that can echo it
    is inside Slack's limits with no live markup."""
    try:
        replies = echoes(parse(text, default_org=None))
    except UsageError as exc:
        usage = USAGE[exc.subcommand] if exc.subcommand else None
        replies = [render_usage_error(exc.message, usage)]
    for reply in replies:
        assert [] == check_limits(reply)
        assert [] == uninert(text_of(reply.to_dict()))


# ---- the same, through the running bot ----------------------------------------------


@pytest.fixture
async def bot() -> AsyncIterator[Harness]:
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT") as harness:
        yield harness


@settings(
    max_examples=150,
    deadline=None,
    # One bot serves every example, as one process serves every command.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=any_text)
async def test_no_command_text_crashes_the_running_bot(bot: Harness, text: str) -> None:
    """Any command text gets a 200 and an answer (in the ack or through the
    response_url) that fits Slack, echoes nothing live, and is never an internal error;
    ``add`` or ``request`` alone opens a form instead."""
    sent = await bot.command(text)
    assert 200 == sent.status
    if text.strip().lower() in ("add", "request"):
        await bot.settle()
        assert [] != bot.slack.open_views(WRITER)
        return
    answer = await bot.answer(sent)
    assert [] == limit_problems(answer)
    assert [] == uninert(text_of(answer))
    assert "Something went wrong" not in text_of(answer)
    assert [] == [m["text"] for m in bot.slack.messages if uninert(m["text"])]


# ---- injection through each echoed value, end to end --------------------------------


INJECTIONS = ["<!channel>", "<https://evil.example|click me>", "<@U0BOSS|boss>"]


async def everything_shown(bot: Harness, *texts: str) -> list[str]:
    """What the person and the audit channel saw for each command, in order."""
    shown = []
    for text in texts:
        shown.append(text_of(await bot.answer(await bot.command(text))))
    await bot.settle()
    shown.extend(m["text"] for m in bot.slack.messages)
    return shown


@pytest.mark.parametrize("markup", INJECTIONS)
@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(lambda m: m, id="as-slack-escapes-mentions"),
        pytest.param(
            lambda m: m.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            id="as-typed",
        ),
    ],
)
async def test_markup_typed_into_any_value_is_echoed_inert(markup: str, typed: Any) -> None:
    """Markup in a filter, an org name, an email, a user or a role, raw or as Slack
    escapes what people type, comes back escaped in every reply."""
    value = typed(markup)
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT") as bot:
        shown = await everything_shown(
            bot,
            f'list org=Acme filter="{value}"',
            f'orgs filter="{value}"',
            f'list org="{value}"',
            f'add org=Acme email="{value}"',
            f'show org=Acme user="{value}"',
            f'role org=Acme user=ada@acme.io role="{value}"',
        )
    assert [] == [(text, uninert(text)) for text in shown if uninert(text)]
    # Echoed, not dropped: escaped, or (a link as Slack sends it) as its label.
    assert all("&lt;" in text or "click me" in text for text in shown[:3])


async def test_markup_in_losant_data_is_inert_in_replies_and_the_audit() -> None:
    """An org name, member names and an email domain from Losant carrying markup are
    escaped in list, show, orgs, the confirm card and the audit channel message."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT") as bot:
        org = bot.sim.state.add_org(name="<!channel> <https://evil.example|Acme>")
        bot.sim.state.add_member(
            org.id,
            email="mallory@evil.example",
            role="edit",
            first_name="<!here>",
            last_name="<https://evil.example|Boss>",
        )
        shown = await everything_shown(
            bot,
            f"list org={org.id}",
            f"show org={org.id} user=mallory@evil.example",
            "orgs filter=*channel*",
            f"remove org={org.id} user=mallory@evil.example",
            f"add org={org.id} email=new@acme.io",
        )
    assert [] == [(text, uninert(text)) for text in shown if uninert(text)]
    assert 1 == len([t for t in shown if "&lt;!channel&gt;" in t and "Added" in t])


@pytest.mark.parametrize(
    ("method", "status", "command", "quoted"),
    [
        pytest.param("POST", 400, "add org=Acme email=x@acme.io", True, id="400-on-add"),
        pytest.param(
            "PATCH", 400, "role org=Acme user=ada@acme.io role=view", True, id="400-on-role"
        ),
        # A 404 is explained in the bot's words (what was not found), not Losant's.
        pytest.param("GET", 404, "list org=Acme", False, id="404-on-list"),
    ],
)
async def test_markup_in_losants_own_error_message_is_inert(
    method: str, status: int, command: str, quoted: bool
) -> None:
    """Losant's error message, where it is shown in its words, is escaped."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT") as bot:
        message = "role <!channel> is <https://evil.example|not allowed> for <@U0BOSS>"
        bot.sim.faults.add(
            method=method,
            path=r"/members$" if method != "PATCH" else None,
            status=status,
            body={"type": "Validation" if status == 400 else "NotFound", "message": message},
        )
        shown = await everything_shown(bot, command)
    assert [] == [(text, uninert(text)) for text in shown if uninert(text)]
    assert quoted == any("&lt;!channel&gt;" in text for text in shown)


async def test_markup_in_a_lost_writes_error_is_inert_in_the_unknown_reply() -> None:
    """A 503 whose message carries markup, then a failing read-back: the "unknown"
    reply and the audit quote Losant's message escaped."""
    async with running_bot(MEMBERS_AUDIT_CHANNEL="C0AUDIT", LOSANT_RETRY_BUDGET_S="1") as bot:
        bot.sim.faults.add(method="GET", path=r"/members$", times=1)
        bot.sim.faults.add(method="GET", path=r"/members$", status=503, times=None)
        bot.sim.faults.add(
            method="POST", status=503, body={"type": "Unavailable", "message": "<!channel> down"}
        )
        shown = await everything_shown(bot, "add org=Acme email=x@acme.io")
    assert "could not tell whether it did" in shown[0]
    assert [] == [(text, uninert(text)) for text in shown if uninert(text)]
    assert all("&lt;!channel&gt; down" in text for text in shown)


async def test_oversized_text_is_a_clear_usage_error_in_the_ack() -> None:
    """10,000 characters: a usage error in the ack that names the limit; Losant untouched."""
    async with running_bot() as bot:
        sent = await bot.command("list org=Acme filter=" + "<!channel>*" * 910)
        await bot.settle()
        assert 200 == sent.status
        assert "too long" in text_of(sent.ack)
        assert f"the limit is {MAX_TEXT_LENGTH}" in text_of(sent.ack)
        assert [] == limit_problems(sent.ack)
        assert [] == uninert(text_of(sent.ack))
        assert [] == bot.sim.requests
        assert [] == bot.slack.responses


# ---- signatures -----------------------------------------------------------------------


def command_body(bot: Harness, text: str = "add org=Acme email=replayed@acme.io") -> bytes:
    return encode_command(
        slash_command_body(text=text, user_id=WRITER, response_url=bot.slack.response_url())
    )


def tampered(bot: Harness) -> tuple[bytes, dict[str, str]]:
    body = command_body(bot)
    return body.replace(b"replayed", b"tampered"), sign(body, bot.secret)


def unsigned(bot: Harness) -> tuple[bytes, dict[str, str]]:
    return command_body(bot), {"Content-Type": "application/x-www-form-urlencoded"}


def future(bot: Harness) -> tuple[bytes, dict[str, str]]:
    body = command_body(bot)
    return body, sign(body, bot.secret, timestamp=int(time.time()) + 600)


def stale(bot: Harness) -> tuple[bytes, dict[str, str]]:
    body = command_body(bot)
    return body, sign(body, bot.secret, timestamp=int(time.time()) - 301)


def wrong_version(bot: Harness) -> tuple[bytes, dict[str, str]]:
    body = command_body(bot)
    headers = sign(body, bot.secret)
    return body, headers | {"X-Slack-Signature": headers["X-Slack-Signature"].replace("v0=", "v1=")}


def forged(bot: Harness) -> tuple[bytes, dict[str, str]]:
    body = command_body(bot)
    return body, sign(body, "a-guess-at-the-signing-secret")


def bad_timestamp(bot: Harness) -> tuple[bytes, dict[str, str]]:
    body = command_body(bot)
    return body, sign(body, bot.secret) | {"X-Slack-Request-Timestamp": "soon"}


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(tampered, id="body-changed-after-signing"),
        pytest.param(unsigned, id="unsigned"),
        pytest.param(forged, id="wrong-secret"),
        pytest.param(stale, id="stale-5-min-1-s"),
        pytest.param(future, id="from-the-future"),
        pytest.param(wrong_version, id="unknown-signature-version"),
        pytest.param(bad_timestamp, id="timestamp-not-a-number"),
    ],
)
async def test_requests_slack_did_not_sign_just_now_are_refused(request_: Any) -> None:
    """Unsigned, forged, tampered, stale or future-dated requests get 401 and reach
    neither Losant nor Slack."""
    async with running_bot() as bot:
        body, headers = request_(bot)
        response = await bot.http.post(bot.events_url, content=body, headers=headers)
        await bot.settle()
        assert 401 == response.status_code
        assert [] == bot.sim.requests
        assert [] == bot.slack.responses
        assert [] == bot.slack.calls


async def test_a_replayed_add_adds_once_and_says_already_a_member() -> None:
    """The same signed `add` sent twice within five minutes: Bolt serves both, Losant
    gets one POST, and the second reply says the person is already a member."""
    async with running_bot() as bot:
        body = command_body(bot)
        headers = sign(body, bot.secret)
        first = await bot.http.post(bot.events_url, content=body, headers=headers)
        await bot.settle()
        second = await bot.http.post(bot.events_url, content=body, headers=headers)
        await bot.settle()
        replies = [text_of(p.payload) for p in bot.slack.responses]
        members = [
            m for m in bot.sim.state.members(acme_id(bot.sim)) if m.email == "replayed@acme.io"
        ]
        assert (200, 200) == (first.status_code, second.status_code)
        assert 1 == len(members)
        assert [200] == [r.status for r in bot.sim.writes()]
        assert "Added replayed@acme.io" in replies[0]
        assert "already a member" in replies[-1]


async def test_a_replayed_confirm_click_removes_once() -> None:
    """The same signed Confirm click sent twice: one DELETE; the second says already removed."""
    async with running_bot() as bot:
        card = await bot.reply(await bot.command("remove org=Acme user=ada@acme.io"))
        click = block_action_body(
            action_id="members_confirm",
            value=find_button(card, "members_confirm")["value"],
            user_id=WRITER,
            channel_id="C0GENERAL",
            response_url=bot.slack.response_url(),
        )
        body = encode_action(click)
        headers = sign(body, bot.secret)
        statuses = []
        for _ in range(2):
            statuses.append(
                (await bot.http.post(bot.events_url, content=body, headers=headers)).status_code
            )
            await bot.settle()
        replies = [text_of(p.payload) for p in bot.slack.responses[1:]]
        assert [200, 200] == statuses
        assert ["DELETE"] == [r.method for r in bot.sim.writes()]
        assert "Removed ada@acme.io" in replies[0]
        assert "no longer a member" in replies[-1]


# ---- forged button values --------------------------------------------------------------


def page_value(org_id: str, filter: str | None, page: int = 1) -> str:
    state = MemberPageState(
        org_id=org_id, filter=filter, field="email", sort="email", direction="asc", page=page
    )
    return encode(state)


@pytest.mark.parametrize(
    ("action", "value"),
    [
        pytest.param("members_next", "x" * 5000, id="page-5000-chars"),
        pytest.param("members_next", "\x00\ud7ff", id="page-control-chars"),
        pytest.param("members_confirm", "x" * 5000, id="confirm-5000-chars"),
        pytest.param("members_confirm", "", id="confirm-empty"),
        pytest.param("members_confirm", ".", id="confirm-only-a-dot"),
        pytest.param("members_cancel", "<!channel>.<!channel>", id="cancel-markup"),
    ],
)
async def test_junk_button_values_are_refused_without_a_crash(action: str, value: str) -> None:
    """Values no bot ever made, of any size: a clear refusal, no write, no internal error."""
    async with running_bot() as bot:
        listing = await bot.reply(await bot.command("list org=Globex"))
        card = await bot.reply(await bot.command("remove org=Acme user=ada@acme.io"))
        message = card if action != "members_next" else listing
        sent = await bot.click(message, action, value=value)
        answer = await bot.answer(sent)
        assert 200 == sent.status
        assert [] == bot.sim.writes()
        assert [] == limit_problems(answer)
        assert [] == uninert(text_of(answer))
        assert "Something went wrong" not in text_of(answer)


async def test_a_forged_page_value_with_markup_in_its_filter_is_echoed_inert() -> None:
    """Page values are not signed (they hold nothing secret), so a crafted one may carry
    any filter: it is run as a filter and echoed escaped."""
    async with running_bot() as bot:
        listing = await bot.reply(await bot.command("list org=Globex"))
        value = page_value(acme_id(bot.sim), "<!channel> <https://evil.example|x>", page=0)
        reply = await bot.answer(await bot.click(listing, "members_next", value=value))
        assert "&lt;!channel&gt;" in text_of(reply)
        assert [] == uninert(text_of(reply))


async def test_a_page_value_is_no_key_to_a_stranger() -> None:
    """A stranger replaying a reader's page button is refused like any stranger."""
    async with running_bot() as bot:
        listing = await bot.reply(await bot.command("list org=Globex"))
        before = len(bot.sim.requests)
        reply = await bot.answer(await bot.click(listing, "members_next", user=STRANGER))
        assert STRANGER in text_of(reply)
        assert before == len(bot.sim.requests)


async def test_an_interaction_that_is_not_json_is_refused() -> None:
    """A signed interaction whose payload is not JSON gets a 4xx, not a crash."""
    async with running_bot() as bot:
        body = urlencode({"payload": "{not json"}).encode()
        response = await bot.post_signed(body)
        await bot.settle()
        assert 400 <= response.status_code < 500
        assert [] == bot.slack.responses
