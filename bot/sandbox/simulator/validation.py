"""Request validation with Losant-like 400 messages.

Losant validates path IDs, query parameters and bodies before it looks anything up,
and answers ``{"type": "Validation", "message": "role must be one of ..."}``. The
simulator does the same with the project's own pydantic request models (the project
must run without the JSON schemas), translating pydantic's errors into sentences that
name the field and, for enums, the accepted values. Bodies are validated strictly:
camelCase keys only, no type coercion, no nulls, exactly as the schemas would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.edges.losant.models import (
    OBJECT_ID_RE,
    MemberField,
    MemberPatch,
    MemberPostByEmail,
    MemberPostByUserId,
    OrgSortField,
)
from bot.sandbox.simulator.records import SimulatorError

_M = TypeVar("_M", bound=BaseModel)

MAX_PER_PAGE = 1000
_DIRECTIONS = ("asc", "desc")
_TRUE, _FALSE = ("true", "1"), ("false", "0")


def invalid(message: str) -> SimulatorError:
    return SimulatorError(400, "Validation", message)


def check_object_id(name: str, value: str) -> str:
    if not OBJECT_ID_RE.match(value):
        raise invalid(f'{name} must match pattern "{OBJECT_ID_RE.pattern}"')
    return value


@dataclass(frozen=True, slots=True)
class ListParams:
    """The list parameters of either endpoint, checked and with defaults applied."""

    sort_field: str
    descending: bool
    filter_field: str | None
    filter: str | None
    page: int = 0
    per_page: int = 100
    query: str | None = None

    @property
    def sort_direction(self) -> str:
        return "desc" if self.descending else "asc"


def member_list_params(query: Mapping[str, str]) -> ListParams:
    fields: tuple[str, ...] = get_args(MemberField)
    return ListParams(
        sort_field=_choice(query, "sortField", fields) or "email",
        descending=_choice(query, "sortDirection", _DIRECTIONS) == "desc",
        filter_field=_choice(query, "filterField", fields),
        filter=query.get("filter"),
    )


def org_list_params(query: Mapping[str, str]) -> ListParams:
    return ListParams(
        sort_field=_choice(query, "sortField", get_args(OrgSortField)) or "name",
        descending=_choice(query, "sortDirection", _DIRECTIONS) == "desc",
        filter_field=_choice(query, "filterField", ("name",)),
        filter=query.get("filter"),
        page=_integer(query, "page", minimum=0, default=0),
        per_page=_integer(query, "perPage", minimum=1, default=100, maximum=MAX_PER_PAGE),
        query=query.get("query") or None,
    )


def flag(query: Mapping[str, str], name: str, *, default: bool) -> bool:
    """A boolean query parameter such as ``_links`` (the clients send it as a string)."""
    raw = query.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    if raw:
        raise invalid(f"{name} must be one of true, false")
    return default


def _choice(query: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    """The accepted value of ``name``, or None when it is absent or blank."""
    raw = query.get(name, "")
    if not raw:
        return None
    # The schemas' enums also list ASC and DESC; accept any case and answer lowercase.
    folded = {value.lower(): value for value in allowed}
    if raw.lower() not in folded:
        raise invalid(f"{name} must be one of {', '.join(allowed)}")
    return folded[raw.lower()]


def _integer(
    query: Mapping[str, str], name: str, *, minimum: int, default: int, maximum: int | None = None
) -> int:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    top = f" and at most {maximum}" if maximum is not None else ""
    if not re.fullmatch(r"\d+", raw) or int(raw) < minimum or (maximum and int(raw) > maximum):
        raise invalid(f"{name} must be an integer of at least {minimum}{top}")
    return int(raw)


# ---- bodies ----------------------------------------------------------------------


def parse_member_post(body: Any) -> MemberPostByUserId | MemberPostByEmail:
    """Validate a POST body as exactly one branch of the ``oneOf``."""
    data = _object(body)
    has_user_id, has_email = "userId" in data, "email" in data
    if has_user_id and has_email:
        raise invalid("member must have either userId or email, not both")
    if not has_user_id and not has_email:
        raise invalid("email is required (or userId, to add an existing user)")
    model: type[MemberPostByUserId | MemberPostByEmail] = (
        MemberPostByUserId if has_user_id else MemberPostByEmail
    )
    return _validate(model, data)


def parse_member_patch(body: Any) -> MemberPatch:
    return _validate(MemberPatch, _object(body))


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid("member must be an object")
    return body


def _validate(model: type[_M], data: dict[str, Any]) -> _M:
    # The models say ``X | None`` for "may be absent"; the schemas never allow null.
    _reject_nulls(data, "")
    try:
        return model.model_validate(data, strict=True, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise invalid(describe(exc.errors()[0])) from None


_TYPE_NAMES = {
    "string_type": "a string",
    "bool_type": "a boolean",
    "list_type": "an array",
    "model_type": "an object",
    "dict_type": "an object",
}


def _reject_nulls(value: Any, where: str) -> None:
    if value is None:
        raise invalid(f"{where} must not be null")
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_nulls(item, f"{where}.{key}".lstrip("."))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _reject_nulls(item, f"{where}[{index}]")


def describe(error: ErrorDetails) -> str:
    """One pydantic error as a Losant-style sentence: the field's path, then the problem."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "missing":
        return f"{where} is required"
    if kind == "extra_forbidden":
        return f"{where} is not allowed"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{where} must be one of {', '.join(choices)}"
    if kind == "string_pattern_mismatch":
        return f'{where} must match pattern "{ctx.get("pattern", "")}"'
    if kind == "too_long":
        return f"{where} must have at most {ctx.get('max_length')} items"
    if kind in _TYPE_NAMES:
        return f"{where} must be {_TYPE_NAMES[kind]}"
    if kind == "value_error":
        return f"{where} {ctx.get('error', 'is invalid')!s}"
    return f"{where} {error['msg'][:1].lower()}{error['msg'][1:]}"
