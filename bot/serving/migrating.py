"""``python -m bot migrate``: bring the database's schema up to date, then exit.

Heroku runs it in the release phase (the Procfile's ``release:`` line) before any dyno of a
new version starts, so dynos starting together never race to change a PostgreSQL schema,
and a dyno never serves with a schema older than its code. It needs DATABASE_URL alone: a
release phase should not fail on a Slack or Losant setting. Its messages name the database
without its password, and a failure is one sentence, never a stack trace.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.edges.store.engine import database_url, refuse_sqlite_on_heroku
from bot.edges.store.migrate import config, upgrade


def main(environ: Mapping[str, str] | None = None) -> int:
    """Migrate the database DATABASE_URL names; the exit status says whether it worked."""
    env = os.environ if environ is None else environ
    raw = env.get("DATABASE_URL", "").strip() or None
    try:
        url = database_url(raw, cwd=Path.cwd())
    except ValueError as exc:
        return _fail(str(exc), status=2)
    if refusal := refuse_sqlite_on_heroku(url, env):
        return _fail(refusal, status=2)
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        asyncio.run(upgrade(url))
    except (SQLAlchemyError, OSError) as exc:
        # The driver's words (connection refused, authentication failed) are what an operator
        # needs; the URL they may quote is shown without its password.
        said = _masked(str(exc).splitlines()[0] if str(exc) else "", raw)
        return _fail(f"could not migrate {shown}: {type(exc).__name__}: {said}", status=1)
    head = ScriptDirectory.from_config(config()).get_current_head()
    print(f"members-bot: the database schema is up to date (revision {head}) at {shown}")
    return 0


def _masked(text: str, raw_url: str | None) -> str:
    if raw_url:
        password = make_url(raw_url).password
        if password:
            text = text.replace(str(password), "***")
    return text


def _fail(problem: str, *, status: int) -> int:
    print(f"members-bot cannot migrate:\n{problem}", file=sys.stderr)
    return status
