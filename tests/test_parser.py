"""Table-driven tests of the grammar (ARCHITECTURE.md §4): text in, whole Command out."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

import pytest

from bot.usecases.commands import (
    MAX_PEOPLE,
    SUBCOMMANDS,
    AddCommand,
    BulkAddCommand,
    Command,
    ExtendCommand,
    FindCommand,
    GrantsCommand,
    HelpCommand,
    ListCommand,
    MemberRef,
    NotValid,
    OffboardCommand,
    OrgRef,
    OrgsCommand,
    RemoveCommand,
    RequestCommand,
    RequestsCommand,
    RevokeCommand,
    RoleCommand,
    ShowCommand,
    Subcommand,
    UsageError,
)
from handlers.parser import MAX_TEXT_LENGTH, USAGE, closest, parse
from tests.work import CALLS_PER_CHARACTER, calls_made

ACME = OrgRef("acme")
ORG_ID = "5f3a5f3a5f3a5f3a5f3a5f3a"
USER_ID = "0123456789abcdef01234567"
BO = MemberRef("slack_user", "U123ABC")
CY = MemberRef("slack_user", "U456DEF")
ANN = MemberRef("email", "ann@example.com")
DAN = MemberRef("email", "dan@example.org")
HOUR = 3600
NOT_A_MEMBER = "not an email, a Losant user ID (24 hex characters) or an @mention"
UNKNOWN_AT_NAME = (
    "not a person Slack recognised: type `@` and pick them from Slack's list, so the "
    "command carries their Slack ID, or give their email"
)


def _list(**changes: Any) -> ListCommand:
    return replace(ListCommand(ACME), **changes)


VALID = [
    # help
    pytest.param("", HelpCommand(), id="empty-is-help"),
    pytest.param("  \t\n ", HelpCommand(), id="blank-is-help"),
    pytest.param("help", HelpCommand(), id="help"),
    pytest.param("HeLp", HelpCommand(), id="help-any-case"),
    pytest.param("help list", HelpCommand(), id="help-with-topic"),
    # list: keys, aliases, case
    pytest.param("list org=acme", _list(), id="list-defaults"),
    pytest.param("LIST ORG=acme", _list(), id="subcommand-and-key-any-case"),
    pytest.param(f"list org={ORG_ID.upper()}", ListCommand(OrgRef(ORG_ID)), id="org-id-lowered"),
    pytest.param("list orgId=acme", _list(), id="losant-orgId"),
    pytest.param(
        "list ORGID=acme SORTFIELD=role SORTDIRECTION=desc",
        _list(sort="role", direction="desc"),
        id="losant-names-upper-case",
    ),
    pytest.param(
        "list org=acme sort=ROLE direction=Desc",
        _list(sort="role", direction="desc"),
        id="values-any-case",
    ),
    pytest.param("list org=acme dir=desc", _list(direction="desc"), id="dir"),
    pytest.param("list org=acme filter=*@x.io", _list(filter="*@x.io"), id="filter-on-email"),
    pytest.param(
        "list org=acme filter=ad* field=role",
        _list(filter="ad*", field="role"),
        id="filter-on-role",
    ),
    pytest.param(
        "list org=acme filter=ad* filterField=role",
        _list(filter="ad*", field="role"),
        id="losant-filterField",
    ),
    pytest.param("list org=acme email=*@x.io", _list(filter="*@x.io"), id="email-shorthand"),
    pytest.param(
        "list org=acme role=Admin", _list(filter="admin", field="role"), id="role-shorthand"
    ),
    pytest.param('list org="Acme Corp"', ListCommand(OrgRef("Acme Corp")), id="quoted-org-name"),
    pytest.param("list\torg=acme\n", _list(), id="tabs-and-newlines"),
    pytest.param("list\u00a0org=acme", _list(), id="no-break-space"),
    # quoting
    pytest.param(
        'list org=acme filter="my * instance"', _list(filter="my * instance"), id="double-quotes"
    ),
    pytest.param(
        "list org=acme filter='my * instance'", _list(filter="my * instance"), id="single-quotes"
    ),
    pytest.param(
        "list org=acme filter=\u201cmy * instance\u201d",
        _list(filter="my * instance"),
        id="curly-quotes",
    ),
    pytest.param(
        "list org=acme filter=\u2018my * instance\u2019",
        _list(filter="my * instance"),
        id="curly-single-quotes",
    ),
    pytest.param(
        "list org=acme filter=\u201dmy * instance\u201d",
        _list(filter="my * instance"),
        id="curly-quotes-both-right",
    ),
    pytest.param("list org=acme filter=o'brien*", _list(filter="o'brien*"), id="apostrophe"),
    pytest.param(
        "list org=acme filter=o\u2019brien*", _list(filter="o\u2019brien*"), id="curly-apostrophe"
    ),
    pytest.param(
        "list org=acme filter='it's here'", _list(filter="it's here"), id="apostrophe-in-quotes"
    ),
    pytest.param('list org=acme filter="a"b"', _list(filter='a"b'), id="quote-inside-quoted-value"),
    # Slack's escaping
    pytest.param(
        "list org=acme filter=a&amp;b&lt;c&gt;", _list(filter="a&b<c>"), id="html-entities"
    ),
    pytest.param("list org=acme filter=&amp;lt;", _list(filter="&lt;"), id="entities-undone-once"),
    pytest.param(
        "list org=acme email=<mailto:ann@example.com|ann@example.com>",
        _list(filter="ann@example.com"),
        id="mailto-link",
    ),
    pytest.param(
        "list org=acme filter=<http://x.io|x.io>*", _list(filter="x.io*"), id="link-label"
    ),
    pytest.param(
        "list org=acme filter=<http://x.io?a=1&amp;b=2>",
        _list(filter="http://x.io?a=1&b=2"),
        id="link-without-label",
    ),
    pytest.param(
        "list org=acme filter=<!channel>", _list(filter="<!channel>"), id="channel-kept-literal"
    ),
    pytest.param(
        "list org=acme filter=<#C123|general>",
        _list(filter="<#C123|general>"),
        id="channel-link-kept-literal",
    ),
    pytest.param(
        "list org=acme filter=<@U123ABC|bo>",
        _list(filter="<@U123ABC|bo>"),
        id="mention-in-filter-is-literal",
    ),
    pytest.param(
        'list org=acme filter="<http://x.io|my site> *"',
        _list(filter="my site *"),
        id="link-label-with-space",
    ),
    # add
    pytest.param(
        "add org=acme email=ann@example.com", AddCommand(ACME, ANN), id="add-defaults-to-view"
    ),
    pytest.param(
        "add org=acme email=ann@example.com role=ADMIN",
        AddCommand(ACME, ANN, role="admin", role_defaulted=False),
        id="add-with-role",
    ),
    pytest.param(
        "add org=acme email=ann@example.com role=view",
        AddCommand(ACME, ANN, role="view", role_defaulted=False),
        id="add-view-said-explicitly",
    ),
    pytest.param("add org=acme user=<@U123ABC|bo>", AddCommand(ACME, BO), id="add-mention"),
    pytest.param("add org=acme <@U123ABC|bo>", AddCommand(ACME, BO), id="add-bare-mention"),
    pytest.param("add org=acme <@U123ABC>", AddCommand(ACME, BO), id="mention-without-label"),
    pytest.param(
        "add org=acme <@W0GRID42>",
        AddCommand(ACME, MemberRef("slack_user", "W0GRID42")),
        id="enterprise-grid-mention",
    ),
    pytest.param("add org=acme ann@example.com", AddCommand(ACME, ANN), id="add-bare-email"),
    pytest.param(
        "add org=acme <mailto:ann@example.com|ann@example.com>",
        AddCommand(ACME, ANN),
        id="add-bare-mailto",
    ),
    pytest.param(
        f"add org=acme userId={USER_ID.upper()}",
        AddCommand(ACME, MemberRef("user_id", USER_ID)),
        id="add-user-id-lowered",
    ),
    pytest.param(
        "add role=none <@U123ABC|bo> org=acme",
        AddCommand(ACME, BO, role="none", role_defaulted=False),
        id="any-order",
    ),
    # show, role, remove
    pytest.param(
        "show org=acme user=ann@example.com", ShowCommand(ACME, ANN), id="show-email-as-user"
    ),
    pytest.param("show org=acme email=ann@example.com", ShowCommand(ACME, ANN), id="show-email"),
    pytest.param(
        f"show org=acme USERID={USER_ID}",
        ShowCommand(ACME, MemberRef("user_id", USER_ID)),
        id="show-losant-userId",
    ),
    pytest.param("show org=acme <@U123ABC|bo>", ShowCommand(ACME, BO), id="show-bare-mention"),
    pytest.param(
        "role org=acme user=<@U123ABC|bo> role=edit",
        RoleCommand(ACME, BO, role="edit"),
        id="role",
    ),
    pytest.param(
        "role org=acme ann@example.com role=collaborate",
        RoleCommand(ACME, ANN, role="collaborate"),
        id="role-bare-email",
    ),
    pytest.param(
        "remove org=acme email=ann@example.com", RemoveCommand(ACME, ANN), id="remove-email"
    ),
    pytest.param("remove org=acme <@U123ABC|bo>", RemoveCommand(ACME, BO), id="remove-mention"),
    pytest.param(
        "role org=acme ann@example.com role=Viewer",
        RoleCommand(ACME, ANN, role="view"),
        id="role-ui-name",
    ),
    pytest.param(
        "add org=acme email=ann@example.com role=administrator",
        AddCommand(ACME, ANN, role="admin", role_defaulted=False),
        id="add-ui-name",
    ),
    # orgs
    pytest.param("orgs", OrgsCommand(), id="orgs"),
    pytest.param('orgs filter="acme *"', OrgsCommand(filter="acme *"), id="orgs-filter"),
    # add: several people
    pytest.param(
        "add org=acme email=ann@example.com,dan@example.org role=edit",
        BulkAddCommand(ACME, (ANN, DAN), role="edit", role_defaulted=False),
        id="add-email-list",
    ),
    pytest.param(
        "add org=acme user=<@U123ABC|bo>,<@U456DEF|cy>",
        BulkAddCommand(ACME, (BO, CY)),
        id="add-mention-list",
    ),
    pytest.param(
        "add org=acme email=ann@example.com user=<@U123ABC|bo> userId=dan@example.org",
        BulkAddCommand(ACME, (ANN, BO, DAN)),
        id="add-several-keys",
    ),
    pytest.param(
        "add org=acme ann@example.com, <@U123ABC|bo>\n<mailto:dan@example.org|dan@example.org>",
        BulkAddCommand(ACME, (ANN, BO, DAN)),
        id="add-pasted-list",
    ),
    pytest.param(
        'add org=acme email="ann@example.com, dan@example.org"',
        BulkAddCommand(ACME, (ANN, DAN)),
        id="add-quoted-list",
    ),
    pytest.param(
        "add org=acme dan@example.org <@U123ABC|bo> ann@example.com",
        BulkAddCommand(ACME, (DAN, BO, ANN)),
        id="add-list-keeps-order",
    ),
    pytest.param(
        "add org=acme ann@example.com ANN@Example.com,<@U123ABC> <@U123ABC|bo>",
        BulkAddCommand(ACME, (ANN, BO)),
        id="add-list-deduplicates-ignoring-email-case",
    ),
    pytest.param(
        "add org=acme ann@example.com Ann@Example.COM",
        AddCommand(ACME, ANN),
        id="add-one-person-twice-is-one-add",
    ),
    pytest.param(
        "add org=acme user=<@U123ABC|Bo, Smith>,ann@example.com",
        BulkAddCommand(ACME, (BO, ANN)),
        id="comma-in-mention-label-is-not-split",
    ),
    pytest.param(
        "add org=acme ann@example.com bo",
        BulkAddCommand(ACME, (ANN,), (NotValid("bo", NOT_A_MEMBER),)),
        id="add-list-with-unknown-form",
    ),
    pytest.param(
        "add org=acme ann@example.com,@cy,dan@,<!subteam^S1|@ops>,<#C1|general>,bo,bo",
        BulkAddCommand(
            ACME,
            (ANN,),
            (
                NotValid("@cy", UNKNOWN_AT_NAME),
                NotValid("dan@", "not an email address"),
                NotValid("<!subteam^S1|@ops>", "a Slack user group: name its people one by one"),
                NotValid("<#C1|general>", "a channel, not a person"),
                NotValid("bo", NOT_A_MEMBER),
            ),
        ),
        id="add-list-says-why-each-is-not-valid",
    ),
    pytest.param(
        "add org=acme ann@example.com &lt;@U123ABC&gt;",
        BulkAddCommand(ACME, (ANN,), (NotValid("<@U123ABC>", UNKNOWN_AT_NAME),)),
        id="typed-mention-lookalike-is-no-mention",
    ),
    pytest.param(
        "add org=acme " + " ".join(f"u{i}@x.io" for i in range(MAX_PEOPLE)),
        BulkAddCommand(ACME, tuple(MemberRef("email", f"u{i}@x.io") for i in range(MAX_PEOPLE))),
        id="add-max-people",
    ),
    # time-limited grants
    pytest.param(
        "add org=acme ann@example.com for=2h",
        AddCommand(ACME, ANN, duration_s=2 * HOUR),
        id="add-for",
    ),
    pytest.param(
        "add org=acme ann@example.com role=admin duration=1h30m",
        AddCommand(ACME, ANN, role="admin", role_defaulted=False, duration_s=5400),
        id="add-duration-alias",
    ),
    pytest.param(
        "role org=acme user=<@U123ABC|bo> role=edit for=1D12H",
        RoleCommand(ACME, BO, role="edit", duration_s=36 * HOUR),
        id="role-for",
    ),
    # find, offboard
    pytest.param("find user=ann@example.com", FindCommand(ANN), id="find"),
    pytest.param("find <@U123ABC|bo>", FindCommand(BO), id="find-bare-mention"),
    pytest.param(
        f"FIND userId={USER_ID.upper()}",
        FindCommand(MemberRef("user_id", USER_ID)),
        id="find-user-id",
    ),
    pytest.param("offboard user=<@U123ABC|bo>", OffboardCommand(BO), id="offboard"),
    pytest.param("offboard email=ann@example.com", OffboardCommand(ANN), id="offboard-email"),
    # grants, extend, revoke
    pytest.param("grants", GrantsCommand(), id="grants-everything"),
    pytest.param("grants org=acme", GrantsCommand(org=ACME), id="grants-of-an-org"),
    pytest.param("grants <@U123ABC|bo>", GrantsCommand(target=BO), id="grants-of-a-person"),
    pytest.param(
        f"grants orgId={ORG_ID.upper()} user=ann@example.com",
        GrantsCommand(org=OrgRef(ORG_ID), target=ANN),
        id="grants-of-a-person-in-an-org",
    ),
    pytest.param(
        "extend org=acme user=ann@example.com for=1w",
        ExtendCommand(ACME, ANN, duration_s=7 * 24 * HOUR),
        id="extend",
    ),
    pytest.param("revoke org=acme <@U123ABC|bo>", RevokeCommand(ACME, BO), id="revoke"),
    # request, requests
    pytest.param(
        'request org=acme role=edit for=2h reason="debug ticket 42"',
        RequestCommand(ACME, role="edit", duration_s=2 * HOUR, reason="debug ticket 42"),
        id="request",
    ),
    pytest.param(
        "request reason=\u201cI&amp;T ticket 7\u201d for=30m role=Viewer org=acme",
        RequestCommand(ACME, role="view", duration_s=1800, reason="I&T ticket 7"),
        id="request-any-order-curly-quotes",
    ),
    pytest.param(
        "request org=acme role=view for=1d reason=on-call",
        RequestCommand(ACME, role="view", duration_s=24 * HOUR, reason="on-call"),
        id="request-one-word-reason",
    ),
    pytest.param(
        'request org=acme role=view for=1d reason="' + "x" * 500 + '"',
        RequestCommand(ACME, role="view", duration_s=24 * HOUR, reason="x" * 500),
        id="request-reason-at-the-limit",
    ),
    pytest.param("requests", RequestsCommand(), id="requests"),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_parses_valid_commands(text: str, expected: Command) -> None:
    """Each valid command line parses to exactly the Command it means."""
    assert expected == parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("list", ListCommand(OrgRef("Fallback Org")), id="list"),
        pytest.param("show <@U123ABC|bo>", ShowCommand(OrgRef("Fallback Org"), BO), id="show"),
        pytest.param("list org=acme", _list(), id="named-org-wins"),
        pytest.param("orgs", OrgsCommand(), id="orgs-takes-no-org"),
        pytest.param(
            "add ann@example.com dan@example.org",
            BulkAddCommand(OrgRef("Fallback Org"), (ANN, DAN)),
            id="add-list",
        ),
        pytest.param(
            "extend <@U123ABC|bo> for=1h",
            ExtendCommand(OrgRef("Fallback Org"), BO, duration_s=HOUR),
            id="extend",
        ),
        pytest.param(
            "request role=view for=1h reason=x",
            RequestCommand(OrgRef("Fallback Org"), role="view", duration_s=HOUR, reason="x"),
            id="request",
        ),
        pytest.param("grants", GrantsCommand(), id="grants-spans-every-org"),
    ],
)
def test_default_org_fills_a_missing_org(text: str, expected: Command) -> None:
    """``default_org`` stands in for a missing ``org=``, and only then."""
    assert expected == parse(text, default_org="Fallback Org")


ERRORS = [
    pytest.param(
        "x" * (MAX_TEXT_LENGTH + 1), None, ["too long", str(MAX_TEXT_LENGTH)], id="too-long"
    ),
    pytest.param("lsit org=acme", None, ["`lsit`", "Did you mean `list`?", "/members help"],
                 id="unknown-subcommand"),
    pytest.param("frobnicate", None, ["`frobnicate`", "/members help"], id="no-close-subcommand"),
    pytest.param("org=acme", None, ["Start with a subcommand", "/members list org=acme"],
                 id="key-before-subcommand"),
    pytest.param("list org=acme fliter=x", "list", ["`fliter`", "Did you mean `filter`?"],
                 id="unknown-key"),
    pytest.param("orgs org=acme", "orgs", ["no key `org`", "`filter`"], id="key-of-another"),
    pytest.param("list org=acme orgId=beta", "list", ["`org=acme`", "`orgId=beta`", "once"],
                 id="key-twice-via-alias"),
    pytest.param("list org= acme", "list", ["`org=` has no value"], id="empty-value"),
    pytest.param('list org=acme filter=""', "list", ["`filter=` has no value"],
                 id="empty-quoted-value"),
    pytest.param("list org=acme beta", "list", ["Unexpected `beta`", "`filter=beta`"],
                 id="stray-word"),
    pytest.param("list beta", "list", ["Unexpected `beta`", "`org=beta`"],
                 id="stray-word-suggests-org"),
    pytest.param("role org=acme <@U123ABC|bo> admin", "role", ["`role=admin`"],
                 id="stray-role-word"),
    pytest.param("list", "list", ["org=<name or ID>", "/members orgs"], id="missing-org"),
    pytest.param("role org=acme user=ann@example.com role=admn", "role",
                 ["`admn`", "Did you mean `admin`?", "`collaborate`"], id="wrong-role"),
    pytest.param("add org=acme email=ann@example.com role=veiw", "add",
                 ["Did you mean `view`?"], id="wrong-role-on-add"),
    pytest.param("list org=acme role=owner", "list", ["`owner`", "`admin`", "`none`"],
                 id="wrong-role-shorthand"),
    pytest.param("role org=acme user=ann@example.com role=owner", "role",
                 ["`owner` is not a Losant role", "Did you mean `admin`?"], id="owner-means-admin"),
    pytest.param("list org=acme sort=name", "list", ["`name`", "`email`, `role`"],
                 id="wrong-sort"),
    pytest.param("list org=acme dir=dsc", "list", ["Did you mean `desc`?"], id="wrong-dir"),
    pytest.param("list org=acme email=a* filter=b*", "list", ["`email=a*`", "`filter=b*`"],
                 id="shorthand-and-filter"),
    pytest.param("list org=acme role=admin field=email", "list",
                 ["`role=admin`", "`field=email`"], id="shorthand-and-field"),
    pytest.param("list org=acme email=a* role=admin", "list", ["`email=a*`", "`role=admin`"],
                 id="two-shorthands"),
    pytest.param('list org=acme filter="my * instance', "list", ["no closing quote"],
                 id="unterminated-quote"),
    pytest.param("list org=acme filter=\u201cmy *", "list", ["no closing quote"],
                 id="unterminated-curly-quote"),
    pytest.param("add org=acme @bo", "add", ["`@bo`", "pick them from Slack's list"],
                 id="plain-at-name"),
    pytest.param("show org=acme user=@bo", "show", ["`@bo`", "pick them from Slack's list"],
                 id="plain-at-name-as-user"),
    pytest.param("show org=acme user=bo", "show", ["`bo` is not an email"], id="not-a-member"),
    pytest.param("add org=acme bo", "add", ["`bo` is not an email"], id="bare-word-as-member"),
    pytest.param("add org=acme email=ann@", "add", ["`ann@` is not an email"], id="bad-email"),
    pytest.param("show org=acme <@U123ABC|bo> user=ann@example.com", "show",
                 ["Name one member", "`user=ann@example.com`"], id="two-members"),
    pytest.param("add org=acme role=admin", "add", ["Say who to add", "email=<email>"],
                 id="add-without-member"),
    pytest.param("remove org=acme", "remove", ["Say which member", "user="],
                 id="remove-without-member"),
    pytest.param("role org=acme user=ann@example.com", "role", ["Say which role", "`admin`"],
                 id="role-without-role"),
    # add: several people
    pytest.param("add org=acme " + " ".join(f"u{i}@x.io" for i in range(MAX_PEOPLE + 1)),
                 "add", ["101 people", "at most 100", "Split the list"], id="add-101-people"),
    pytest.param("add org=acme ann@example.com,bo,dan@example.org role=owner", "add",
                 ["`owner` is not a Losant role", "`admin`, `edit`, `collaborate`, `view`, `none`"],
                 id="add-list-with-a-role-that-does-not-exist"),
    pytest.param("add org=acme bo,@cy,dan@", "add",
                 ["None of the 3 entries", "`bo` is not an email"], id="add-list-nobody-valid"),
    pytest.param("add org=acme email=ann@example.com,dan@example.org for=2h", "add",
                 ["`for=2h`", "one person at a time", "names 2", "without `for=`"],
                 id="add-for-several-people"),
    pytest.param("add org=acme ann@example.com bo for=2h", "add", ["one person at a time"],
                 id="add-for-with-an-invalid-entry-too"),
    pytest.param("add org=acme ann@example.com dan@example.org edit", "add",
                 ["`edit` is a role, not a person", "`role=edit`"], id="add-list-stray-role"),
    pytest.param("add acme ann@example.com dan@example.org", "add",
                 ["Unexpected `acme`", "`org=acme`"], id="add-list-org-without-key"),
    pytest.param("add org=acme email=,", "add", ["Say who to add"], id="add-only-commas"),
    # durations
    pytest.param("add org=acme ann@example.com for=1.5h", "add",
                 ["`for=1.5h`", "`1h30m`"], id="for-decimal"),
    pytest.param("role org=acme ann@example.com role=edit for=2", "role",
                 ["`2` has no unit", "`90s`, `30m`, `2h`, `1d`, `1w`"], id="for-no-unit"),
    pytest.param("add org=acme ann@example.com for=30m1h", "add", ["`1h30m`"],
                 id="for-out-of-order"),
    pytest.param("add org=acme ann@example.com for=0h", "add", ["no time at all"],
                 id="for-zero"),
    pytest.param("add org=acme ann@example.com for=-1h", "add", ["is not a duration"],
                 id="for-negative"),
    pytest.param("add org=acme ann@example.com fro=1h", "add", ["Did you mean `for`?"],
                 id="for-misspelt"),
    # find, offboard
    pytest.param("find", "find", ["Say who to find", "user="], id="find-without-user"),
    pytest.param("offboard", "offboard", ["Say who to offboard", "user="],
                 id="offboard-without-user"),
    pytest.param("find org=acme user=ann@example.com", "find",
                 ["every org", "no `org=`", "/members show"], id="find-takes-no-org"),
    pytest.param("offboard orgId=acme user=ann@example.com", "offboard",
                 ["every org", "/members remove"], id="offboard-takes-no-org"),
    pytest.param("find user=ann@example.com,dan@example.org", "find",
                 ["`ann@example.com,dan@example.org` is not"], id="find-one-person"),
    pytest.param("offboard ann@example.com <@U123ABC|bo>", "offboard", ["Name one member"],
                 id="offboard-one-person"),
    pytest.param("find usr=ann@example.com", "find", ["Did you mean `user`?"],
                 id="find-unknown-key"),
    # grants, extend, revoke
    pytest.param("grants org=acme fro=1h", "grants", ["no key `fro`", "`org`, `user`"],
                 id="grants-takes-no-duration"),
    pytest.param("extend org=acme user=ann@example.com", "extend",
                 ["Say how long", "`for=<duration>`"], id="extend-without-duration"),
    pytest.param("extend org=acme for=1h", "extend", ["Say who"], id="extend-without-user"),
    pytest.param("extend org=acme user=ann@example.com for=1y", "extend",
                 ["`1y` is not a duration"], id="extend-malformed-duration"),
    pytest.param("revoke org=acme", "revoke", ["Say who"], id="revoke-without-user"),
    pytest.param("revoke org=acme ann@example.com for=1h", "revoke", ["no key `for`"],
                 id="revoke-takes-no-duration"),
    # request, requests
    pytest.param("request org=acme role=edit for=2h", "request",
                 ["Say why", 'reason="'], id="request-without-reason"),
    pytest.param("request org=acme role=edit reason=x", "request",
                 ["Say for how long", "`for=<duration>`"], id="request-without-duration"),
    pytest.param("request org=acme for=2h reason=x", "request",
                 ["Say which role you need", "`admin`"], id="request-without-role"),
    pytest.param("request role=edit for=2h reason=x", "request", ["Say which org"],
                 id="request-without-org"),
    pytest.param("request org=acme role=edit for=2h reason=x user=ann@example.com", "request",
                 ["for you", "`/members add`"], id="request-names-a-user"),
    pytest.param("request org=acme role=edit for=2h reason=x email=ann@example.com", "request",
                 ["for you"], id="request-names-an-email"),
    pytest.param("request org=acme role=edit for=2h reason=x <@U123ABC|bo>", "request",
                 ["for you"], id="request-names-a-mention"),
    pytest.param("request org=acme role=edit for=2h reason=debug ticket 42", "request",
                 ['`reason="debug ticket 42"`', "Quote"], id="request-unquoted-reason"),
    pytest.param('request org=acme role=edit for=2h reason="' + "x" * 501 + '"', "request",
                 ["501 characters", "500"], id="request-reason-too-long"),
    pytest.param("request org=acme role=owner for=2h reason=x", "request",
                 ["Did you mean `admin`?"], id="request-role-that-does-not-exist"),
    pytest.param("request org=acme role=edit for=2h reason=x resaon=y", "request",
                 ["Did you mean `reason`?"], id="request-unknown-key"),
    pytest.param("requests org=acme", "requests", ["no key `org`"], id="requests-takes-no-keys"),
    pytest.param("requests mine", "requests", ["Unexpected `mine`", "takes nothing"],
                 id="requests-takes-no-words"),
    pytest.param("requets", None, ["Did you mean `requests`?"], id="requests-misspelt"),
    pytest.param("ofboard user=ann@example.com", None, ["Did you mean `offboard`?"],
                 id="offboard-misspelt"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "subcommand", "fragments"), ERRORS)
def test_refuses_invalid_commands(
    text: str, subcommand: Subcommand | None, fragments: list[str]
) -> None:
    """Each invalid line is a UsageError naming the problem, the fix and the subcommand."""
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert fragments == [f for f in fragments if f in caught.value.message]
    assert subcommand == caught.value.subcommand


@pytest.mark.parametrize("default_org", [None, ""])
def test_missing_org_without_a_usable_default_is_an_error(default_org: str | None) -> None:
    """With no ``org=`` and no default (or an empty one), the error says how to find an org."""
    with pytest.raises(UsageError, match="/members orgs"):
        parse("show user=ann@example.com", default_org=default_org)


def test_echoed_values_are_truncated() -> None:
    """A huge typo is echoed cut short, so the error stays readable."""
    with pytest.raises(UsageError) as caught:
        parse("z" * 2500)
    assert "z" * 99 + "…`" in caught.value.message
    assert len(caught.value.message) < 250


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("<" * MAX_TEXT_LENGTH, id="open-brackets"),
        pytest.param("list org=a filter=" + "<a" * 1490 + ">", id="brackets-then-close"),
        pytest.param("list " + '"a ' * 995, id="quotes-never-closed"),
        pytest.param('list org=a filter="' + 'a"' * 1490, id="quotes-never-followed-by-space"),
        pytest.param("show org=a " + "bob " * 747, id="many-words"),
        pytest.param("list " + "org=a " * 499, id="many-keys"),
        pytest.param("&amp;" * 600, id="many-entities"),
        pytest.param("add org=a " + "b@c.io " * 427, id="many-people"),
        pytest.param("add org=a " + "," * 2988, id="many-commas"),
        pytest.param("add org=a " + "<@U1|a>," * 373, id="many-mentions"),
    ],
)
def test_hostile_text_is_parsed_in_linear_time(text: str) -> None:
    """Worst-case text at the length limit costs a few calls a character (no quadratic
    scans): counted, not timed, so a busy machine cannot fail it."""

    def attempt() -> None:
        with contextlib.suppress(UsageError):
            parse(text)

    # The time it takes is a figure of make bench (benchmarks/parse.py).
    assert calls_made(attempt) <= CALLS_PER_CHARACTER * len(text)


@pytest.mark.parametrize(
    ("word", "options", "expected"),
    [
        pytest.param("lsit", SUBCOMMANDS, "list", id="transposition"),
        pytest.param("REMOV", SUBCOMMANDS, "remove", id="ignores-case"),
        pytest.param("sortfeild", ["sortField", "filter"], "sortField", id="as-spelled"),
        pytest.param("zzz", SUBCOMMANDS, None, id="nothing-close"),
        pytest.param("x", [], None, id="no-options"),
    ],
)  # fmt: skip
def test_closest(word: str, options: list[str], expected: str | None) -> None:
    """``closest`` suggests the most similar option, spelled as the option is, or nothing."""
    assert expected == closest(word, options)


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_every_subcommand_has_a_usage_line(subcommand: Subcommand) -> None:
    """The help view can show a usage line, starting with the command, for each subcommand."""
    assert f"/members {subcommand}" == " ".join(USAGE[subcommand].split()[:2])
