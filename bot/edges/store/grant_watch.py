"""What people are told about grants besides their revert: ending soon, and drifted ones.

A requester is warned once before their access ends, whichever process notices first, so
the notice is claimed with a conditional UPDATE like everything else shared between
processes. Drifted grants are ended, but someone should still look at them: ``grants`` shows
the recent ones beside the live.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from bot.edges.store.grant_table import LIVE, GrantTable
from bot.edges.store.records import Grant, GrantState
from bot.edges.store.tables import grants


class GrantWatch(GrantTable):
    """Ending-soon notices and the drifted grants worth showing."""

    async def ending_soon(self, now: datetime, within: timedelta) -> list[Grant]:
        """Live grants from a request that end within ``within`` and have not been warned.

        A grant no longer than the warning itself is left out: its requester has just been
        told when it ends.
        """
        statement = select(grants).where(
            LIVE,
            grants.c.request_id.is_not(None),
            grants.c.warned_at.is_(None),
            grants.c.ends_at > now,
            grants.c.ends_at <= now + within,
            or_(grants.c.duration_s.is_(None), grants.c.duration_s > within.total_seconds()),
        )
        return await self._read_many(statement.order_by(grants.c.ends_at, grants.c.id))

    async def mark_warned(self, grant_id: str, now: datetime) -> bool:
        """Record the notice; True only for the one caller that should send it."""
        statement = (
            update(grants)
            .where(grants.c.id == grant_id, LIVE, grants.c.warned_at.is_(None))
            .values(warned_at=now)
            .returning(grants.c.id)
        )
        async with self._engine.begin() as conn:
            return (await conn.execute(statement)).first() is not None

    async def drifted_since(
        self, since: datetime, org_id: str | None = None, email: str | None = None
    ) -> list[Grant]:
        """Grants left alone because someone changed the role, ended after ``since``."""
        statement = select(grants).where(
            grants.c.state == GrantState.DRIFTED.value, grants.c.updated_at >= since
        )
        if org_id is not None:
            statement = statement.where(grants.c.org_id == org_id)
        if email is not None:
            statement = statement.where(grants.c.target_email == email.strip().lower())
        return await self._read_many(statement.order_by(grants.c.updated_at.desc()))
