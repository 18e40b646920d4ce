"""The direct messages a requester gets at each outcome of their request and grant.

Each stands alone, because it arrives in a DM hours after the request: what was asked
(role, org), what happened, by whom, until when, and what to do next if anything.
"""

from __future__ import annotations

from bot.edges.store import Grant, Request, RequestState
from bot.slack_ids import is_user_id
from bot.usecases.results_grants import GrantMade, Reverted
from handlers.views.blocks import actions, button, context, section
from handlers.views.changes import DONE
from handlers.views.phrases import ORG_CHARS, role_label
from handlers.views.reply import Reply, clip
from handlers.views.requests import asked
from handlers.views.timing import at, length

ASK_AGAIN_ACTION = "request_again"


def dm_decided(request: Request, made: GrantMade | None, grant_error: str | None) -> Reply:
    by = _mention(request.decided_by)
    if request.state is RequestState.DENIED:
        why = (
            f" Their reason: {clip(request.decision_reason, 300)}"
            if request.decision_reason
            else ""
        )
        said = f":no_entry: {by} denied your request for {asked(request)}.{why}"
    elif made is not None:
        said = (
            f"{DONE} {by} approved your request: you have {role_label(made.grant.role)} in "
            f"*{clip(made.grant.org_name, ORG_CHARS)}* until {at(made.grant.ends_at)} "
            f"({length(made.grant.duration_s)}). It ends by itself then."
        )
        if made.write == "unknown":
            said += "\nLosant's answer was lost, so check that it is there before you rely on it."
    else:
        said = (
            f":warning: {by} approved your request for {asked(request)}, but nothing was "
            f"granted: {clip(grant_error or 'no reason given', 300)}. Ask them, or ask again."
        )
    return _reply(said)


def dm_expired(request: Request) -> Reply:
    said = (
        f":hourglass_flowing_sand: Your request for {asked(request)} expired: no approver "
        "decided in time. Ask again with `/members request` if you still need it."
    )
    return _reply(said)


def dm_ending_soon(grant: Grant, request: Request) -> Reply:
    said = (
        f":hourglass_flowing_sand: Your {role_label(grant.role)} in "
        f"*{clip(grant.org_name, ORG_CHARS)}* ends {at(grant.ends_at)}."
    )
    blocks = [
        section(said),
        actions(button(f"Ask for {length(request.duration_s)} more", ASK_AGAIN_ACTION, grant.id)),
        context("Asking again sends a new request to the approvers, with the same reason."),
    ]
    return Reply(text=_plain(said), blocks=blocks)


def dm_ended(reverted: Reverted) -> Reply:
    grant = reverted.grant
    where = f"*{clip(grant.org_name, ORG_CHARS)}*"
    role = role_label(grant.role)
    match reverted.kind:
        case "removed" | "gone":
            said = f"Your {role} in {where} has ended: you are no longer a member."
        case "restored":
            back = role_label(grant.previous_role or "?")
            said = f"Your {role} in {where} has ended: your role is {back} again."
        case "drifted":
            now = role_label(reverted.current_role or "?")
            said = (
                f"Your grant of {role} in {where} has ended. Someone had changed your role to "
                f"{now} meanwhile, so that stays."
            )
        case _:
            return _reply(f"Your {role} in {where} is ending.")
    return _reply(said)


def _reply(said: str) -> Reply:
    return Reply(text=_plain(said), blocks=[section(said)])


def _plain(said: str) -> str:
    for emoji in (f"{DONE} ", ":no_entry: ", ":warning: ", ":hourglass_flowing_sand: "):
        said = said.removeprefix(emoji)
    return said.split("\n", 1)[0]


def _mention(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id and is_user_id(user_id) else "An approver"
