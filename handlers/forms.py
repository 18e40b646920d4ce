"""Opening a form: ``/members add`` or ``/members request`` alone, the shortcut, Home's buttons.

Slack's trigger ID is good for one ``views.open`` within 3 seconds, so opening a form
makes no Losant call at all: deciding which form needs only the access policy (whose
user groups are cached), and the org field asks for its options later, as the person
types. Someone who may not add gets the request form, whichever way they came;
someone who may not even request is told so (and audited), in the channel for a
command and in a modal for a shortcut or a Home button. The form carries, signed,
who it is for and where its answer goes (``bot.usecases.sealed_views``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.edges.losant.models import ROLES
from bot.usecases.access import Verdict, need_for
from bot.usecases.sealed_views import FormKind
from handlers import members, outcome
from handlers.button_seals import opened
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.outcome import OpenModal, Outcome, Work
from handlers.views.forms import (
    Prefill,
    duration_choices,
    render_add_form,
    render_form_refused,
    render_request_form,
)
from handlers.views.home import NEW

REQUEST_SHORTCUT = "request_losant_access"
_FORMS: dict[str, FormKind] = {"add": "add", "request": "request"}


def command_work(deps: Deps, caller: Caller, command: dict[str, Any]) -> Work:
    """``/members …``: ``add`` or ``request`` alone opens its form; any other line runs."""
    text = str(command.get("text") or "")
    form = _FORMS.get(text.strip().lower())
    if form is None:
        return members.command_work(deps, caller, text)
    trigger_id = str(command.get("trigger_id") or "")
    # A command is typed in a channel: MEMBERS_CHANNELS decides there as for any line.
    return _open(deps, caller, form, trigger_id, channel=caller.channel)


def shortcut_work(deps: Deps, caller: Caller, shortcut: dict[str, Any]) -> Work:
    """The global shortcut "Request Losant access": the request form."""
    return _open(deps, caller, "request", str(shortcut.get("trigger_id") or ""), channel=None)


def home_button_work(deps: Deps, caller: Caller, body: dict[str, Any], *, form: FormKind) -> Work:
    """ "Request access", "Add people" or "Ask for more time" on the Home tab."""
    trigger_id = str(body.get("trigger_id") or "")
    actions = body.get("actions") or [{}]
    value = str(actions[0].get("value") or NEW)
    return _open(deps, caller, form, trigger_id, channel=None, value=value)


async def _open(
    deps: Deps,
    caller: Caller,
    asked: FormKind,
    trigger_id: str,
    *,
    channel: str | None,
    value: str = NEW,
) -> Outcome:
    form = asked
    if asked == "add":
        verdict = await deps.access.check(user_id=caller.user, channel_id=channel, subcommand="add")
        if not verdict.allowed and not verdict.transient:
            form = "request"  # someone who may not add may still ask
    if form == "request":
        verdict = await deps.access.check(
            user_id=caller.user, channel_id=channel, subcommand="request"
        )
    if not verdict.allowed:
        return _refused(caller, trigger_id, form, verdict)
    prefill = await _prefill(deps, value)
    metadata = deps.operations.form_metadata(
        form, actor=caller.user, channel=channel or "", response_url=caller.response_url
    )
    durations = duration_choices(deps.grant_limits)
    in_dm = not caller.response_url
    if form == "add":
        view = render_add_form(metadata=metadata, durations=durations, answer_in_dm=in_dm)
    else:
        view = render_request_form(
            metadata=metadata, durations=durations, answer_in_dm=in_dm, prefill=prefill
        )
    return Outcome(None, modal=OpenModal(trigger_id, view))


async def _prefill(deps: Deps, value: str) -> Prefill | None:
    """The org and role a Home button names ("Ask for more time" on a grant), if any."""
    if value == NEW:
        return None
    grant_id = opened(value, "grant", deps.operations.ref_opened)
    # An unknown or edited value: an empty form is still the right answer to "I want access".
    grant = await deps.store.grants.get(grant_id) if grant_id else None
    if grant is None:
        return None
    role = next((r for r in ROLES if r == grant.role), None)
    return Prefill(grant.org_id, grant.org_name, role=role)


def _refused(caller: Caller, trigger_id: str, form: FormKind, verdict: Verdict) -> Outcome:
    """Said where they asked: under the command they typed, or in a modal in the form's place."""
    reason = verdict.reason
    if caller.response_url:
        return outcome.denied(caller, verdict, subcommand=form, need=need_for(form) or "read")
    modal = OpenModal(trigger_id, render_form_refused(reason))
    return dataclasses.replace(
        outcome.refused(caller, None, subcommand=form, reason=reason), modal=modal
    )
