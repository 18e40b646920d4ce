"""How an HTTP answer or a transport failure becomes a ``LosantError``.

The client's boundary in one place: dispatch on the HTTP status first (Losant's
``type`` is only a hint, and proxies send bodies that are empty or not JSON), keep
Losant's own ``message`` when it gave one, and decide for writes whether the request
may have reached Losant. Only failures raised before a byte left this process
(connect refused or timed out, no free pooled connection) are known not to have.

This is also the only place that reads Losant's ``type`` and words to pick a finer
class (``_refused``, ``_missing``), so nothing past the client has to. A 404 is read
against what the request named (``Named``): Losant's message is the only hint of
whether the instance, the org or the member was missing, and the path is what a 404
that says nothing (a proxy's "Not Found") is about.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot.edges.losant.errors import (
    LosantAlreadyExists,
    LosantAuthError,
    LosantBadRequest,
    LosantError,
    LosantInstanceNotFound,
    LosantInvalidEmail,
    LosantInvalidRole,
    LosantMemberNotFound,
    LosantNotFound,
    LosantOrgNotFound,
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

# How Losant's 404 messages name what was missing ("Organization was not found"; an
# add by user ID gets "User was not found"). The member is tried first: it is the
# innermost, and its messages may mention the org it was looked for in.
_MISSING_WORDS: tuple[tuple[type[LosantNotFound], tuple[str, ...]], ...] = (
    (LosantMemberNotFound, ("member", "user")),
    (LosantOrgNotFound, ("org",)),
    (LosantInstanceNotFound, ("instance",)),
)


@dataclass(frozen=True, slots=True)
class Named:
    """What one request names that Losant may not find, so its 404 can say which.

    ``path`` is outermost first, and its last is what a 404 whose words name none of
    them is about. ``body`` is what only the body names (the user an add names by ID).
    """

    path: tuple[type[LosantNotFound], ...]
    body: tuple[type[LosantNotFound], ...] = ()


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


def error_for_response(
    response: httpx.Response, method: str, path: str, named: Named
) -> LosantError:
    """The error for an HTTP answer outside 2xx to a request that named ``named``."""
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
        kind = _missing(message, named)
    elif status in (401, 403):
        kind = LosantAuthError
    elif status >= 500:
        kind = LosantUnavailable
    elif status >= 400:
        kind = _refused(body.type, message)
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


def _refused(error_type: str | None, message: str) -> type[LosantBadRequest]:
    """Which refusal a 4xx is: Losant's ``type`` marks a duplicate, its words a bad field."""
    if (error_type or "").lower() == "alreadyexists":
        return LosantAlreadyExists
    words = message.lower()
    if "role" in words:
        return LosantInvalidRole
    if "email" in words:
        return LosantInvalidEmail
    return LosantBadRequest


def _missing(message: str, named: Named) -> type[LosantNotFound]:
    """What a 404 was about: whichever of ``named`` Losant's words name, else the path's last."""
    words = message.lower()
    candidates = (*named.path, *named.body)
    for kind, keys in _MISSING_WORDS:
        if kind in candidates and any(key in words for key in keys):
            return kind
    return named.path[-1]


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
