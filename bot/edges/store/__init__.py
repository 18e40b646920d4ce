"""The durable store: time-limited grants, access requests and their audit trail.

What must outlive a request lives here, in a database every process shares, never in
process memory: SQLite (a file, the default) or PostgreSQL (several dynos).
"""

from bot.edges.store.engine import (
    create_engine,
    database_url,
    is_sqlite,
    refuse_sqlite_on_heroku,
)
from bot.edges.store.events import EventLog
from bot.edges.store.grants import GrantBusy, Granted, GrantStore
from bot.edges.store.records import Event, EventKind, Grant, GrantState, Request, RequestState
from bot.edges.store.requests import AlreadyDecided, Decided, DecideResult, Expired, RequestStore
from bot.edges.store.store import DatabaseUnavailable, SchemaBehind, Store

__all__ = [
    "AlreadyDecided",
    "DatabaseUnavailable",
    "DecideResult",
    "Decided",
    "Event",
    "EventKind",
    "EventLog",
    "Expired",
    "Grant",
    "GrantBusy",
    "GrantState",
    "GrantStore",
    "Granted",
    "Request",
    "RequestState",
    "RequestStore",
    "SchemaBehind",
    "Store",
    "create_engine",
    "database_url",
    "is_sqlite",
    "refuse_sqlite_on_heroku",
]
