"""Databases for the store tests: every test runs once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.edges.store.engine import create_engine, database_url
from bot.edges.store.migrate import upgrade
from bot.edges.store.store import Store
from bot.edges.store.tables import metadata
from tests.pg import Postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database engine a test runs on."""
    return str(request.param)


@pytest.fixture
async def empty_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[str]:
    """The URL of a brand-new database with no tables."""
    if backend == "sqlite":
        yield database_url(f"sqlite:///{tmp_path / 'store.db'}", cwd=tmp_path)
        return
    # Looked up only here, so that `-k sqlite` runs never start a server.
    server: Postgres = request.getfixturevalue("postgres")
    url = await server.create_database()
    yield url
    await server.drop_database(url)


@pytest.fixture
async def url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database migrated to the newest schema."""
    if backend == "sqlite":
        url = database_url(f"sqlite:///{tmp_path / 'store.db'}", cwd=tmp_path)
        await upgrade(url)
        return url
    server: Postgres = request.getfixturevalue("postgres")
    url = await server.shared_database(upgrade)
    await server.empty(url, [table.name for table in metadata.sorted_tables])
    return url


@pytest.fixture
async def store(url: str) -> AsyncIterator[Store]:
    """A store on that database."""
    async with Store(create_engine(url)) as opened:
        yield opened


@pytest.fixture
async def other(url: str) -> AsyncIterator[Store]:
    """A second store on the same database with its own engine, as another process has."""
    async with Store(create_engine(url)) as opened:
        yield opened
