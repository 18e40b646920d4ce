"""Replies for work across many orgs or people: ``find``, ``offboard``, many-people ``add``.

One line per org or person, grouped by how it ended, so the person reads "removed from
4 · kept in 1 (last admin) · failed in 1" first and the detail after. A list of any
length stays inside Slack's limits: lines are packed into sections, and past
``MAX_LINES`` the rest is counted rather than shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from bot.usecases.results_runs import (
    BulkAddConfirmation,
    BulkAdded,
    Found,
    OffboardConfirmation,
    Offboarded,
    OrgResult,
    PersonResult,
)
from handlers.views.blocks import actions, button, context, section
from handlers.views.confirm import CANCEL_ACTION, CONFIRM_ACTION, expires_when
from handlers.views.phrases import EMAIL_CHARS, ORG_CHARS, command, plural, role_label
from handlers.views.reply import MAX_SECTION_TEXT, Reply, clip, code

MAX_LINES = 150  # beyond this a list is summarised: nobody reads 400 lines in Slack
_SECTION_ROOM = MAX_SECTION_TEXT - 100


def render_found(result: Found) -> Reply:
    who = clip(_person(result), EMAIL_CHARS)
    if not result.memberships:
        searched = f" (searched all {result.scanned:,} orgs)" if result.scanned is not None else ""
        said = f"{who} is not a member of any org{searched}."
        return Reply(text=said, blocks=[section(said)])
    count = plural(len(result.memberships), "org")
    lines = [
        f"• {clip(m.org.name, ORG_CHARS)} — {role_label(m.member.role)}" for m in result.memberships
    ]
    head = f"*{who}* is a member of {count}:"
    hint = f"To take them out of all of them: {command('offboard', f'user={_person(result)}')}"
    return Reply(
        text=f"{who} is a member of {count}.",
        blocks=[section(head), *_listed(lines), context(hint)],
    )


def render_offboard_confirmation(result: OffboardConfirmation) -> Reply:
    found = result.found
    who = clip(_person(found), EMAIL_CHARS)
    shown = found.memberships[: result.covered]
    question = f"Remove *{who}* from {plural(len(shown), 'org')}?"
    lines = [f"• {clip(m.org.name, ORG_CHARS)} — {role_label(m.member.role)}" for m in shown]
    notes = [f"Only you can confirm this. It expires {expires_when(result.expires_at)}."]
    if result.covered < len(found.memberships):
        rest = len(found.memberships) - result.covered
        notes.append(f"{plural(rest, 'more org')}: run offboard again once this is done.")
    return Reply(
        text=f"Confirm: remove {who} from {plural(len(shown), 'org')}?",
        blocks=[
            section(question),
            *_listed(lines),
            context(*notes),
            actions(
                button("Remove from all", CONFIRM_ACTION, result.token, style="danger"),
                button("Cancel", CANCEL_ACTION, result.token),
            ),
        ],
    )


_ORG_WORDS: dict[str, str] = {
    "removed": "removed",
    "already_removed": "already not a member",
    "kept": "kept",
    "failed": "failed, nothing changed",
    "unknown": "outcome unknown",
}


def render_offboarded(result: Offboarded) -> Reply:
    who = clip(result.person, EMAIL_CHARS)
    tally = _tally([r.outcome for r in result.results], _ORG_WORDS)
    lines = [_org_line(r, result.person) for r in _worst_first(result.results)]
    said = f"Offboarding *{who}*: {tally}."
    return Reply(text=f"Offboarding {who}: {tally}.", blocks=[section(said), *_listed(lines)])


def _org_line(r: OrgResult, person: str) -> str:
    org = clip(r.org_name, ORG_CHARS) if r.org_name else code(r.org_id, 30)
    line = f"• {org} ({role_label(r.role)}) — {_ORG_WORDS[r.outcome]}"
    if r.outcome == "unknown":
        check = command("show", f"org={r.org_id}", f"user={person}")
        return f"{line}: {clip(r.detail, 200)}. Check with {check}"
    return f"{line}: {clip(r.detail, 200)}" if r.detail else line


def render_bulk_confirmation(result: BulkAddConfirmation) -> Reply:
    org = clip(result.org.name, ORG_CHARS)
    count = _people(len(result.targets))
    question = f"Add {count} to *{org}* as {role_label(result.role)}?"
    lines = [f"• {clip(t, EMAIL_CHARS)}" for t in result.targets]
    lines += [
        f"• {clip(n.text, EMAIL_CHARS)} — not valid: {clip(n.why, 200)}" for n in result.invalid
    ]
    return Reply(
        text=f"Confirm: add {count} to {org} as {result.role}?",
        blocks=[
            section(question),
            *_listed(lines),
            context(f"Only you can confirm this. It expires {expires_when(result.expires_at)}."),
            actions(
                button(f"Add {count}", CONFIRM_ACTION, result.token, style="primary"),
                button("Cancel", CANCEL_ACTION, result.token),
            ),
        ],
    )


_PERSON_WORDS: dict[str, str] = {
    "added": "added",
    "already_member": "already a member",
    "not_valid": "not valid",
    "failed": "failed",
    "unknown": "outcome unknown",
}


def render_bulk_added(result: BulkAdded) -> Reply:
    org = clip(result.org.name, ORG_CHARS)
    tally = _tally([r.outcome for r in result.results], _PERSON_WORDS)
    default = " (the default role)" if result.role_defaulted else ""
    said = f"Adding to *{org}* as {role_label(result.role)}{default}: {tally}."
    lines = [_person_line(r, result.org.id) for r in _worst_first(result.results)]
    text = f"Adding to {org} as {result.role}{default}: {tally}."
    return Reply(text=text, blocks=[section(said), *_listed(lines)])


def _person_line(r: PersonResult, org_id: str) -> str:
    who = clip(r.who, EMAIL_CHARS)
    match r.outcome:
        case "added":
            return f"• {who} — added as {role_label(r.role or 'view')}"
        case "already_member":
            return f"• {who} — already a member, as {role_label(r.role or 'view')} (unchanged)"
        case "unknown":
            check = command("show", f"org={org_id}", f"user={r.who}")
            return f"• {who} — outcome unknown: {clip(r.detail, 200)}. Check with {check}"
    return f"• {who} — {_PERSON_WORDS[r.outcome]}: {clip(r.detail, 200)}"


_SEVERITY = {"unknown": 0, "failed": 1, "not_valid": 2, "kept": 3}


R = TypeVar("R", OrgResult, PersonResult)


def _worst_first(results: Sequence[R]) -> list[R]:
    """What needs a look first; otherwise in the order given (stable sort)."""
    return sorted(results, key=lambda r: _SEVERITY.get(r.outcome, 9))


def _tally(outcomes: Sequence[str], words: dict[str, str]) -> str:
    counts = {o: outcomes.count(o) for o in words if o in outcomes}
    return " · ".join(f"{n} {words[o]}" for o, n in counts.items()) or "nothing to do"


def _listed(lines: list[str]) -> list[dict[str, object]]:
    """``lines`` packed into as few sections as fit; past MAX_LINES, a count of the rest."""
    shown, rest = lines[:MAX_LINES], len(lines) - MAX_LINES
    blocks: list[dict[str, object]] = []
    chunk: list[str] = []
    for line in shown:
        if chunk and len("\n".join([*chunk, line])) > _SECTION_ROOM:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if rest > 0:
        blocks.append(context(f"…and {rest:,} more."))
    return blocks


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count:,} people"


def _person(found: Found) -> str:
    """The person by email when any answer gave one, else as they were named."""
    emails = (m.member.email for m in found.memberships if m.member.email)
    return next(emails, found.person)
