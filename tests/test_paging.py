"""The page-button value codec (handlers.paging): round trips, and refusal of edited values."""

from __future__ import annotations

import json
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.edges.losant.models import MemberField, SortDirection
from handlers.paging import (
    MAX_PAGE,
    MAX_VALUE,
    MemberPageState,
    OrgPageState,
    clamp_page,
    decode_member_state,
    decode_org_state,
    encode,
    page_count,
)

ORG_ID = "5f0c0ffee0c0ffee0c0ffee0"
MEMBER_STATE = MemberPageState(
    org_id=ORG_ID, filter="*@acme.io", field="email", sort="role", direction="desc", page=3
)
MEMBER_VALUE = encode(MEMBER_STATE)


def test_member_state_encodes_to_compact_versioned_json() -> None:
    """The value is compact JSON with a version key and short keys, nothing else."""
    expected = (
        '{"v":1,"f":"*@acme.io","p":3,"o":"5f0c0ffee0c0ffee0c0ffee0",'
        '"ff":"email","s":"role","d":"desc"}'
    )
    assert expected == MEMBER_VALUE


def test_org_state_without_filter_leaves_the_filter_out() -> None:
    """No filter means no "f" key, so the common value stays tiny."""
    expected = '{"v":1,"p":0}'
    assert expected == encode(OrgPageState(filter=None, page=0))


@pytest.mark.parametrize(
    "state",
    [
        pytest.param(MEMBER_STATE, id="filtered"),
        pytest.param(MemberPageState(ORG_ID, None, "role", "email", "asc", 0), id="no-filter"),
        pytest.param(
            MemberPageState(ORG_ID, 'quote " & <!channel> “curly” ünï', "email", "email", "asc", 7),
            id="awkward-filter",
        ),
        pytest.param(MemberPageState(ORG_ID, None, "email", "email", "asc", MAX_PAGE), id="max"),
    ],
)
def test_member_state_round_trips(state: MemberPageState) -> None:
    """Decoding an encoded member state gives back the same state."""
    assert state == decode_member_state(encode(state))


@pytest.mark.parametrize(
    "state",
    [
        pytest.param(OrgPageState(filter=None, page=0), id="plain"),
        pytest.param(OrgPageState(filter="*acme*", page=12), id="filtered"),
    ],
)
def test_org_state_round_trips(state: OrgPageState) -> None:
    """Decoding an encoded org state gives back the same state."""
    assert state == decode_org_state(encode(state))


@given(
    filter=st.none() | st.text(min_size=1, max_size=300),
    page=st.integers(min_value=0, max_value=MAX_PAGE),
    field=st.sampled_from(get_args(MemberField)),
    direction=st.sampled_from(get_args(SortDirection)),
)
def test_any_valid_member_state_round_trips(
    filter: str | None, page: int, field: MemberField, direction: SortDirection
) -> None:
    """Whatever filter text a person typed, the state survives the trip through a button."""
    state = MemberPageState(ORG_ID, filter, field, field, direction, page)
    assert state == decode_member_state(encode(state))


def _edited(**changes: object) -> str:
    data = json.loads(MEMBER_VALUE) | changes
    return json.dumps({k: v for k, v in data.items() if v is not ...})


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("not json", id="not-json"),
        pytest.param("[1, 2]", id="array"),
        pytest.param("null", id="null"),
        pytest.param(_edited(v=2), id="future-version"),
        pytest.param(_edited(v="1"), id="version-as-string"),
        pytest.param(_edited(v=...), id="no-version"),
        pytest.param(_edited(o=...), id="no-org"),
        pytest.param(_edited(o="5f0c0ffee0c0ffee0c0ffee"), id="org-23-hex"),
        pytest.param(_edited(o="5f0c0ffee0c0ffee0c0ffeeg"), id="org-not-hex"),
        pytest.param(_edited(o="../../orgs/5f0c0ffee0c0ffee0c0ffee0"), id="org-path"),
        pytest.param(_edited(p=-1), id="page-negative"),
        pytest.param(_edited(p=MAX_PAGE + 1), id="page-too-big"),
        pytest.param(_edited(p="1"), id="page-as-string"),
        pytest.param(_edited(p=True), id="page-as-bool"),
        pytest.param(_edited(p=1.5), id="page-fraction"),
        pytest.param(_edited(p=...), id="no-page"),
        pytest.param(_edited(ff="name"), id="field-unknown"),
        pytest.param(_edited(s="EMAIL"), id="sort-wrong-case"),
        pytest.param(_edited(d="up"), id="direction-unknown"),
        pytest.param(_edited(f=""), id="filter-empty"),
        pytest.param(_edited(f=42), id="filter-number"),
        pytest.param(_edited(admin=True), id="extra-key"),
        pytest.param(_edited(f="x" * MAX_VALUE), id="longer-than-slack-allows"),
        pytest.param(encode(OrgPageState(filter=None, page=1)), id="org-value"),
    ],
)
def test_tampered_member_values_are_refused(value: str) -> None:
    """Anything but a value the bot made is refused with ValueError, never half-used."""
    with pytest.raises(ValueError, match="page value"):
        decode_member_state(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(MEMBER_VALUE, id="member-value"),
        pytest.param('{"v":1,"p":-3}', id="page-negative"),
        pytest.param('{"v":1,"p":0,"f":null,"x":1}', id="extra-key"),
        pytest.param('{"v":1}', id="no-page"),
        pytest.param('{"p":0}', id="no-version"),
    ],
)
def test_tampered_org_values_are_refused(value: str) -> None:
    """The org codec is as strict as the member one, and does not accept a member value."""
    with pytest.raises(ValueError, match="page value"):
        decode_org_state(value)


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        pytest.param(0, 1, id="empty-is-one-page"),
        pytest.param(1, 1, id="one"),
        pytest.param(20, 1, id="exactly-one-page"),
        pytest.param(21, 2, id="one-over"),
        pytest.param(10_000, 500, id="big-org"),
    ],
)
def test_page_count(total: int, expected: int) -> None:
    """Pages hold 20 items, and an empty list still has its one empty page."""
    assert expected == page_count(total)


@pytest.mark.parametrize(
    ("page", "total", "expected"),
    [
        pytest.param(0, 45, 0, id="first"),
        pytest.param(2, 45, 2, id="last"),
        pytest.param(3, 45, 2, id="past-the-end-is-last"),
        pytest.param(MAX_PAGE, 45, 2, id="far-past-the-end"),
        pytest.param(-5, 45, 0, id="negative-is-first"),
        pytest.param(4, 0, 0, id="empty-list"),
    ],
)
def test_clamp_page(page: int, total: int, expected: int) -> None:
    """A page outside the list is moved to its nearest end."""
    assert expected == clamp_page(page, total)
