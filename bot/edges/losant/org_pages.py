"""Every page of the org list: the first page says how many follow, the rest come a few at once.

The org list is paginated (100 orgs a page unless Losant serves fewer), and work
across orgs reads all of it: an instance of 1,000 orgs is ten pages, and ten calls
one after another cost ten round trips. The first page's ``totalCount`` and
``perPage`` tell how many pages there are, so the others are fetched together, at
most ``fanout`` at a time (Losant rate-limits, and other commands need calls too).
Without a ``totalCount`` the pages are read one by one until one comes back short.

Orgs come back in page order, each once: an org created or deleted meanwhile can
shift an org from one page onto the next, so one seen twice is kept once.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable

from bot.edges.losant.errors import LosantUnexpected
from bot.edges.losant.models import Org, OrgList

PER_PAGE = 100  # what is asked for; Losant may serve fewer
# A server that keeps answering "there is more" must not keep us paging forever.
MAX_PAGES = 100
# Pages read at once after the first: a few, as Losant rate-limits and other
# commands need calls too.
FANOUT = 4

FetchPage = Callable[[int], Awaitable[OrgList]]
"""Fetches one page (0-based) of the same listing."""


async def all_pages(
    fetch: FetchPage,
    *,
    path: str,
    asked_per_page: int = PER_PAGE,
    max_pages: int = MAX_PAGES,
    fanout: int = FANOUT,
) -> list[Org]:
    """Every org of the listing ``fetch`` pages through (``path``, for errors)."""
    first = await fetch(0)
    if is_last_page(first, 0, asked_per_page):
        return _once(first)
    if first.total_count is None:
        return await _one_by_one(fetch, first, asked_per_page, max_pages, path)
    per_page = first.per_page or asked_per_page
    pages = math.ceil(first.total_count / per_page)
    if pages > max_pages:
        raise _endless(max_pages, path, counted=first.total_count)
    slots = asyncio.Semaphore(fanout)

    async def page(number: int) -> OrgList:
        async with slots:
            return await fetch(number)

    rest = [asyncio.ensure_future(page(number)) for number in range(1, pages)]
    try:
        batches = await asyncio.gather(*rest)
    finally:
        for task in rest:  # after a failure, the pages still to come are not needed
            task.cancel()
    return _once(first, *batches)


def is_last_page(batch: OrgList, page: int, asked_per_page: int) -> bool:
    """Paging ends on an empty page, or once every org Losant counted has been seen."""
    # Losant may serve smaller pages than asked for; its own perPage says where we are.
    per_page = batch.per_page or asked_per_page
    if not batch.items:
        return True
    if batch.total_count is None:
        return len(batch.items) < per_page
    return page * per_page + len(batch.items) >= batch.total_count


async def _one_by_one(
    fetch: FetchPage, first: OrgList, asked_per_page: int, max_pages: int, path: str
) -> list[Org]:
    batches = [first]
    for number in range(1, max_pages):
        batches.append(await fetch(number))
        if is_last_page(batches[-1], number, asked_per_page):
            return _once(*batches)
    raise _endless(max_pages, path)


def _once(*batches: OrgList) -> list[Org]:
    seen: dict[str, Org] = {}
    for batch in batches:
        for org in batch.items:
            seen.setdefault(org.id, org)
    return list(seen.values())


def _endless(max_pages: int, path: str, *, counted: int | None = None) -> LosantUnexpected:
    if counted is None:
        said = "still had more orgs after"
    else:
        said = f"counted {counted:,} orgs, more than"
    return LosantUnexpected(f"Losant {said} {max_pages} pages", method="GET", path=path)
