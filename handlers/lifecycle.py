"""The grammar of the access-lifecycle subcommands: find, offboard, grants, extend,
revoke, request and requests (ARCHITECTURE.md §8, §9).

Each builder turns the collected ``key=value`` arguments into its Command or a
UsageError that names the fix. They live apart from ``handlers.parser`` so the parser
stays the table of forms and the place that dispatches; the values themselves are
checked in ``handlers.arguments``. Durations are read here, but their limits come from
settings, so the use cases check those.
"""

from __future__ import annotations

from bot.edges.losant.models import ROLES
from bot.usecases.commands import (
    MAX_REASON,
    ExtendCommand,
    FindCommand,
    GrantsCommand,
    MemberRef,
    OffboardCommand,
    RequestCommand,
    RequestsCommand,
    RevokeCommand,
)
from handlers.arguments import Arguments
from handlers.people import MEMBER_FORMS
from handlers.tokenize import echo

FOR_YOURSELF = (
    "`request` asks for access for you (by the email on your Slack profile), so it names "
    "nobody else. To give someone else access, ask a writer to run `/members add`."
)
NO_ORG = {
    "find": "`find` looks in every org, so it takes no `org=`. For one org, use "
    "`/members show org=<org> user=<…>`.",
    "offboard": "`offboard` removes the person from every org, so it takes no `org=`. For "
    "one org, use `/members remove org=<org> user=<…>`.",
}


def find(args: Arguments, default_org: str | None) -> FindCommand:
    """``find user=…``: no org, since every org is searched."""
    return FindCommand(target=_person(args, "find"))


def offboard(args: Arguments, default_org: str | None) -> OffboardCommand:
    """``offboard user=…``: no org, since the person leaves every org."""
    return OffboardCommand(target=_person(args, "offboard"))


def grants(args: Arguments, default_org: str | None) -> GrantsCommand:
    """``grants [org=…] [user=…]``; the default org is not used: grants span every org."""
    target = args.target()
    args.reject_words()
    return GrantsCommand(org=args.optional_org(), target=target)


def extend(args: Arguments, default_org: str | None) -> ExtendCommand:
    """``extend org=… user=… for=…``: the grant ends that long from now."""
    target = _person(args, "extend the grant of")
    org = args.org(default_org)
    duration = args.duration()
    if duration is None:
        raise args.error(
            "Say how long from now the grant should end: `for=<duration>`, e.g. `for=2h`."
        )
    return ExtendCommand(org=org, target=target, duration_s=duration)


def revoke(args: Arguments, default_org: str | None) -> RevokeCommand:
    """``revoke org=… user=…``: the grant ends now."""
    target = _person(args, "revoke the grant of")
    return RevokeCommand(org=args.org(default_org), target=target)


def request(args: Arguments, default_org: str | None) -> RequestCommand:
    """``request org=… role=… for=… reason=…``, for the caller themselves."""
    if args.member_words():
        raise args.error(FOR_YOURSELF)
    reason = _reason(args)
    args.reject_words(("org", "role", "reason"))
    org = args.org(default_org)
    role = args.role()
    if role is None:
        listed = ", ".join(f"`{option}`" for option in ROLES)
        raise args.error(f"Say which role you need: `role=<role>`, one of {listed}.")
    duration = args.duration()
    if duration is None:
        raise args.error(
            "Say for how long: `for=<duration>`, e.g. `for=2h`. The access ends by itself then."
        )
    if reason is None:
        raise args.error(
            'Say why, for the approvers: `reason="…"` (quote it if it has spaces), '
            'e.g. `reason="debug ticket 42"`.'
        )
    return RequestCommand(org=org, role=role, duration_s=duration, reason=reason)


def requests(args: Arguments, default_org: str | None) -> RequestsCommand:
    """``requests``: nothing to add, it lists what waits for the caller."""
    if args.words:
        raise args.error(
            f"Unexpected `{echo(args.words[0].value)}`. `requests` takes nothing after it: "
            "it lists the requests waiting for you."
        )
    return RequestsCommand()


def _person(args: Arguments, doing: str) -> MemberRef:
    target = args.target()
    args.reject_words()
    if target is None:
        raise args.error(f"Say who to {doing}: `user=<…>`, with {MEMBER_FORMS}.")
    return target


def _reason(args: Arguments) -> str | None:
    """The reason, trimmed; a reason of several words must be quoted to be one value."""
    token = args.values.get("reason")
    if token is None:
        return None
    if args.words:
        said = " ".join([token.value, *(word.value for word in args.words)])
        raise args.error(
            f'Quote a reason that has spaces: `reason="{echo(said)}"`, or the words after '
            "the first are read as more arguments."
        )
    reason = token.value.strip()
    if len(reason) > MAX_REASON:
        raise args.error(
            f"The reason is {len(reason)} characters; keep it to {MAX_REASON}. "
            "Link to a ticket for the details."
        )
    return reason
