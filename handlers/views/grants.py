"""Replies about time-limited grants: one made or moved, extended, ended, and the list.

Each reply says what is true now and until when: the role, the org, the person, when it
ends (in the reader's time zone) and what ending it will put back. Writers see End now /
Extend buttons on the list; the values carry only a grant's ID (and, for Extend, how
long), and every click is checked again.
"""

from __future__ import annotations

from typing import Any

from bot.edges.store import Grant
from bot.slack_ids import is_user_id
from bot.usecases.results_grants import GrantEnded, GrantExtended, GrantList, GrantMade, Reverted
from handlers.views.blocks import actions, button, context, section
from handlers.views.changes import DONE, VERIFIED
from handlers.views.phrases import EMAIL_CHARS, ORG_CHARS, command, plural, role_label
from handlers.views.reply import Reply, clip
from handlers.views.timing import at, ends, length

END_ACTION = "grant_end"
EXTEND_ACTION = "grant_extend"
MAX_SHOWN = 20  # two blocks a grant with buttons: 20 keep the list inside 50 blocks
MAX_DRIFTED = 5


def render_grant_made(result: GrantMade) -> Reply:
    grant = result.grant
    who, org, role = _who(grant), f"*{clip(grant.org_name, ORG_CHARS)}*", role_label(grant.role)
    until = at(grant.ends_at)
    if result.write == "unknown":
        check = command("show", f"org={grant.org_id}", f"user={grant.target_email}")
        said = (
            f":warning: I asked Losant to give {who} {role} in {org}, but could not tell whether "
            f"it did ({clip(result.detail or '', 300)}).\nThe grant is recorded until {until} "
            f"either way: if the role is there then, it is put back. Check now: {check}"
        )
        return Reply(
            text=f"Outcome unknown: {role} for {grant.target_email}", blocks=[section(said)]
        )
    verb = "Gave" if result.new else "Moved the end of"
    if result.new:
        said = f"{DONE} Gave {who} {role} in {org} until {until} ({length(grant.duration_s)})."
    elif result.write == "done":
        said = f"{DONE} {who} now has {role} in {org} until {until} (their grant was moved)."
    else:
        said = f"{DONE} {verb} {who}'s grant of {role} in {org}: it now ends {until}."
    said += f"\nThen the bot {_afterwards(grant)}."
    if result.verified_after_error:
        said += f"\n{VERIFIED}"
    return Reply(text=_first_line(said), blocks=[section(said)])


def render_grant_extended(result: GrantExtended) -> Reply:
    grant = result.grant
    said = (
        f"{DONE} {_who(grant)}'s {role_label(grant.role)} in *{clip(grant.org_name, ORG_CHARS)}* "
        f"now ends {at(grant.ends_at)} ({length(grant.duration_s)} from now).\n"
        f"Then the bot {_afterwards(grant)}."
    )
    return Reply(text=_first_line(said), blocks=[section(said)])


def render_grant_ended(result: GrantEnded) -> Reply:
    said = describe_end(result.reverted)
    return Reply(text=_first_line(said), blocks=[section(said)])


def describe_end(reverted: Reverted) -> str:
    """What ending a grant did, as the person who ended it (or held it) reads it."""
    grant = reverted.grant
    who, org = _who(grant), f"*{clip(grant.org_name, ORG_CHARS)}*"
    role = role_label(grant.role)
    match reverted.kind:
        case "removed":
            return f"{DONE} Ended {who}'s {role} in {org}: they are no longer a member."
        case "restored":
            back = role_label(grant.previous_role or "?")
            return f"{DONE} Ended {who}'s {role} in {org}: their role is {back} again."
        case "gone":
            return f"{DONE} Ended {who}'s {role} in {org}: they had already left it."
        case "drifted":
            now = role_label(reverted.current_role or "?")
            return (
                f":warning: Ended {who}'s grant in {org}, but changed nothing: someone had "
                f"changed their role to {now} meanwhile, so it was left as it is."
            )
        case "busy":
            return f"{DONE} Ended {who}'s {role} in {org}; the bot is putting back what was there."
    return (
        f":warning: Ended {who}'s {role} in {org}, but putting back what was there failed "
        f"({clip(reverted.error or 'no reason given', 300)}). The bot keeps trying; "
        f"see it in {command('grants', f'org={grant.org_id}')}"
    )


def render_grant_list(result: GrantList) -> Reply:
    scope = f" ({', '.join(clip(s, ORG_CHARS) for s in result.scope)})" if result.scope else ""
    count = plural(len(result.live), "live grant")
    blocks: list[dict[str, Any]] = [section(f"*Time-limited grants{scope}* · {count}")]
    for grant in result.drifted[:MAX_DRIFTED]:
        blocks.append(section(_drifted_line(grant)))
    for grant in result.live[:MAX_SHOWN]:
        blocks.append(section(_live_line(grant, result)))
        if result.can_change:
            blocks.append(
                actions(
                    button("End now", END_ACTION, grant.id, style="danger"),
                    button(f"Extend {length(grant.extension_s)}", EXTEND_ACTION, grant.id),
                )
            )
    hidden = len(result.live) - MAX_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden:,} more: narrow it with `org=` or `user=`."))
    if not result.live and not result.drifted:
        blocks.append(section("None. Grant one with `/members role … for=2h`."))
    return Reply(text=f"Time-limited grants{scope}: {count}", blocks=blocks)


def _live_line(grant: Grant, result: GrantList) -> str:
    head = (
        f"*{clip(grant.target_email, EMAIL_CHARS)}* · {role_label(grant.role)} in "
        f"*{clip(grant.org_name, ORG_CHARS)}* · {ends(grant.ends_at, result.now)} "
        f"({at(grant.ends_at)})"
    )
    flags = []
    if grant.flagged_at is not None or grant.attempts:
        tries = plural(grant.attempts, "failed attempt")
        flags.append(f":warning: reverting fails ({tries}: {clip(grant.last_error or '?', 200)})")
    before = f"was {role_label(grant.previous_role)}" if grant.previous_role else "was not a member"
    why = f" · why: {clip(grant.reason, 200)}" if grant.reason else ""
    by = f"<@{grant.granted_by}>" if is_user_id(grant.granted_by) else clip(grant.granted_by, 40)
    lines = [head, f"{before} · granted by {by}{why}", *flags]
    return "\n".join(lines)


def _drifted_line(grant: Grant) -> str:
    return (
        f":warning: *{clip(grant.target_email, EMAIL_CHARS)}* · {role_label(grant.role)} in "
        f"*{clip(grant.org_name, ORG_CHARS)}* drifted: it ended {at(grant.updated_at)}, but "
        "someone had changed their role, so the bot left it alone. Check it with "
        f"{command('show', f'org={grant.org_id}', f'user={grant.target_email}')}"
    )


def _afterwards(grant: Grant) -> str:
    if grant.previous_role:
        return f"puts back {role_label(grant.previous_role)}, unless someone changes it meanwhile"
    return "removes them again, unless someone changes their role meanwhile"


def _who(grant: Grant) -> str:
    return clip(grant.target_email, EMAIL_CHARS)


def _first_line(said: str) -> str:
    line = said.split("\n", 1)[0]
    for emoji in (f"{DONE} ", ":warning: "):
        line = line.removeprefix(emoji)
    return line
