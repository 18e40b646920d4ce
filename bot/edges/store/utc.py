"""A datetime column that only ever holds UTC and always gives back aware datetimes.

SQLite has no time zone type: SQLAlchemy writes aware datetimes out as they are and reads
them back naive, so a grant's end could silently shift by the server's offset, or compare
as a string against a value written in another zone. Storing naive UTC on SQLite (and
timestamptz on PostgreSQL) and refusing naive input keeps every comparison in SQL right.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that refuses naive datetimes and returns aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store only takes aware datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # One fixed-width UTC text form, so that SQLite's string comparison is time order.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
