"""A submitted form, read into the very Command the typed ``/members`` line would make.

Pure, like the parser: the form's ``state.values`` in, an ``AddCommand``,
``BulkAddCommand`` or ``RequestCommand`` out, or ``FormErrors`` saying, field by field,
what to fix, for Slack to show on the form itself. Pasted emails go through the same
list rules as a typed ``add`` (``handlers.people``). Where the typed line would report
an entry that names nobody beside the others, the form asks for it to be fixed
instead: the person is still there to fix it. Grant durations are held to
``MEMBERS_GRANT_LIMITS`` here too, so a form never submits what would be refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.edges.losant.models import ROLES, Role, is_object_id
from bot.slack_ids import is_user_id
from bot.usecases.commands import (
    MAX_PEOPLE,
    MAX_REASON,
    AddCommand,
    BulkAddCommand,
    MemberRef,
    OrgRef,
    RequestCommand,
)
from bot.usecases.durations import GrantLimits, parse_duration
from handlers.people import people
from handlers.tokenize import Token
from handlers.views.forms import FIELDS, NO_END

StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class FormErrors:
    """What to fix, by field (block ID): Slack shows each message under its field."""

    errors: dict[str, str]


def read_add(values: StateValues, limits: GrantLimits) -> AddCommand | BulkAddCommand | FormErrors:
    """The ``add`` the form asks for: one person (maybe for a while), or several."""
    errors: dict[str, str] = {}
    org = _org(values, errors)
    targets = _people(values, errors)
    role = _role(values, errors) or "view"
    duration = _duration(values, errors, role, limits, required=False)
    if duration is not None and len(targets) > 1:
        errors["duration"] = (
            f"A grant that ends is for one person at a time; this names {len(targets)}. "
            "Choose “No end”, or add each person on their own."
        )
    if errors or org is None:
        return FormErrors(errors)
    if len(targets) == 1:
        return AddCommand(org, targets[0], role, role_defaulted=False, duration_s=duration)
    return BulkAddCommand(org, tuple(targets), (), role, role_defaulted=False)


def read_request(values: StateValues, limits: GrantLimits) -> RequestCommand | FormErrors:
    """The ``request`` the form asks for, for the person who submits it."""
    errors: dict[str, str] = {}
    org = _org(values, errors)
    role = _role(values, errors)
    if role is None and "role" not in errors:
        errors["role"] = "Choose the role you need."
    duration = _duration(values, errors, role or "none", limits, required=True)
    reason = _value(values, "reason").strip()
    if not reason:
        errors["reason"] = "Say why, for the approvers."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Keep it to {MAX_REASON} characters (this is {len(reason)})."
    if errors or org is None or role is None or duration is None:
        return FormErrors(errors)
    return RequestCommand(org=org, role=role, duration_s=duration, reason=reason)


def _state(values: StateValues, field: str) -> Mapping[str, Any]:
    return values.get(field, {}).get(FIELDS[field], {})


def _value(values: StateValues, field: str) -> str:
    return str(_state(values, field).get("value") or "")


def _selected(values: StateValues, field: str) -> str | None:
    option = _state(values, field).get("selected_option")
    return str(option.get("value", "")) if isinstance(option, dict) else None


def _org(values: StateValues, errors: dict[str, str]) -> OrgRef | None:
    chosen = _selected(values, "org")
    if not chosen or not is_object_id(chosen):
        errors["org"] = "Choose an org: type part of its name and pick it from the list."
        return None
    return OrgRef(chosen.lower())


def _role(values: StateValues, errors: dict[str, str]) -> Role | None:
    chosen = _selected(values, "role")
    if chosen is None:
        return None
    if chosen not in ROLES:
        errors["role"] = "Choose one of the roles listed."
        return None
    return chosen


def _duration(
    values: StateValues, errors: dict[str, str], role: Role, limits: GrantLimits, *, required: bool
) -> int | None:
    chosen = _selected(values, "duration")
    if chosen is None or chosen == NO_END:
        if required:
            errors["duration"] = "Choose for how long: the access ends by itself then."
        return None
    try:
        seconds = parse_duration(chosen)
        limits.check(role, seconds)
    except ValueError as exc:
        errors["duration"] = str(exc)
        return None
    return seconds


def _people(values: StateValues, errors: dict[str, str]) -> list[MemberRef]:
    """Everyone picked or pasted, each once; an entry that names nobody is an error."""
    picked = _state(values, "people").get("selected_users") or []
    targets = [MemberRef("slack_user", u) for u in picked if isinstance(u, str) and is_user_id(u)]
    text = _value(values, "emails")
    named = people([Token("email", text, pieces=(text,))]) if text.strip() else None
    if named is not None:
        targets += [t for t in named.targets if t not in targets]
        if named.invalid:
            first = named.invalid[0]
            rest = f" (and {len(named.invalid) - 1} more)" if len(named.invalid) > 1 else ""
            errors["emails"] = f"“{first.text}” is {first.why}{rest}. Fix or remove it."
    if not targets and "emails" not in errors:
        errors["people"] = "Pick someone, or give their email below."
    elif len(targets) > MAX_PEOPLE:
        errors["emails"] = f"That is {len(targets)} people; one add takes at most {MAX_PEOPLE}."
    return targets
