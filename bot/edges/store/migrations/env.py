"""Alembic's entry point: applies the migrations on the connection ``migrate.py`` lends it.

The bot migrates from inside its running event loop (a SQLite file at start-up), where
Alembic's usual ``asyncio.run`` would fail; so ``migrate.py`` opens the async connection
itself and lends its sync face here. Called any other way (a developer generating a new
revision), this file opens its own engine from ``sqlalchemy.url``.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from bot.edges.store.engine import create_engine
from bot.edges.store.tables import metadata


def _run(connection: Connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead,
    # so later revisions can change columns on both databases alike.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def _main() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    lent = context.config.attributes.get("connection")
    if isinstance(lent, Connection):
        _run(lent)
    elif url is not None:
        asyncio.run(_run_own_engine(url))
    else:
        raise RuntimeError("migrations need a lent connection or sqlalchemy.url")


_main()
