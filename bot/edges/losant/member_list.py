"""A member list as Losant sent it, made into models only where a reply looks.

Losant returns every member of an org in one answer, and a reply shows 20 of them.
Validating a 10,000-member answer into 10,000 pydantic models held the event loop
for 20-120 ms per answer, and left 10,000 objects for the garbage collector to walk
while they lived. Instead the answer is checked slice by slice (``json_slices``)
against the member schema, without building models, and kept as those slices' text:
a ``Member`` is built when an item is read. The count is known at once, and the
order is Losant's, since Losant filters and sorts. An answer of one slice or less (a
few hundred members) is simply validated whole: that is quicker than slicing it.

Checking everything up front keeps the error where it was: a malformed answer is
refused by the client (``LosantUnexpected``), never later by a view reading item 4,000.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Annotated, Any, NotRequired, Required, overload

from pydantic import ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict

from bot.edges.losant.json_slices import SLICE_CHARS, Slices, read_object
from bot.edges.losant.models import Member, MemberListFields


class LazyMembers(Sequence[Member]):
    """The members of one answer, in Losant's order; each validated as it is read."""

    def __init__(self, slices: Slices) -> None:
        self._texts = [text for _, text in slices]
        counts = [count for count, _ in slices]
        self._starts = [0, *accumulate(counts)][:-1]
        self._length = sum(counts)
        # Reading a page touches one or two slices in a row: keep the last one parsed.
        self._parsed: tuple[int, list[Any]] = (-1, [])

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Member: ...

    @overload
    def __getitem__(self, index: slice) -> list[Member]: ...

    def __getitem__(self, index: int | slice) -> Member | list[Member]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        position = operator.index(index)
        if position < 0:
            position += self._length
        if not 0 <= position < self._length:
            raise IndexError("member index out of range")
        which = bisect.bisect_right(self._starts, position) - 1
        if self._parsed[0] != which:
            self._parsed = (which, json.loads(self._texts[which]))
        return Member.model_validate(self._parsed[1][position - self._starts[which]])

    def __repr__(self) -> str:
        return f"<LazyMembers: {self._length} members>"


@dataclass(frozen=True)
class MemberList:
    """Every member of one org (``instanceOrgMembers``): Losant does not paginate it."""

    items: Sequence[Member]
    count: int | None = None
    instance_id: str | None = None
    org_id: str | None = None
    filter: str | None = None
    filter_field: str | None = None
    sort_field: str | None = None
    sort_direction: str | None = None


class _WholeList(MemberListFields):
    items: list[Member] = Field(default_factory=list)


def _shape_of_member() -> Any:
    """A TypedDict that accepts exactly the JSON objects ``Member`` accepts, built from it.

    Validating into plain dicts costs a fraction of building models, and deriving the
    shape from ``Member`` keeps the two from drifting apart.
    """
    fields: dict[str, Any] = {}
    for name, field in Member.model_fields.items():
        kind: Any = field.annotation
        if field.metadata:  # constraints such as an ID's pattern
            kind = Annotated[(kind, *field.metadata)]
        fields[field.alias or name] = Required[kind] if field.is_required() else NotRequired[kind]
    make: Any = TypedDict  # built at run time, which type checkers cannot follow
    shape = make("MemberShape", fields)
    shape.__pydantic_config__ = ConfigDict(extra="ignore")
    return shape


_ITEMS_TYPE: Any = list[_shape_of_member()]  # type: ignore[misc]
_ITEMS: TypeAdapter[list[Any]] = TypeAdapter(_ITEMS_TYPE)


def _check(slice_text: str) -> int:
    return len(_ITEMS.validate_json(slice_text))


async def _pause() -> None:
    await asyncio.sleep(0)  # let everything else that is ready run before the next slice


async def decode_member_list(body: bytes, turn: asyncio.Lock) -> MemberList:
    """The member list in ``body``; raises ValueError when it is not one.

    A big answer is read in slices, with a pause between them, while holding
    ``turn``: one big answer at a time, so the pauses go to other work (acks above
    all) rather than to the next big answer.
    """
    if len(body) <= SLICE_CHARS:
        # A few hundred members at most: models for all of them cost less than slicing.
        whole = _WholeList.model_validate_json(body)
        return MemberList(whole.items, **whole.model_dump(exclude={"items"}))
    async with turn:
        others, slices = await read_object(body.decode("utf-8"), "items", _check, _pause)
    if "items" in others:
        raise ValueError("items must be an array")
    fields = MemberListFields.model_validate(others)
    return MemberList(LazyMembers(slices), **fields.model_dump())
