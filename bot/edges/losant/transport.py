"""httpx's transport seam, filled by aiohttp: how the Losant client's bytes move.

httpx's own transport (httpcore on anyio) spends about half a millisecond of CPU
on each request (locks, cancel scopes, a liveness check of every pooled connection,
more as the pool grows), and ``/members list`` makes two Losant calls. Measured by
``make bench``: with it, one bot process answered 188 commands a second and one
command took 4.4 ms; through aiohttp, which the bot already runs for Slack, 730 a
second and 2.4 ms. The client keeps httpx's API (requests, responses, timeouts,
error types); only the wire is aiohttp.

Two contracts matter beyond speed. aiohttp's failures become the httpx errors that
say the same thing, above all whether the request may have reached Losant
(``bot.edges.losant.http_errors.NOT_SENT``): only failing to get a connection (refused,
timed out, no free one in the pool) counts as never sent. And aiohttp's habit of
silently re-sending a GET, PUT or DELETE once when its connection breaks is turned
off: the ``Requester`` alone decides what is retried (reads, within their budget),
and a write goes out once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import httpx

# First match wins: subclasses come before their bases.
_ERRORS: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),  # pool wait or TCP connect
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, DNS, TLS handshake
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),  # no byte within the read timeout
    (TimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),  # closed before answering
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),  # answer cut short
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # not HTTP
    (aiohttp.ClientError, httpx.NetworkError),  # reset, broken pipe, anything else
)


class _SentAndLost(aiohttp.ClientError):
    """The connection broke after the request went out; its cause says how."""


async def _never_resend(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    # aiohttp re-sends an idempotent request when it sees one of these two errors, and
    # only those: raising another kind in their place is the public way to stop it.
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise  # not sent at all, and never re-sent by aiohttp
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
        raise _SentAndLost(str(exc)) from exc


@contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except (TimeoutError, aiohttp.ClientError) as exc:
        cause = exc.__cause__ if isinstance(exc, _SentAndLost) else exc
        ours = next(theirs for kind, theirs in _ERRORS if isinstance(cause, kind))
        raise ours(str(exc) or type(cause).__name__, request=request) from cause


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through one pooled ``aiohttp.ClientSession`` (made on first use)."""

    def __init__(self, *, max_connections: int, keepalive_s: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_s = keepalive_s
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Made lazily: an aiohttp session belongs to the event loop that first uses it.
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                keepalive_timeout=self._keepalive_s,
                ssl=httpx.create_ssl_context(),  # the CA bundle httpx would have used
            )
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False, middlewares=(_never_resend,)
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        body = await request.aread()
        with _as_httpx_errors(request):
            async with self._client().request(
                request.method,
                str(request.url),
                # httpx has set every header (Host, Content-Length, ...): send exactly those.
                headers=request.headers.multi_items(),
                skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
                data=body or None,
                allow_redirects=False,  # httpx decides about redirects
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as answer:
                # Read whole here, so the connection returns to the pool at once and a
                # failure while reading is mapped like any other.
                content = await answer.read()
        return httpx.Response(
            answer.status,
            headers=answer.raw_headers,
            # Still encoded: httpx decodes it (or raises DecodingError) as it always does.
            stream=httpx.ByteStream(content),
            extensions={"reason_phrase": (answer.reason or "").encode()},
            request=request,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
