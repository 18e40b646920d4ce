"""Page buttons without server state: the whole query rides in the button's value.

Any process may serve a Prev/Next click (ARCHITECTURE.md §1), so the value must say
everything needed to fetch the page again. Slack hands the value back inside a
signed payload, but clients can see and edit it, so decoding validates every
field as strictly as the command parser would and refuses anything else with
``ValueError``. Nothing secret is put in it; the clicker is re-authorised anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.edges.losant.models import MemberField, ObjectId, SortDirection

PAGE_SIZE = 20
MAX_VALUE = 2000  # Slack's limit on a button value
MAX_PAGE = 100_000  # two million members: far beyond any org, small enough to refuse junk

VERSION: Literal[1] = 1

_Filter = Annotated[str, StringConstraints(min_length=1, max_length=MAX_VALUE)]
_Page = Annotated[int, Field(ge=0, le=MAX_PAGE)]


@dataclass(frozen=True)
class MemberPageState:
    """Which page of which member list a button leads to."""

    org_id: str
    filter: str | None
    field: MemberField
    sort: MemberField
    direction: SortDirection
    page: int


@dataclass(frozen=True)
class OrgPageState:
    """Which page of the org list a button leads to."""

    filter: str | None
    page: int


class _Wire(BaseModel):
    # strict: "1" is not 1 and true is not a page; forbid: a member value is not an org value.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    v: Literal[1]
    f: _Filter | None = None
    p: _Page


class _MemberWire(_Wire):
    o: ObjectId
    ff: MemberField
    s: MemberField
    d: SortDirection


class _OrgWire(_Wire):
    pass


def page_count(total: int) -> int:
    """How many pages ``total`` items fill; an empty list still has one (empty) page."""
    return max(1, -(-total // PAGE_SIZE))


def clamp_page(page: int, total: int) -> int:
    """``page`` moved into range: below zero is the first page, past the end the last."""
    return min(max(page, 0), page_count(total) - 1)


def encode(state: MemberPageState | OrgPageState) -> str:
    """Compact JSON for a button value; the caller checks it against ``MAX_VALUE``."""
    # Built by hand rather than through the wire models: encoding must not refuse an
    # over-long filter, because the view's answer to one is "no buttons", not an error.
    data: dict[str, object] = {"v": VERSION}
    if state.filter:
        data["f"] = state.filter
    data["p"] = state.page
    if isinstance(state, MemberPageState):
        data |= {"o": state.org_id, "ff": state.field, "s": state.sort, "d": state.direction}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_member_state(value: str) -> MemberPageState:
    """The member-list state in a button value; ``ValueError`` if it is not one we made."""
    wire = _parse(_MemberWire, value)
    return MemberPageState(
        org_id=wire.o,
        filter=wire.f,
        field=wire.ff,
        sort=wire.s,
        direction=wire.d,
        page=wire.p,
    )


def decode_org_state(value: str) -> OrgPageState:
    """The org-list state in a button value; ``ValueError`` if it is not one we made."""
    wire = _parse(_OrgWire, value)
    return OrgPageState(filter=wire.f, page=wire.p)


_W = TypeVar("_W", bound=_Wire)


def _parse(model: type[_W], value: str) -> _W:
    if len(value) > MAX_VALUE:
        raise ValueError(f"page value is longer than {MAX_VALUE} characters")
    try:
        return model.model_validate_json(value)
    except ValidationError as exc:
        fields = ", ".join(sorted({".".join(map(str, e["loc"])) or "value" for e in exc.errors()}))
        raise ValueError(f"malformed page value ({fields})") from exc
