"""Who is in a Slack user group, asked as seldom as correctness allows.

The access policy names user groups (S…) in its lists; each answer costs a Slack call, so
answers are cached for ``MEMBERS_GROUP_CACHE_S`` and concurrent lookups of one group share
one fetch. A failed fetch is never cached: the next lookup asks again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection


class GroupLookupError(Exception):
    """Slack could not say who is in a user group."""

    def __init__(self, group_id: str, cause: BaseException) -> None:
        super().__init__(f"user group {group_id}: {str(cause) or type(cause).__name__}")
        self.group_id = group_id


class GroupDirectory:
    """The members of Slack user groups, cached for ``ttl_s`` seconds (0: ask every time).

    Concurrent lookups of one group share a single fetch; a failed fetch is not
    cached, so the next lookup asks again.
    """

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[Collection[str]]],
        *,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._in_flight: dict[str, asyncio.Task[frozenset[str]]] = {}

    def cached(self, group_id: str) -> frozenset[str] | None:
        """The user IDs in ``group_id`` if a fresh answer is at hand, without asking Slack."""
        entry = self._cache.get(group_id)
        return entry[1] if entry is not None and self._clock() < entry[0] else None

    async def members(self, group_id: str) -> frozenset[str]:
        """The user IDs in ``group_id``; raises ``GroupLookupError`` when Slack fails."""
        cached = self.cached(group_id)
        if cached is not None:
            return cached
        task = self._in_flight.get(group_id)
        if task is None:
            task = asyncio.create_task(self._load(group_id))
            self._in_flight[group_id] = task
        # Shielded so that one caller giving up does not cancel the fetch the others wait on.
        return await asyncio.shield(task)

    async def _load(self, group_id: str) -> frozenset[str]:
        # Timed from the start, so a cached answer is never older than ttl_s.
        started = self._clock()
        try:
            members = frozenset(await self._fetch(group_id))
        except Exception as exc:
            raise GroupLookupError(group_id, exc) from exc
        finally:
            del self._in_flight[group_id]
        self._cache[group_id] = (started + self._ttl_s, members)
        return members
