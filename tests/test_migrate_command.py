"""``python -m bot migrate`` as Heroku's release phase runs it: a real process, its exit status
and what it says, on SQLite and on a real PostgreSQL server; and a served bot that refuses a
database nobody migrated."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url

from bot.edges.store.engine import create_engine
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.harness import bot_environment
from tests.pg import Postgres
from tests.process import run

TABLES = {"alembic_version", "events", "grants", "requests"}


def heroku_form(url: str) -> str:
    """``url`` written as Heroku writes DATABASE_URL: ``postgres://…``."""
    return make_url(url).set(drivername="postgres").render_as_string(hide_password=False)


async def tables_at(url: str) -> set[str]:
    engine = create_engine(url)

    def names(conn: Connection) -> set[str]:
        return set(inspect(conn).get_table_names())

    try:
        async with engine.connect() as conn:
            return await conn.run_sync(names)
    finally:
        await engine.dispose()


async def test_migrate_creates_a_sqlite_file_and_is_a_no_op_the_second_time(
    tmp_path: Path,
) -> None:
    """Two runs both exit 0 and say the schema is current; the tables are there."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"

    first = await run("migrate", env={"DATABASE_URL": url})
    second = await run("migrate", env={"DATABASE_URL": url})

    assert (0, 0) == (first.status, second.status)
    assert "schema is up to date" in second.stdout
    assert TABLES == await tables_at(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")


async def test_migrate_takes_herokus_postgres_url(postgres: Postgres) -> None:
    """A ``postgres://`` URL is migrated, and the message names it without a password."""
    url = await postgres.create_database()

    finished = await run("migrate", env={"DATABASE_URL": heroku_form(url)})

    assert 0 == finished.status, finished.stderr
    assert TABLES == await tables_at(url)


async def test_migrate_on_heroku_without_postgres_refuses_in_one_sentence() -> None:
    """With DYNO set and no DATABASE_URL it exits 2 and says to add Heroku Postgres."""
    finished = await run("migrate", env={"DYNO": "release.1"})

    assert 2 == finished.status
    assert "heroku-postgresql" in finished.stderr
    assert "Traceback" not in finished.stderr


async def test_migrate_against_a_database_that_is_not_there_fails_without_the_password() -> None:
    """A refused connection is one message naming the host, with no password, and exit 1."""
    url = "postgres://bot:hunter2-secret@127.0.0.1:9/members"

    finished = await run("migrate", env={"DATABASE_URL": url})

    assert 1 == finished.status
    assert "could not migrate" in finished.stderr
    assert "hunter2-secret" not in finished.stderr + finished.stdout
    assert "Traceback" not in finished.stderr


async def test_serving_an_unmigrated_postgres_database_says_to_run_migrate(
    postgres: Postgres,
) -> None:
    """``python -m bot`` on a fresh PostgreSQL database stops at once and names the fix."""
    url = await postgres.create_database()
    async with Simulator() as sim, FakeSlack() as slack:
        env = bot_environment(sim, slack, DATABASE_URL=heroku_form(url))

        finished = await run(env=env)

    assert 1 == finished.status
    assert "python -m bot migrate" in finished.stderr
    assert "Traceback" not in finished.stderr
