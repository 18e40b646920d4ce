"""The simulator as a real HTTP server: auth, recording, faults, and its lifecycle.

Tests and demos talk to it over loopback exactly as the bot talks to Losant, so
the client's headers, connection pooling, timeouts and retries are all exercised.
One middleware does what Losant's edge would: it records the request, applies a
rate limit, latency and injected faults, checks the bearer token (a read-only
token gets 403 on writes), and turns every refusal into Losant's
``{"type", "message"}`` JSON. The ``/__sim__/`` routes let a separate process
(``python -m bot simulator``) be reset and given faults; they are not recorded and
need no token.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy
from pydantic import ValidationError

from bot.sandbox.fake_slack.arrivals import Arrivals
from bot.sandbox.loopback import LOOPBACK, listen
from bot.sandbox.simulator.api import LosantApi
from bot.sandbox.simulator.faults import FaultRule, Faults, default_error_body
from bot.sandbox.simulator.ratelimit import RateLimit
from bot.sandbox.simulator.records import RecordedRequest
from bot.sandbox.simulator.seed import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN, Seeding
from bot.sandbox.simulator.state import SimulatorError, SimulatorState

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
_CONTROL_PREFIX = "/__sim__/"
_WRITE_SCOPES = "all.Instance, all.User, instanceOrgMembers.* or instanceOrgMember.*"


class Simulator:
    """A Losant API stand-in on a loopback port, with its state and faults exposed.

    What it holds at the start is ``seed.Seeding``; ``rate`` caps the calls a second.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        instance_id: str = DEFAULT_INSTANCE_ID,
        read_only_token: str | None = None,
        seed: bool = True,
        latency_s: float = 0.0,
        orgs: int = 0,
        big_org: int = 0,
        rate: float | None = None,
    ) -> None:
        self.token = token
        self.read_only_token = read_only_token
        self.state = SimulatorState(instance_id)
        self.faults = Faults(latency_s)
        self._arrivals: Arrivals[RecordedRequest] = Arrivals("requests to the simulator")
        self.requests: list[RecordedRequest] = self._arrivals.items
        # Requests received and not yet answered, now and at most since the last reset:
        # what a client's "at most N calls in flight" promise is checked against.
        self.in_flight = 0
        self.peak_in_flight = 0
        self.base_url = ""
        self._seeding = Seeding(demo=seed, orgs=orgs, big_org=big_org)
        self._latency_s = latency_s
        self._rate = rate
        self.rate_limit = RateLimit(rate) if rate is not None else None
        self._peers: set[tuple[Any, ...]] = set()
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self._seeding.apply(self.state)

    @property
    def instance_id(self) -> str:
        """The one instance this simulator serves."""
        return self.state.instance_id

    @property
    def connections_opened(self) -> int:
        """How many distinct client connections (peer addresses) have sent requests."""
        return len(self._peers)

    def writes(self) -> list[RecordedRequest]:
        """The POST, PATCH and DELETE requests received, in order."""
        return [r for r in self.requests if r.method in WRITE_METHODS]

    async def wait_for_requests(
        self,
        count: int,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - every wait is bounded; this is the bound
        matching: Callable[[RecordedRequest], bool] = lambda _: True,
    ) -> list[RecordedRequest]:
        """The first ``count`` matching requests, once they have arrived (answered or not).

        Raises AssertionError after ``timeout`` seconds, listing every request received.
        """
        return await self._arrivals.wait_for(count, timeout=timeout, matching=matching)

    def reset(self) -> None:
        """Back to the starting state: seed data, no faults, nothing recorded."""
        self.state.clear()
        self._seeding.apply(self.state)
        self.faults.clear()
        self.faults.latency_s = self._latency_s
        self.rate_limit = RateLimit(self._rate) if self._rate is not None else None
        self.requests.clear()
        self._peers.clear()
        self.peak_in_flight = self.in_flight

    def web_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.add_routes(LosantApi(self.state).routes())
        app.add_routes(
            [
                web.post(_CONTROL_PREFIX + "reset", self._control_reset),
                web.post(_CONTROL_PREFIX + "faults", self._control_add_fault),
                web.delete(_CONTROL_PREFIX + "faults", self._control_clear_faults),
            ]
        )
        return app

    async def start(self, host: str = LOOPBACK, port: int = 0) -> str:
        """Serve on ``host:port`` (0 picks a free port); returns the base URL."""
        self._runner, self.base_url = await listen(self.web_app(), host, port, shutdown_timeout=1.0)
        self._stopping.clear()
        return self.base_url

    async def stop(self) -> None:
        # Wake requests held by injected delays, so stopping never waits them out.
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ---- the edge -----------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(_CONTROL_PREFIX):
            return await _losant_errors(request, handler)
        record = await self._record(request)
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return await self._answer(request, handler, record)
        finally:
            self.in_flight -= 1

    async def _answer(
        self, request: web.Request, handler: Handler, record: RecordedRequest
    ) -> web.StreamResponse:
        wait_s = self.rate_limit.take() if self.rate_limit is not None else None
        if wait_s is not None:
            record.status = 429
            return RateLimit.refusal(wait_s)
        rule = self.faults.take(request.method, request.path)
        late = rule is not None and rule.after_handling
        await self._hold(self.faults.latency_s + (rule.delay_s if rule and not late else 0.0))
        if rule is not None and not late:
            await self._until_released(rule)
            if rule.replaces_answer:
                return _inject(request, rule, record)
        response = await _losant_errors(request, self._authorized(handler))
        if rule is not None and late:
            # The change is made; only its answer is late (a client timeout) or lost.
            await self._hold(rule.delay_s)
            await self._until_released(rule)
            if rule.replaces_answer:
                return _inject(request, rule, record)
        record.answer(response.status)
        return response

    async def _hold(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the simulator is stopping."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _until_released(self, rule: FaultRule) -> None:
        """Wait until the rule's gate is opened, or the simulator is stopping."""
        if rule.gate is None or rule.gate.is_set():
            return
        released = asyncio.ensure_future(rule.gate.wait())
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({released, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            released.cancel()
            stopping.cancel()

    async def _record(self, request: web.Request) -> RecordedRequest:
        body = await request.read()
        try:
            parsed = json.loads(body) if body else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            parsed = None
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            json=parsed,
            headers=CIMultiDictProxy(CIMultiDict(request.headers)),
            body=body,
        )
        await self._arrivals.add(record)
        if request.transport is not None:
            self._peers.add(tuple(request.transport.get_extra_info("peername") or ()))
        return record

    def _authorized(self, handler: Handler) -> Handler:
        async def check_token(request: web.Request) -> web.StreamResponse:
            if request.match_info.http_exception is None:  # unknown routes 404 without auth
                scheme, _, token = request.headers.get("Authorization", "").partition(" ")
                full = _same(token, self.token)
                read_only = self.read_only_token is not None and _same(token, self.read_only_token)
                if scheme.lower() != "bearer" or not (full or read_only):
                    raise SimulatorError(401, "Unauthorized", "Invalid access token")
                if not full and request.method in WRITE_METHODS:
                    message = f"This token cannot change members; it needs {_WRITE_SCOPES}"
                    raise SimulatorError(403, "Forbidden", message)
            return await handler(request)

        return check_token

    # ---- control routes -----------------------------------------------------------

    async def _control_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"success": True})

    async def _control_add_fault(self, request: web.Request) -> web.Response:
        try:
            self.faults.add_from_spec(await request.json())
        except (json.JSONDecodeError, ValidationError, TypeError) as exc:
            raise SimulatorError(400, "Validation", f"bad fault spec: {exc}") from None
        return web.json_response({"success": True, "rules": len(self.faults.rules)})

    async def _control_clear_faults(self, request: web.Request) -> web.Response:
        self.faults.clear()
        return web.json_response({"success": True})


def _same(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode(), expected.encode())


async def _losant_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run the handler; answer every refusal as Losant's JSON error body."""
    try:
        return await handler(request)
    except SimulatorError as exc:
        return web.json_response(exc.to_json(), status=exc.status)
    except web.HTTPMethodNotAllowed as exc:
        body = {"type": "MethodNotAllowed", "message": f"{request.method} is not allowed"}
        return web.json_response(
            body, status=405, headers={"Allow": ", ".join(exc.allowed_methods)}
        )
    except web.HTTPNotFound:
        return web.json_response({"type": "NotFound", "message": "Route was not found"}, status=404)
    except web.HTTPException as exc:
        return web.json_response(default_error_body(exc.status), status=exc.status)


def _inject(request: web.Request, rule: FaultRule, record: RecordedRequest) -> web.StreamResponse:
    if rule.drop:
        if request.transport is not None:
            request.transport.abort()
        return web.Response()  # never written: the connection is already gone
    response = rule.response()
    record.answer(response.status)
    return response
