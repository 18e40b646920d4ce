"""Ending grants: each due grant is reverted by exactly one process, and never dropped.

Every process sweeps. A process leases a due grant with one conditional UPDATE whose WHERE
restates "live, due, unleased, not backing off"; the database lets one UPDATE match, so one
process wins each grant. A lease that runs out (the process died mid-revert) makes the grant
claimable again. A failed revert keeps the grant live with a growing backoff, and one that
keeps failing or runs late is flagged once for a person to look at.

A sweep costs 1 indexed SELECT for the due IDs + 1 UPDATE per due grant, then 1 UPDATE per
finished or failed revert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, literal, or_, select, update

from bot.edges.store.grant_table import LIVE, GrantTable, due
from bot.edges.store.records import Grant, GrantState
from bot.edges.store.tables import grants
from bot.edges.store.utc import UtcDateTime

FLAG_AFTER_ATTEMPTS = 3
FLAG_AFTER_OVERDUE = timedelta(minutes=15)
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(minutes=15)
_ERROR_CHARS = 2000


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed revert: 30 s, 60 s, 120 s … 15 min."""
    doubling: int = 2 ** max(attempts - 1, 0)
    return min(BACKOFF_FIRST * doubling, BACKOFF_MAX)


class GrantReverts(GrantTable):
    """The sweep's side of the ``grants`` table: claim, finish, fail, flag."""

    async def claim_due(
        self, now: datetime, owner: str, lease_s: float, limit: int = 100
    ) -> list[Grant]:
        """Lease up to ``limit`` due grants to ``owner``; each is claimed by one owner only."""
        is_due = due(now)
        claim = update(grants).values(
            lease_owner=owner, lease_until=now + timedelta(seconds=lease_s), updated_at=now
        )
        candidates = select(grants.c.id).where(is_due).order_by(grants.c.ends_at, grants.c.id)
        claimed: list[Grant] = []
        async with self._engine.connect() as conn:
            ids = (await conn.execute(candidates.limit(limit))).scalars().all()
            await conn.commit()
            for grant_id in ids:
                # Another process may have won the row since the SELECT: then the restated
                # WHERE matches nothing and no row comes back.
                won = await conn.execute(
                    claim.where(grants.c.id == grant_id, is_due).returning(grants)
                )
                row = won.first()
                # One commit per claim: a grant is released to its owner at once, not
                # after the whole batch, and a crash mid-sweep keeps the claims made.
                await conn.commit()
                if row is not None:
                    claimed.append(Grant.from_row(row))
        return claimed

    async def claim(self, grant_id: str, now: datetime, owner: str, lease_s: float) -> Grant | None:
        """Lease one due grant to ``owner`` (a revoke reverting at once); None if not due or
        someone else holds it."""
        statement = (
            update(grants)
            .where(grants.c.id == grant_id, due(now))
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s), updated_at=now)
            .returning(grants)
        )
        return await self._write_one(statement)

    async def finish(
        self, grant_id: str, owner: str, state: GrantState, now: datetime
    ) -> Grant | None:
        """Close a reverted, drifted or revoked grant.

        None when it was already closed (by a process whose lease ran out but whose revert
        still went through) or was extended meanwhile, so that this revert no longer applies.
        """
        if state is GrantState.LIVE:
            raise ValueError("finish() closes a grant; live is not an end state")
        statement = (
            update(grants)
            .where(grants.c.id == grant_id, LIVE, grants.c.ends_at <= now)
            # lease_owner stays as the name of the process that closed the grant.
            .values(state=state.value, lease_owner=owner, lease_until=None, updated_at=now)
            .returning(grants)
        )
        return await self._write_one(statement)

    async def fail(self, grant_id: str, owner: str, error: str, now: datetime) -> Grant | None:
        """Count a failed revert, release the lease and schedule the next try; stays live.

        None when ``owner`` no longer holds the lease (another process took the grant over).
        """
        # The delay depends on the attempts already made; a CASE over precomputed times keeps
        # it one statement on both databases, which do date arithmetic differently.
        next_try = case(
            {n: literal(now + backoff(n + 1), UtcDateTime()) for n in range(6)},
            value=grants.c.attempts,
            else_=literal(now + BACKOFF_MAX, UtcDateTime()),
        )
        statement = (
            update(grants)
            .where(grants.c.id == grant_id, LIVE, grants.c.lease_owner == owner)
            .values(
                attempts=grants.c.attempts + 1,
                next_attempt_at=next_try,
                last_error=error[:_ERROR_CHARS],
                lease_owner=None,
                lease_until=None,
                updated_at=now,
            )
            .returning(grants)
        )
        return await self._write_one(statement)

    async def needs_flag(self, now: datetime) -> list[Grant]:
        """Live grants whose revert failed 3 times or is 15 minutes late, not yet flagged."""
        statement = select(grants).where(
            LIVE,
            grants.c.flagged_at.is_(None),
            grants.c.ends_at <= now,
            or_(
                grants.c.attempts >= FLAG_AFTER_ATTEMPTS,
                grants.c.ends_at < now - FLAG_AFTER_OVERDUE,
            ),
        )
        return await self._read_many(statement.order_by(grants.c.ends_at, grants.c.id))

    async def mark_flagged(self, grant_id: str, now: datetime) -> bool:
        """Record the flag; True only for the one caller that should announce it."""
        statement = (
            update(grants)
            .where(grants.c.id == grant_id, grants.c.flagged_at.is_(None))
            .values(flagged_at=now)
            .returning(grants)
        )
        return await self._write_one(statement) is not None
