"""Table-driven tests of the ``/members`` grammar (DESIGN §4): text in, whole Command out."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

import pytest

from bot.usecases.commands import (
    SUBCOMMANDS,
    AddCommand,
    Command,
    HelpCommand,
    ListCommand,
    MemberRef,
    OrgRef,
    OrgsCommand,
    RemoveCommand,
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
ANN = MemberRef("email", "ann@example.com")


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
    ],
)
def test_default_org_fills_a_missing_org(text: str, expected: Command) -> None:
    """``default_org`` stands in for a missing ``org=``, and only then."""
    assert expected == parse(text, default_org="Fallback Org")


ERRORS = [
    pytest.param("x" * (MAX_TEXT_LENGTH + 1), None, ["too long", "3000"], id="too-long"),
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
