"""The audit trail of grants and requests, kept in the database beside them.

The audit channel in Slack is for people and may miss a message; this table is the record
an operator can query later ("who gave bo@ admin last Tuesday, and did it end?"). It is
append-only by construction: this class offers no way to change or remove an entry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from bot.edges.store.records import Event, EventKind
from bot.edges.store.tables import events


class EventLog:
    """Appends to and reads the ``events`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def append(
        self,
        kind: EventKind,
        *,
        at: datetime,
        actor: str,
        grant_id: str | None = None,
        request_id: str | None = None,
        org_id: str | None = None,
        target: str | None = None,
        role: str | None = None,
        detail: str | None = None,
    ) -> Event:
        """Record one step; ``actor`` is a Slack user ID, or the bot's name for its own steps."""
        statement = (
            events.insert()
            .values(
                at=at,
                kind=kind.value,
                actor=actor,
                grant_id=grant_id,
                request_id=request_id,
                org_id=org_id,
                target=target,
                role=role,
                detail=detail,
            )
            .returning(events)
        )
        async with self._engine.begin() as conn:
            return Event.from_row((await conn.execute(statement)).one())

    async def for_grant(self, grant_id: str) -> list[Event]:
        """Every step of one grant, oldest first."""
        return await self._read(
            select(events).where(events.c.grant_id == grant_id).order_by(events.c.id)
        )

    async def for_request(self, request_id: str) -> list[Event]:
        """Every step of one request, oldest first."""
        return await self._read(
            select(events).where(events.c.request_id == request_id).order_by(events.c.id)
        )

    async def recent(self, limit: int = 50) -> list[Event]:
        """The latest steps, newest first."""
        return await self._read(select(events).order_by(events.c.id.desc()).limit(limit))

    async def _read(self, statement: Executable) -> list[Event]:
        async with self._engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [Event.from_row(row) for row in rows]
