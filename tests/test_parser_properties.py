"""Property-based tests of the parser: any text is a Command or a UsageError, and valid
commands, rendered the many ways a person (and Slack) may write them, parse back."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.edges.losant.models import ROLES, is_object_id
from bot.usecases.commands import (
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
    UsageError,
)
from bot.usecases.durations import MAX_DURATION_S, format_duration
from handlers.parser import MAX_TEXT_LENGTH, parse
from handlers.people import NOT_A_MEMBER
from tests.work import CALLS_PER_CHARACTER, calls_made

MODEST = settings(max_examples=300, deadline=None)

# Pieces of the grammar and of Slack's encoding, to reach deep paths more often than
# uniformly random text would.
FRAGMENTS = [
    "list", "add", "show", "role", "remove", "orgs", "help", "LIST", "lsit",
    "find", "offboard", "grants", "extend", "revoke", "request", "requests",
    "org=", "orgId=", "filter=", "field=", "sort=", "dir=", "user=", "email=", "role=",
    "for=", "duration=", "reason=", "2h", "1h30m", "1.5h", "0m", "1\u017f", ",", ", ",
    "=", "acme", "admin", "view", "desc", "role", "email", "*", "a@b.co", "@bo",
    '"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "<", ">", "|", "&amp;", "&lt;", "&gt;",
    "<@U123ABC|bo>", "<@W1>", "<mailto:a@b.co|a@b.co>", "<http://x.io|x.io>", "<!here>",
    "<#C1|general>", "0123456789abcdef01234567", "\u00a0", "\n", "\x00", "\U0001f600",
]  # fmt: skip
grammarish = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=40
).flatmap(lambda parts: st.sampled_from(["", " ", "\t"]).map(lambda sep: sep.join(parts)))


def _parse_or_usage_error(text: str) -> Command | UsageError:
    try:
        return parse(text, default_org=None)
    except UsageError as exc:
        return exc


@MODEST
@given(st.one_of(st.text(max_size=400), grammarish))
def test_any_text_is_a_command_or_a_short_usage_error(text: str) -> None:
    """No text raises anything but UsageError, and every error message stays short."""
    outcome = _parse_or_usage_error(text)
    if isinstance(outcome, UsageError):
        assert outcome.message
        assert len(outcome.message) < 600


@MODEST
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1).map("".join))
def test_long_hostile_text_is_parsed_in_linear_work(seed: str) -> None:
    """Grammar fragments repeated up to the length limit cost a few calls a character,
    as a single forward pass does: counted, not timed, so a busy machine cannot fail it."""
    text = (seed * (MAX_TEXT_LENGTH // len(seed) + 1))[:MAX_TEXT_LENGTH]
    assert calls_made(lambda: _parse_or_usage_error(text)) <= CALLS_PER_CHARACTER * len(text)


# ---- round trip ----------------------------------------------------------------------

# Value characters: no double quotes (a quoted value could not hold them), but
# apostrophes, Slack's escaped characters and markup look-alikes are all in.
VALUE_CHARS = "abcXYZ019 *.?@-_'&<>|!#=é"
values = st.text(VALUE_CHARS, min_size=1, max_size=20).filter(lambda v: v.strip() != "")
org_refs = st.one_of(
    st.from_regex(r"[0-9a-f]{24}", fullmatch=True),
    values.filter(lambda v: not is_object_id(v)),
).map(OrgRef)
members = st.one_of(
    st.from_regex(r"[a-z0-9.'&+_-]{1,10}@[a-z0-9-]{1,10}\.[a-z]{2,6}", fullmatch=True).map(
        lambda email: MemberRef("email", email)
    ),
    st.from_regex(r"[0-9a-f]{24}", fullmatch=True).map(lambda uid: MemberRef("user_id", uid)),
    st.from_regex(r"[UW][A-Z0-9]{2,11}", fullmatch=True).map(
        lambda uid: MemberRef("slack_user", uid)
    ),
)
roles = st.sampled_from(ROLES)
fields = st.sampled_from(["email", "role"])
durations = st.integers(min_value=1, max_value=MAX_DURATION_S)
# A reason is read trimmed, so only trimmed reasons can round-trip.
reasons = values.map(str.strip).filter(bool)


def _identity(member: MemberRef) -> tuple[str, str]:
    return member.kind, member.value.lower()


several = st.lists(members, min_size=2, max_size=6, unique_by=_identity).map(tuple)
commands = st.one_of(
    st.just(HelpCommand()),
    st.builds(
        ListCommand,
        org=org_refs,
        filter=st.none() | values,
        field=fields,
        sort=fields,
        direction=st.sampled_from(["asc", "desc"]),
    ),
    st.builds(AddCommand, org=org_refs, target=members, role=roles, role_defaulted=st.just(False)),
    st.builds(AddCommand, org=org_refs, target=members),
    st.builds(ShowCommand, org=org_refs, target=members),
    st.builds(RoleCommand, org=org_refs, target=members, role=roles),
    st.builds(RemoveCommand, org=org_refs, target=members),
    st.builds(OrgsCommand, filter=st.none() | values),
    st.builds(AddCommand, org=org_refs, target=members, duration_s=durations),
    st.builds(RoleCommand, org=org_refs, target=members, role=roles, duration_s=durations),
    st.builds(BulkAddCommand, org=org_refs, targets=several),
    st.builds(
        BulkAddCommand, org=org_refs, targets=several, role=roles, role_defaulted=st.just(False)
    ),
    st.builds(FindCommand, target=members),
    st.builds(OffboardCommand, target=members),
    st.builds(GrantsCommand, org=st.none() | org_refs, target=st.none() | members),
    st.builds(ExtendCommand, org=org_refs, target=members, duration_s=durations),
    st.builds(RevokeCommand, org=org_refs, target=members),
    st.builds(RequestCommand, org=org_refs, role=roles, duration_s=durations, reason=reasons),
    st.just(RequestsCommand()),
)

SPELLINGS = {
    "org": ["org", "orgId"],
    "filter": ["filter"],
    "field": ["field", "filterField"],
    "sort": ["sort", "sortField"],
    "dir": ["dir", "direction", "sortDirection"],
    "user": ["user", "userId", "email"],
    "role": ["role"],
    "for": ["for", "duration"],
    "reason": ["reason"],
}
QUOTES = [('"', '"'), ("\u201c", "\u201d"), ("\u201d", "\u201d")]


@dataclass(frozen=True)
class Renderer:
    """How one rendering writes a command: each choice a person or Slack could make."""

    draw: st.DrawFn

    def case(self, word: str) -> str:
        return self.draw(st.sampled_from([word, word.lower(), word.upper()]))

    def value(self, value: str) -> str:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        must_quote = " " in value or value.startswith("'")
        if must_quote or self.draw(st.booleans()):
            opening, closing = self.draw(st.sampled_from(QUOTES))
            return f"{opening}{escaped}{closing}"
        return escaped

    def pair(self, key: str, value: str) -> str:
        return f"{self.case(self.draw(st.sampled_from(SPELLINGS[key])))}={self.value(value)}"

    def member(self, target: MemberRef) -> str:
        written = self.markup(target) or self.value(target.value)
        return written if self.draw(st.booleans()) else f"user={written}"

    def markup(self, target: MemberRef) -> str | None:
        """The member as Slack's markup, when Slack would (or may) send it so."""
        if target.kind == "slack_user":
            label = self.draw(st.sampled_from(["", "|bo", "|Bo Smith"]))
            return f"<@{target.value}{label}>"
        if target.kind == "email" and self.draw(st.booleans()):
            escaped = target.value.replace("&", "&amp;")
            return f"<mailto:{escaped}|{escaped}>"
        return None

    def people(self, targets: tuple[MemberRef, ...]) -> list[str]:
        """Several members, in order: lists under one key, several keys, or pasted words."""
        words: list[str] = []
        rest = list(targets)
        while rest:
            size = self.draw(st.integers(min_value=1, max_value=len(rest)))
            group, rest = rest[:size], rest[size:]
            separator = self.draw(st.sampled_from([",", ", ", ",\n", " ", "\n"]))
            text = separator.join(
                self.markup(target) or target.value.replace("&", "&amp;") for target in group
            )
            keyed = self.draw(st.booleans())
            spaced = text != "".join(text.split())
            if (keyed and spaced) or text.startswith("'") or self.draw(st.booleans()):
                opening, closing = self.draw(st.sampled_from(QUOTES))
                text = f"{opening}{text}{closing}"
            words.append(
                f"{self.case(self.draw(st.sampled_from(SPELLINGS['user'])))}={text}"
                if keyed
                else text
            )
        return words


def _words(command: Command, render: Renderer) -> list[str]:
    """The words after the subcommand that say ``command``, before shuffling."""
    words = [render.pair(key, value) for key, value in _keyed(command)]
    target = getattr(command, "target", None)
    if target is not None:
        words.append(render.member(target))
    return words


def _keyed(command: Command) -> list[tuple[str, str]]:
    org = getattr(command, "org", None)
    pairs = [("org", org.value)] if org is not None else []
    if isinstance(command, ListCommand):
        pairs += [("field", command.field), ("sort", command.sort), ("dir", command.direction)]
    if isinstance(command, ListCommand | OrgsCommand) and command.filter is not None:
        pairs.append(("filter", command.filter))
    if isinstance(command, RoleCommand | RequestCommand) or (
        isinstance(command, AddCommand | BulkAddCommand) and not command.role_defaulted
    ):
        pairs.append(("role", command.role))
    duration = getattr(command, "duration_s", None)
    if duration is not None:
        pairs.append(("for", format_duration(duration)))
    if isinstance(command, RequestCommand):
        pairs.append(("reason", command.reason))
    return pairs


@st.composite
def rendered(draw: st.DrawFn) -> tuple[Command, str]:
    command = draw(commands)
    render = Renderer(draw)
    words = draw(st.permutations(_words(command, render)))
    if isinstance(command, BulkAddCommand):
        # The people keep their order (it is the command's), among the other words.
        at = 0
        for person in render.people(command.targets):
            at = draw(st.integers(min_value=at, max_value=len(words)))
            words = [*words[:at], person, *words[at:]]
            at += 1
    separator = draw(st.sampled_from([" ", "  ", "\t", "\n", "\u00a0"]))
    return command, separator.join([render.case(command.subcommand), *words])


@MODEST
@given(rendered())
def test_rendered_commands_round_trip(case: tuple[Command, str]) -> None:
    """Any valid command, written with any key spelling, case, order, quoting and Slack
    escaping, parses back to itself."""
    command, text = case
    assert command == parse(text)


# ---- many people ----------------------------------------------------------------------

emails = st.from_regex(r"[a-z0-9]{1,8}@[a-z]{1,8}\.io", fullmatch=True)
# Words that can never name a member (no `@`, too short for an ID) nor a role.
junk = st.text("abc.-_", min_size=1, max_size=10)


@MODEST
@given(
    st.lists(emails, min_size=1, max_size=20, unique=True),
    st.lists(junk, max_size=20, unique=True),
    st.randoms(use_true_random=False),
)
def test_entries_that_name_nobody_never_block_the_rest(
    valid: list[str], invalid: list[str], shuffler: random.Random
) -> None:
    """Whatever is mixed into a list of people, each valid one is kept and the rest reported."""
    entries = [*valid, *invalid]
    shuffler.shuffle(entries)
    text = "add org=acme " + ", ".join(entries)
    if len(entries) == 1:
        expected: Command = AddCommand(OrgRef("acme"), MemberRef("email", valid[0]))
    else:
        expected = BulkAddCommand(
            OrgRef("acme"),
            tuple(MemberRef("email", e) for e in entries if e in valid),
            tuple(NotValid(e, NOT_A_MEMBER) for e in entries if e in invalid),
        )
    assert expected == parse(text)
