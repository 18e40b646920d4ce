"""Migrations: from empty on both engines, idempotent, safe to start twice at once, and in
agreement with the tables the code queries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.edges.store.engine import create_engine, is_sqlite
from bot.edges.store.migrate import config, upgrade
from bot.edges.store.records import GrantState
from bot.edges.store.schema import HEAD, is_current
from bot.edges.store.store import SchemaBehind, Store
from bot.edges.store.tables import grants, metadata
from tests.store.helpers import HOUR, NOW, ORG, give

TABLES = {"alembic_version", "events", "grants", "requests"}


async def _inspect(url: str, look: Any) -> Any:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(look)
    finally:
        await engine.dispose()


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _differences(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn), metadata))


async def test_upgrade_creates_every_table(empty_url: str) -> None:
    """An empty database gets the grants, requests and events tables."""
    await upgrade(empty_url)

    assert TABLES == await _inspect(empty_url, _tables)


async def test_upgrade_twice_changes_nothing(empty_url: str) -> None:
    """Upgrading a current schema is a no-op, so every start-up may run it."""
    await upgrade(empty_url)
    await upgrade(empty_url)

    assert TABLES == await _inspect(empty_url, _tables)


async def test_two_processes_migrating_at_once_both_succeed(empty_url: str) -> None:
    """Two upgrades racing on an empty database serialise instead of colliding."""
    await asyncio.gather(upgrade(empty_url), upgrade(empty_url))

    assert TABLES == await _inspect(empty_url, _tables)


async def test_migrations_build_exactly_the_tables_the_code_uses(url: str) -> None:
    """Autogenerate finds nothing to add: migrations and tables.py describe one schema."""
    assert [] == await _inspect(url, _differences)


async def test_open_migrates_a_sqlite_file_or_refuses_an_unmigrated_server(
    empty_url: str,
) -> None:
    """Store.open sets up a SQLite file itself, but leaves PostgreSQL to the release step."""
    if is_sqlite(empty_url):
        async with await Store.open(empty_url):
            pass
        assert TABLES == await _inspect(empty_url, _tables)
    else:
        with pytest.raises(SchemaBehind, match="python -m bot migrate"):
            await Store.open(empty_url)


async def test_open_accepts_a_migrated_server(url: str) -> None:
    """A migrated database opens on either engine, with no schema change needed."""
    async with await Store.open(url) as store:
        assert [] == await store.grants.list_live()


async def _upgrade_to(url: str, revision: str) -> None:
    def step(conn: Connection) -> None:
        cfg = config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(step)
    finally:
        await engine.dispose()


async def test_a_live_grant_made_before_0002_survives_it_and_stays_one_per_person(
    empty_url: str,
) -> None:
    """0002 rebuilds the grants table on SQLite: the rows stay, and so does the partial
    unique index that allows one live grant per person but any number of ended ones."""
    await _upgrade_to(empty_url, "0001")
    engine = create_engine(empty_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(grants.insert(), [_row("g-old", "reverted"), _row("g1", "live")])
        await _upgrade_to(empty_url, "head")
        async with Store(create_engine(empty_url)) as store:
            kept = await store.grants.get("g1")
            again = await give(store, "bo@acme.io", ends_at=NOW + 2 * HOUR)

        assert (GrantState.LIVE, None) == (kept.state, kept.duration_s) if kept else None
        assert ("g1", False) == (again.grant.id, again.new)
    finally:
        await engine.dispose()


def _row(grant_id: str, state: str) -> dict[str, Any]:
    return {
        "id": grant_id,
        "org_id": ORG,
        "org_name": "Acme",
        "target_email": "bo@acme.io",
        "role": "edit",
        "state": state,
        "ends_at": NOW + HOUR,
        "granted_by": "U01",
        "created_at": NOW,
        "updated_at": NOW,
    }


def test_the_schema_check_knows_the_newest_migration() -> None:
    """``schema.HEAD``, which start-up compares without loading Alembic, is Alembic's head."""
    assert [HEAD] == ScriptDirectory.from_config(config()).get_heads()


async def test_a_database_one_migration_behind_is_not_current(empty_url: str) -> None:
    """A schema at an older migration is behind, and at the newest it is current."""
    await _upgrade_to(empty_url, "0001")
    engine = create_engine(empty_url)
    try:
        behind = await is_current(engine)
        await _upgrade_to(empty_url, "head")
        assert (False, True) == (behind, await is_current(engine))
    finally:
        await engine.dispose()
