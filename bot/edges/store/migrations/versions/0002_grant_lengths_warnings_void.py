"""Grants remember their length and their "ending soon" notice, and may be void.

A grant whose Losant write surely failed never took effect: it ends as ``void`` rather than
``reverted``, so the record does not claim a revert that never happened. ``duration_s`` is
how long the latest grant or extension was for (the Extend button repeats it, and the
"ending soon" notice is only sent for grants longer than its warning). ``warned_at`` is when
that notice went out, so each process sends it once between them.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TIME = sa.DateTime(timezone=True)

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_STATES = "state IN ('live', 'reverted', 'drifted', 'revoked')"
_NEW_STATES = "state IN ('live', 'reverted', 'drifted', 'revoked', 'void')"
_LIVE = sa.text("state = 'live'")


def upgrade() -> None:
    _change_states(_NEW_STATES, add=True)


def downgrade() -> None:
    op.execute("UPDATE grants SET state = 'reverted' WHERE state = 'void'")
    _change_states(_OLD_STATES, add=False)


def _change_states(check: str, *, add: bool) -> None:
    # SQLite cannot alter a CHECK constraint: batch mode copies the table. The partial unique
    # index (one live grant per person) is dropped first and made again after, by name and
    # WHERE clause, so that the copy can never turn it into a plain unique index.
    op.drop_index("uq_grants_live_person", table_name="grants")
    with op.batch_alter_table("grants", recreate="auto") as batch:
        batch.drop_constraint("ck_grants_state", type_="check")
        batch.create_check_constraint("ck_grants_state", check)
        if add:
            batch.add_column(sa.Column("duration_s", sa.Integer))
            batch.add_column(sa.Column("warned_at", TIME))
        else:
            batch.drop_column("warned_at")
            batch.drop_column("duration_s")
    op.create_index(
        "uq_grants_live_person",
        "grants",
        ["org_id", "target_email"],
        unique=True,
        sqlite_where=_LIVE,
        postgresql_where=_LIVE,
    )
