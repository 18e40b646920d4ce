"""Whether a database's schema is the one this code expects, without loading Alembic.

Every start-up asks; only a database that is behind needs migrating. Alembic takes about
0.15 s to import, a tenth of the start-up budget, so the question is answered with one
query against the table Alembic keeps, and Alembic is loaded only to migrate.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

# The newest migration in ``migrations/versions``; a test holds it to Alembic's own head.
HEAD = "0002"


async def is_current(engine: AsyncEngine) -> bool:
    """Whether the database has every migration this code knows, and no other."""
    async with engine.connect() as conn:
        try:
            result = await conn.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:
            return False  # a database never migrated has no such table
        return [row[0] for row in result] == [HEAD]
