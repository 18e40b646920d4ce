"""Lists of people as the settings name them, and the verdict of checking someone against one.

``MEMBERS_WRITERS``, ``MEMBERS_READERS``, ``MEMBERS_APPROVERS`` and ``MEMBERS_REQUESTERS``
all mix user IDs with user-group IDs. Checking a person against such a list is a small
state machine: decide from what is known, or name the next group to ask Slack about. It
lives here so the access policy can combine several lists without repeating it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.usecases.user_groups import GroupDirectory, GroupLookupError

ANYONE = "*"
Level = Literal["read", "write"]


@dataclass(frozen=True)
class Verdict:
    """Whether to go ahead; ``reason`` says why not, for the reply and the audit log.

    ``level`` is what deciding established about the caller. For help it is their
    full access (help lists what they may run); otherwise it is enough for the
    subcommand, not necessarily all they have: a reader named directly who asks to
    list is not looked for in the writers' groups.
    """

    allowed: bool
    level: Level | None
    reason: str = ""
    # Set when refused for the channel alone: where the command does work.
    channels: tuple[str, ...] = ()
    # Set when Slack could not say whether the caller is in a user group: asking
    # again later may well succeed, and asking for access would be the wrong advice.
    transient: bool = False


# What is known about the caller and each group asked so far: a member or not, or the
# reason Slack could not tell.
Known = Mapping[str, bool | GroupLookupError]


@dataclass(frozen=True)
class Ask:
    """What a decision waits for: whether the caller is in this group."""

    group_id: str


@dataclass(frozen=True)
class Listed:
    """One list of people (users and user groups, or ``*`` for anyone) and its refusal."""

    users: frozenset[str]
    groups: tuple[str, ...]
    anyone: bool
    refusal: str

    @classmethod
    def of(cls, ids: Collection[str], refusal: str) -> Listed:
        users, groups = split_groups([i for i in ids if i != ANYONE])
        return cls(users, groups, ANYONE in ids, refusal)

    def decide(self, user_id: str, known: Known) -> Verdict | Ask:
        if self.anyone or user_id in self.users:
            return Verdict(True, None)
        found = find_in_groups(self.groups, known)
        if isinstance(found, Ask):
            return found
        if isinstance(found, GroupLookupError):
            return slack_failed(found)
        return Verdict(found, None, "" if found else self.refusal)


def find_in_groups(groups: tuple[str, ...], known: Known) -> bool | GroupLookupError | Ask:
    """Is the user in one of ``groups``? Or the failure that leaves it open, or who to ask."""
    failure: GroupLookupError | None = None
    for group_id in groups:
        answer = known.get(group_id)
        if answer is None:
            return Ask(group_id)
        if answer is True:
            return True
        if isinstance(answer, GroupLookupError):
            failure = failure or answer
    return failure or False


def slack_failed(error: GroupLookupError) -> Verdict:
    return Verdict(
        False, None, f"could not check your user groups with Slack: {error}", transient=True
    )


def split_groups(ids: Collection[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Users (looked up by set) apart from groups (asked in the order configured)."""
    return (
        frozenset(i for i in ids if not i.startswith("S")),
        tuple(dict.fromkeys(i for i in ids if i.startswith("S"))),
    )


async def ask(
    groups: GroupDirectory, user_id: str, step: Ask, known: dict[str, bool | GroupLookupError]
) -> None:
    """Find out whether ``user_id`` is in the group ``step`` names; a failure is known too."""
    try:
        known[step.group_id] = user_id in await groups.members(step.group_id)
    except GroupLookupError as exc:
        known[step.group_id] = exc
