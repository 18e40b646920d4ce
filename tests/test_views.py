"""The Block Kit views (handlers.views): whole replies for small cases, wording of each outcome."""

from __future__ import annotations

from typing import Any

import pytest

from bot.edges.losant.errors import (
    LosantAlreadyExists,
    LosantAuthError,
    LosantBadRequest,
    LosantError,
    LosantInstanceNotFound,
    LosantInvalidEmail,
    LosantInvalidRole,
    LosantMemberNotFound,
    LosantNotFound,
    LosantOrgNotFound,
    LosantRateLimited,
    LosantUnavailable,
    LosantUnexpected,
)
from bot.edges.losant.models import Member, Org, OrgSummary, Role
from bot.usecases.commands import SUBCOMMANDS, ListCommand, OrgRef, Subcommand
from bot.usecases.errors import OrgNotFound
from bot.usecases.results import (
    AmbiguousOrg,
    ConfirmationNeeded,
    MemberAdded,
    MemberPage,
    MemberRemoved,
    MemberShown,
    OrgPage,
    Result,
    RoleChanged,
    WriteUnknown,
)
from handlers.paging import MemberPageState, OrgPageState, encode
from handlers.views import (
    Reply,
    escape,
    render_added,
    render_bot_error,
    render_cancelled,
    render_confirm_refused,
    render_denied,
    render_help,
    render_internal_error,
    render_losant_error,
    render_members,
    render_orgs,
    render_removed,
    render_result,
    render_role_changed,
    render_usage_error,
    render_working,
    render_write_unknown,
)

ORG = Org(id="5f0c0ffee0c0ffee0c0ffee0", name="Acme")
BO = Member(user_id="5f0000000000000000000001", role="view", email="bo@acme.io", first_name="Bo")
USAGE: dict[Subcommand, str] = {
    "help": "/members help",
    "list": "/members list org=<org> [filter=<glob>]",
    "add": "/members add org=<org> email=<email> [role=<role>]",
    "show": "/members show org=<org> user=<email>",
    "role": "/members role org=<org> user=<email> role=<role>",
    "remove": "/members remove org=<org> user=<email>",
    "orgs": "/members orgs [filter=<glob>]",
    "find": "/members find user=<email>",
    "offboard": "/members offboard user=<email>",
    "grants": "/members grants [org=<org>]",
    "extend": "/members extend org=<org> user=<email> for=<duration>",
    "revoke": "/members revoke org=<org> user=<email>",
    "request": "/members request org=<org> role=<role> for=<duration> reason=<text>",
    "requests": "/members requests",
}
DASH = "\u2013"  # the en dash of "members 21-40", escaped because ruff flags the literal
SCOPES = "`all.Instance`, or `instanceOrgMembers.*`, `instanceOrgMember.*` and `instanceOrgs.*`"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def context(*texts: str) -> dict[str, Any]:
    elements = [{"type": "mrkdwn", "text": t, "verbatim": True} for t in texts]
    return {"type": "context", "elements": elements}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    text = {"type": "plain_text", "text": label, "emoji": True}
    element = {"type": "button", "text": text, "action_id": action_id, "value": value}
    return element | ({"style": style} if style else {})


def ephemeral(text: str, *blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"text": text, "blocks": list(blocks), "response_type": "ephemeral"} | extra


def member(n: int, role: Role = "view") -> Member:
    return Member(user_id=f"{n:024x}", role=role, email=f"u{n:02}@acme.io")


# ---- Reply and escaping ----------------------------------------------------------------


def test_reply_to_dict_never_says_where_it_goes() -> None:
    """A view only says what to show: whether it replaces a card is the delivery step's."""
    expected = {"text": "t", "blocks": [], "response_type": "in_channel"}
    assert expected == Reply("t", [], "in_channel").to_dict()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("<!channel>", "&lt;!channel&gt;", id="broadcast"),
        pytest.param("<@U123>", "&lt;@U123&gt;", id="mention"),
        pytest.param("<http://evil|safe>", "&lt;http://evil|safe&gt;", id="disguised-link"),
        pytest.param("a & b", "a &amp; b", id="ampersand"),
        pytest.param("&lt;", "&amp;lt;", id="entity-is-shown-not-decoded"),
        pytest.param('it\'s "quoted" *bold*', 'it\'s "quoted" *bold*', id="nothing-else"),
    ],
)
def test_escape(raw: str, expected: str) -> None:
    """Only &, < and > are escaped, & first, so Slack shows the text exactly as it came."""
    assert expected == escape(raw)


# ---- lists -----------------------------------------------------------------------------


def test_member_list_that_fits_one_page() -> None:
    """A short list: header with count, filter and sort, one line per member, no footer."""
    members = [BO, member(2, "admin")]
    page = MemberPage(ORG, ListCommand(OrgRef("acme"), filter="*@acme.io"), members)
    expected = ephemeral(
        "Members of Acme: 2 members (page 1 of 1)",
        section("*Members of Acme* · 2 members\nemail matches `*@acme.io` · sorted by email, A→Z"),
        section("• bo@acme.io · `view` · Bo\n• u02@acme.io · `admin`"),
    )
    assert expected == render_members(page).to_dict()


def test_member_list_middle_page_has_both_buttons() -> None:
    """Page 2 of 3 shows members 21-40 and Prev/Next buttons that carry the whole query."""
    members = [member(n) for n in range(1, 46)]
    query = ListCommand(
        OrgRef("Acme"), filter="viewer", field="role", sort="role", direction="desc"
    )
    state = MemberPageState(ORG.id, "viewer", "role", "role", "desc", page=0)
    lines = "\n".join(f"• u{n:02}@acme.io · `view`" for n in range(21, 41))
    expected = ephemeral(
        "Members of Acme: 45 members (page 2 of 3)",
        section("*Members of Acme* · 45 members\nrole matches `viewer` · sorted by role, Z→A"),
        section(lines),
        context(f"Page 2 of 3 · members 21{DASH}40"),
        {
            "type": "actions",
            "elements": [
                button("Prev", "members_prev", encode(state)),
                button(
                    "Next", "members_next", encode(MemberPageState(**{**vars(state), "page": 2}))
                ),
            ],
        },
    )
    assert expected == render_members(MemberPage(ORG, query, members, page=1)).to_dict()


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        pytest.param(0, f"members 1{DASH}20", id="first"),
        pytest.param(2, f"members 41{DASH}45", id="last"),
        pytest.param(99, f"members 41{DASH}45", id="past-the-end-clamps-to-last"),
    ],
)
def test_member_list_page_numbers(page: int, shown: str) -> None:
    """The footer names the page shown; a page past the end shows the last one."""
    members = [member(n) for n in range(1, 46)]
    reply = render_members(MemberPage(ORG, ListCommand(OrgRef("Acme")), members, page=page))
    assert f"Page {1 if page == 0 else 3} of 3 · {shown}" == reply.blocks[2]["elements"][0]["text"]


def test_member_list_edges_have_one_button() -> None:
    """The first page has only Next, the last only Prev."""
    members = [member(n) for n in range(1, 46)]

    def action_ids(page: int) -> list[str]:
        reply = render_members(MemberPage(ORG, ListCommand(OrgRef("Acme")), members, page=page))
        return [e["action_id"] for e in reply.blocks[-1]["elements"]]

    assert (action_ids(0), action_ids(2)) == (["members_next"], ["members_prev"])


def test_count_uses_thousands_separators() -> None:
    """A thousand members read as "1,000 members"; a single one as "1 member"."""
    thousand = render_members(MemberPage(ORG, ListCommand(OrgRef("a")), [BO] * 1000))
    one = render_members(MemberPage(ORG, ListCommand(OrgRef("a")), [BO]))
    expected = ("*Members of Acme* · 1,000 members", "*Members of Acme* · 1 member")
    actual = tuple(r.blocks[0]["text"]["text"].split("\n")[0] for r in (thousand, one))
    assert expected == actual


def test_empty_filtered_member_list_suggests_a_broader_filter() -> None:
    """Nothing matched: say so, and show how to widen the search."""
    page = MemberPage(ORG, ListCommand(OrgRef("Acme"), filter="zz*"), [])
    expected = ephemeral(
        "No members of Acme to show.",
        section(
            "No members of *Acme* have email matching `zz*`.\nTry a broader glob (such as "
            "`*smith*`), or list everyone: `/members list org=5f0c0ffee0c0ffee0c0ffee0`"
        ),
    )
    assert expected == render_members(page).to_dict()


def test_org_list_shows_ids_and_counts_losant_gave() -> None:
    """Each org with its ID; the member count only when Losant sent a summary."""
    beta = Org(id="5f0c0ffee0c0ffee0c0ffee1", name="Beta", summary=OrgSummary(member_count=1))
    expected = ephemeral(
        "Orgs: 2 orgs (page 1 of 1)",
        section("*Orgs* · 2 orgs\nall orgs · sorted by name"),
        section(
            "• *Acme* · `5f0c0ffee0c0ffee0c0ffee0`\n"
            "• *Beta* · `5f0c0ffee0c0ffee0c0ffee1` · 1 member"
        ),
    )
    assert expected == render_orgs(OrgPage(orgs=[ORG, beta], total=2)).to_dict()


def test_org_list_buttons_carry_the_filter() -> None:
    """The org list pages with orgs_prev/orgs_next whose values keep the filter."""
    orgs = [Org(id=f"{n:024x}", name=f"org {n}") for n in range(41)]
    reply = render_orgs(OrgPage(orgs=orgs, total=41, filter="org*", page=1))
    expected = [
        button("Prev", "orgs_prev", encode(OrgPageState(filter="org*", page=0))),
        button("Next", "orgs_next", encode(OrgPageState(filter="org*", page=2))),
    ]
    assert expected == reply.blocks[-1]["elements"]


def test_ambiguous_org_lists_matches_and_how_to_pick() -> None:
    """Several orgs share a name: each with its ID, and how to re-run with org=<id>."""
    other = Org(id="5f0c0ffee0c0ffee0c0ffee1", name="ACME")
    expected = ephemeral(
        "2 orgs are named acme; run it again with the org's ID.",
        section("2 orgs are named *acme*, so nothing was done:"),
        section("• *Acme* · `5f0c0ffee0c0ffee0c0ffee0`\n• *ACME* · `5f0c0ffee0c0ffee0c0ffee1`"),
        section("Run the command again with the org's ID, e.g. `org=5f0c0ffee0c0ffee0c0ffee0`."),
    )
    assert expected == render_result(AmbiguousOrg(name="acme", matches=[ORG, other])).to_dict()


# ---- changes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        pytest.param(
            MemberAdded(ORG, BO, "added", role_defaulted=True),
            ":white_check_mark: Added bo@acme.io to *Acme* as `view` "
            "(the default role; add `role=&lt;role&gt;` to choose).",
            id="added-default-role",
        ),
        pytest.param(
            MemberAdded(ORG, BO.model_copy(update={"role": "edit"}), "added"),
            ":white_check_mark: Added bo@acme.io to *Acme* as `edit`.",
            id="added-chosen-role",
        ),
        pytest.param(
            MemberAdded(ORG, BO, "already_member"),
            "bo@acme.io is already a member of *Acme*, as `view`.\nTo change their role: "
            "`/members role org=5f0c0ffee0c0ffee0c0ffee0 user=bo@acme.io role=&lt;role&gt;`",
            id="already-member",
        ),
        pytest.param(
            RoleChanged(ORG, BO.model_copy(update={"role": "admin"}), "view", "changed"),
            ":white_check_mark: Changed the role of bo@acme.io in *Acme*: `view` → `admin`.",
            id="role-changed",
        ),
        pytest.param(
            RoleChanged(ORG, BO, "view", "unchanged"),
            "bo@acme.io already has the role `view` in *Acme*; nothing changed.",
            id="role-unchanged",
        ),
        pytest.param(
            MemberRemoved(ORG, "bo@acme.io", BO, "removed", verified_after_error=True),
            ":white_check_mark: Removed bo@acme.io from *Acme*. Their role was `view`.\n"
            "Losant's answer was lost on the way, but the change was checked and is in place.",
            id="removed-verified-after-error",
        ),
        pytest.param(
            MemberRemoved(ORG, "bo@acme.io", None, "already_removed"),
            "bo@acme.io is no longer a member of *Acme*; there was nothing to remove.",
            id="already-removed",
        ),
        pytest.param(
            WriteUnknown(ORG, "add", "bo@acme.io", "edit", "Losant timed out"),
            ":warning: I asked Losant to add bo@acme.io to *Acme* as `edit`, but could not "
            "tell whether it did (Losant timed out).\nCheck before trying again: "
            "`/members show org=5f0c0ffee0c0ffee0c0ffee0 user=bo@acme.io`",
            id="write-unknown",
        ),
    ],
)
def test_change_outcomes(result: Result, expected: str) -> None:
    """Each write outcome is one clear section that says what is true now."""
    assert [section(expected)] == render_result(result).blocks


def test_added_reply_as_a_whole() -> None:
    """The fallback text is the sentence without its emoji; the reply is ephemeral."""
    text = (
        "Added bo@acme.io to *Acme* as `view` "
        "(the default role; add `role=&lt;role&gt;` to choose)."
    )
    expected = ephemeral(text, section(f":white_check_mark: {text}"))
    assert expected == render_added(MemberAdded(ORG, BO, "added", role_defaulted=True)).to_dict()


def test_show_member_as_fields() -> None:
    """show: one section with the member's role, ID and what else Losant gave as fields."""
    shown = BO.model_copy(update={"two_factor_auth_enabled": True})
    reply = render_result(MemberShown(ORG, shown))
    field = {"type": "mrkdwn", "verbatim": True}
    expected = [
        section("bo@acme.io is a member of *Acme*.")
        | {
            "fields": [
                field | {"text": "*Role*\n`view`"},
                field | {"text": "*User ID*\n`5f0000000000000000000001`"},
                field | {"text": "*Name*\nBo"},
                field | {"text": "*Two-factor auth*\non"},
            ]
        }
    ]
    assert expected == reply.blocks


@pytest.mark.parametrize(
    ("subcommand", "role", "question", "label", "style"),
    [
        pytest.param(
            "remove",
            None,
            "Remove bo@acme.io (now `view`) from *Acme*?",
            "Remove",
            "danger",
            id="remove",
        ),
        pytest.param(
            "role",
            "admin",
            "Make bo@acme.io (now `view`) `admin` of *Acme*?",
            "Change role",
            "primary",
            id="make-admin",
        ),
    ],
)
def test_confirm_card(
    subcommand: Subcommand, role: Role | None, question: str, label: str, style: str
) -> None:
    """The card: what will happen, who may confirm, until when; both buttons carry the token."""
    result = ConfirmationNeeded(
        ORG,
        subcommand,
        "bo@acme.io",
        BO,
        role,
        "view",
        "signed.token",
        1700000000,
    )
    expected = ephemeral(
        f"Confirm: {question}",
        section(question),
        context(
            "Only you can confirm this. It expires "
            "<!date^1700000000^{date_short_pretty} at {time}|2023-11-14 22:13 UTC>."
        ),
        {
            "type": "actions",
            "elements": [
                button(label, "members_confirm", "signed.token", style),
                button("Cancel", "members_cancel", "signed.token"),
            ],
        },
    )
    assert expected == render_result(result).to_dict()


def test_cancel_and_refusal_read_plainly() -> None:
    """After a click: what was cancelled, or the refusal's reason shown escaped."""
    cancelled = ephemeral(
        "Cancelled. Nothing was changed.",
        section("Cancelled. Nothing was changed."),
    )
    refused = ephemeral(
        "Expired &lt;soon&gt;. Nothing was changed.",
        section(
            ":no_entry: Expired &lt;soon&gt;. Nothing was changed.\n"
            "Run the command again if you still want this change."
        ),
    )
    actual = (render_cancelled().to_dict(), render_confirm_refused("Expired <soon>.").to_dict())
    assert (cancelled, refused) == actual


# ---- errors, help ----------------------------------------------------------------------

NOT_A_MEMBER = (
    "bo@acme.io is not a member of `Acme`.",
    "See who is: `/members list org=Acme`",
)


LOSANT_REPLIES = [
    pytest.param(
        LosantInvalidRole("role is not valid", status=400, error_type="Validation"),
        (
            "Losant refused the request: role is not valid",
            "Valid roles: `admin`, `edit`, `collaborate`, `view`, `none`.",
        ),
        id="400-about-role",
    ),
    pytest.param(
        LosantInvalidEmail("email <b> is bad", status=400, error_type="Validation"),
        ("Losant refused the request: email &lt;b&gt; is bad", "Check the email address."),
        id="400-about-email",
    ),
    pytest.param(
        LosantBadRequest("name is required", status=400, error_type="Validation"),
        ("Losant refused the request: name is required", "Check the values and try again."),
        id="400-other",
    ),
    pytest.param(
        LosantBadRequest("role and email", status=400, error_type="AlreadyExists"),
        ("Losant refused the request: role and email", "Check the values and try again."),
        id="400-other-whatever-the-words",
    ),
    pytest.param(
        LosantAlreadyExists('"bo@acme.io" already exists', status=400),
        (
            "bo@acme.io is already a member of `Acme`.",
            "See their role with `/members show org=Acme user=bo@acme.io`",
        ),
        id="400-already-exists",
    ),
    pytest.param(
        LosantOrgNotFound("Member was not found", status=404, path="/instances/i/orgs"),
        ("Losant has no org `Acme`.", "Find the right one with `/members orgs`"),
        id="404-org",
    ),
    pytest.param(
        LosantMemberNotFound("Organization was not found", status=404),
        NOT_A_MEMBER,
        id="404-member",
    ),
    pytest.param(
        LosantInstanceNotFound("Member was not found", status=404, path="/orgs/o/members/u"),
        (
            "Losant does not know the instance this bot is set up for.",
            "For whoever runs this bot: check `LOSANT_INSTANCE_ID`.",
        ),
        id="404-instance",
    ),
    pytest.param(
        LosantAuthError("Invalid access token", status=401),
        (
            "The bot's Losant API token is invalid or expired, so Losant refused the request.",
            f"For whoever runs this bot: give `LOSANT_API_TOKEN` a token with {SCOPES}.",
        ),
        id="401",
    ),
    pytest.param(
        LosantAuthError("Forbidden", status=403),
        (
            "The bot's Losant API token lacks a needed scope, so Losant refused the request.",
            f"For whoever runs this bot: give `LOSANT_API_TOKEN` a token with {SCOPES}.",
        ),
        id="403",
    ),
    pytest.param(
        LosantRateLimited("slow down", retry_after=2.0),
        ("Losant is busy and asked the bot to slow down.", "Try again in a minute."),
        id="429",
    ),
    pytest.param(
        LosantUnavailable("timed out"),
        ("Losant is unavailable or slow right now.", "Try again in a minute."),
        id="unavailable",
    ),
    pytest.param(
        LosantUnexpected("not JSON", status=200),
        (
            "Losant sent an answer the bot could not read.",
            "Try again; if it keeps happening, tell whoever runs this bot (the logs have it).",
        ),
        id="unreadable",
    ),
]


@pytest.mark.parametrize(("err", "expected"), LOSANT_REPLIES)
def test_losant_errors_say_what_happened_and_what_next(
    err: LosantError, expected: tuple[str, str]
) -> None:
    """Each class gets its reply (what happened, then the next step), whatever the words say."""
    said, hint = expected
    assert [section(f":x: {said}\n{hint}")] == render_losant_error(
        err, org="Acme", target="bo@acme.io"
    ).blocks[:1]


def error_tree(kind: type[LosantError] = LosantError) -> list[type[LosantError]]:
    return [kind, *(sub for child in kind.__subclasses__() for sub in error_tree(child))]


def test_every_class_the_client_raises_has_a_reply_above() -> None:
    """Every class in the Losant error tree, but the two bases, is rendered above."""
    raised = {kind for kind in error_tree() if kind not in (LosantError, LosantNotFound)}
    assert raised == {type(param.values[0]) for param in LOSANT_REPLIES}


def test_losant_error_reply_as_a_whole() -> None:
    """The reply ends with Losant's status and type, for whoever reports it."""
    err = LosantOrgNotFound("Organization was not found", status=404, error_type="NotFound")
    expected = ephemeral(
        "Losant has no org by that name or ID.",
        section(
            ":x: Losant has no org by that name or ID.\nFind the right one with `/members orgs`"
        ),
        context("Losant: HTTP 404 · NotFound"),
    )
    assert expected == render_losant_error(err).to_dict()


def test_usage_error_shows_the_usage_line_as_code() -> None:
    """A usage error: the parser's message, the usage line (escaped) and where help is."""
    expected = ephemeral(
        "Unknown key fitler; did you mean filter?",
        section(
            ":warning: Unknown key fitler; did you mean filter?\n"
            "Usage: `/members list org=&lt;org&gt; [filter=&lt;glob&gt;]`"
        ),
        context("All commands: `/members help`"),
    )
    assert (
        expected
        == render_usage_error("Unknown key fitler; did you mean filter?", USAGE["list"]).to_dict()
    )


def test_denied_names_the_caller_and_the_setting_to_change() -> None:
    """A denial mentions the caller by ID and says which list an admin must add them to."""
    expected = ephemeral(
        "You may not run /members add: not a writer",
        section(
            ":no_entry: <@U123ABC>, you may not run `/members add`: not a writer\n"
            "To change org membership, ask an admin of this bot to add your user ID "
            "`U123ABC` (or a user group you are in) to `MEMBERS_WRITERS`."
        ),
    )
    assert expected == render_denied("U123ABC", "add", "write", "not a writer").to_dict()


def test_denied_never_mentions_something_that_is_not_a_user_id() -> None:
    """A caller "ID" that is not a Slack user ID is shown escaped, never as a mention."""
    reply = render_denied("<!channel>", "list", "read", "no")
    expected = (
        ":no_entry: You may not run `/members list`: no\nTo read org membership, ask an admin "
        "of this bot to add your user ID `&lt;!channel&gt;` (or a user group you are in) to "
        "`MEMBERS_READERS` or `MEMBERS_WRITERS`."
    )
    assert expected == reply.blocks[0]["text"]["text"]


def test_internal_error_gives_the_request_id() -> None:
    """An unexpected failure says so, with the request ID to report."""
    expected = ephemeral(
        "Something went wrong (request ID r-42).",
        section(
            ":x: Something went wrong (request ID `r-42`).\n"
            "Try again; if it keeps happening, give the request ID to whoever runs this bot."
        ),
    )
    assert expected == render_internal_error("r-42").to_dict()


def test_bot_error_shows_message_and_hint_escaped() -> None:
    """A BotError's message and hint are shown, escaped like any other data."""
    err = OrgNotFound("No org is named <!here>.", hint="Run `/members orgs`.")
    expected = ephemeral(
        "No org is named &lt;!here&gt;.",
        section(":warning: No org is named &lt;!here&gt;.\nRun `/members orgs`."),
    )
    assert expected == render_bot_error(err).to_dict()


def test_help_lists_only_allowed_subcommands() -> None:
    """A reader's help shows the read subcommands, in the grammar's order, and no roles."""
    reply = render_help(["orgs", "list", "help", "show"], USAGE, default_org="Acme & Co")
    expected = ephemeral(
        "/members: help, list, show, orgs.",
        section("*/members* manages the members of this Losant instance's orgs."),
        section(
            "• `/members help`: this message\n"
            "• `/members list org=&lt;org&gt; [filter=&lt;glob&gt;]`: an org's members, 20 a page\n"
            "• `/members show org=&lt;org&gt; user=&lt;email&gt;`: one member's role and details\n"
            "• `/members orgs [filter=&lt;glob&gt;]`: the orgs and their IDs"
        ),
        context(
            "`&lt;org&gt;` is an org's ID or its exact name (any case).",
            "Without `org=`, commands use `Acme &amp; Co`.",
        ),
    )
    assert expected == reply.to_dict()


def test_help_for_a_writer_explains_roles_durations_and_confirmation() -> None:
    """A writer's help lists every subcommand and adds the roles, durations and confirm rule."""
    reply = render_help(SUBCOMMANDS, USAGE, default_org=None)
    expected = context(
        "`&lt;org&gt;` is an org's ID or its exact name (any case).",
        "Roles: `admin`, `edit`, `collaborate`, `view`, `none`.",
        "Durations: `90s`, `30m`, `2h`, `1d`, `1w`, or sums like `1h30m`, within the limits "
        "set for each role.",
        "Removing or offboarding someone, making someone `admin`, or adding more than 10 "
        "people asks you to confirm first.",
    )
    assert (14, expected) == (reply.blocks[1]["text"]["text"].count("\n") + 1, reply.blocks[2])


def test_help_for_a_reader_offers_find_grants_and_requests() -> None:
    """A reader's help shows the new reads and `request`, with roles and durations for it."""
    reply = render_help(
        ["help", "requests", "request", "grants", "find"], USAGE, default_org="Acme"
    )
    expected = ephemeral(
        "/members: help, find, grants, request, requests.",
        section("*/members* manages the members of this Losant instance's orgs."),
        section(
            "• `/members help`: this message\n"
            "• `/members find user=&lt;email&gt;`: every org a person is in, with their role "
            "there\n"
            "• `/members grants [org=&lt;org&gt;]`: time-limited access that is still live, in "
            "every org or one\n"
            "• `/members request org=&lt;org&gt; role=&lt;role&gt; for=&lt;duration&gt; "
            "reason=&lt;text&gt;`: ask for access for yourself, for a while; an approver "
            "decides\n"
            "• `/members requests`: the requests waiting for you"
        ),
        context(
            "`&lt;org&gt;` is an org's ID or its exact name (any case).",
            "Without `org=`, commands use `Acme`; `grants` then shows every org.",
            "Roles: `admin`, `edit`, `collaborate`, `view`, `none`.",
            "Durations: `90s`, `30m`, `2h`, `1d`, `1w`, or sums like `1h30m`, within the limits "
            "set for each role.",
        ),
    )
    assert expected == reply.to_dict()


def test_working_notice() -> None:
    """The "working on it" notice is one small context line."""
    expected = ephemeral(
        "Working on it… Losant is taking a moment.",
        context(":hourglass_flowing_sand: Working on it… Losant is taking a moment."),
    )
    assert expected == render_working().to_dict()


def test_render_result_dispatches_every_result_type() -> None:
    """render_result picks the view for each result type (here: the write-unknown one)."""
    result = WriteUnknown(ORG, "remove", "bo@acme.io", None, "dropped")
    assert render_write_unknown(result) == render_result(result)
    removed = MemberRemoved(ORG, "bo@acme.io", None, "removed")
    assert render_removed(removed) == render_result(removed)
    changed = RoleChanged(ORG, BO, "edit", "changed")
    assert render_role_changed(changed) == render_result(changed)
