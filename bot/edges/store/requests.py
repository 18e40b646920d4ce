"""Access requests and their decisions: the first decision wins, every expiry is told once.

Approvers in different processes may click Approve and Deny on the same card within the
same second. Deciding is one conditional UPDATE (still pending, not yet expired); the one
whose UPDATE matched made the decision, and everyone else is shown the row that says who
did. Expiry is claimed the same way, so each expired request is announced by one process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from bot.edges.store.records import Request, RequestState
from bot.edges.store.tables import requests

_PENDING = requests.c.state == RequestState.PENDING.value


@dataclass(frozen=True, slots=True)
class Decided:
    """This call made the decision."""

    request: Request


@dataclass(frozen=True, slots=True)
class AlreadyDecided:
    """Someone decided (or it expired) first; ``request`` shows who and how."""

    request: Request


@dataclass(frozen=True, slots=True)
class Expired:
    """Still pending but past its time: too late to decide; the expiry sweep will close it."""

    request: Request


DecideResult = Decided | AlreadyDecided | Expired


class RequestStore:
    """The ``requests`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(
        self,
        *,
        requester: str,
        requester_email: str,
        org_id: str,
        org_name: str,
        role: str,
        current_role: str | None,
        duration_s: int,
        reason: str,
        ttl: timedelta,
        now: datetime,
    ) -> Request:
        """Record a pending request that expires ``ttl`` after ``now``."""
        statement = (
            requests.insert()
            .values(
                id=uuid4().hex,
                requester=requester,
                requester_email=requester_email,
                org_id=org_id,
                org_name=org_name,
                role=role,
                current_role=current_role,
                duration_s=duration_s,
                reason=reason,
                state=RequestState.PENDING.value,
                created_at=now,
                expires_at=now + ttl,
            )
            .returning(requests)
        )
        async with self._engine.begin() as conn:
            return Request.from_row((await conn.execute(statement)).one())

    async def decide(
        self, request_id: str, approver: str, approve: bool, reason: str | None, now: datetime
    ) -> DecideResult | None:
        """Approve or deny, if nobody has yet and it has not expired; None: no such request."""
        state = RequestState.APPROVED if approve else RequestState.DENIED
        statement = (
            update(requests)
            .where(requests.c.id == request_id, _PENDING, requests.c.expires_at > now)
            .values(state=state.value, decided_by=approver, decided_at=now, decision_reason=reason)
            .returning(requests)
        )
        won = await self._write_one(statement)
        if won is not None:
            return Decided(won)
        current = await self.get(request_id)
        if current is None:
            return None
        if current.state is RequestState.PENDING:
            return Expired(current)
        return AlreadyDecided(current)

    async def expire_due(self, now: datetime, limit: int = 100) -> list[Request]:
        """Expire undecided requests past their time; each is returned to one caller only."""
        past = (requests.c.expires_at <= now) & _PENDING
        candidates = select(requests.c.id).where(past).order_by(requests.c.expires_at)
        expire = update(requests).values(state=RequestState.EXPIRED.value, decided_at=now)
        expired: list[Request] = []
        async with self._engine.connect() as conn:
            ids = (await conn.execute(candidates.limit(limit))).scalars().all()
            await conn.commit()
            for request_id in ids:
                # Restating "pending and past" lets only one process's UPDATE match.
                row = (
                    await conn.execute(
                        expire.where(requests.c.id == request_id, past).returning(requests)
                    )
                ).first()
                await conn.commit()
                if row is not None:
                    expired.append(Request.from_row(row))
        return expired

    async def get(self, request_id: str) -> Request | None:
        """The request with this ID."""
        rows = await self._read(select(requests).where(requests.c.id == request_id))
        return rows[0] if rows else None

    async def pending_for_approver(self, approver: str, now: datetime) -> list[Request]:
        """Requests this approver may still decide: pending, unexpired, not their own."""
        statement = select(requests).where(
            _PENDING, requests.c.expires_at > now, requests.c.requester != approver
        )
        return await self._read(statement.order_by(requests.c.created_at, requests.c.id))

    async def open_for_requester(self, requester: str, now: datetime) -> list[Request]:
        """The requester's own requests still waiting for a decision."""
        statement = select(requests).where(
            _PENDING, requests.c.expires_at > now, requests.c.requester == requester
        )
        return await self._read(statement.order_by(requests.c.created_at, requests.c.id))

    async def set_card(self, request_id: str, channel: str, ts: str) -> None:
        """Remember the Slack message showing the request, so decisions update it in place."""
        await self._write_one(
            update(requests)
            .where(requests.c.id == request_id)
            .values(card_channel=channel, card_ts=ts)
            .returning(requests)
        )

    async def link_grant(self, request_id: str, grant_id: str) -> None:
        """Record the grant an approval made."""
        await self._write_one(
            update(requests)
            .where(requests.c.id == request_id)
            .values(grant_id=grant_id)
            .returning(requests)
        )

    async def _read(self, statement: Executable) -> list[Request]:
        async with self._engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [Request.from_row(row) for row in rows]

    async def _write_one(self, statement: Executable) -> Request | None:
        async with self._engine.begin() as conn:
            row = (await conn.execute(statement)).first()
        return None if row is None else Request.from_row(row)
