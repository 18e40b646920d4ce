"""Losant's ``filter`` globbing, as the simulator understands it.

Losant documents only "Supports globbing" with examples such as ``my * instance``.
The simulator takes the narrowest reading that fits every known example, so a bot
that works against it makes no assumption the real API might break: ``*`` matches
any run of characters (including none), the pattern is anchored to the whole field,
matching ignores case, and every other character (``?``, ``[``, ``]``, ``.``, ``\\``)
is literal. A blank pattern means "no filtering".

Matching splits the pattern at the stars and finds the pieces left to right, which
is correct for star-only globs and takes linear time; a regular expression with one
``.*`` per star backtracks exponentially on patterns like ``*a*a*a…b``.
"""

from __future__ import annotations

from collections.abc import Callable


def glob_matcher(pattern: str | None) -> Callable[[str], bool]:
    """A predicate for ``pattern``; a blank or missing pattern accepts everything."""
    if pattern is None or not pattern.strip():
        return lambda _value: True
    pieces = pattern.casefold().split("*")
    return lambda value: _matches(pieces, value.casefold())


def glob_match(pattern: str | None, value: str) -> bool:
    """True when ``value`` matches the glob ``pattern`` (blank matches everything)."""
    return glob_matcher(pattern)(value)


def _matches(pieces: list[str], value: str) -> bool:
    if len(pieces) == 1:  # no star: the whole field, exactly
        return value == pieces[0]
    first, *middle, last = pieces
    if len(value) < len(first) + len(last):
        return False
    if not (value.startswith(first) and value.endswith(last)):
        return False
    position, end = len(first), len(value) - len(last)
    for piece in middle:
        found = value.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True
