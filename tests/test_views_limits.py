"""Every view against hostile data: Slack's limits hold and nothing injects markup.

The data is what an attacker or a careless admin could put in Losant or type in
Slack: broadcasts, mentions, disguised links, entities, 1024-character emails,
255-character org names, 10,000 members. Each reply is checked three ways: our
``check_limits``, slack_sdk's own block models, and a scan for live ``<…>`` markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, SupportsIndex, overload

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.edges.losant.errors import (
    LosantAlreadyExists,
    LosantAuthError,
    LosantBadRequest,
    LosantError,
    LosantInstanceNotFound,
    LosantInvalidEmail,
    LosantInvalidRole,
    LosantMemberNotFound,
    LosantOrgNotFound,
    LosantRateLimited,
    LosantUnavailable,
    LosantUnexpected,
)
from bot.edges.losant.models import Member, Org, OrgSummary
from bot.usecases.commands import SUBCOMMANDS, ListCommand, OrgRef
from bot.usecases.errors import MemberNotFound
from bot.usecases.results import (
    AmbiguousOrg,
    ConfirmationNeeded,
    MemberAdded,
    MemberPage,
    MemberRemoved,
    MemberShown,
    OrgPage,
    RoleChanged,
    WriteUnknown,
)
from handlers.views import (
    Reply,
    check_limits,
    escape,
    render_bot_error,
    render_cancelled,
    render_confirm_refused,
    render_denied,
    render_help,
    render_internal_error,
    render_losant_error,
    render_members,
    render_result,
    render_usage_error,
    render_working,
)
from handlers.views.reply import clip

NASTY = "<!channel> <@U123> <http://evil.example|click here> &amp; & *bold* `tick` _it_"
LONG_EMAIL = "&" * 1017 + "@e.io"  # 1022 chars, each & five once escaped
LONG_NAME = (NASTY * 20)[:1024]
ORG_NAME = ("<!here>&" * 40)[:255]
ORG = Org(id="5f0c0ffee0c0ffee0c0ffee0", name=ORG_NAME, summary=OrgSummary(member_count=10**9))
EVIL = Member(
    user_id="5f0000000000000000000001",
    role="admin",
    email=LONG_EMAIL,
    first_name=LONG_NAME,
    last_name=LONG_NAME,
    two_factor_auth_enabled=False,
    sso_linked=True,
)
CROWD = [
    EVIL.model_copy(update={"email": f"{n}{LONG_EMAIL}" if n % 2 else f"<@U{n}>@x.io"})
    for n in range(10_000)
]
ORGS = [ORG.model_copy(update={"id": f"{n:024x}"}) for n in range(10_000)]
LONG_FILTER = "<!channel>" * 100
UNBUTTONABLE_FILTER = '"' * 1000  # JSON doubles it past Slack's 2000-character value limit
USAGE = dict.fromkeys(SUBCOMMANDS, NASTY * 40)
TOKEN = "t" * 2000


def query(filter: str | None = LONG_FILTER) -> ListCommand:
    return ListCommand(OrgRef(NASTY), filter=filter, field="role", sort="role", direction="desc")


def losant(cls: type[LosantError], status: int | None) -> LosantError:
    return cls(NASTY * 100, status=status, error_type=NASTY, path="/orgs/x/members/<@U1>")


VIEWS: dict[str, Callable[[], Reply]] = {
    "members-first": lambda: render_members(MemberPage(ORG, query(), CROWD)),
    "members-middle": lambda: render_members(MemberPage(ORG, query(), CROWD, page=250)),
    "members-past-end": lambda: render_members(MemberPage(ORG, query(), CROWD, page=10**6)),
    "members-too-long": lambda: render_members(
        MemberPage(ORG, query(UNBUTTONABLE_FILTER), CROWD, page=3)
    ),
    "members-empty": lambda: render_members(MemberPage(ORG, query(), [])),
    "members-empty-unfiltered": lambda: render_members(MemberPage(ORG, query(None), [])),
    "orgs": lambda: render_result(OrgPage(ORGS, 10_000, filter=LONG_FILTER, page=7)),
    "orgs-empty": lambda: render_result(OrgPage([], 0, filter=LONG_FILTER)),
    "ambiguous": lambda: render_result(AmbiguousOrg(NASTY * 100, ORGS[:500])),
    "shown": lambda: render_result(MemberShown(ORG, EVIL)),
    "added": lambda: render_result(MemberAdded(ORG, EVIL, "added", True, True)),
    "already-member": lambda: render_result(MemberAdded(ORG, EVIL, "already_member")),
    "role-changed": lambda: render_result(RoleChanged(ORG, EVIL, "view", "changed", True)),
    "removed": lambda: render_result(MemberRemoved(ORG, LONG_EMAIL, EVIL, "removed", True)),
    "already-removed": lambda: render_result(
        MemberRemoved(ORG, LONG_EMAIL, None, "already_removed")
    ),
    "write-unknown": lambda: render_result(
        WriteUnknown(ORG, "role", LONG_EMAIL, "admin", NASTY * 100)
    ),
    "confirm": lambda: render_result(
        ConfirmationNeeded(ORG, "remove", LONG_EMAIL, EVIL, None, "admin", TOKEN, 2**31)
    ),
    "confirm-token-too-long": lambda: render_result(
        ConfirmationNeeded(ORG, "add", LONG_EMAIL, None, "admin", None, TOKEN + "t", 0)
    ),
    **{
        f"losant-{cls.__name__}": (
            lambda cls=cls, status=status: render_losant_error(  # type: ignore[misc]
                losant(cls, status), org=NASTY * 50, target=LONG_EMAIL
            )
        )
        for cls, status in [
            (LosantBadRequest, 400),
            (LosantInvalidRole, 400),
            (LosantInvalidEmail, 400),
            (LosantInstanceNotFound, 404),
            (LosantOrgNotFound, 404),
            (LosantMemberNotFound, 404),
            (LosantAuthError, 403),
            (LosantUnavailable, None),
            (LosantUnexpected, 200),
            (LosantError, None),
        ]
    },
    "losant-already-exists": lambda: render_losant_error(
        LosantAlreadyExists(NASTY, status=400, error_type="AlreadyExists"), org=NASTY, target=NASTY
    ),
    "losant-rate-limited": lambda: render_losant_error(LosantRateLimited(NASTY, retry_after=9)),
    "usage-error": lambda: render_usage_error(NASTY * 100, NASTY * 100),
    "denied": lambda: render_denied(NASTY, "remove", "write", NASTY * 100),
    "internal-error": lambda: render_internal_error(NASTY * 100),
    "bot-error": lambda: render_bot_error(MemberNotFound(NASTY * 100, hint=NASTY * 100)),
    "help": lambda: render_help(SUBCOMMANDS, USAGE, default_org=NASTY * 100),
    "working": render_working,
    "cancelled": render_cancelled,
    "refused": lambda: render_confirm_refused(NASTY * 1000),
}

# The only markup a reply may carry: Slack's date formatting on the confirm card.
ALLOWED_MARKUP = re.compile(r"<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[\d: -]+UTC>")


def shown_texts(node: Any) -> list[str]:
    """Every string Slack renders: text objects and the fallback, not button values."""
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for k, v in node.items() if k != "value" for t in shown_texts(v)]
    if isinstance(node, list):
        return [t for item in node for t in shown_texts(item)]
    return []


@pytest.mark.parametrize("view", [pytest.param(f, id=name) for name, f in VIEWS.items()])
def test_every_view_stays_inside_slacks_limits(view: Callable[[], Reply]) -> None:
    """Whatever the data, no reply breaks a limit of ours or of slack_sdk's block models."""
    reply = view()
    assert [] == check_limits(reply)
    for block in reply.blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        assert block["type"] == parsed.type
        parsed.validate_json()


@pytest.mark.parametrize("view", [pytest.param(f, id=name) for name, f in VIEWS.items()])
def test_no_view_lets_data_inject_markup(view: Callable[[], Reply]) -> None:
    """No <!channel>, mention or link survives, and every & starts one of our three entities."""
    texts = shown_texts(view().to_dict())
    markup = [m for t in texts for m in re.findall(r"<[^>]*>?", t) if not ALLOWED_MARKUP.match(m)]
    loose = [t for t in texts if re.search(r"&(?!amp;|lt;|gt;)", t)]
    assert ([], []) == (markup, loose)


def test_denied_mentions_only_a_valid_caller() -> None:
    """The one mention any view makes is the caller's own, validated user ID."""
    texts = shown_texts(render_denied("U123ABC", "list", "read", NASTY).to_dict())
    assert ["<@U123ABC>"] == [m for t in texts for m in re.findall(r"<[^>]*>", t)]


def test_query_too_long_for_a_button_gets_a_hint_instead() -> None:
    """When the state cannot fit in a button value, the page has no buttons and says why."""
    reply = VIEWS["members-too-long"]()
    expected = (
        ["section", "section", "context", "context"],
        "This query is too long to page through with buttons: narrow the filter.",
    )
    assert expected == ([b["type"] for b in reply.blocks], reply.blocks[-1]["elements"][0]["text"])


def test_long_values_are_clipped_with_an_ellipsis() -> None:
    """A 1024-character email and name end in an ellipsis on the member line."""
    line = render_members(MemberPage(ORG, query(), [EVIL])).blocks[1]["text"]["text"]
    email, role, name = line.removeprefix("• ").split(" · ")
    assert ("…", "`admin`", "…") == (email[-1], role, name[-1])


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(lambda: render_members(MemberPage(ORG, query(), [EVIL] * 40)), id="members"),
        pytest.param(lambda: render_result(OrgPage(ORGS, 10_000)), id="orgs"),
    ],
)
def test_a_full_page_of_worst_case_lines_is_shown_whole(view: Callable[[], Reply]) -> None:
    """Twenty of the longest possible lines fit one section: none is cut off to fit."""
    lines = view().blocks[1]["text"]["text"].split("\n")
    assert (20, 20) == (len(lines), sum(line.startswith("• ") for line in lines))


class Watched(list[Member]):
    """A member list that records every read of it: an index or slice, or a whole scan."""

    def __init__(self, members: list[Member]) -> None:
        super().__init__(members)
        self.reads: list[SupportsIndex | slice | str] = []

    def __iter__(self) -> Iterator[Member]:
        self.reads.append("the whole list")
        return super().__iter__()

    @overload
    def __getitem__(self, index: SupportsIndex) -> Member: ...
    @overload
    def __getitem__(self, index: slice) -> list[Member]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Member | list[Member]:
        self.reads.append(index)
        return super().__getitem__(index)


@pytest.mark.parametrize(("page", "shown"), [(0, slice(0, 20)), (250, slice(5000, 5020))])
def test_a_page_of_a_big_org_reads_only_that_page(page: int, shown: slice) -> None:
    """A page of a 10,000-member org reads its 20 members as one slice and never goes
    through the whole list, so it costs what a 20-member org costs. (How long the first
    page takes to render is a figure of make bench.)"""
    members = Watched(CROWD)
    reply = render_members(MemberPage(ORG, query(), members, page=page))
    assert [shown] == members.reads
    assert "10,000 members" in reply.text


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_clip_is_inert_and_bounded(text: str, limit: int) -> None:
    """clip never exceeds its limit, never leaves < or >, and is plain escape when that fits."""
    clipped = clip(text, limit)
    escaped = escape(text)
    whole = escaped if len(escaped) <= limit else None
    expected = (True, False, whole or clipped)
    assert expected == (len(clipped) <= limit, bool(re.search("[<>]", clipped)), clipped)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        pytest.param("abc", 3, "abc", id="fits-exactly"),
        pytest.param("abcd", 3, "ab…", id="cut"),
        pytest.param("<<<", 5, "&lt;…", id="never-splits-an-entity"),
        pytest.param("a<b", 5, "a…", id="drops-an-entity-that-does-not-fit"),
    ],
)
def test_clip_examples(text: str, limit: int, expected: str) -> None:
    """clip counts escaped characters and cuts between entities, never inside one."""
    assert expected == clip(text, limit)


def test_check_limits_reports_every_broken_limit() -> None:
    """check_limits names each problem, so a test that uses it can really fail."""
    too_long_button = {
        "type": "button",
        "text": {"type": "plain_text", "text": "x" * 76},
        "action_id": "a",
        "value": "v" * 2001,
    }
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}},
        {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11},
        {"type": "actions", "elements": [too_long_button]},
    ]
    blocks += [{"type": "divider"}] * 47
    expected = [
        "fallback text has 4001 > 4000 chars",
        "51 > 50 blocks",
        "block 0: section text has 3001 > 3000 chars",
        "block 1: header text has 151 > 150 chars",
        "block 2: 11 > 10 context elements",
        "block 3: button text has 76 > 75 chars",
        "block 3: button value has 2001 > 2000 chars",
    ]
    assert expected == check_limits(Reply("x" * 4001, blocks))


def test_check_limits_wants_a_fallback_and_blocks() -> None:
    """An empty fallback or a reply without blocks is a problem too."""
    assert ["fallback text is empty", "no blocks"] == check_limits(Reply(" ", []))
