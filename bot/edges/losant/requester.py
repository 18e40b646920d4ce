"""One logical Losant call over HTTP: a read with its retries, or a write sent once.

The endpoints in ``bot.edges.losant.client`` only name paths and models; the rules that
make a call safe live here, the same for every endpoint. Reads are idempotent, so
they are retried on 429, 5xx and transport failures on the ``RetryPolicy``
schedule, and every attempt's timeouts are cut to what is left of the read's
budget, so a read takes no longer than that budget however Losant misbehaves.
Identical reads in flight at once share one call (``singleflight``). Writes are
not idempotent (there is no idempotency key), so they go out exactly once. Sleep
and clock are injected so tests record delays instead of waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel, ValidationError

from bot.edges.losant.errors import LosantRateLimited, LosantUnavailable, LosantUnexpected
from bot.edges.losant.http_errors import Named, error_for_response, error_for_transport, is_write
from bot.edges.losant.retry import RetryPolicy, parse_retry_after
from bot.edges.losant.singleflight import SingleFlight

ACCEPT_VERSION = "^1.30.0"
# Sent on every request, so a borrowed httpx client speaks the same dialect.
HEADERS = {"Accept": "application/json", "Accept-Version": ACCEPT_VERSION}
# Without these Losant decorates every object with _links, _type and _embedded.
LEAN_PARAMS = {"_links": "false", "_embedded": "false", "_actions": "false"}

logger = logging.getLogger("bot.losant")

ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")
Decode = Callable[[bytes], Awaitable[T]]
"""Turns a 2xx body into its value; raises ValueError when the body is not one."""
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class Requester:
    """Sends calls through one shared ``httpx.AsyncClient`` and returns typed bodies."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        policy: RetryPolicy,
        *,
        sleep: Sleep,
        clock: Clock,
        max_in_flight: int | None = None,
    ) -> None:
        self._http = http
        # The base URL's path always ends with a slash (httpx sees to it), even when empty.
        self._base = str(http.base_url.copy_with(raw_path=http.base_url.raw_path))
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        # Calls beyond the pool's size wait here, in a plain FIFO bounded by the pool
        # timeout, whatever the transport: httpcore's own queue matches every waiting
        # request against every connection each time one frees up, which made a burst
        # of commands cost CPU quadratically. Set it to the pool's size.
        self._slots = asyncio.Semaphore(max_in_flight) if max_in_flight else None
        self._flights = SingleFlight()
        # A client built by ``LosantClient.create`` sends these already; merging them into
        # every request again costs httpx a Headers copy per call (about 20 µs).
        sends_them = all(http.headers.get(name) == value for name, value in HEADERS.items())
        self._headers = None if sends_them else HEADERS

    async def read(
        self,
        path: str,
        model: type[ModelT],
        params: dict[str, str] | None = None,
        *,
        named: Named,
    ) -> ModelT:
        """GET, retried on 429, 5xx and transport failures within the policy's budget.

        ``named`` is what the path names, so that a 404 says which of it was missing.
        """

        async def validate(body: bytes) -> ModelT:
            return model.model_validate_json(body)

        return await self.read_as(path, model.__name__, validate, params, named=named)

    async def read_as(
        self,
        path: str,
        kind: str,
        decode: Decode[T],
        params: dict[str, str] | None = None,
        *,
        named: Named,
    ) -> T:
        """GET as ``read``, its body made into a ``kind`` by ``decode``.

        While an identical read (same path, parameters and ``kind``) is in flight, this
        one waits for that one's answer instead of making a call of its own.
        """
        key = (path, tuple(sorted((params or {}).items())), kind)
        return await self._flights.run(key, lambda: self._read(path, kind, decode, params, named))

    async def _read(
        self, path: str, kind: str, decode: Decode[T], params: dict[str, str] | None, named: Named
    ) -> T:
        response = await self._get(path, params, named)
        try:
            return await decode(response.content)
        except ValueError as exc:
            raise _unreadable(exc, response.status_code, kind, "GET", path) from exc

    async def _get(self, path: str, params: dict[str, str] | None, named: Named) -> httpx.Response:
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            left = self._policy.budget_s - (self._clock() - started)
            try:
                response = await self._send("GET", path, attempt, params=params, within_s=left)
                _body(response, "GET", path, named)  # a 429 or 5xx answer raises: retried
                return response
            except LosantUnavailable as exc:
                delay = self._policy.next_delay(attempt, self._clock() - started, _retry_after(exc))
                if delay is None:
                    raise
                logger.debug(
                    "losant GET %s: retrying in %.3f s after %s",
                    *(path, delay, type(exc).__name__),
                    extra={"method": "GET", "path": path, "attempt": attempt, "delay_s": delay},
                )
                await self._sleep(delay)

    async def write(
        self,
        method: str,
        path: str,
        model: type[ModelT],
        body: dict[str, Any] | None = None,
        *,
        named: Named,
    ) -> ModelT:
        """POST, PATCH or DELETE, sent once; a failure says if it may have been applied."""
        response = await self._send(method, path, 1, body=body)
        answer = _body(response, method, path, named)
        try:
            return model.model_validate_json(answer)
        except ValueError as exc:
            raise _unreadable(exc, response.status_code, model.__name__, method, path) from exc

    async def _send(
        self,
        method: str,
        path: str,
        attempt: int,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        within_s: float | None = None,
    ) -> httpx.Response:
        started = self._clock()
        timeout = self._timeout_within(within_s)
        try:
            async with self._slot(timeout):
                response = await self._http.request(
                    method,
                    self._url(path, params),
                    json=body,
                    headers=self._headers,
                    timeout=timeout,
                )
        except httpx.HTTPError as exc:
            self._log(method, path, type(exc).__name__, attempt, started)
            raise error_for_transport(exc, method, path) from exc
        self._log(method, path, response.status_code, attempt, started)
        return response

    def _url(self, path: str, params: dict[str, str] | None) -> httpx.URL:
        """``path`` on the client's base URL with ``params`` (and the lean ones), parsed once.

        Given a path and params, httpx parses the URL three times (the path, the path on
        the base URL, then with the query): about 60 µs a call, and every command makes
        one; building it from the base URL with ``copy_with`` still parsed and checked it
        twice, and encoded the query in Python (70 µs). This joins them as httpx does (the
        base URL, then ``path`` without its leading slash; the query encoded as httpx
        encodes it, by ``urllib.parse.urlencode``), so the URL sent is byte for byte the
        same (``tests/test_losant_client.py``), parsed once: about 40 µs.
        """
        query = urlencode((params or {}) | LEAN_PARAMS)
        return httpx.URL(f"{self._base}{path.lstrip('/')}?{query}")

    @asynccontextmanager
    async def _slot(self, timeouts: httpx.Timeout | Any) -> AsyncIterator[None]:
        """A place among the calls in flight, waited for no longer than the pool timeout."""
        if self._slots is None:
            yield
            return
        if self._slots.locked():
            # Only a wait needs a deadline: armed for every call, its timer cost the loop
            # even though a slot is nearly always free.
            wait = (timeouts if isinstance(timeouts, httpx.Timeout) else self._http.timeout).pool
            try:
                async with asyncio.timeout(wait):
                    await self._slots.acquire()
            except TimeoutError:
                raise httpx.PoolTimeout("no free slot for a call to Losant") from None
        else:
            await self._slots.acquire()  # free: taken at once, without suspending
        try:
            yield
        finally:
            self._slots.release()

    def _timeout_within(self, seconds: float | None) -> httpx.Timeout | Any:
        """The client's own timeouts, each cut to ``seconds`` (what is left of a budget)."""
        if seconds is None:
            return httpx.USE_CLIENT_DEFAULT
        left = max(seconds, 0.001)
        base = self._http.timeout

        def cut(value: float | None) -> float:
            return left if value is None else min(value, left)

        return httpx.Timeout(
            connect=cut(base.connect),
            read=cut(base.read),
            write=cut(base.write),
            pool=cut(base.pool),
        )

    def _log(self, method: str, path: str, status: int | str, attempt: int, started: float) -> None:
        if not logger.isEnabledFor(logging.DEBUG):
            return  # building the fields costs more than asking, on every call
        duration_ms = round((self._clock() - started) * 1000, 1)
        fields = {"method": method, "path": path, "status": status, "attempt": attempt}
        logger.debug(
            "losant %s %s -> %s (attempt %d, %.1f ms)",
            *(method, path, status, attempt, duration_ms),
            extra=fields | {"duration_ms": duration_ms},
        )


def _retry_after(exc: LosantUnavailable) -> float | None:
    """What Losant asked us to wait: on a 429, or on a 503 that says when it will be back."""
    if isinstance(exc, LosantRateLimited):
        return exc.retry_after
    if isinstance(exc.__cause__, httpx.HTTPStatusError):
        return parse_retry_after(exc.__cause__.response.headers.get("Retry-After"))
    return None


def _body(response: httpx.Response, method: str, path: str, named: Named) -> bytes:
    """The body of a 2xx answer, or the error the answer stands for."""
    try:
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        raise error_for_response(response, method, path, named) from exc
    return response.content


def _unreadable(
    exc: ValueError, status: int, kind: str, method: str, path: str
) -> LosantUnexpected:
    """A 2xx whose body is not a ``kind``: logged for the operator, an error for the person."""
    # The person is only told "could not read"; the operator needs what and where.
    logger.warning(
        "losant %s %s -> %s: the body is not a %s (%s)",
        *(method, path, status, kind, _first_problem(exc)),
        extra={"method": method, "path": path, "status": status},
    )
    return LosantUnexpected(
        f"Losant answered {status} with a body that is not a {kind}",
        status=status,
        method=method,
        path=path,
        # A 2xx means a write went through even if we cannot read what came back.
        may_have_applied=is_write(method),
    )


def _first_problem(exc: ValueError) -> str:
    """Where and how a body broke its model, without quoting the body (personal data)."""
    if not isinstance(exc, ValidationError):
        return type(exc).__name__
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    where = ".".join(str(part) for part in errors[0]["loc"]) or "body"
    more = f", and {len(errors) - 1} more" if len(errors) > 1 else ""
    return f"{where}: {errors[0]['msg']}{more}"
