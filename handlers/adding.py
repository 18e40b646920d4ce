"""The grammar of ``add``: one person, or a list of up to ``MAX_PEOPLE`` (ARCHITECTURE.md §8).

One person stays the plain AddCommand, and may be given ``for=``; several become a
BulkAddCommand whose entries were each checked alone (``handlers.people``), so a bad
address is reported beside the rest instead of refusing them all. What still refuses
the whole line is what would make the list mean something else: no one valid, too many
people, a role or an org typed where a person belongs, ``for=`` for several people.
"""

from __future__ import annotations

from bot.edges.losant.models import ROLES
from bot.usecases.commands import MAX_PEOPLE, AddCommand, BulkAddCommand, NotValid
from handlers.arguments import UI_ROLE_NAMES, Arguments
from handlers.people import NOT_A_MEMBER, member_or_why, people
from handlers.tokenize import Token, echo, list_items


def add(args: Arguments, default_org: str | None) -> AddCommand | BulkAddCommand:
    """One person is an AddCommand; a list of them (each checked alone) a BulkAddCommand."""
    listed = args.in_order("user")
    named = people(listed)
    _reject_role_words(args, named.invalid)
    if "org" not in args.values:
        _reject_org_word(args, listed)
    org = args.org(default_org)
    role = args.role()
    duration = args.duration()
    if named.count == 0:
        raise args.error(
            "Say who to add: `email=<email>`, or `user=<userId>` or an @mention for "
            "someone with a Slack account. Several people: `email=a@x.io,b@y.io`."
        )
    if named.count > MAX_PEOPLE:
        raise args.error(
            f"That names {named.count} people; one `add` takes at most {MAX_PEOPLE}. "
            "Split the list and add each part in turn."
        )
    if duration is not None and named.count > 1:
        raise args.error(
            f"`{echo(str(args.values['for']))}` makes a time-limited grant, and those are one "
            f"person at a time, but this names {named.count}. Add them without `for=`, or "
            "each on their own with it."
        )
    if not named.targets:
        raise args.error(_nobody_valid(named.invalid))
    if named.count == 1:
        return AddCommand(org, named.targets[0], role or "view", role is None, duration)
    return BulkAddCommand(org, named.targets, named.invalid, role or "view", role is None)


def _reject_org_word(args: Arguments, listed: list[Token]) -> None:
    """Refuse an org named without ``org=``, as in ``add acme bo@x.io``, before it could
    be taken for a person who is not valid while the rest go to the default org."""
    items = list_items(listed[0]) if listed and listed[0].key is None else []
    entry = member_or_why(items[0]) if items else None
    if isinstance(entry, NotValid) and entry.why == NOT_A_MEMBER:
        raise args.error(
            f"Unexpected `{entry.text}` (did you mean `org={entry.text}`?). Name the org "
            "with `org=`, then the people."
        )


def _reject_role_words(args: Arguments, invalid: tuple[NotValid, ...]) -> None:
    """A role's name among the people was surely meant as ``role=``."""
    for entry in invalid:
        word = entry.text.lower()
        if word in ROLES or word in UI_ROLE_NAMES:
            raise args.error(f"`{entry.text}` is a role, not a person: write `role={entry.text}`.")


def _nobody_valid(invalid: tuple[NotValid, ...]) -> str:
    first = invalid[0]
    said = f"`{first.text}` is {first.why}."
    if len(invalid) == 1:
        return said
    return f"None of the {len(invalid)} entries names someone to add: {said} So are the rest."
