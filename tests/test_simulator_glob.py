"""The simulator's reading of Losant's ``filter`` globs, as a pure function."""

from __future__ import annotations

import pytest

from bot.sandbox.simulator.glob import glob_match


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        pytest.param("*", "", True, id="star-matches-empty"),
        pytest.param("acme*", "Acme Staging", True, id="prefix"),
        pytest.param("*staging", "Acme Staging", True, id="suffix"),
        pytest.param("*me st*", "Acme Staging", True, id="contains"),
        pytest.param("my * instance", "my big instance", True, id="losant-doc-example"),
        pytest.param("acme", "Acme Staging", False, id="anchored-at-the-end"),
        pytest.param("staging", "Acme Staging", False, id="anchored-at-the-start"),
        pytest.param("*@acme.io", "bo@acme.io.evil.example", False, id="suffix-is-anchored"),
        pytest.param("BO@ACME.IO", "bo@acme.io", True, id="ignores-case"),
        pytest.param("a.c", "abc", False, id="dot-is-literal"),
        pytest.param("a?c", "abc", False, id="question-mark-is-literal"),
        pytest.param("a?c", "a?c", True, id="question-mark-matches-itself"),
        pytest.param("[ab]", "a", False, id="brackets-are-literal"),
        pytest.param("R&D <Labs>", "r&d <labs>", True, id="markup-characters-are-literal"),
        pytest.param("a\\*", "a\\bc", True, id="backslash-does-not-escape"),
        pytest.param("a**b", "ab", True, id="star-runs-collapse"),
        pytest.param("a*", "a\nb", True, id="star-crosses-newlines"),
        pytest.param("", "anything", True, id="blank-means-no-filter"),
        pytest.param("   ", "anything", True, id="whitespace-means-no-filter"),
        pytest.param(None, "anything", True, id="absent-means-no-filter"),
    ],
)
def test_glob_match(pattern: str | None, value: str, expected: bool) -> None:
    """``*`` is the only wildcard; the match is whole-field, case-insensitive, else literal."""
    assert expected == glob_match(pattern, value)


def test_many_stars_stay_fast() -> None:
    """A pattern full of stars against a long non-matching value does not backtrack badly."""
    assert False is glob_match("*a" * 30 + "*b", "a" * 1024)
