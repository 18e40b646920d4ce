"""How an HTTP answer or a transport failure becomes a ``LosantError``.

The client's boundary in one place: dispatch on the HTTP status first (Losant's
``type`` is only a hint, and proxies send bodies that are empty or not JSON), keep
Losant's own ``message`` when it gave one, and decide for writes whether the request
may have reached Losant. Only failures raised before a byte left this process
(connect refused or timed out, no free pooled connection) are known not to have.
"""

from __future__ import annotations

import httpx

from bot.edges.losant.errors import (
    LosantAuthError,
    LosantBadRequest,
    LosantError,
    LosantNotFound,
    LosantRateLimited,
    LosantUnavailable,
    LosantUnexpected,
)
from bot.edges.losant.models import ErrorBody
from bot.edges.losant.retry import parse_retry_after

# Raised before the request was written to a socket, so Losant cannot have seen it.
NOT_SENT: tuple[type[httpx.HTTPError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)

# First match wins, so subclasses come before their bases.
_TRANSPORT_TEXT: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectTimeout, "timed out connecting to Losant"),
    (httpx.PoolTimeout, "no free connection to Losant in time"),
    (httpx.TimeoutException, "Losant did not answer in time"),
    (httpx.ConnectError, "could not connect to Losant"),
    (httpx.HTTPError, "the connection to Losant failed"),
)


def is_write(method: str) -> bool:
    return method.upper() not in {"GET", "HEAD", "OPTIONS"}


def error_for_transport(exc: httpx.HTTPError, method: str, path: str) -> LosantError:
    """The error for a call that got no usable HTTP answer."""
    may_have_applied = is_write(method) and not isinstance(exc, NOT_SENT)
    if isinstance(exc, httpx.DecodingError):
        # The answer arrived but its content encoding was broken: Losant did answer.
        return LosantUnexpected(
            "Losant's answer could not be decoded",
            method=method,
            path=path,
            may_have_applied=may_have_applied,
        )
    text = next(text for kind, text in _TRANSPORT_TEXT if isinstance(exc, kind))
    return LosantUnavailable(
        f"{text} ({type(exc).__name__})",
        method=method,
        path=path,
        may_have_applied=may_have_applied,
    )


def error_for_response(response: httpx.Response, method: str, path: str) -> LosantError:
    """The error for an HTTP answer outside 2xx."""
    status = response.status_code
    body = _error_body(response)
    message = body.message or _fallback_message(response)
    if status == 429:
        return LosantRateLimited(
            message,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            error_type=body.type,
            method=method,
            path=path,
        )
    kind: type[LosantError]
    if status == 404:
        kind = LosantNotFound
    elif status in (401, 403):
        kind = LosantAuthError
    elif status >= 500:
        kind = LosantUnavailable
    elif status >= 400:
        kind = LosantBadRequest
    else:
        kind = LosantUnexpected
        message = f"Losant answered with an unexpected status {status}"
    return kind(
        message,
        status=status,
        error_type=body.type,
        method=method,
        path=path,
        # A 5xx may come after the change was made (e.g. a proxy timing out behind it).
        may_have_applied=status >= 500 and is_write(method),
    )


def _error_body(response: httpx.Response) -> ErrorBody:
    try:
        return ErrorBody.model_validate_json(response.content)
    except ValueError:
        return ErrorBody()


def _fallback_message(response: httpx.Response) -> str:
    """Words for an error that came without Losant's own (e.g. from a proxy)."""
    if response.status_code == 413:
        return "Request entity too large."  # what Losant's JS client says in this case
    reason = response.reason_phrase or httpx.codes.get_reason_phrase(response.status_code)
    return f"Losant answered {response.status_code} {reason}".rstrip()
