"""The Confirm/Cancel card for risky changes, and what replaces it after a click.

``remove`` and granting ``admin`` are asked twice (ARCHITECTURE.md §4). The card says
exactly what will happen, that only the invoker may confirm, and when it expires;
the signed ``token`` rides in both buttons so any process can act on the click.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from bot.slack_ids import is_user_id
from bot.usecases.durations import format_duration
from bot.usecases.results import ConfirmationNeeded
from handlers.views.blocks import actions, button, context, section
from handlers.views.phrases import member_label, org_label, role_label, target_label
from handlers.views.reply import MAX_BUTTON_VALUE, Reply, clip, code

CONFIRM_ACTION = "members_confirm"
CANCEL_ACTION = "members_cancel"
_NOTHING_CHANGED = "Nothing was changed."


def render_confirmation(result: ConfirmationNeeded) -> Reply:
    """The card: the question, who may answer and until when, and two buttons."""
    who = member_label(result.member) if result.member else target_label(result.target)
    org = org_label(result.org)
    role = role_label(result.role) if result.role else "a new role"
    was = f" (now {role_label(result.previous_role)})" if result.previous_role else ""
    # A time-limited grant says for how long, and that it ends by itself.
    lasting = f" for {format_duration(result.duration_s)}" if result.duration_s else ""
    question, label = {
        "remove": (f"Remove {who}{was} from {org}?", "Remove"),
        "role": (f"Make {who}{was} {role} of {org}{lasting}?", "Change role"),
        "add": (f"Add {who} to {org} as {role}{lasting}?", "Add"),
    }.get(result.subcommand, (f"{result.subcommand} {who} in {org}?", "Confirm"))
    text = f"Confirm: {question}"
    if len(result.token) > MAX_BUTTON_VALUE:
        # Cannot happen with the targets the parser accepts; if it ever does, say so
        # rather than have Slack refuse the whole message.
        said = f"{question}\nThis change is too long to confirm from Slack. {_NOTHING_CHANGED}"
        return Reply(text=text, blocks=[section(said)])
    style: Literal["primary", "danger"] = "danger" if result.subcommand == "remove" else "primary"
    blocks = [
        section(question),
        context(f"Only you can confirm this. It expires {expires_when(result.expires_at)}."),
        actions(
            button(label, CONFIRM_ACTION, result.token, style=style),
            button("Cancel", CANCEL_ACTION, result.token),
        ),
    ]
    return Reply(text=text, blocks=blocks)


def render_cancelled() -> Reply:
    """What the card becomes after Cancel."""
    said = f"Cancelled. {_NOTHING_CHANGED}"
    return Reply(text=said, blocks=[section(said)])


def render_confirm_refused(reason: str) -> Reply:
    """A click refused: expired, edited, or no longer allowed."""
    said = f":no_entry: {clip(reason, 500)} {_NOTHING_CHANGED}"
    hint = "Run the command again if you still want this change."
    return Reply(
        text=f"{clip(reason, 500)} {_NOTHING_CHANGED}",
        blocks=[section(f"{said}\n{hint}")],
    )


def render_not_invoker(invoker: str) -> Reply:
    """Someone else clicked the card: name who may answer it, and leave the card alone."""
    # Unsealing already checked the ID; checked again so this view is safe on its own.
    who = f"<@{invoker}>" if is_user_id(invoker) else code(invoker, 40)
    said = f"Only {who}, who asked for this change, can confirm or cancel it."
    return Reply(
        text=f"{said} {_NOTHING_CHANGED}",
        blocks=[section(f":no_entry: {said} {_NOTHING_CHANGED}")],
    )


def expires_when(expires_at: int) -> str:
    """When a card expires, in each reader's own time zone."""
    # Slack shows <!date^…> in each reader's own time zone; the fallback is UTC.
    utc = datetime.fromtimestamp(expires_at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(expires_at)}^{{date_short_pretty}} at {{time}}|{utc}>"
