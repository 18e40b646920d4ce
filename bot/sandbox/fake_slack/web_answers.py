"""How the fake's Web API methods say no, the way Slack does.

Slack answers a refused call with HTTP 200 and ``{"ok": false, "error": <code>}``,
sometimes with ``response_metadata.messages`` saying what was wrong. Every method of
the fake refuses through ``Refused`` so a check deep inside one (a trigger, a view's
limits) can stop the call with Slack's answer without each caller passing it back up.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

Answer = dict[str, Any]
Method = Callable[[dict[str, Any]], Answer]


class Refused(Exception):
    """A Web API call Slack would refuse, carrying Slack's answer."""

    def __init__(self, code: str, *messages: str) -> None:
        super().__init__(code)
        self.answer: Answer = {"ok": False, "error": code}
        if messages:
            self.answer["response_metadata"] = {"messages": list(messages)}


def missing(name: str) -> Refused:
    """Slack's refusal of a call without a required argument."""
    return Refused("invalid_arguments", f"[ERROR] missing required field: {name}")


def answering_refusals(method: Method) -> Method:
    """``method``, answering Slack's refusal instead of raising it."""

    @functools.wraps(method)
    def serve(args: dict[str, Any]) -> Answer:
        try:
            return method(args)
        except Refused as refused:
            return refused.answer

    return serve
