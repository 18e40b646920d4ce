"""Logging set-up: one JSON object a line (for log drains) or plain text, and a request ID
that every line logged while serving one Slack request carries.

Secrets never reach a log: the bot logs no tokens, and ``SecretFilter`` masks any
configured secret value that a third-party library might still put in a message.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from collections.abc import Iterable
from typing import Any, Literal

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD and k != "request_id"}
        line = super().format(record)
        return f"{line} {json.dumps(extras, default=str)}" if extras else line


class SecretFilter(logging.Filter):
    """Masks the given secret values wherever they appear in a record's final text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        masked = message
        for secret in self._secrets:
            masked = masked.replace(secret, "[redacted]")
        if masked != message:
            record.msg, record.args = masked, None
        return True


class _BoltClientNotice(logging.Filter):
    """Drops Bolt's start-up warning that the token it found is unused.

    Bolt reads SLACK_BOT_TOKEN from the environment on its own and warns when a client
    is passed too; the bot passes its own client (pointed at SLACK_API_URL) on purpose,
    so the warning would only alarm operators.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name.startswith("slack_bolt")
            and record.getMessage().startswith("As you gave `client` as well")
        )


def configure(
    level: str = "info",
    fmt: Literal["json", "text"] = "json",
    *,
    secrets: Iterable[str] = (),
    stream: Any = None,
) -> None:
    """Route every logger to one handler on stderr (or ``stream``) in the chosen format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(SecretFilter(secrets))
    handler.addFilter(_BoltClientNotice())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Third-party chatter at INFO (aiohttp access lines, httpx request lines) drowns the audit.
    for noisy in ("aiohttp.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # Bolt decides whether to build its debug lines from its logger's own level, not the
    # effective one: left unset (0, "below DEBUG") it formatted a line per middleware for
    # every request, which the handler then dropped. Its loggers copy this one's level.
    logging.getLogger("slack_bolt").setLevel(root.level)
