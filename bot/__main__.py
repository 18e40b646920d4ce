"""``python -m bot``: serve Slack (HTTP, or Socket Mode when SLACK_APP_TOKEN is set);
``python -m bot console``: try the bot from a terminal; ``python -m bot simulator``:
run the local Losant stand-in.
"""

from __future__ import annotations

import asyncio
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "serve"
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command == "simulator":
        from bot.sandbox.simulator.cli import main as simulator_main

        return simulator_main(args[1:])
    if command == "console":
        from bot.sandbox.console.cli import main as console_main

        return console_main(args[1:])
    if command != "serve":
        print(f"unknown command {command!r}: use serve, console or simulator", file=sys.stderr)
        return 2
    return _serve()


def _serve() -> int:
    from bot.config import SettingsError, load_settings
    from bot.serving import logs
    from bot.serving.serve import serve_http, serve_socket_mode

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"members-bot cannot start:\n{exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format, secrets=settings.secret_values())
    runner = serve_socket_mode if settings.socket_mode else serve_http
    asyncio.run(runner(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
