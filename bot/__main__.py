"""``python -m bot``: serve Slack (HTTP, or Socket Mode when SLACK_APP_TOKEN is set);
``python -m bot migrate``: bring the database schema up to date (Heroku's release phase);
``python -m bot console``: try the bot from a terminal; ``python -m bot simulator``:
run the local Losant stand-in.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "serve"
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command == "simulator":
        from bot.sandbox.simulator.cli import main as simulator_main

        return simulator_main(args[1:])
    if command == "migrate":
        from bot.serving.migrating import main as migrate_main

        return migrate_main()
    if command == "console":
        from bot.sandbox.console.cli import main as console_main

        return console_main(args[1:])
    if command != "serve":
        print(
            f"unknown command {command!r}: use serve, migrate, console or simulator",
            file=sys.stderr,
        )
        return 2
    return _serve()


def _serve() -> int:
    from bot.config import SettingsError, load_settings
    from bot.edges.store import DatabaseUnavailable, SchemaBehind
    from bot.serving import logs
    from bot.serving.serve import serve_http, serve_socket_mode

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"members-bot cannot start:\n{exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format, secrets=settings.secret_values())
    runner = serve_socket_mode if settings.socket_mode else serve_http
    try:
        asyncio.run(runner(settings, clock=_clock()))
    except (SchemaBehind, DatabaseUnavailable) as exc:
        print(f"members-bot cannot start:\n{exc}", file=sys.stderr)
        return 1
    return 0


def _clock() -> Callable[[], float]:
    """The system clock, or, for tests and the demo only, one shifted by MEMBERS_CLOCK_FILE."""
    path = os.environ.get("MEMBERS_CLOCK_FILE", "").strip()
    if not path:
        return time.time
    from bot.sandbox.clock import OffsetFileClock

    logging.getLogger("bot").warning(
        "MEMBERS_CLOCK_FILE is set: time is shifted by the offset in that file "
        "(for tests and the demo only; unset it in production)"
    )
    return OffsetFileClock(Path(path))


if __name__ == "__main__":
    sys.exit(main())
