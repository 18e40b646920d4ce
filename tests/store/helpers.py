"""What several store tests share: a fixed clock and a one-line way to grant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.edges.store.grants import Granted
from bot.edges.store.store import Store

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
ORG = "5f0c0ffee0c0ffee0c0ffee0"


async def give(
    store: Store,
    email: str = "bo@acme.io",
    *,
    ends_at: datetime = NOW + HOUR,
    role: str = "edit",
    previous_role: str | None = None,
    org_id: str = ORG,
    granted_by: str = "U01",
    now: datetime = NOW,
) -> Granted:
    """Grant ``role`` to ``email`` in Acme until ``ends_at``."""
    return await store.grants.grant(
        org_id=org_id,
        org_name="Acme",
        email=email,
        role=role,
        previous_role=previous_role,
        ends_at=ends_at,
        granted_by=granted_by,
        now=now,
    )
