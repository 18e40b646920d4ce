"""The org typeahead of the forms: the instance's orgs matching what a person has typed.

Slack asks for options on every few keystrokes and shows nothing unless the answer
comes within 3 seconds, but listing an instance's orgs is one Losant call per hundred
orgs. So the whole list is read once and kept for ``ttl_s`` (a minute: a new org
shows up in the typeahead that late, which the form can live with); people typing at
once share one read, which goes on even when the person who started it stops
waiting (so the next keystroke finds the list), and matching is done here, in memory: names
starting with the text first, then names containing it, ignoring case, at most
``limit`` of them (Slack shows 100 options at most).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.edges.losant.models import Org

ORG_LIST_CACHE_S = 60.0
MAX_OPTIONS = 100

ListOrgs = Callable[[], Awaitable[list[Org]]]


class OrgChoices:
    """Every org of the instance, read at most once per ``ttl_s``, matched by name."""

    def __init__(
        self,
        list_orgs: ListOrgs,
        *,
        ttl_s: float = ORG_LIST_CACHE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._list_orgs = list_orgs
        self._ttl_s = ttl_s
        self._clock = clock
        self._loading: asyncio.Task[list[Org]] | None = None
        self._orgs: tuple[float, list[Org]] | None = None

    async def matching(self, text: str, *, limit: int = MAX_OPTIONS) -> list[Org]:
        """The orgs whose name starts with ``text`` (by name), then those containing it."""
        return match(await self.all(), text, limit=limit)

    async def all(self) -> list[Org]:
        """Every org, from the cache while it is fresh."""
        if self._orgs is not None and self._clock() < self._orgs[0]:
            return self._orgs[1]
        if self._loading is None or self._loading.done():
            self._loading = asyncio.create_task(self._load())
            self._loading.add_done_callback(_seen)
        # Shielded: a caller that gives up (Slack's 3 s) leaves the read to finish for the next.
        return await asyncio.shield(self._loading)

    async def _load(self) -> list[Org]:
        # Timed from the start, so the list is never kept longer than ttl_s after the read.
        started = self._clock()
        orgs = await self._list_orgs()
        if self._ttl_s > 0:
            self._orgs = (started + self._ttl_s, orgs)
        return orgs


def _seen(task: asyncio.Task[list[Org]]) -> None:
    if not task.cancelled():
        task.exception()  # a failure nobody waited for is not reported as unretrieved


def match(orgs: list[Org], text: str, *, limit: int = MAX_OPTIONS) -> list[Org]:
    """``orgs`` whose name starts with ``text``, then those containing it, each by name.

    Case and surrounding spaces are ignored; an empty ``text`` matches every org. An org
    typed by its ID is found too, for people who paste one.
    """
    wanted = text.strip().casefold()
    starts: list[Org] = []
    contains: list[Org] = []
    for org in orgs:
        name = org.name.casefold()
        if name.startswith(wanted) or org.id == wanted:
            starts.append(org)
        elif wanted in name:
            contains.append(org)

    def by_name(org: Org) -> tuple[str, str]:
        return org.name.casefold(), org.id

    return (sorted(starts, key=by_name) + sorted(contains, key=by_name))[:limit]
