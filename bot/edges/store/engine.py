"""Turns DATABASE_URL into an async SQLAlchemy engine that behaves well where the bot runs.

Operators paste URLs in the forms their host hands out (Heroku's ``postgres://…?sslmode=require``,
a bare ``sqlite:///file``); SQLAlchemy wants its own driver names and asyncpg its own TLS
argument. The engine settings are about sharing: several dynos share one small PostgreSQL,
several processes may share one SQLite file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_FILE = "members-bot.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000

# libpq's sslmode values; asyncpg's `ssl` argument accepts the same words.
_SSL_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})


def database_url(raw: str | None, *, cwd: Path) -> str:
    """The SQLAlchemy URL for DATABASE_URL as operators write it (None: a file in ``cwd``)."""
    if raw is None or not raw.strip():
        return f"sqlite+aiosqlite:///{cwd.resolve() / SQLITE_FILE}"
    url = make_url(raw.strip())
    backend = url.drivername.split("+", 1)[0]
    if backend == "sqlite":
        return _render(url.set(drivername="sqlite+aiosqlite"))
    if backend in ("postgres", "postgresql"):
        return _render(_asyncpg_ssl(url.set(drivername="postgresql+asyncpg")))
    raise ValueError(
        f"DATABASE_URL must start with postgres://, postgresql:// or sqlite://, not {backend}://"
    )


def _asyncpg_ssl(url: URL) -> URL:
    # SQLAlchemy hands every query parameter to asyncpg.connect() as a keyword, and asyncpg
    # has no `sslmode` keyword (it fails with a TypeError at the first connection). Its `ssl`
    # keyword takes the same mode words, so the parameter is renamed, not reinterpreted.
    mode = url.query.get("sslmode")
    if mode is None:
        return url
    if not isinstance(mode, str) or mode not in _SSL_MODES:
        raise ValueError(f"DATABASE_URL has an unknown sslmode: {mode!r}")
    url = url.difference_update_query(["sslmode"])
    if "ssl" in url.query:
        return url
    return url.update_query_dict({"ssl": mode})


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    """Whether the URL names a SQLite database (a local file, not a server)."""
    return make_url(url).get_backend_name() == "sqlite"


def refuse_sqlite_on_heroku(url: str, env: Mapping[str, str]) -> str | None:
    """Why this URL cannot work in this environment, or None when it can."""
    if not env.get("DYNO") or not is_sqlite(url):
        return None
    problem = "names a SQLite file" if env.get("DATABASE_URL") else "is not set"
    return (
        f"DATABASE_URL {problem}: on Heroku the bot needs PostgreSQL "
        "(heroku addons:create heroku-postgresql), because Heroku wipes the disk "
        "at every restart and time-limited grants would be forgotten"
    )


def create_engine(url: str) -> AsyncEngine:
    """An AsyncEngine for a URL that database_url() produced."""
    if is_sqlite(url):
        return _sqlite_engine(url)
    # Heroku's smallest Postgres plan allows 20 connections in all. 3 pooled + 2 overflow
    # = 5 per process lets three dynos run with room left for the release phase, a one-off
    # `heroku run` and `heroku pg:psql`. The bot's queries are short, so 3 rarely wait.
    # pre_ping: Heroku restarts its servers for maintenance; a dropped connection is then
    # replaced quietly instead of failing the first command after it.
    return create_async_engine(url, pool_size=3, max_overflow=2, pool_pre_ping=True)


def _sqlite_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url)

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers run while one process writes; busy_timeout makes a writer wait
        # for another process's write instead of failing at once with "database is locked".
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    return engine
