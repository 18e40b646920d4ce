"""Replies for everything that went wrong: Losant errors, bad input, denials, bugs.

Each says what happened and what to do next, and says it to the right person: a
typo is the user's to fix, a bad token is the operator's. The Losant error's class
alone decides the reply: what Losant's ``type`` and words meant, and which part of
the request a 404 was about, the client decided when it raised it. Status and type
are shown small, for whoever reports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from bot.edges.losant.errors import (
    LosantAlreadyExists,
    LosantAuthError,
    LosantBadRequest,
    LosantError,
    LosantInstanceNotFound,
    LosantInvalidEmail,
    LosantInvalidRole,
    LosantMemberNotFound,
    LosantOrgNotFound,
    LosantRateLimited,
    LosantUnavailable,
    LosantUnexpected,
)
from bot.edges.losant.models import ROLES
from bot.slack_ids import is_public_channel_id, is_user_id
from bot.usecases.commands import Subcommand
from bot.usecases.errors import BotError
from handlers.views.blocks import context, section
from handlers.views.phrases import ORG_CHARS, command, target_label
from handlers.views.reply import Reply, clip, code

SCOPES = "`all.Instance`, or `instanceOrgMembers.*`, `instanceOrgMember.*` and `instanceOrgs.*`"
_TRY_AGAIN = "Try again in a minute."


def render_losant_error(
    err: LosantError,
    *,
    org: str | None = None,
    target: str | None = None,
    unchanged: bool = False,
) -> Reply:
    """What Losant's refusal or silence means for the person, and their next step.

    ``unchanged``: the failure ended a change that is known not to have been made
    (a write that may have landed is read back first), and the person is told so.
    """
    said, hint = _explain(err, org, target)
    if unchanged:
        hint = f"Nothing was changed. {hint}"
    status = f"HTTP {err.status}" if err.status is not None else "no HTTP answer"
    detail = f"Losant: {status}" + (f" · {clip(err.error_type, 60)}" if err.error_type else "")
    blocks = [section(f":x: {said}\n{hint}"), context(detail)]
    return Reply(text=said, blocks=blocks)


def _explain(err: LosantError, org: str | None, target: str | None) -> tuple[str, str]:
    refused = f"Losant refused the request: {clip(err.message, 500)}"
    match err:
        case LosantAlreadyExists():
            who = target_label(target) if target else "That person"
            return f"{who} is already a member{_in(org)}.", _show_hint(org, target)
        case LosantInvalidRole():
            return refused, f"Valid roles: {', '.join(f'`{r}`' for r in ROLES)}."
        case LosantInvalidEmail():
            return refused, "Check the email address."
        case LosantBadRequest():
            return refused, "Check the values and try again."
        case LosantMemberNotFound():
            who = target_label(target) if target else "That member"
            listing = command("list", f"org={org or '<org>'}")
            return f"{who} is not a member{_in(org)}.", f"See who is: {listing}"
        case LosantOrgNotFound():
            named = f" {code(org, ORG_CHARS)}" if org else " by that name or ID"
            return f"Losant has no org{named}.", f"Find the right one with {command('orgs')}"
        case LosantInstanceNotFound():
            return (
                "Losant does not know the instance this bot is set up for.",
                "For whoever runs this bot: check `LOSANT_INSTANCE_ID`.",
            )
        case LosantAuthError():
            problem = "lacks a needed scope" if err.status == 403 else "is invalid or expired"
            return (
                f"The bot's Losant API token {problem}, so Losant refused the request.",
                f"For whoever runs this bot: give `LOSANT_API_TOKEN` a token with {SCOPES}.",
            )
        case LosantRateLimited():
            return "Losant is busy and asked the bot to slow down.", _TRY_AGAIN
        case LosantUnavailable():
            return "Losant is unavailable or slow right now.", _TRY_AGAIN
        case LosantUnexpected():
            return (
                "Losant sent an answer the bot could not read.",
                "Try again; if it keeps happening, tell whoever runs this bot (the logs have it).",
            )
    return f"Talking to Losant failed: {clip(err.message, 500)}", _TRY_AGAIN


def _in(org: str | None) -> str:
    return f" of {code(org, ORG_CHARS)}" if org else ""


def _show_hint(org: str | None, target: str | None) -> str:
    if not (org and target):
        return f"See their role with {command('show', 'org=<org>', 'user=<email>')}"
    return f"See their role with {command('show', f'org={org}', f'user={target}')}"


def render_bot_error(err: BotError) -> Reply:
    """Something the person can fix that is not Losant's doing (an unknown org, say).

    The message and hint are escaped like any data: they quote names and emails.
    """
    said = f":warning: {clip(err.message, 1000)}"
    if err.hint:
        said += f"\n{clip(err.hint, 500)}"
    return Reply(text=clip(err.message, 1000), blocks=[section(said)])


def render_usage_error(message: str, usage_line: str | None) -> Reply:
    """The parser's message, then the usage line to copy."""
    said = f":warning: {clip(message, 1000)}"
    if usage_line:
        said += f"\nUsage: {code(usage_line, 500)}"
    hint = f"All commands: {command('help')}"
    return Reply(text=clip(message, 1000), blocks=[section(said), context(hint)])


def render_denied(
    user_id: str,
    subcommand: Subcommand,
    need: Literal["read", "write"],
    reason: str,
    *,
    channels: Sequence[str] = (),
    transient: bool = False,
) -> Reply:
    """Who the caller is, why they were refused, and whom to ask for what.

    ``channels`` is set when only the channel was wrong: the reply then says where
    the command works instead of asking for access the caller may already have.
    """
    # A mention of the caller is safe only when it really is a Slack user ID.
    you = f"<@{user_id}>, you" if is_user_id(user_id) else "You"
    if channels:
        where = ", ".join(_channel_link(c) for c in channels)
        said = f":no_entry: {you} cannot run {command(subcommand)} here."
        hint = f"/members only works in {where}. Run it there."
        return Reply(
            text=f"/members only works in certain channels: {', '.join(channels)}",
            blocks=[section(f"{said}\n{hint}")],
        )
    if transient:
        said = f":no_entry: {you} may not run {command(subcommand)} right now: {clip(reason, 500)}"
        hint = "The bot could not check your access with Slack. Try again in a minute."
        return Reply(
            text=f"You may not run /members {subcommand} right now: {clip(reason, 500)}",
            blocks=[section(f"{said}\n{hint}")],
        )
    lists = "`MEMBERS_WRITERS`" if need == "write" else "`MEMBERS_READERS` or `MEMBERS_WRITERS`"
    access = "change" if need == "write" else "read"
    if subcommand == "request":
        lists, access = "`MEMBERS_REQUESTERS`", "ask for access to"
    said = f":no_entry: {you} may not run {command(subcommand)}: {clip(reason, 500)}"
    hint = (
        f"To {access} org membership, ask an admin of this bot to add your user ID "
        f"{code(user_id, 40)} (or a user group you are in) to {lists}."
    )
    text = f"You may not run /members {subcommand}: {clip(reason, 500)}"
    return Reply(text=text, blocks=[section(f"{said}\n{hint}")])


def _channel_link(channel_id: str) -> str:
    # <#C…> renders as a link to the channel; a DM (D…) has none, and an ID of any
    # other shape is shown as inert text.
    if is_public_channel_id(channel_id):
        return f"<#{channel_id}>"
    return code(channel_id, 40)


def render_internal_error(request_id: str) -> Reply:
    """A bug or an unexpected failure: nothing to fix for the user but to report it."""
    rid = code(request_id, 100)
    said = f":x: Something went wrong (request ID {rid})."
    hint = "Try again; if it keeps happening, give the request ID to whoever runs this bot."
    return Reply(
        text=f"Something went wrong (request ID {clip(request_id, 100)}).",
        blocks=[section(f"{said}\n{hint}")],
    )
