"""A real PostgreSQL server that the test run starts itself, for any test that needs one.

The store must behave the same on PostgreSQL as on SQLite, and only a real server shows
its locking and its types. pgserver ships PostgreSQL binaries in a wheel (and runs them as
an unprivileged user when the tests run as root), so a fresh machine needs nothing but
``make test``. One server per test session; each test gets its own empty database.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import uuid4

from sqlalchemy.ext.asyncio import create_async_engine

from bot.edges.store.engine import database_url

with warnings.catch_warnings():
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset (containers, CI) and
    # falls back to a folder in /tmp, which is all pgserver needs for its lock file.
    warnings.simplefilter("ignore")
    from pgserver.postgres_server import get_server

# Durability is pointless for a server that lives as long as one test run; without fsync,
# creating a database per test costs milliseconds instead of a disk flush each time.
_FAST = """
ALTER SYSTEM SET fsync = off;
ALTER SYSTEM SET synchronous_commit = off;
ALTER SYSTEM SET full_page_writes = off;
SELECT pg_reload_conf();
"""


class Postgres:
    """A running server; ``create_database()`` hands out fresh databases by URL.

    ``durable=True`` keeps fsync on, for measurements that should pay what production pays.
    """

    def __init__(self, pgdata: Path, *, durable: bool = False) -> None:
        self._server = get_server(pgdata, cleanup_mode="delete")
        if not durable:
            self._server.psql(_FAST)
        self._shared: str | None = None

    def url(self, database: str = "postgres") -> str:
        """The server's URL for ``database``, as a host would hand it out (``postgresql://``)."""
        return self._server.get_uri(database)

    async def create_database(self) -> str:
        """A new, empty database's URL, normalised for the store (``postgresql+asyncpg://``)."""
        name = f"t_{uuid4().hex}"
        await self._admin(f'CREATE DATABASE "{name}" STRATEGY = FILE_COPY')
        return database_url(self.url(name), cwd=Path.cwd())

    async def shared_database(self, prepare: Callable[[str], Awaitable[None]]) -> str:
        """One database for the whole session, made and ``prepare``d (migrated) on first use.

        Tests that share it empty it first (``empty``): a new database per test costs ~0.2 s,
        emptying one ~10 ms.
        """
        if self._shared is None:
            url = await self.create_database()
            await prepare(url)
            self._shared = url
        return self._shared

    async def empty(self, url: str, tables: list[str]) -> None:
        """Delete every row of ``tables`` at ``url`` (far quicker than a new database)."""
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        finally:
            await engine.dispose()

    async def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database()``, even if connections remain."""
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def _admin(self, sql: str) -> None:
        # CREATE/DROP DATABASE cannot run inside a transaction, hence AUTOCOMMIT.
        engine = create_async_engine(
            database_url(self.url(), cwd=Path.cwd()), isolation_level="AUTOCOMMIT"
        )
        try:
            async with engine.connect() as conn:
                await conn.exec_driver_sql(sql)
        finally:
            await engine.dispose()

    def stop(self) -> None:
        """Stop the server and delete its data folder."""
        self._server.cleanup()
