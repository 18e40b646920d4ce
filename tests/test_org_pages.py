"""Reading every org page: after the first, the rest a few at a time, in order, each org once.

The pages come from a fake that holds each page until the test lets it go, so how
many are in flight at once is exact.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.edges.losant.errors import LosantUnavailable
from bot.edges.losant.models import Org, OrgList
from bot.edges.losant.org_pages import all_pages


def org(n: int) -> Org:
    return Org(id=f"{n:024x}", name=f"org {n:04}")


class Pages:
    """``total`` orgs, ``per_page`` a page; pages after the first wait for ``release``."""

    def __init__(self, total: int, per_page: int = 100) -> None:
        self.orgs = [org(n) for n in range(total)]
        self.per_page = per_page
        self.asked: list[int] = []
        self.in_flight = 0
        self.most = 0
        self.gate = asyncio.Event()
        self.full = asyncio.Event()
        self.fanout = 4
        self.failing: int | None = None

    async def __call__(self, page: int) -> OrgList:
        self.asked.append(page)
        if page == self.failing:
            raise LosantUnavailable("Losant answered 503", status=503)
        if page > 0:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            if self.in_flight == self.fanout:
                self.full.set()
            try:
                await self.gate.wait()
            finally:
                self.in_flight -= 1
        items = self.orgs[page * self.per_page : (page + 1) * self.per_page]
        return OrgList(items=items, total_count=len(self.orgs), per_page=self.per_page, page=page)

    async def release_when_full(self) -> None:
        await self.full.wait()
        self.gate.set()


async def test_the_pages_after_the_first_are_read_a_few_at_a_time() -> None:
    """1,000 orgs: page 0 alone, then pages 1-9 at most four at once, orgs in page order."""
    pages = Pages(1000)
    releasing = asyncio.create_task(pages.release_when_full())
    orgs = await all_pages(pages, path="/orgs", fanout=4)
    await releasing
    assert (pages.orgs, 0, list(range(10)), 4) == (
        orgs,
        pages.asked[0],
        sorted(pages.asked),
        pages.most,
    )


async def test_one_page_is_one_call() -> None:
    """An instance that fits on one page costs one call."""
    pages = Pages(42)
    assert (pages.orgs, [0]) == (await all_pages(pages, path="/orgs"), pages.asked)


async def test_a_failed_page_fails_the_listing_and_stops_the_rest() -> None:
    """A page that fails (after its retries) fails the listing; the pages in flight stop."""
    pages = Pages(1000)
    pages.failing = 3
    with pytest.raises(LosantUnavailable):
        await all_pages(pages, path="/orgs", fanout=4)
    await asyncio.sleep(0)  # the pages still waiting take their cancellation
    assert (0, False) == (pages.in_flight, pages.gate.is_set())
