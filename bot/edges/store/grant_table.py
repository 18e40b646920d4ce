"""What every operation on the ``grants`` table shares: its conditions and its row reads.

Granting (``grants.py``) and reverting (``reverts.py``) are different jobs done by different
callers, but they must agree to the letter on what "live", "due" and "leased" mean, since
each process's conditional UPDATEs only exclude one another if they state the same rules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from bot.edges.store.records import Grant, GrantState
from bot.edges.store.tables import grants

LIVE = grants.c.state == GrantState.LIVE.value


def normal_email(email: str) -> str:
    """The form emails are stored and matched in."""
    # Losant treats emails without regard to case; so must the one-live-grant rule.
    return email.strip().lower()


def lease_free(now: datetime) -> ColumnElement[bool]:
    """No process holds the grant's revert lease at ``now``."""
    return or_(grants.c.lease_until.is_(None), grants.c.lease_until < now)


def person(org_id: str, email: str) -> ColumnElement[bool]:
    """The live grant of this person in this org (there is at most one)."""
    return and_(grants.c.org_id == org_id, grants.c.target_email == normal_email(email), LIVE)


def due(now: datetime) -> ColumnElement[bool]:
    """Live, past its end, not leased, and not waiting out a backoff."""
    return and_(
        LIVE,
        grants.c.ends_at <= now,
        lease_free(now),
        or_(grants.c.next_attempt_at.is_(None), grants.c.next_attempt_at <= now),
    )


class GrantTable:
    """Holds the engine and turns query results into ``Grant`` snapshots."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _read_one(self, statement: Executable) -> Grant | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(statement)).first()
        return None if row is None else Grant.from_row(row)

    async def _read_many(self, statement: Executable) -> list[Grant]:
        async with self._engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [Grant.from_row(row) for row in rows]

    async def _write_one(self, statement: Executable) -> Grant | None:
        # A conditional UPDATE … RETURNING: a row back means this call won.
        async with self._engine.begin() as conn:
            row = (await conn.execute(statement)).first()
        return None if row is None else Grant.from_row(row)
