"""Property-based tests of the parser: any text is a Command or a UsageError, and valid
commands, rendered the many ways a person (and Slack) may write them, parse back."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.edges.losant.models import ROLES, is_object_id
from bot.usecases.commands import (
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
    UsageError,
)
from handlers.parser import MAX_TEXT_LENGTH, parse
from tests.work import CALLS_PER_CHARACTER, calls_made

MODEST = settings(max_examples=300, deadline=None)

# Pieces of the grammar and of Slack's encoding, to reach deep paths more often than
# uniformly random text would.
FRAGMENTS = [
    "list", "add", "show", "role", "remove", "orgs", "help", "LIST", "lsit",
    "org=", "orgId=", "filter=", "field=", "sort=", "dir=", "user=", "email=", "role=",
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
)

SPELLINGS = {
    "org": ["org", "orgId"],
    "filter": ["filter"],
    "field": ["field", "filterField"],
    "sort": ["sort", "sortField"],
    "dir": ["dir", "direction", "sortDirection"],
    "user": ["user", "userId", "email"],
    "role": ["role"],
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
        if target.kind == "slack_user":
            label = self.draw(st.sampled_from(["", "|bo", "|Bo Smith"]))
            written = f"<@{target.value}{label}>"
        elif target.kind == "email" and self.draw(st.booleans()):
            escaped = target.value.replace("&", "&amp;")
            written = f"<mailto:{escaped}|{escaped}>"
        else:
            written = self.value(target.value)
        return written if self.draw(st.booleans()) else f"user={written}"


def _words(command: Command, render: Renderer) -> list[str]:
    """The words after the subcommand that say ``command``, before shuffling."""
    words = [render.pair(key, value) for key, value in _keyed(command)]
    if isinstance(command, AddCommand | ShowCommand | RoleCommand | RemoveCommand):
        words.append(render.member(command.target))
    return words


def _keyed(command: Command) -> list[tuple[str, str]]:
    pairs = [("org", command.org.value)] if hasattr(command, "org") else []
    if isinstance(command, ListCommand):
        pairs += [("field", command.field), ("sort", command.sort), ("dir", command.direction)]
    if isinstance(command, ListCommand | OrgsCommand) and command.filter is not None:
        pairs.append(("filter", command.filter))
    if isinstance(command, RoleCommand) or (
        isinstance(command, AddCommand) and not command.role_defaulted
    ):
        pairs.append(("role", command.role))
    return pairs


@st.composite
def rendered(draw: st.DrawFn) -> tuple[Command, str]:
    command = draw(commands)
    render = Renderer(draw)
    words = draw(st.permutations(_words(command, render)))
    separator = draw(st.sampled_from([" ", "  ", "\t", "\n", "\u00a0"]))
    return command, separator.join([render.case(command.subcommand), *words])


@MODEST
@given(rendered())
def test_rendered_commands_round_trip(case: tuple[Command, str]) -> None:
    """Any valid command, written with any key spelling, case, order, quoting and Slack
    escaping, parses back to itself."""
    command, text = case
    assert command == parse(text)
