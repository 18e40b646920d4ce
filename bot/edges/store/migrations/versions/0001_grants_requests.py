"""Grants, access requests and their audit trail.

Revision ID: 0001
Revises:
Create Date: 2025-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Plain DateTime here, not the application's UtcDateTime: a migration is a frozen record of
# the DDL, which is the same for both (UtcDateTime only converts values on their way).
TIME = sa.DateTime(timezone=True)

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("org_name", sa.String(255), nullable=False),
        sa.Column("target_user_id", sa.String(64)),
        sa.Column("target_email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("previous_role", sa.String(16)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("ends_at", TIME, nullable=False),
        sa.Column("granted_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("request_id", sa.String(32)),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("revoked_by", sa.String(64)),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", TIME),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt_at", TIME),
        sa.Column("last_error", sa.Text),
        sa.Column("flagged_at", TIME),
        sa.CheckConstraint(
            "state IN ('live', 'reverted', 'drifted', 'revoked')", name="ck_grants_state"
        ),
    )
    live = sa.text("state = 'live'")
    op.create_index(
        "uq_grants_live_person",
        "grants",
        ["org_id", "target_email"],
        unique=True,
        sqlite_where=live,
        postgresql_where=live,
    )
    op.create_index("ix_grants_state_ends_at", "grants", ["state", "ends_at"])

    op.create_table(
        "requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("requester_email", sa.String(254), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("org_name", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("current_role", sa.String(16)),
        sa.Column("duration_s", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decided_at", TIME),
        sa.Column("decision_reason", sa.Text),
        sa.Column("card_channel", sa.String(64)),
        sa.Column("card_ts", sa.String(32)),
        sa.Column("grant_id", sa.String(32)),
        sa.CheckConstraint(
            "state IN ('pending', 'approved', 'denied', 'expired')", name="ck_requests_state"
        ),
    )
    op.create_index("ix_requests_state_expires_at", "requests", ["state", "expires_at"])
    op.create_index("ix_requests_requester", "requests", ["requester"])

    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("grant_id", sa.String(32)),
        sa.Column("request_id", sa.String(32)),
        sa.Column("org_id", sa.String(64)),
        sa.Column("target", sa.String(254)),
        sa.Column("role", sa.String(16)),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_events_grant_id", "events", ["grant_id"])
    op.create_index("ix_events_request_id", "events", ["request_id"])
    op.create_index("ix_events_at", "events", ["at"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("requests")
    op.drop_table("grants")
