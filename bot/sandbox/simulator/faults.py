"""Fault injection: make the simulator slow, wrong or silent on purpose.

Reliability code (retries, budgets, read-back after a lost write answer) can only be
trusted if it has seen each failure happen. A rule matches requests by method and a
path regex, and applies to the next ``times`` of them; the first live matching rule
wins and is consumed. A rule can delay, answer with any status and body (including
bodies that are not JSON, or JSON of the wrong shape), or drop the connection; with
``after_handling`` the request really changes the state first and only its answer is
lost or late (the delay then holds the answer, not the request), which is the case
a write must recover from by reading back.

A rule with a ``gate`` (an ``asyncio.Event``) holds each matching answer until the
test sets the event: a delay that ends when the test says, not after some seconds, so
a test can show what the bot did *while* Losant was still holding an answer (the ack
went out, the "working on it" note was posted) without timing anything.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

FaultBody = str | bytes | dict[str, Any] | None


@dataclass(slots=True)
class FaultRule:
    """One injected fault and how many more requests it applies to (None: forever)."""

    method: str | None = None
    path: re.Pattern[str] | None = None
    status: int | None = None
    body: FaultBody = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    drop: bool = False
    times: int | None = 1
    after_handling: bool = False
    gate: asyncio.Event | None = None
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    @property
    def replaces_answer(self) -> bool:
        """True when the rule answers (or drops) instead of the real handler's answer."""
        return self.drop or self.status is not None or self.body is not None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method.upper()) and (
            self.path is None or self.path.search(path) is not None
        )

    def response(self) -> web.Response:
        """The injected answer; a bare status gets a Losant-like error body."""
        status = self.status if self.status is not None else 500
        body = self.body if self.body is not None else default_error_body(status)
        if isinstance(body, dict):
            return web.Response(
                status=status,
                body=json.dumps(body).encode(),
                content_type="application/json",
                headers=self.headers,
            )
        raw = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": "text/plain; charset=utf-8", **self.headers}
        return web.Response(status=status, body=raw, headers=headers)


def default_error_body(status: int) -> dict[str, Any]:
    """``{"type": "ServiceUnavailable", "message": "Service Unavailable"}`` and the like."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return {"type": phrase.replace(" ", "").replace("-", ""), "message": phrase}


class FaultSpec(BaseModel):
    """A fault rule as JSON, for ``POST /__sim__/faults`` from outside the process."""

    model_config = ConfigDict(extra="forbid")

    method: str | None = None
    path: str | None = None
    status: int | None = Field(default=None, ge=100, le=599)
    body: str | dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    delay_s: float = Field(default=0.0, ge=0)
    drop: bool = False
    times: int | None = Field(default=1, ge=1)
    after_handling: bool = False


class Faults:
    """The live fault rules of one simulator, plus latency added to every request."""

    def __init__(self, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s
        self.rules: list[FaultRule] = []

    def add(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        body: FaultBody = None,
        headers: dict[str, str] | None = None,
        delay_s: float = 0.0,
        drop: bool = False,
        times: int | None = 1,
        after_handling: bool = False,
        gate: asyncio.Event | None = None,
    ) -> FaultRule:
        """Append a rule; ``path`` is a regex searched in the URL path (no query string)."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every request)")
        rule = FaultRule(
            method=method,
            path=re.compile(path) if path is not None else None,
            status=status,
            body=body,
            headers=dict(headers or {}),
            delay_s=delay_s,
            drop=drop,
            times=times,
            after_handling=after_handling,
            gate=gate,
        )
        self.rules.append(rule)
        return rule

    def gate(
        self, *, method: str | None = None, path: str | None = None, times: int | None = None
    ) -> asyncio.Event:
        """Hold the answer to every matching request (the next ``times`` of them) until
        the returned event is set; the requests are recorded as they arrive."""
        released = asyncio.Event()
        self.add(method=method, path=path, times=times, gate=released)
        return released

    def add_from_spec(self, spec: dict[str, Any]) -> FaultRule:
        """Add a rule described as JSON; raises ``pydantic.ValidationError`` if malformed."""
        checked = FaultSpec.model_validate(spec)
        return self.add(**checked.model_dump())

    def clear(self) -> None:
        """Remove every rule (``latency_s`` stays: it is a setting, not a rule)."""
        self.rules.clear()

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first live rule matching the request, counted as used once."""
        for rule in self.rules:
            if not rule.exhausted and rule.matches(method, path):
                rule.hits += 1
                return rule
        return None
