"""DATABASE_URL as operators write it, turned into engines that fit where the bot runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from bot.edges.store.engine import (
    create_engine,
    database_url,
    is_sqlite,
    refuse_sqlite_on_heroku,
)
from tests.pg import Postgres

CWD = Path("/srv/bot")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(None, "sqlite+aiosqlite:////srv/bot/members-bot.db", id="unset"),
        pytest.param("  ", "sqlite+aiosqlite:////srv/bot/members-bot.db", id="blank"),
        pytest.param("sqlite:///x.db", "sqlite+aiosqlite:///x.db", id="sqlite-relative"),
        pytest.param("sqlite:////d/x.db", "sqlite+aiosqlite:////d/x.db", id="sqlite-absolute"),
        pytest.param(
            "sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db", id="sqlite-already-async"
        ),
        pytest.param(
            "postgres://u:p@h:5432/db?sslmode=require",
            "postgresql+asyncpg://u:p@h:5432/db?ssl=require",
            id="heroku",
        ),
        pytest.param(
            "postgresql://u:p@h/db", "postgresql+asyncpg://u:p@h/db", id="postgresql-no-ssl"
        ),
        pytest.param(
            "postgresql://u@h/db?sslmode=verify-full&application_name=bot",
            "postgresql+asyncpg://u@h/db?application_name=bot&ssl=verify-full",
            id="verify-full-keeps-other-parameters",
        ),
        pytest.param(
            "postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db", id="other-driver"
        ),
        pytest.param(
            "postgres://u:p%40ss@h/db", "postgresql+asyncpg://u:p%40ss@h/db", id="escaped-password"
        ),
        pytest.param(
            "postgresql://postgres:@/db?host=/run/pg",
            "postgresql+asyncpg://postgres:@/db?host=%2Frun%2Fpg",
            id="unix-socket",
        ),
    ],
)
def test_database_url_normalises_what_hosts_hand_out(raw: str | None, expected: str) -> None:
    """Each way of writing DATABASE_URL becomes the async driver's URL."""
    assert expected == database_url(raw, cwd=CWD)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("mysql://u@h/db", id="unsupported-database"),
        pytest.param("postgres://u@h/db?sslmode=sometimes", id="unknown-sslmode"),
    ],
)
def test_database_url_refuses_what_cannot_work(raw: str) -> None:
    """A URL the store cannot use stops start-up with a reason instead of failing later."""
    with pytest.raises(ValueError, match="DATABASE_URL"):
        database_url(raw, cwd=CWD)


def test_sslmode_reaches_asyncpg_as_its_ssl_argument() -> None:
    """asyncpg.connect() is called with ssl=…, never the sslmode it would reject."""
    engine = create_engine(database_url("postgres://u:p@h/db?sslmode=require", cwd=CWD))

    _, kwargs = engine.sync_engine.dialect.create_connect_args(engine.url)

    assert ("require", False) == (kwargs.get("ssl"), "sslmode" in kwargs)


def test_postgresql_pool_fits_several_dynos_in_twenty_connections() -> None:
    """A process opens at most 3 + 2 connections and pings them before use."""
    engine = create_engine("postgresql+asyncpg://u:p@h/db")
    pool = engine.sync_engine.pool

    assert isinstance(pool, QueuePool)
    assert (3, 2, True) == (pool.size(), pool._max_overflow, pool._pre_ping)


async def test_sqlite_waits_for_other_writers_in_wal_mode(tmp_path: Path) -> None:
    """Every SQLite connection uses WAL and waits up to 10 s for a lock."""
    engine = create_engine(database_url(None, cwd=tmp_path))
    try:
        async with engine.connect() as conn:
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            timeout = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
    finally:
        await engine.dispose()

    assert ("wal", 10_000) == (journal, timeout)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite+aiosqlite:///x.db", True),
        ("postgresql+asyncpg://u@h/db", False),
    ],
)
def test_is_sqlite(url: str, expected: bool) -> None:
    """SQLite URLs are told apart from server URLs by their backend."""
    assert expected == is_sqlite(url)


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        pytest.param(
            "sqlite+aiosqlite:///x.db",
            {"DYNO": "web.1"},
            "DATABASE_URL is not set: on Heroku the bot needs PostgreSQL "
            "(heroku addons:create heroku-postgresql), because Heroku wipes the disk at every "
            "restart and time-limited grants would be forgotten",
            id="unset-on-heroku",
        ),
        pytest.param(
            "sqlite+aiosqlite:///x.db",
            {"DYNO": "web.1", "DATABASE_URL": "sqlite:///x.db"},
            "DATABASE_URL names a SQLite file: on Heroku the bot needs PostgreSQL "
            "(heroku addons:create heroku-postgresql), because Heroku wipes the disk at every "
            "restart and time-limited grants would be forgotten",
            id="sqlite-on-heroku",
        ),
        pytest.param("sqlite+aiosqlite:///x.db", {}, None, id="sqlite-elsewhere"),
        pytest.param("postgresql+asyncpg://u@h/db", {"DYNO": "web.1"}, None, id="pg-on-heroku"),
    ],
)
def test_sqlite_is_refused_on_heroku_only(
    url: str, env: dict[str, str], expected: str | None
) -> None:
    """On a dyno a SQLite file would vanish at the next restart, so it is refused."""
    assert expected == refuse_sqlite_on_heroku(url, env)


def test_the_host_name_survives_normalisation() -> None:
    """Normalising never loses where the server is."""
    url = make_url(database_url("postgres://u:p@db.example.com:6543/d", cwd=CWD))

    assert ("db.example.com", 6543, "d") == (url.host, url.port, url.database)


@pytest.mark.parametrize("mode", ["disable", "prefer"])
async def test_a_url_with_sslmode_connects_to_a_real_server(postgres: Postgres, mode: str) -> None:
    """The translated sslmode is accepted by asyncpg against a real PostgreSQL."""
    engine = create_engine(database_url(f"{postgres.url()}&sslmode={mode}", cwd=CWD))
    try:
        async with engine.connect() as conn:
            answer = (await conn.exec_driver_sql("SELECT 1")).scalar()
    finally:
        await engine.dispose()

    assert 1 == answer
