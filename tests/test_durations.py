"""Durations (ARCHITECTURE.md §9): the notation of `for=` and MEMBERS_GRANT_LIMITS."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.edges.losant.models import Role
from bot.usecases.durations import (
    DEFAULT_GRANT_LIMITS,
    MAX_DURATION_S,
    GrantLimits,
    describe_remaining,
    format_duration,
    parse_duration,
)

MINUTE, HOUR, DAY, WEEK = 60, 3600, 86_400, 604_800


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("90s", 90, id="seconds"),
        pytest.param("30m", 30 * MINUTE, id="minutes"),
        pytest.param("2h", 2 * HOUR, id="hours"),
        pytest.param("1d", DAY, id="day"),
        pytest.param("1w", WEEK, id="week"),
        pytest.param("1h30m", HOUR + 30 * MINUTE, id="sum"),
        pytest.param("1d12h", DAY + 12 * HOUR, id="days-and-hours"),
        pytest.param("1w2d3h4m5s", WEEK + 2 * DAY + 3 * HOUR + 4 * MINUTE + 5, id="every-unit"),
        pytest.param("1D12H", DAY + 12 * HOUR, id="upper-case"),
        pytest.param(" 2h ", 2 * HOUR, id="surrounding-space"),
        pytest.param("0h30m", 30 * MINUTE, id="a-zero-part-in-a-sum"),
        pytest.param("365d", MAX_DURATION_S, id="a-year-at-most"),
    ],
)
def test_parse_duration(text: str, expected: int) -> None:
    """Each accepted form reads as the seconds it stands for."""
    assert expected == parse_duration(text)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("", "Say how long", id="empty"),
        pytest.param("90", "`90` has no unit", id="no-unit"),
        pytest.param("1.5h", "`1h30m` rather than `1.5h`", id="decimal-suggests-whole"),
        pytest.param("0.3s", "`0.3s` is not a duration", id="decimal-of-a-second"),
        pytest.param("-2h", "`-2h` is not a duration", id="negative"),
        pytest.param("+2h", "`+2h` is not a duration", id="sign"),
        pytest.param("0m", "no time at all", id="zero"),
        pytest.param("30m1h", "as in `1h30m`", id="out-of-order"),
        pytest.param("1h1h", "each once, as in `2h`", id="unit-twice"),
        pytest.param("2y", "s, m, h, d or w", id="unknown-unit"),
        pytest.param("1h 30m", "is not a duration", id="space-inside"),
        pytest.param("366d", "more than a year", id="more-than-a-year"),
        pytest.param("9" * 40 + "s", "…` is not a duration", id="absurdly-long"),
        pytest.param("1\u017f", "is not a duration", id="long-s-is-no-s"),
        pytest.param("\u0663h", "is not a duration", id="arabic-digit"),
    ],
)
def test_parse_duration_refuses(text: str, fragment: str) -> None:
    """Anything else is a ValueError that says what is wrong or names the accepted forms."""
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        pytest.param(90, "1m30s", id="seconds-over-a-minute"),
        pytest.param(5400, "1h30m", id="hour-and-a-half"),
        pytest.param(2 * WEEK, "2w", id="whole-weeks"),
        pytest.param(30 * DAY, "30d", id="a-month-stays-days"),
        pytest.param(WEEK + HOUR, "1w1h", id="week-and-an-hour"),
        pytest.param(DAY + 1, "1d1s", id="gap-skipped"),
    ],
)
def test_format_duration(seconds: int, expected: str) -> None:
    """Seconds are written exactly, largest unit first, weeks only for whole weeks of days."""
    assert expected == format_duration(seconds)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=MAX_DURATION_S))
def test_parse_reads_what_format_writes(seconds: int) -> None:
    """Every duration, written by format_duration, reads back as itself."""
    assert seconds == parse_duration(format_duration(seconds))


@settings(max_examples=300, deadline=None)
@given(
    # 40 of each unit stays within a year (40w40d40h… is under 322 days).
    st.lists(st.integers(min_value=0, max_value=40), min_size=5, max_size=5).filter(any),
    st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_format_then_parse_keeps_what_was_typed(numbers: list[int], upper: list[bool]) -> None:
    """Any typed sum reads as the same seconds after it is rewritten by format_duration."""
    typed = "".join(
        f"{n}{unit.upper() if up else unit}"
        for n, unit, up in zip(numbers, "wdhms", upper, strict=True)
        if n
    )
    seconds = parse_duration(typed)
    assert seconds == parse_duration(format_duration(seconds))


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        pytest.param(0, "0 s", id="now"),
        pytest.param(45, "45 s", id="seconds"),
        pytest.param(65, "1 min 5 s", id="minute-and-seconds"),
        pytest.param(5400, "1 h 30 min", id="hour-and-a-half"),
        pytest.param(2 * HOUR + 5, "2 h", id="no-gap-to-seconds"),
        pytest.param(DAY + HOUR + 59, "1 day 1 h", id="two-units-at-most"),
        pytest.param(3 * DAY + 4 * HOUR, "3 days 4 h", id="days-plural"),
        pytest.param(-5400, "1 h 30 min", id="overdue-by-its-size"),
    ],
)
def test_describe_remaining(seconds: int, expected: str) -> None:
    """Time left reads as a person says it, to its two largest units, rounded down."""
    assert expected == describe_remaining(seconds)


DEFAULT = GrantLimits(
    5 * MINUTE,
    {"admin": 4 * HOUR, "edit": DAY, "collaborate": WEEK, "view": 30 * DAY, "none": 30 * DAY},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(DEFAULT_GRANT_LIMITS, DEFAULT, id="default"),
        pytest.param("", DEFAULT, id="empty-is-default"),
        pytest.param(
            "admin=1h, VIEW=1w",
            GrantLimits(5 * MINUTE, {**DEFAULT.longest_s, "admin": HOUR, "view": WEEK}),
            id="a-key-left-out-keeps-its-default",
        ),
        pytest.param(
            "min=1m\nadmin=1m",
            GrantLimits(MINUTE, {**DEFAULT.longest_s, "admin": MINUTE}),
            id="min-and-newlines",
        ),
    ],
)
def test_grant_limits_parse(text: str, expected: GrantLimits) -> None:
    """MEMBERS_GRANT_LIMITS sets the shortest grant and each role's longest."""
    assert expected == GrantLimits.parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "boss=1h min=x",
            "`boss=1h` is not one of `min=`, `admin=`, `edit=`, `collaborate=`, `view=`, "
            "`none=` with a duration; `min=`: `x` is not a duration. Write a whole number and "
            "a unit (s, m, h, d or w): `90s`, `30m`, `2h`, `1d`, `1w`, or a sum from the "
            "largest unit down, like `1h30m`.",
            id="every-problem-at-once",
        ),
        pytest.param("admin=1h admin=2h", "`admin=` is given twice.", id="twice"),
        pytest.param("admin=2m", "`admin=2m` is shorter than `min=5m`.", id="below-min"),
    ],
)
def test_grant_limits_parse_refuses(text: str, expected: str) -> None:
    """A malformed setting is one ValueError naming each problem."""
    with pytest.raises(ValueError, match=re.escape(expected)) as caught:
        GrantLimits.parse(text)
    assert expected == str(caught.value)


@pytest.mark.parametrize(
    ("role", "seconds", "expected"),
    [
        pytest.param("admin", 4 * HOUR, None, id="admin-at-its-limit"),
        pytest.param("view", 5 * MINUTE, None, id="at-the-minimum"),
        pytest.param(
            "admin", 5 * HOUR, "`admin` may be granted for at most 4h (you asked for 5h).",
            id="admin-too-long",
        ),
        pytest.param(
            "view", MINUTE, "A time-limited grant lasts at least 5m (you asked for 1m).",
            id="too-short",
        ),
    ],
)  # fmt: skip
def test_grant_limits_check(role: Role, seconds: int, expected: str | None) -> None:
    """check passes a grant within the limits, and names the limit of one outside them."""
    try:
        DEFAULT.check(role, seconds)
        actual = None
    except ValueError as exc:
        actual = str(exc)
    assert expected == actual
