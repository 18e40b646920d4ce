"""Times: stored as UTC, read back as aware UTC, compared correctly, and never naive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from bot.edges.store.store import Store
from tests.store.helpers import HOUR, NOW, give

CHICAGO_SUMMER = timezone(timedelta(hours=-5))
KOLKATA = timezone(timedelta(hours=5, minutes=30))


async def test_times_come_back_as_aware_utc_for_the_same_instant(store: Store) -> None:
    """A time written in any zone reads back in UTC, same instant, to the microsecond."""
    ends_at = datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=CHICAGO_SUMMER)

    granted = await give(store, ends_at=ends_at)
    stored = await store.grants.get(granted.grant.id)

    assert stored is not None
    assert (ends_at, UTC, datetime(2025, 6, 1, 14, 30, 15, 123456, tzinfo=UTC)) == (
        stored.ends_at,
        stored.ends_at.tzinfo,
        stored.ends_at,
    )
    assert UTC == stored.created_at.tzinfo


async def test_due_compares_instants_not_wall_clock_text(store: Store) -> None:
    """A grant ending 17:00 in Kolkata (11:30 UTC) is due at 12:00 UTC, and not at 11:00."""
    await give(store, ends_at=datetime(2025, 6, 1, 17, 0, tzinfo=KOLKATA), now=NOW - HOUR)

    before = await store.grants.claim_due(NOW - HOUR, "a", 60)
    after = await store.grants.claim_due(NOW, "a", 60)

    assert (0, 1) == (len(before), len(after))


async def test_a_naive_time_is_refused(store: Store) -> None:
    """A datetime without a zone is a bug at the caller, so it fails loudly."""
    with pytest.raises(StatementError, match="naive datetime"):
        await give(store, ends_at=datetime(2025, 6, 1, 13, 0))
