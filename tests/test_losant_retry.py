"""The read retry schedule (bot.edges.losant.retry): pure, so pinned down without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.edges.losant.retry import RetryPolicy, parse_retry_after

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def policy(rand: float = 1.0, **overrides: float) -> RetryPolicy:
    values: dict[str, float] = {"base_s": 0.25, "cap_s": 4.0, "budget_s": 20.0} | overrides
    return RetryPolicy(
        base_s=values["base_s"],
        cap_s=values["cap_s"],
        budget_s=values["budget_s"],
        max_attempts=int(values.get("max_attempts", 10)),
        rand=lambda: rand,
    )


def test_step_doubles_from_base_up_to_cap() -> None:
    """The jitter ceiling doubles after each failed attempt and stops growing at cap_s."""
    expected = [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert expected == [policy().step_s(attempt) for attempt in range(1, 8)]


def test_step_of_a_huge_attempt_number_is_the_cap() -> None:
    """An absurd attempt number neither overflows nor exceeds the cap."""
    assert 4.0 == policy().step_s(10_000)


@pytest.mark.parametrize(
    ("rand", "attempt", "expected"),
    [
        pytest.param(0.0, 1, 0.0, id="jitter-floor-is-zero"),
        pytest.param(0.5, 1, 0.125, id="half-of-first-step"),
        pytest.param(0.5, 3, 0.5, id="half-of-third-step"),
        pytest.param(0.999, 9, 0.999 * 4.0, id="capped-step"),
    ],
)
def test_delay_is_full_jitter_over_the_step(rand: float, attempt: int, expected: float) -> None:
    """The wait is the random fraction times the exponential step (full jitter)."""
    assert expected == policy(rand).next_delay(attempt, elapsed_s=0.0)


def test_no_delay_once_max_attempts_were_made() -> None:
    """After max_attempts attempts there is no next one, whatever the budget says."""
    assert [0.25, None] == [
        policy(max_attempts=2).next_delay(1, 0.0),
        policy(max_attempts=2).next_delay(2, 0.0),
    ]


@pytest.mark.parametrize(
    ("elapsed_s", "retry_after_s", "expected"),
    [
        pytest.param(0.0, None, 1.0, id="fits"),
        pytest.param(8.9, None, 1.0, id="fits-just"),
        pytest.param(9.0, None, None, id="equal-fit-leaves-no-time-to-try"),
        pytest.param(9.5, None, None, id="past-budget"),
        pytest.param(0.0, 3.0, 3.0, id="retry-after-fits"),
        pytest.param(7.5, 3.0, None, id="retry-after-does-not-fit"),
        pytest.param(0.0, 30.0, None, id="retry-after-beyond-budget"),
    ],
)
def test_delay_must_fit_the_remaining_budget(
    elapsed_s: float, retry_after_s: float | None, expected: float | None
) -> None:
    """A wait that would not leave time for the next attempt means: give up now."""
    assert expected == policy(budget_s=10.0).next_delay(3, elapsed_s, retry_after_s)


@pytest.mark.parametrize(
    ("retry_after_s", "expected"),
    [
        pytest.param(0.0, 0.0, id="zero"),
        pytest.param(2.5, 2.5, id="more-than-backoff"),
        pytest.param(0.01, 0.01, id="less-than-backoff"),
        pytest.param(-4.0, 0.0, id="negative-means-now"),
    ],
)
def test_retry_after_replaces_backoff(retry_after_s: float, expected: float) -> None:
    """When the server says how long to wait, that is the wait (no jitter added)."""
    assert expected == policy(rand=0.9).next_delay(3, 0.0, retry_after_s)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"base_s": 0.0}, id="zero-base"),
        pytest.param({"cap_s": 0.1}, id="cap-below-base"),
        pytest.param({"budget_s": 0.0}, id="no-budget"),
        pytest.param({"max_attempts": 0}, id="no-attempts"),
    ],
)
def test_nonsense_policies_are_refused(overrides: dict[str, float]) -> None:
    """A policy that could never retry sensibly fails when built, not when used."""
    with pytest.raises(ValueError, match="need"):
        policy(**overrides)


@given(
    rand=st.floats(min_value=0.0, max_value=0.999999),
    attempt=st.integers(min_value=1, max_value=50),
    elapsed_s=st.floats(min_value=0.0, max_value=25.0),
)
def test_any_delay_is_within_cap_and_budget(rand: float, attempt: int, elapsed_s: float) -> None:
    """Every delay the schedule gives is non-negative, at most the cap, and fits the budget."""
    delay = policy(rand, max_attempts=100).next_delay(attempt, elapsed_s)
    assert delay is None or (0.0 <= delay <= 4.0 and delay < 20.0 - elapsed_s)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(None, None, id="absent"),
        pytest.param("3", 3.0, id="delta-seconds"),
        pytest.param(" 7 ", 7.0, id="padded"),
        pytest.param("1.5", 1.5, id="fractional"),
        pytest.param("-5", 0.0, id="negative"),
        pytest.param("Sun, 01 Mar 2026 12:00:30 GMT", 30.0, id="http-date-ahead"),
        pytest.param("Sun, 01 Mar 2026 11:00:00 GMT", 0.0, id="http-date-past"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("", None, id="empty"),
        pytest.param("inf", None, id="infinite"),
        pytest.param("nan", None, id="not-a-number"),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    """Retry-After is read as delta-seconds or an HTTP-date; anything else is ignored."""
    assert expected == parse_retry_after(header, NOW)
