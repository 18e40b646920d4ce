"""Giving time-limited access: at most one live grant per (org, person), race-safe.

A second grant or an extension moves the live grant's end instead of adding a row, so that
ending it restores what the person had before the *first* grant. The database's partial
unique index is the arbiter when two processes grant at once. The clock is always passed
in, so callers and tests agree on what "now" is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import case, literal, select, update
from sqlalchemy.exc import IntegrityError

from bot.edges.store.grant_table import LIVE, lease_free, normal_email, person
from bot.edges.store.grant_watch import GrantWatch
from bot.edges.store.records import Grant, GrantState
from bot.edges.store.reverts import GrantReverts
from bot.edges.store.tables import grants
from bot.edges.store.utc import UtcDateTime


class GrantBusy(Exception):
    """The live grant is being reverted at this moment; changing it now could be undone."""


@dataclass(frozen=True, slots=True)
class Granted:
    """The live grant after ``grant()``, and whether it was made (True) or extended (False)."""

    grant: Grant
    new: bool


def _fresh_end(ends_at: datetime, now: datetime) -> dict[str, Any]:
    # A moved end starts the revert over: earlier failures and flags were about the old end.
    return {
        "ends_at": ends_at,
        "updated_at": now,
        "revoked_by": None,
        "lease_owner": None,
        "lease_until": None,
        "attempts": 0,
        "next_attempt_at": None,
        "last_error": None,
        "flagged_at": None,
        "warned_at": None,
    }


class GrantStore(GrantReverts, GrantWatch):
    """Grants: making, extending and revoking them here; reverting them in GrantReverts; the
    notices about them in GrantWatch."""

    async def grant(
        self,
        *,
        org_id: str,
        org_name: str,
        email: str,
        role: str,
        previous_role: str | None,
        ends_at: datetime,
        granted_by: str,
        now: datetime,
        user_id: str | None = None,
        reason: str | None = None,
        request_id: str | None = None,
        duration_s: int | None = None,
    ) -> Granted:
        """Make the person's live grant in the org end at ``ends_at`` with ``role``.

        An existing live grant keeps its ``previous_role``. Raises GrantBusy while it is
        being reverted.
        """
        moved = {**_fresh_end(ends_at, now), "role": role, "duration_s": duration_s}
        if user_id is not None:
            moved["target_user_id"] = user_id
        if request_id is not None:
            moved["request_id"] = request_id
        row = {
            "org_id": org_id,
            "org_name": org_name,
            "target_user_id": user_id,
            "target_email": normal_email(email),
            "role": role,
            "previous_role": previous_role,
            "state": GrantState.LIVE.value,
            "ends_at": ends_at,
            "granted_by": granted_by,
            "reason": reason,
            "request_id": request_id,
            "created_at": now,
            "updated_at": now,
            "attempts": 0,
            "duration_s": duration_s,
        }
        # Two rounds suffice: an INSERT fails only when a live row exists, which the second
        # UPDATE then moves (or it is leased, and that is GrantBusy).
        for _ in range(2):
            extended = await self._move(org_id, email, now, moved)
            if extended is not None:
                return Granted(extended, new=False)
            try:
                async with self._engine.begin() as conn:
                    insert = grants.insert().values(id=uuid4().hex, **row).returning(grants)
                    return Granted(Grant.from_row((await conn.execute(insert)).one()), new=True)
            except IntegrityError:
                # Another process made the live grant between our UPDATE and our INSERT.
                await self._refuse_if_busy(org_id, email, now)
        raise GrantBusy(f"the grant for {email} in {org_name} keeps changing; try again")

    async def extend(
        self,
        org_id: str,
        email: str,
        ends_at: datetime,
        now: datetime,
        duration_s: int | None = None,
    ) -> Grant | None:
        """Move the live grant's end; None when there is none. Raises GrantBusy if reverting."""
        values = _fresh_end(ends_at, now)
        if duration_s is not None:
            values["duration_s"] = duration_s
        moved = await self._move(org_id, email, now, values)
        if moved is None:
            await self._refuse_if_busy(org_id, email, now)
        return moved

    async def revoke_now(self, org_id: str, email: str, by: str, now: datetime) -> Grant | None:
        """Make the live grant due at once, so the sweep reverts it; None when there is none."""
        values = {
            # An overdue grant keeps its original end: how late its revert is stays visible.
            "ends_at": case(
                (grants.c.ends_at > now, literal(now, UtcDateTime())), else_=grants.c.ends_at
            ),
            "revoked_by": by,
            # Try at once even if a failed revert was waiting out its backoff.
            "next_attempt_at": None,
            "updated_at": now,
        }
        revoked = await self._move(org_id, email, now, values)
        # A grant being reverted right now is already ending: hand it back as it is.
        return revoked if revoked is not None else await self.get_live(org_id, email)

    async def void(self, grant_id: str, now: datetime) -> Grant | None:
        """End a live grant that never took effect (its write surely failed); None if not live."""
        statement = (
            update(grants)
            .where(grants.c.id == grant_id, LIVE)
            .values(state=GrantState.VOID.value, updated_at=now)
            .returning(grants)
        )
        return await self._write_one(statement)

    async def put_back(self, before: Grant, now: datetime) -> Grant | None:
        """Undo a move of a live grant whose write then surely failed: its role and end again.

        None when it is no longer live or is being reverted (the revert reads Losant first,
        so it acts correctly on whatever role the person really has).
        """
        values = {
            **_fresh_end(before.ends_at, now),
            "role": before.role,
            "duration_s": before.duration_s,
            "revoked_by": before.revoked_by,
        }
        statement = (
            update(grants)
            .where(grants.c.id == before.id, LIVE, lease_free(now))
            .values(values)
            .returning(grants)
        )
        return await self._write_one(statement)

    async def get(self, grant_id: str) -> Grant | None:
        """The grant with this ID, whatever its state."""
        return await self._read_one(select(grants).where(grants.c.id == grant_id))

    async def get_live(self, org_id: str, email: str) -> Grant | None:
        """The person's live grant in the org, if any."""
        return await self._read_one(select(grants).where(person(org_id, email)))

    async def list_live(self, org_id: str | None = None, email: str | None = None) -> list[Grant]:
        """Live grants, soonest end first.

        Overdue and failing reverts are past their end, so they come before the rest.
        """
        statement = select(grants).where(LIVE).order_by(grants.c.ends_at, grants.c.id)
        if org_id is not None:
            statement = statement.where(grants.c.org_id == org_id)
        if email is not None:
            statement = statement.where(grants.c.target_email == normal_email(email))
        return await self._read_many(statement)

    async def _move(
        self, org_id: str, email: str, now: datetime, values: Mapping[str, Any]
    ) -> Grant | None:
        # Only an unleased grant moves: one whose revert is under way would be reverted
        # regardless, and the change silently lost.
        statement = (
            update(grants)
            .where(person(org_id, email), lease_free(now))
            .values(dict(values))
            .returning(grants)
        )
        return await self._write_one(statement)

    async def _refuse_if_busy(self, org_id: str, email: str, now: datetime) -> None:
        live = await self.get_live(org_id, email)
        if live is not None and live.lease_until is not None and live.lease_until >= now:
            raise GrantBusy(f"the grant for {live.target_email} in {live.org_name} is ending now")
