"""Access requests as people see them: the approvers' card, the requester's replies, and the
list of what waits for someone.

The card is one message in the approval channel that changes in place as the request is
decided or expires, so the channel shows each request once, with its outcome. Its Approve /
Deny buttons carry only the request's ID: who may click is checked at the click.
"""

from __future__ import annotations

from typing import Any

from bot.edges.store import Request, RequestState
from bot.slack_ids import is_user_id
from bot.usecases.results_grants import RequestDecided, RequestList, RequestMade
from handlers.views.blocks import actions, button, context, section
from handlers.views.changes import DONE
from handlers.views.phrases import EMAIL_CHARS, ORG_CHARS, plural, role_label
from handlers.views.reply import Reply, clip
from handlers.views.timing import at, length

APPROVE_ACTION = "request_approve"
DENY_ACTION = "request_deny"
CONFIRM_APPROVE_ACTION = "request_approve_confirm"
MAX_LISTED = 10  # three blocks a request with buttons


def asked(request: Request) -> str:
    """ "`edit` in *Acme* for 2h": what a request asks for."""
    org = clip(request.org_name, ORG_CHARS)
    return f"{role_label(request.role)} in *{org}* for {length(request.duration_s)}"


def render_card(request: Request) -> Reply:
    """The approvers' card: who, what they have now, what for how long, why; and the buttons
    while it is pending, or how it ended."""
    who = _mention(request.requester)
    now = role_label(request.current_role) if request.current_role else "not a member"
    head = f"{who} ({clip(request.requester_email, EMAIL_CHARS)}) asks for {asked(request)}."
    facts = f"Now: {now}\nWhy: {clip(request.reason, 500)}"
    blocks: list[dict[str, Any]] = [section(f"{head}\n{facts}")]
    if request.state is RequestState.PENDING:
        blocks.append(
            actions(
                button("Approve", APPROVE_ACTION, request.id, style="primary"),
                button("Deny", DENY_ACTION, request.id, style="danger"),
            )
        )
        blocks.append(context(f"Waits for an approver until {at(request.expires_at)}."))
    else:
        blocks.append(context(_outcome(request)))
    text = f"{request.requester_email} asks for {request.role} in {request.org_name}"
    return Reply(text=clip(text, 300), blocks=blocks, response_type="in_channel")


def render_card_decided(request: Request, ends_at_note: str | None) -> Reply:
    """The card after a decision: ``ends_at_note`` is the grant's end, or why there is none."""
    card = render_card(request)
    if ends_at_note is None:
        return card
    blocks = [*card.blocks[:-1], context(f"{_outcome(request)} · {ends_at_note}")]
    return Reply(text=card.text, blocks=blocks, response_type="in_channel")


def _outcome(request: Request) -> str:
    by = _mention(request.decided_by or "")
    match request.state:
        case RequestState.APPROVED:
            return f"{DONE} Approved by {by}"
        case RequestState.DENIED:
            return f":no_entry: Denied by {by}"
        case RequestState.EXPIRED:
            return ":hourglass_flowing_sand: Expired: nobody decided in time"
    return "Waiting for an approver"


def render_request_made(result: RequestMade) -> Reply:
    request = result.request
    where = f"<#{result.channel}>" if result.channel.startswith("C") else "the approval channel"
    said = f"{DONE} Asked for {asked(request)}. Approvers decide in {where}; you will get a DM."
    if not result.card_posted:
        said = (
            f":warning: Your request for {asked(request)} is recorded, but its card could not be "
            f"posted in {where}. Approvers still see it with `/members requests`."
        )
    notes = context(f"It expires {at(request.expires_at)} if nobody decides.")
    return Reply(text=said.split(". ")[0].removeprefix(f"{DONE} "), blocks=[section(said), notes])


def render_request_list(result: RequestList) -> Reply:
    blocks: list[dict[str, Any]] = []
    if result.to_decide:
        count = plural(len(result.to_decide), "request")
        blocks.append(section(f"*Waiting for your decision* · {count}"))
        for request in result.to_decide[:MAX_LISTED]:
            blocks += render_card(request).blocks
    if result.own:
        lines = [f"• {asked(r)} · expires {at(r.expires_at)}" for r in result.own[:MAX_LISTED]]
        blocks.append(section("*Your open requests*\n" + "\n".join(lines)))
    if not blocks:
        blocks.append(section("Nothing waits for you."))
    total = len(result.to_decide) + len(result.own)
    return Reply(text=f"Requests: {plural(total, 'request')} waiting", blocks=blocks)


def render_decided(result: RequestDecided) -> Reply:
    """The clicker's answer: what their decision did, or who decided before them."""
    request = result.request
    if not result.first:
        when = at(request.decided_at) if request.decided_at else "earlier"
        said = f"Too late: this request expired ({when}); nobody decided it in time."
        if request.state is RequestState.APPROVED:
            said = f"Already approved by {_mention(request.decided_by or '')} ({when})."
        elif request.state is RequestState.DENIED:
            said = f"Already denied by {_mention(request.decided_by or '')} ({when})."
        return Reply(text=said, blocks=[section(said)])
    if request.state is RequestState.DENIED:
        said = f"{DONE} Denied: {asked(request)} for {clip(request.requester_email, EMAIL_CHARS)}."
    elif result.made is not None:
        said = (
            f"{DONE} Approved: {clip(request.requester_email, EMAIL_CHARS)} has "
            f"{role_label(request.role)} in *{clip(request.org_name, ORG_CHARS)}* until "
            f"{at(result.made.grant.ends_at)}."
        )
    else:
        said = (
            f":warning: Approved, but nothing was granted: {clip(result.grant_error or '', 300)}."
        )
    return Reply(text=said.removeprefix(f"{DONE} "), blocks=[section(said)])


def render_admin_approval(request: Request) -> Reply:
    """Approving ``admin`` asks the approver to confirm, as granting admin always does."""
    question = (
        f"Give {_mention(request.requester)} ({clip(request.requester_email, EMAIL_CHARS)}) "
        f"{asked(request)}?"
    )
    blocks = [
        section(f"Confirm: {question}"),
        context("`admin` can change everything in the org, its members included."),
        actions(button("Approve admin", CONFIRM_APPROVE_ACTION, request.id, style="primary")),
    ]
    return Reply(text=f"Confirm: give {request.role} to {request.requester_email}?", blocks=blocks)


def _mention(user_id: str) -> str:
    return f"<@{user_id}>" if is_user_id(user_id) else clip(user_id or "someone", 40)


def render_refused_click(said: str) -> Reply:
    """A click refused: said to the clicker alone; the card stays for whoever may use it."""
    return Reply(text=clip(said, 500), blocks=[section(f":no_entry: {clip(said, 500)}")])
