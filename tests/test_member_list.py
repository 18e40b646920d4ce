"""Member lists read in slices and made into models only when read: same answers, no long stalls.

The slicing must agree with a plain ``json.loads`` on every body, including strings
that look like item boundaries, and refuse every body ``json.loads`` or the member
model would refuse. Pauses are counted, not timed.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.edges.losant.json_slices import SLICE_CHARS, read_object
from bot.edges.losant.member_list import LazyMembers, MemberList, decode_member_list
from bot.edges.losant.models import Member

USER = "5c9b2a1e0123456789abcd02"
TRICKY = ['"},{"userId":"x"}', "}, ]", "\\u007d,", "ü → 💥", "]}", '\\"},']


def member(n: int, name: str = "Ada") -> dict[str, Any]:
    return {"userId": f"{n:024x}", "role": "view", "email": f"p{n}@x.io", "firstName": name}


async def no_pause() -> None:
    return None


def counted(text: str) -> int:
    return len(json.loads(text))


async def decoded(body: Any) -> MemberList:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await decode_member_list(raw, asyncio.Lock())


_names = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30))


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(_names, max_size=40),
    slice_chars=st.integers(min_value=1, max_value=400),
    spaced=st.booleans(),
)
async def test_slices_hold_exactly_what_json_loads_reads(
    names: list[str], slice_chars: int, spaced: bool
) -> None:
    """Whatever the strings and the slice size, the slices' items are json.loads' items."""
    items = [member(n, name) for n, name in enumerate(names)]
    body = {"count": len(items), "items": items, "tail": {"a": [{"b": "}"}]}}
    text = json.dumps(body, indent=2 if spaced else None)
    others, slices = await read_object(text, "items", counted, no_pause, slice_chars=slice_chars)
    assert items == [item for _, piece in slices for item in json.loads(piece)]
    assert ({"count": len(items), "tail": body["tail"]}, len(items)) == (
        others,
        sum(count for count, _ in slices),
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("[]", id="an-array"),
        pytest.param('{"items": [{"userId": "x"}', id="cut-short"),
        pytest.param('{"items": [{"a": 1},]}', id="trailing-comma"),
        pytest.param('{"items": [{"a": 1}]} {}', id="extra-data"),
        pytest.param('{"items": [{"a": 1}] "count": 1}', id="missing-comma"),
        pytest.param('{1: 2, "items": []}', id="number-key"),
        pytest.param('{"items": [{"a": 1}}', id="unclosed-array"),
    ],
)
async def test_what_is_not_one_json_object_is_refused(text: str) -> None:
    """A body json.loads refuses (or that is no object) is a ValueError, never an IndexError."""
    with pytest.raises(ValueError, match=r"."):
        await read_object(text, "items", counted, no_pause, slice_chars=4)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"items": [{"role": "view"}]}, id="no-user-id"),
        pytest.param({"items": [{"userId": USER, "role": "owner"}]}, id="unknown-role"),
        pytest.param({"items": [{"userId": "nope", "role": "view"}]}, id="bad-user-id"),
        pytest.param({"items": [{"userId": USER, "role": "view", "email": 7}]}, id="email-type"),
        pytest.param({"items": [{"userId": USER, "role": "view", "ssoLinked": []}]}, id="bool"),
        pytest.param({"items": [[USER, "view"]]}, id="item-not-object"),
        pytest.param({"items": None}, id="items-null"),
        pytest.param({"items": [], "count": "many"}, id="count-type"),
        pytest.param([member(1)], id="a-bare-list"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
    ],
)
async def test_a_body_the_member_model_refuses_is_refused_up_front(body: Any) -> None:
    """Every item is checked as Member would check it before the list is returned."""
    with pytest.raises(ValueError, match=r"."):
        await decoded(body)


async def test_items_become_models_when_read_in_losants_order() -> None:
    """Index, negative index and slices give Members; the count is known without them."""
    items = [member(n, name=f"N{n}") for n in range(3000)]
    listing = await decoded({"items": items, "count": 3000, "orgId": USER})
    members = listing.items
    assert isinstance(members, LazyMembers)
    assert (3000, 3000, USER) == (len(members), listing.count, listing.org_id)
    assert [Member.model_validate(items[i]) for i in (0, 2999, 2999, 1500)] == [
        members[0],
        members[-1],
        members[2999],
        members[1500],
    ]
    assert [Member.model_validate(i) for i in items[1990:2010]] == members[1990:2010]
    assert [f"{n:024x}" for n in range(3000)] == [m.user_id for m in members]


@pytest.mark.parametrize("index", [3, -4, 10**9])
async def test_reading_past_the_end_is_an_index_error(index: int) -> None:
    """As with a list, an index outside the members is an IndexError."""
    listing = await decoded({"items": [member(n) for n in range(3)]})
    with pytest.raises(IndexError):
        listing.items[index]


async def test_an_empty_or_missing_list_has_no_members() -> None:
    """``items: []`` and no ``items`` at all are both an empty list."""
    empty, missing = await decoded({"items": [], "count": 0}), await decoded({"count": 0})
    assert ([], []) == (list(empty.items), list(missing.items))


async def test_a_big_answer_lets_the_loop_run_between_its_slices() -> None:
    """While a big list is read, another task runs between its slices, not only after it."""
    body = json.dumps({"items": [member(n, "x" * 100) for n in range(4000)]}).encode()
    slices = len(body) // SLICE_CHARS
    ticks: list[int] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            ticks.append(1)
            await asyncio.sleep(0)

    ticking = asyncio.create_task(ticker())
    listing = await decode_member_list(body, asyncio.Lock())
    done.set()
    await ticking
    assert 4000 == len(listing.items)
    assert len(ticks) >= slices > 3


async def test_big_answers_are_read_one_at_a_time() -> None:
    """Two big answers take turns: the second starts only when the first is done."""
    body = json.dumps({"items": [member(n, "x" * 100) for n in range(2000)]}).encode()
    turn = asyncio.Lock()
    await turn.acquire()  # someone else is reading a big answer
    waiting = asyncio.create_task(decode_member_list(body, turn))
    for _ in range(50):
        await asyncio.sleep(0)
    was_waiting = not waiting.done()
    turn.release()
    assert (True, 2000) == (was_waiting, len((await waiting).items))
