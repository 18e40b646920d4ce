"""The ``/members`` grammar: command text in, a ``Command`` out, or a UsageError that says why.

Parsing is pure — no I/O, no settings read here — so a command can be checked, and a
usage error answered, inside Slack's three-second ack. It raises nothing but
UsageError, whatever the text: the grammar is in the tables below, the delimiting of
values in ``handlers.tokenize`` and the checking of each value in ``handlers.arguments``.
``add`` (one person or a list) is built in ``handlers.adding``, the access-lifecycle
subcommands in ``handlers.lifecycle``; the member-list subcommands are built here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from bot.edges.losant.models import ROLES, MemberField, SortDirection
from bot.usecases.commands import (
    SUBCOMMANDS,
    Command,
    HelpCommand,
    ListCommand,
    MemberRef,
    OrgsCommand,
    RemoveCommand,
    RoleCommand,
    ShowCommand,
    Subcommand,
    UsageError,
)
from handlers import adding, lifecycle
from handlers.arguments import Arguments, closest, did_you_mean
from handlers.people import MEMBER_FORMS
from handlers.tokenize import Token, echo, tokenize

__all__ = ["MAX_TEXT_LENGTH", "USAGE", "UsageError", "closest", "parse"]

# Slack allows longer text, but no real command comes near this; refusing early keeps
# every later step, and every error message, small. The longest real one is an `add` of
# 100 pasted people, each sent by Slack as `<mailto:a@x.io|a@x.io>`: about 5,000.
MAX_TEXT_LENGTH: Final = 8000

USAGE: Final[Mapping[Subcommand, str]] = MappingProxyType(
    {
        "help": "/members help",
        "list": "/members list org=<org> [filter=<glob>] [field=email|role] [sort=email|role]"
        " [dir=asc|desc]",
        "add": "/members add org=<org> email=<email>|user=<userId|@mention> [role=<role>]"
        " [for=<duration>]",
        "show": "/members show org=<org> user=<email|userId|@mention>",
        "role": "/members role org=<org> user=<email|userId|@mention> role=<role> [for=<duration>]",
        "remove": "/members remove org=<org> user=<email|userId|@mention>",
        "orgs": "/members orgs [filter=<glob>]",
        "find": "/members find user=<email|userId|@mention>",
        "offboard": "/members offboard user=<email|userId|@mention>",
        "grants": "/members grants [org=<org>] [user=<email|userId|@mention>]",
        "extend": "/members extend org=<org> user=<email|userId|@mention> for=<duration>",
        "revoke": "/members revoke org=<org> user=<email|userId|@mention>",
        "request": '/members request org=<org> role=<role> for=<duration> reason="<text>"',
        "requests": "/members requests",
    }
)

_FIELDS: tuple[MemberField, ...] = ("email", "role")
_DIRECTIONS: tuple[SortDirection, ...] = ("asc", "desc")

# Each accepted spelling (lower-cased) to its canonical key. The Losant parameter names
# are accepted so people can paste what they know from the API.
_ORG = {"org": "org", "orgid": "org"}
_USER = {"user": "user", "userid": "user", "email": "user"}
_FOR = {"for": "for", "duration": "for"}
_KEYS: Final[Mapping[Subcommand, Mapping[str, str]]] = {
    "list": {
        **_ORG,
        "filter": "filter",
        "field": "field",
        "filterfield": "field",
        "sort": "sort",
        "sortfield": "sort",
        "dir": "dir",
        "direction": "dir",
        "sortdirection": "dir",
        "email": "email",
        "role": "role",
    },
    "add": {**_ORG, **_USER, "role": "role", **_FOR},
    "show": {**_ORG, **_USER},
    "role": {**_ORG, **_USER, "role": "role", **_FOR},
    "remove": {**_ORG, **_USER},
    "orgs": {"filter": "filter"},
    "find": _USER,
    "offboard": _USER,
    "grants": {**_ORG, **_USER},
    "extend": {**_ORG, **_USER, **_FOR},
    "revoke": {**_ORG, **_USER},
    "request": {**_ORG, "role": "role", **_FOR, "reason": "reason"},
    "requests": {},
}
# Keys a subcommand does not take for a reason worth saying, instead of "did you mean".
_REFUSED: Final[Mapping[Subcommand, Mapping[str, str]]] = {
    "find": dict.fromkeys(_ORG, lifecycle.NO_ORG["find"]),
    "offboard": dict.fromkeys(_ORG, lifecycle.NO_ORG["offboard"]),
    "request": dict.fromkeys(_USER, lifecycle.FOR_YOURSELF),
}


def parse(text: str, *, default_org: str | None = None) -> Command:
    """The command ``text`` asks for; ``default_org`` fills a missing ``org=``.

    Raises UsageError, and nothing else, when the text is not a valid command.
    """
    if len(text) > MAX_TEXT_LENGTH:
        raise UsageError(
            f"That command is too long ({len(text)} characters; the limit is "
            f"{MAX_TEXT_LENGTH}). Shorten the filter or the names in it."
        )
    try:
        tokens = tokenize(text)
    except UsageError as exc:
        raise UsageError(exc.message, subcommand=_known(text.split(None, 1)[0])) from None
    if not tokens:
        return HelpCommand()
    subcommand = _subcommand(tokens[0])
    if subcommand == "help":
        # `help list` and the like still mean help: the reply lists every form anyway.
        return HelpCommand()
    args = Arguments.collect(
        subcommand,
        tokens[1:],
        _KEYS[subcommand],
        # Several `email=`/`user=` keys are one list of people, for `add` alone.
        repeatable=frozenset({"user"} if subcommand == "add" else ()),
        refused=_REFUSED.get(subcommand),
    )
    return _BUILDERS[subcommand](args, default_org)


def _known(word: str) -> Subcommand | None:
    return next((s for s in SUBCOMMANDS if s == word.lower()), None)


def _subcommand(head: Token) -> Subcommand:
    if head.key is not None:
        raise UsageError(
            f"Start with a subcommand, e.g. `/members list {echo(str(head))}`. "
            "Run `/members help` to see them all."
        )
    subcommand = _known(head.value)
    if subcommand is None:
        raise UsageError(
            f"Unknown subcommand `{echo(head.value)}`.{did_you_mean(head.value, SUBCOMMANDS)} "
            "Run `/members help` to see what you can do."
        )
    return subcommand


def _list(args: Arguments, default_org: str | None) -> ListCommand:
    args.reject_words()
    org = args.org(default_org)
    filter_, field = _member_filter(args)
    return ListCommand(
        org=org,
        filter=filter_,
        field=field,
        sort=args.choice("sort", _FIELDS) or "email",
        direction=args.choice("dir", _DIRECTIONS) or "asc",
    )


def _member_filter(args: Arguments) -> tuple[str | None, MemberField]:
    """``filter``/``field``, or the ``email=<glob>``/``role=<role>`` shorthand for them."""
    present = [field for field in _FIELDS if field in args.values]
    if not present:
        token = args.values.get("filter")
        return (token.value if token else None), args.choice("field", _FIELDS) or "email"
    field = present[0]
    shorthand = args.values[field]
    clashes = [args.values[k] for k in ("filter", "field", *present[1:]) if k in args.values]
    if clashes:
        raise args.error(
            f"`{echo(str(shorthand))}` is short for `filter=… field={field}`, so it cannot "
            f"go with `{echo(str(clashes[0]))}`. Keep one of them."
        )
    return (args.role() if field == "role" else shorthand.value), field


def _show(args: Arguments, default_org: str | None) -> ShowCommand:
    return ShowCommand(org=args.org(default_org), target=_required_target(args))


def _role(args: Arguments, default_org: str | None) -> RoleCommand:
    target = _required_target(args)
    org = args.org(default_org)
    role = args.role()
    if role is None:
        listed = ", ".join(f"`{role}`" for role in ROLES)
        raise args.error(f"Say which role to give: `role=<role>`, one of {listed}.")
    return RoleCommand(org=org, target=target, role=role, duration_s=args.duration())


def _remove(args: Arguments, default_org: str | None) -> RemoveCommand:
    return RemoveCommand(org=args.org(default_org), target=_required_target(args))


def _required_target(args: Arguments) -> MemberRef:
    target = args.target()
    args.reject_words()
    if target is None:
        raise args.error(f"Say which member: `user=<…>`, with {MEMBER_FORMS}.")
    return target


def _orgs(args: Arguments, default_org: str | None) -> OrgsCommand:
    args.reject_words()
    token = args.values.get("filter")
    return OrgsCommand(filter=token.value if token else None)


_BUILDERS: Final[Mapping[Subcommand, Callable[[Arguments, str | None], Command]]] = {
    "list": _list,
    "add": adding.add,
    "show": _show,
    "role": _role,
    "remove": _remove,
    "orgs": _orgs,
    "find": lifecycle.find,
    "offboard": lifecycle.offboard,
    "grants": lifecycle.grants,
    "extend": lifecycle.extend,
    "revoke": lifecycle.revoke,
    "request": lifecycle.request,
    "requests": lifecycle.requests,
}
