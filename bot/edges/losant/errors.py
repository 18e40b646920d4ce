"""The one error tree every caller of the Losant client sees.

The client translates HTTP answers and transport failures into these at its
boundary (``raise ... from exc``); no ``httpx`` exception escapes it. Callers
dispatch on the class, never on Losant's words, its ``type`` or the request path:
what those mean is decided once, in ``bot.edges.losant.http_errors``, where the
client still knows which request it made::

    LosantError
    ├── LosantBadRequest            400: Losant refused the request (``type``, ``message``)
    │   ├── LosantAlreadyExists     the person being added is already a member
    │   ├── LosantInvalidRole       Losant's words blame the role
    │   └── LosantInvalidEmail      Losant's words blame the email address
    ├── LosantNotFound              404, always raised as one of these:
    │   ├── LosantInstanceNotFound  the instance the bot is set up for
    │   ├── LosantOrgNotFound       the org named in the path
    │   └── LosantMemberNotFound    the member named in the path (or the user an add names)
    ├── LosantAuthError             401 / 403: the bot's token is invalid or lacks a scope
    ├── LosantUnavailable           5xx, timeouts, refused or dropped connections
    │   └── LosantRateLimited       429 (``retry_after`` when Losant gave one)
    └── LosantUnexpected            a body that is not JSON or not the documented shape

These are Losant's answers. "No org is named X" and "X is not a member" found by the
bot's own lookups are ``bot.usecases.errors`` (``OrgNotFound``, ``MemberNotFound``):
the person's reference matched nothing, which is theirs to fix, not Losant's doing.

``may_have_applied`` is true on a failed write that may still have reached Losant
(a timeout, a 5xx, a dropped connection): the caller must read back to learn the truth.
"""

from __future__ import annotations


class LosantError(Exception):
    """Base class: what went wrong talking to Losant, with the HTTP status if there was one."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        method: str | None = None,
        path: str | None = None,
        may_have_applied: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_type = error_type
        self.method = method
        self.path = path
        self.may_have_applied = may_have_applied

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, type={self.error_type!r}, "
            f"message={self.message!r}, method={self.method!r}, path={self.path!r})"
        )


class LosantBadRequest(LosantError):
    """400: Losant validated the request and refused it; ``message`` is Losant's own words."""


class LosantAlreadyExists(LosantBadRequest):
    """Losant's ``AlreadyExists``: the person an add names is already a member of the org."""


class LosantInvalidRole(LosantBadRequest):
    """Losant refused the role it was sent."""


class LosantInvalidEmail(LosantBadRequest):
    """Losant refused the email address it was sent."""


class LosantNotFound(LosantError):
    """404: something the request named does not exist; the subclass says which."""


class LosantInstanceNotFound(LosantNotFound):
    """The instance the bot is set up for (``LOSANT_INSTANCE_ID``) does not exist."""


class LosantOrgNotFound(LosantNotFound):
    """The org the request named does not exist in the instance."""


class LosantMemberNotFound(LosantNotFound):
    """The user the request named is not a member of the org (or, for an add, no user)."""


class LosantAuthError(LosantError):
    """401 or 403: the bot's API token is invalid, expired or lacks a needed scope."""


class LosantUnavailable(LosantError):
    """Losant could not answer: 5xx, timeout, refused or dropped connection, budget spent."""


class LosantRateLimited(LosantUnavailable):
    """429: Losant asked us to slow down; ``retry_after`` is in seconds when it said."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        error_type: str | None = None,
        method: str | None = None,
        path: str | None = None,
        may_have_applied: bool = False,
    ) -> None:
        super().__init__(
            message,
            status=429,
            error_type=error_type,
            method=method,
            path=path,
            may_have_applied=may_have_applied,
        )
        self.retry_after = retry_after


class LosantUnexpected(LosantError):
    """Losant answered, but with a body we cannot read (not JSON, or not the documented shape)."""
