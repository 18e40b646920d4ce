"""Filtering, sorting and the advanced ``query`` of Losant's list endpoints.

These are pure functions over the store's records so the rules can be read (and
tested) apart from HTTP. Sorting is stable and deterministic: by the requested field,
then by a tie-break that never reverses (email for members, ID for orgs), so a person
paging through Slack never sees the same member twice. Names sort ignoring case
first; Losant does not document its collation, and this order is the one a reader
expects. The ``query`` subset is what the bot needs (names, IDs, the orgs of a
member); a key Losant's ``advancedInstanceOrgQuery`` does not have is refused as
Losant refuses it, and one Losant has but the simulator lacks is refused loudly
rather than silently ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from bot.sandbox.simulator.glob import glob_matcher
from bot.sandbox.simulator.records import Member, Org, SimulatorError
from bot.sandbox.simulator.validation import check_object_id

OrgPredicate = Callable[[Org], bool]

_STRING_OPERATORS = ("$eq", "$ne", "$in", "$nin", "$startsWith", "$endsWith", "$contains")
# Every key of Losant's advancedInstanceOrgQuery (its schema refuses any other).
_LOSANT_KEYS = frozenset(
    (
        *("$and", "$or", "$nor", "id", "creationDate", "lastUpdated", "name", "mfaMode"),
        *("isReadOnly", "auditLogEnabled", "disabledAt", "referralId", "tags", "memberId"),
    )
)


def sort_members(members: Iterable[Member], field: str, descending: bool) -> list[Member]:
    """Members by ``field`` (``email`` or ``role``), then by email ascending."""
    ordered = sorted(members, key=lambda m: m.email)
    if field == "role":
        ordered.sort(key=lambda m: m.role, reverse=descending)
    elif descending:
        ordered.reverse()
    return ordered


def filter_members(
    members: Iterable[Member], field: str | None, pattern: str | None
) -> list[Member]:
    """Members whose ``field`` matches the glob; no field or a blank glob keeps all."""
    if field is None:
        return list(members)
    matches = glob_matcher(pattern)
    return [m for m in members if matches(m.email if field == "email" else m.role)]


def sort_orgs(orgs: Iterable[Org], field: str, descending: bool) -> list[Org]:
    """Orgs by ``field``, then by ID ascending."""
    keys: dict[str, Callable[[Org], Any]] = {
        "name": lambda o: (o.name.casefold(), o.name),
        "id": lambda o: o.id,
        "creationDate": lambda o: o.creation_date,
        "lastUpdated": lambda o: o.last_updated,
    }
    ordered = sorted(orgs, key=lambda o: o.id)
    ordered.sort(key=keys[field], reverse=descending)
    return ordered


def org_name_filter(field: str | None, pattern: str | None) -> OrgPredicate:
    """The ``filterField``/``filter`` pair as a predicate (only ``name`` is filterable)."""
    if field is None:
        return lambda _org: True
    matches = glob_matcher(pattern)
    return lambda org: matches(org.name)


def parse_org_query(raw: str) -> OrgPredicate:
    """Compile the JSON ``query`` parameter; invalid or unsupported queries are a 400."""
    try:
        query = json.loads(raw)
    except json.JSONDecodeError:
        raise _invalid("query must be a valid JSON object") from None
    return _compile(query, "query")


def _invalid(message: str) -> SimulatorError:
    return SimulatorError(400, "Validation", message)


def _compile(query: Any, where: str) -> OrgPredicate:
    if not isinstance(query, dict):
        raise _invalid(f"{where} must be an object")
    parts: list[OrgPredicate] = []
    for key, condition in query.items():
        if key in ("$and", "$or"):
            if not isinstance(condition, list) or not condition:
                raise _invalid(f"{where}.{key} must be a non-empty array")
            subs = [_compile(sub, f"{where}.{key}[{i}]") for i, sub in enumerate(condition)]
            parts.append(_any_of(subs) if key == "$or" else _all_of(subs))
        elif key in ("name", "id"):
            parts.append(_field_predicate(key, condition, f"{where}.{key}"))
        elif key == "memberId" and isinstance(condition, str):
            parts.append(_has_member(condition, f"{where}.{key}"))
        elif key in _LOSANT_KEYS:
            raise _invalid(f"{where}.{key} is not supported by the simulator")
        else:
            raise _invalid(f"{where}.{key} is not allowed")
    return _all_of(parts)


def _all_of(predicates: list[OrgPredicate]) -> OrgPredicate:
    return lambda org: all(p(org) for p in predicates)


def _any_of(predicates: list[OrgPredicate]) -> OrgPredicate:
    return lambda org: any(p(org) for p in predicates)


def _has_member(user_id: str, where: str) -> OrgPredicate:
    """The orgs ``user_id`` belongs to; the ID must be well-formed, as every ID in Losant."""
    check_object_id(where, user_id)
    return lambda org: user_id in org.roles


def _field_predicate(field: str, condition: Any, where: str) -> OrgPredicate:
    if isinstance(condition, str):
        condition = {"$eq": condition}
    if not isinstance(condition, dict) or not condition:
        raise _invalid(f"{where} must be a string or an operator object")
    ci = condition.get("$ci", False)
    if not isinstance(ci, bool):
        raise _invalid(f"{where}.$ci must be a boolean")

    def fold(value: str) -> str:
        return value.casefold() if ci else value

    tests: list[Callable[[str], bool]] = []
    for op, operand in condition.items():
        if op == "$ci":
            continue
        if op not in _STRING_OPERATORS:
            raise _invalid(f"{where}.{op} is not supported by the simulator")
        tests.append(_operator(op, operand, fold, f"{where}.{op}"))
    if not tests:
        raise _invalid(f"{where} needs an operator besides $ci")
    return lambda org: all(test(fold(getattr(org, field))) for test in tests)


def _operator(
    op: str, operand: Any, fold: Callable[[str], str], where: str
) -> Callable[[str], bool]:
    if op in ("$in", "$nin"):
        if not isinstance(operand, list) or not all(isinstance(v, str) for v in operand):
            raise _invalid(f"{where} must be an array of strings")
        choices = {fold(v) for v in operand}
        return (lambda v: v in choices) if op == "$in" else (lambda v: v not in choices)
    if not isinstance(operand, str):
        raise _invalid(f"{where} must be a string")
    wanted = fold(operand)
    comparisons: dict[str, Callable[[str], bool]] = {
        "$eq": lambda v: v == wanted,
        "$ne": lambda v: v != wanted,
        "$startsWith": lambda v: v.startswith(wanted),
        "$endsWith": lambda v: v.endswith(wanted),
        "$contains": lambda v: wanted in v,
    }
    return comparisons[op]
