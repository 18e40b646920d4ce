"""Reading one big array of a JSON object a slice at a time, so the event loop is never held long.

Losant answers a member list with every member at once: 2 MB of JSON for 10,000
people. Parsing that in one call holds the event loop for tens of milliseconds, and
a thread does not help, as the parser holds the GIL throughout. So the array is cut
into slices of about ``SLICE_CHARS`` characters, each checked by the caller, with a
pause between slices in which the loop serves everything else.

A slice is only ever cut just after a ``}`` that is followed by ``,`` or ``]``, and it
is kept only if it parses as a whole: parsing is deterministic from a known state, so
a slice that starts on an item boundary and parses cleanly also ends on one, even if
a ``},`` inside a string had fooled the search. When no cut parses within a few
tries (the last slice, or strange data), the rest of the array is read in one go.
The other keys of the object are small and read whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

SLICE_CHARS = 64 * 1024
# A failed cut costs one slice's parse; after this many, read the rest at once.
_MAX_CUTS = 8

_WS = re.compile(r"[ \t\n\r]*")
_decoder = json.JSONDecoder()

Check = Callable[[str], int]
"""Validates a slice (a JSON array's text) and returns how many items it holds."""
Pause = Callable[[], Awaitable[None]]
Slices = list[tuple[int, str]]
"""(item count, the slice as a JSON array's text), in order."""


async def read_object(
    text: str, array_key: str, check: Check, pause: Pause, *, slice_chars: int = SLICE_CHARS
) -> tuple[dict[str, Any], Slices]:
    """``text``'s top-level object: its other keys, and ``array_key``'s array in slices.

    Raises ValueError when ``text`` is not one JSON object, or a slice fails ``check``.
    """
    try:
        return await _Reader(text, check, pause, slice_chars).read_object(array_key)
    except IndexError:  # ran off the end: the text stopped in the middle
        raise ValueError("the JSON ends too soon") from None


class _Reader:
    def __init__(self, text: str, check: Check, pause: Pause, slice_chars: int) -> None:
        self.text = text
        self.check = check
        self.pause = pause
        self.slice_chars = slice_chars

    async def read_object(self, array_key: str) -> tuple[dict[str, Any], Slices]:
        text = self.text
        others: dict[str, Any] = {}
        slices: Slices = []
        at = _expect(text, _skip(text, 0), "{")
        if text[at] == "}":
            return others, _end(text, at + 1, slices)
        while True:
            key, at = _decoder.raw_decode(text, at)
            if not isinstance(key, str):
                raise ValueError("an object key must be a string")
            at = _expect(text, _skip(text, at), ":")
            if key == array_key and text[at] == "[":
                slices, at = await self._read_array(at)
            else:
                others[key], at = _decoder.raw_decode(text, at)
            at = _skip(text, at)
            if text[at] == "}":
                return others, _end(text, at + 1, slices)
            at = _expect(text, at, ",")

    async def _read_array(self, opening: int) -> tuple[Slices, int]:
        """The array opening at ``opening`` in slices, and the index just after its ``]``."""
        text = self.text
        slices: Slices = []
        start = _skip(text, opening + 1)
        if text[start] == "]":
            return slices, start + 1
        while True:
            count, end = self._cut(start)
            slices.append((count, f"[{text[start:end]}]"))
            after = _skip(text, end)
            if text[after] == "]":
                return slices, after + 1
            start = _expect(text, after, ",")
            if text[start] == "]":
                raise ValueError(f"a comma before the closing bracket, at character {start}")
            await self.pause()

    def _cut(self, start: int) -> tuple[int, int]:
        """A slice of items starting at ``start``: (its item count, the index just past it)."""
        text = self.text
        candidate = text.find("}", start + self.slice_chars)
        for _ in range(_MAX_CUTS):
            if candidate < 0:
                break
            end = candidate + 1
            following = _skip(text, end)
            # A slice ends where an item does; the object's own closing "}" is no cut.
            if text[following : following + 1] in (",", "]"):
                try:
                    return self.check(f"[{text[start:end]}]"), end
                except ValueError:
                    pass  # not an item boundary after all (or bad data): try the next one
            candidate = text.find("}", end)
        # The rest of the array at once; raw_decode stops at its closing bracket.
        _, length = _decoder.raw_decode(f"[{text[start:]}")
        end = start + length - 2  # less the added "[" and the array's own "]"
        return self.check(f"[{text[start:end]}]"), end


def _skip(text: str, at: int) -> int:
    match = _WS.match(text, at)
    assert match is not None  # the pattern matches the empty string anywhere
    return match.end()


def _expect(text: str, at: int, char: str) -> int:
    """The index just past ``char`` (and any whitespace after it), which must be at ``at``."""
    if text[at] != char:
        raise ValueError(f"expected {char!r} at character {at}")
    return _skip(text, at + 1)


def _end(text: str, at: int, slices: Slices) -> Slices:
    if _skip(text, at) != len(text):
        raise ValueError(f"extra data after the object, at character {at}")
    return slices
