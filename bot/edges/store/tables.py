"""The store's schema, in one place that queries and the migration check both read.

SQLAlchemy Core rather than the ORM: every write that matters here is a conditional UPDATE
whose WHERE clause is the concurrency control (first decision wins, each revert once), and
Core states those directly. The migrations in ``migrations/versions`` create exactly this
schema; a test compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from bot.edges.store.utc import UtcDateTime

metadata = MetaData()

# Slack IDs, Losant IDs and role names are short; emails may be up to 254 characters.
_ID = 64
_EMAIL = 254
_ROLE = 16
_STATE = 16

grants = Table(
    "grants",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("org_id", String(_ID), nullable=False),
    Column("org_name", String(255), nullable=False),
    Column("target_user_id", String(_ID)),
    Column("target_email", String(_EMAIL), nullable=False),
    Column("role", String(_ROLE), nullable=False),
    # NULL: the person was not a member, so ending the grant removes them.
    Column("previous_role", String(_ROLE)),
    Column("state", String(_STATE), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("granted_by", String(_ID), nullable=False),
    Column("reason", Text),
    # No foreign key: requests and grants point at each other, and neither row is ever deleted.
    Column("request_id", String(32)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("revoked_by", String(_ID)),
    Column("lease_owner", String(_ID)),
    Column("lease_until", UtcDateTime()),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", UtcDateTime()),
    Column("last_error", Text),
    Column("flagged_at", UtcDateTime()),
    # How long the latest grant or extension was for (NULL on rows made before it was kept).
    Column("duration_s", Integer),
    # When the "ending soon" notice went to the requester: sent once, by one process.
    Column("warned_at", UtcDateTime()),
    # void: the write that would have started the grant surely failed; nothing to revert.
    CheckConstraint(
        "state IN ('live', 'reverted', 'drifted', 'revoked', 'void')", name="ck_grants_state"
    ),
)

# At most one live grant per (org, person): a second grant moves the first one's end. The
# database enforces it, so two processes granting at once cannot both insert.
Index(
    "uq_grants_live_person",
    grants.c.org_id,
    grants.c.target_email,
    unique=True,
    sqlite_where=grants.c.state == "live",
    postgresql_where=grants.c.state == "live",
)
# The sweep's one SELECT: live grants whose end has passed.
Index("ix_grants_state_ends_at", grants.c.state, grants.c.ends_at)

requests = Table(
    "requests",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("requester", String(_ID), nullable=False),
    Column("requester_email", String(_EMAIL), nullable=False),
    Column("org_id", String(_ID), nullable=False),
    Column("org_name", String(255), nullable=False),
    Column("role", String(_ROLE), nullable=False),
    # What the requester had when asking; NULL: not a member.
    Column("current_role", String(_ROLE)),
    Column("duration_s", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("state", String(_STATE), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("decided_by", String(_ID)),
    Column("decided_at", UtcDateTime()),
    Column("decision_reason", Text),
    Column("card_channel", String(_ID)),
    Column("card_ts", String(32)),
    Column("grant_id", String(32)),
    CheckConstraint(
        "state IN ('pending', 'approved', 'denied', 'expired')", name="ck_requests_state"
    ),
)
Index("ix_requests_state_expires_at", requests.c.state, requests.c.expires_at)
Index("ix_requests_requester", requests.c.requester)

# Append-only audit trail. `kind` has no CHECK: a new kind of step should not need a
# migration of a table whose old rows never change.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("kind", String(_STATE), nullable=False),
    Column("actor", String(_ID), nullable=False),
    Column("grant_id", String(32)),
    Column("request_id", String(32)),
    Column("org_id", String(_ID)),
    Column("target", String(_EMAIL)),
    Column("role", String(_ROLE)),
    Column("detail", Text),
)
Index("ix_events_grant_id", events.c.grant_id)
Index("ix_events_request_id", events.c.request_id)
Index("ix_events_at", events.c.at)
