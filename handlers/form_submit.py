"""A submitted form, and the org typeahead inside it.

Submitting runs exactly what the typed command would: the form is read into the same
Command (``handlers.form_fields``) and goes through ``members.command_outcome``: the
same access check, confirmation rules, Losant calls, replies and audit. Only what
Slack requires of a form differs. Anything wrong with a field, with the form itself
(not drawn by this bot, too old, someone else's) or with the person's permission as
far as it is known at once is said on the form (``response_action: errors``), within
the ack; everything after that (Losant) closes the form and is answered where the
person started: under their command, or in a direct message.

The typeahead is answered in its ack too, with at most 100 orgs, within
``SUGGEST_WITHIN_S``: the org list is cached (``bot.usecases.org_choices``), and when
Losant is too slow for Slack's 3 seconds the answer is an empty list, while the read
goes on for the next keystroke.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from typing import Any

from bot.edges.losant.errors import LosantError
from bot.edges.losant.models import Org
from bot.usecases.errors import BotError
from bot.usecases.sealed import ExpiredValue, InvalidConfirmation
from handlers import members, outcome
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.form_fields import FormErrors, read_add, read_request
from handlers.outcome import Outcome, Work
from handlers.views.forms import OPTION_TEXT

SUGGEST_WITHIN_S = 2.0
_FIRST_FIELD = "org"


def answer_to(deps: Deps, caller: Caller, view: dict[str, Any]) -> Caller:
    """Who submitted, and where their answer goes: as the form's signed metadata says."""
    try:
        meta = deps.operations.form_opened(str(view.get("private_metadata") or ""))
    except InvalidConfirmation:
        return caller  # refused on the form itself; nothing is posted anywhere
    return dataclasses.replace(caller, channel=meta.channel, response_url=meta.response_url)


def submission_work(deps: Deps, caller: Caller, view: dict[str, Any]) -> Work:
    """The submitted form's errors, in the ack; or the command it makes, run as typed."""
    try:
        meta = deps.operations.form_opened(str(view.get("private_metadata") or ""))
    except InvalidConfirmation as exc:
        why = "expired form" if isinstance(exc, ExpiredValue) else "tampered form metadata"
        return _refused_on_form(caller, exc.message, reason=why)
    if meta.actor != caller.user:
        said = "This form was opened by someone else. Open your own."
        return _refused_on_form(caller, said, reason="not the form's owner", form=meta.form)
    values = (view.get("state") or {}).get("values") or {}
    read = (
        read_add(values, deps.grant_limits)
        if meta.form == "add"
        else read_request(values, deps.grant_limits)
    )
    if isinstance(read, FormErrors):
        return Outcome(None, ack_with={"response_action": "errors", "errors": read.errors})
    verdict = deps.access.check_now(
        user_id=caller.user, channel_id=None, subcommand=read.subcommand
    )
    if verdict is not None and not verdict.allowed:
        # Permission lost since the form was drawn: said on it, audited like a typed refusal.
        said = f"You may no longer {read.subcommand} here: {verdict.reason}."
        return _refused_on_form(caller, said, reason=verdict.reason, form=read.subcommand)
    return members.command_outcome(deps, caller, read, channel=None)


def suggest_work(deps: Deps, caller: Caller, payload: dict[str, Any]) -> Work:
    """The org typeahead: at most 100 orgs matching what was typed, within Slack's time."""
    return _suggest(deps, caller, str(payload.get("value") or ""))


async def _suggest(deps: Deps, caller: Caller, typed: str) -> Outcome:
    try:
        orgs = await asyncio.wait_for(_allowed_orgs(deps, caller, typed), SUGGEST_WITHIN_S)
    except (TimeoutError, LosantError, BotError):
        orgs = []  # Slack shows "no options"; the next keystroke asks again
    return Outcome(None, ack_with={"options": org_options(orgs)})


async def _allowed_orgs(deps: Deps, caller: Caller, typed: str) -> list[Org]:
    """Org names are for people who may use a form: anyone else is offered none."""
    for subcommand in ("request", "add"):
        verdict = await deps.access.check(
            user_id=caller.user, channel_id=None, subcommand=subcommand
        )
        if verdict.allowed:
            return await deps.operations.suggest_orgs(typed)
    return []


def org_options(orgs: list[Org]) -> list[dict[str, Any]]:
    """Each org as an option: its name (with the end of its ID when names repeat), its ID."""
    shared = {name for name, count in Counter(o.name.casefold() for o in orgs).items() if count > 1}
    options = []
    for org in orgs:
        suffix = f" · …{org.id[-6:]}" if org.name.casefold() in shared else ""
        room = OPTION_TEXT - len(suffix)
        name = org.name if len(org.name) <= room else org.name[: room - 1] + "…"
        options.append({"text": {"type": "plain_text", "text": name + suffix}, "value": org.id})
    return options


def _refused_on_form(caller: Caller, said: str, *, reason: str, form: str | None = None) -> Outcome:
    refused = outcome.refused(caller, None, subcommand=form or "form", reason=reason)
    errors = {_FIRST_FIELD: said[:300]}
    return dataclasses.replace(refused, ack_with={"response_action": "errors", "errors": errors})
