"""Grants an approver should look at: overdue reverts, and grants that drifted lately.

The Home tab shows approvers what needs a person: a live grant past its end (its revert
is late or failing) and a grant the bot left alone because someone changed the role
meanwhile (``drifted``), for a week after it drifted. One read, soonest end first,
at most ``limit`` rows, whatever the size of the table.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.edges.store.grant_table import LIVE
from bot.edges.store.records import Grant, GrantState
from bot.edges.store.tables import grants

DRIFTED_SHOWN_FOR = timedelta(days=7)


async def needing_attention(engine: AsyncEngine, now: datetime, *, limit: int = 50) -> list[Grant]:
    """Live grants past their end, and grants that drifted in the last week."""
    drifted = and_(
        grants.c.state == GrantState.DRIFTED.value,
        grants.c.updated_at >= now - DRIFTED_SHOWN_FOR,
    )
    statement = (
        select(grants)
        .where(or_(and_(LIVE, grants.c.ends_at <= now), drifted))
        .order_by(grants.c.ends_at, grants.c.id)
        .limit(limit)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).all()
    return [Grant.from_row(row) for row in rows]
