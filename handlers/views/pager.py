"""The part of a list reply that pages: which slice to show, and the Prev/Next footer.

Members and orgs page the same way (20 a page, clamped, stateless buttons), so the
arithmetic and the "query too long for a button" fallback are written once.
Slicing happens here, before any formatting, so a 10,000-member org costs no more
to render than a 20-member one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from handlers.paging import MAX_VALUE, PAGE_SIZE, clamp_page, page_count
from handlers.views.blocks import actions, button, context

T = TypeVar("T")

RANGE = "\u2013"  # en dash for "members 21-40"; written as an escape because ruff flags it
TOO_LONG_HINT = "This query is too long to page through with buttons: narrow the filter."


@dataclass(frozen=True)
class Window(Generic[T]):
    """One page of a list: its items and where they sit in the whole."""

    items: Sequence[T]
    index: int
    pages: int
    start: int
    total: int

    @property
    def is_paged(self) -> bool:
        return self.pages > 1


def window(items: Sequence[T], page: int) -> Window[T]:
    """The page ``page`` of ``items`` (clamped into range), sliced, nothing formatted."""
    total = len(items)
    index = clamp_page(page, total)
    start = index * PAGE_SIZE
    return Window(items[start : start + PAGE_SIZE], index, page_count(total), start, total)


def footer(
    win: Window[Any],
    *,
    noun: str,
    action_prefix: str,
    value_for_page: Callable[[int], str],
) -> list[dict[str, Any]]:
    """The "Page 2 of 50 · members 21 to 40" line (with a range dash), then Prev/Next.

    A list that fits on one page gets no footer at all.

    ``value_for_page`` encodes the state for a page; if a value would not fit in a
    button, there are no buttons and the person is told to narrow the query.
    """
    if not win.is_paged:
        return []
    first, last = win.start + 1, win.start + len(win.items)
    blocks = [context(f"Page {win.index + 1:,} of {win.pages:,} · {noun} {first:,}{RANGE}{last:,}")]
    targets = []
    if win.index > 0:
        targets.append(("Prev", "prev", win.index - 1))
    if win.index < win.pages - 1:
        targets.append(("Next", "next", win.index + 1))
    values = [(label, suffix, value_for_page(page)) for label, suffix, page in targets]
    if any(len(value) > MAX_VALUE for _, _, value in values):
        blocks.append(context(TOO_LONG_HINT))
    elif values:
        buttons = [
            button(label, f"{action_prefix}_{suffix}", value) for label, suffix, value in values
        ]
        blocks.append(actions(*buttons))
    return blocks
