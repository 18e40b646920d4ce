"""One object that opens the database and offers its three stores to the rest of the bot.

Wiring code should not have to know that grants, requests and events share an engine, nor
which databases are migrated at start-up: a SQLite file is (it belongs to this process
alone to set up), a PostgreSQL server is migrated by the release step and only checked here,
so that several dynos starting together never race to change its schema.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.edges.store.engine import create_engine, is_sqlite
from bot.edges.store.events import EventLog
from bot.edges.store.grants import GrantStore
from bot.edges.store.requests import RequestStore
from bot.edges.store.schema import is_current


class SchemaBehind(Exception):
    """The database has not been migrated to the schema this code expects."""


class DatabaseUnavailable(Exception):
    """The database could not be reached or refused the bot; ``str()`` says how, no secrets."""


class Store:
    """The engine and the stores over it; ``aclose()`` returns its connections."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.grants = GrantStore(engine)
        self.requests = RequestStore(engine)
        self.events = EventLog(engine)

    @classmethod
    async def open(cls, url: str) -> Store:
        """Open the database at ``url`` (as ``database_url()`` gives it), ready to use."""
        engine = create_engine(url)
        try:
            if not await is_current(engine):
                if not is_sqlite(url):
                    raise SchemaBehind(
                        "the database schema is not up to date: run `python -m bot migrate` "
                        "(on Heroku, the Procfile's release step does)"
                    )
                # Alembic is loaded only when there is something to migrate.
                from bot.edges.store.migrate import upgrade_engine

                await upgrade_engine(engine)
        except (SQLAlchemyError, OSError) as exc:
            await engine.dispose()
            # The driver's first line (refused, authentication failed) without the URL.
            said = str(exc).splitlines()[0] if str(exc) else ""
            raise DatabaseUnavailable(
                f"the database could not be opened ({type(exc).__name__}: {said[:200]}); "
                "check DATABASE_URL and that the database is running"
            ) from exc
        except BaseException:
            await engine.dispose()
            raise
        return cls(engine)

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
