"""Brings a database's schema up to date, from inside the bot's running event loop.

Alembic is configured here in code (no alembic.ini): the migrations ship inside the package,
so an installed bot can migrate wherever it runs. Alembic itself is synchronous; it is lent
the sync face of an async connection (``run_sync``), which is what lets the bot migrate a
SQLite file at start-up without a second event loop or a thread. Migrations take a lock
first, so two processes starting at once on a fresh database do not both create tables.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.edges.store.engine import create_engine

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: PostgreSQL advisory locks are named by integers. This one spells "MBOT".
_ADVISORY_LOCK = 0x4D424F54


def config(url: str | None = None) -> Config:
    """Alembic's configuration for the store (a URL is needed only to generate revisions)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # Config is a ConfigParser: a '%' (URL-escaped password) must be doubled.
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade(url: str) -> None:
    """Apply every migration not yet applied; doing nothing when the schema is current."""
    engine = create_engine(url)
    try:
        await upgrade_engine(engine)
    finally:
        await engine.dispose()


async def upgrade_engine(engine: AsyncEngine) -> None:
    """``upgrade`` on an engine the caller already has."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


def _upgrade(conn: Connection) -> None:
    _one_at_a_time(conn)
    cfg = config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _one_at_a_time(conn: Connection) -> None:
    # Held until the migration's transaction ends; a second process then finds the schema
    # already current and does nothing.
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})")
    elif conn.dialect.name == "sqlite":
        # SQLite's driver only opens a transaction before DML, so DDL would otherwise run
        # unlocked; IMMEDIATE takes the write lock now (waiting up to busy_timeout).
        conn.exec_driver_sql("BEGIN IMMEDIATE")
