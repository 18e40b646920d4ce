"""What the time-limited grants and access requests produced: the values the views render.

Each carries the ``steps`` it took (granted, extended, revoked, reverted, requested,
approved…): the delivery step turns them into the audit log lines and channel sentences,
so the record and the reply come from the same value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.edges.losant.models import Org
from bot.edges.store import Grant, Request
from bot.usecases.journal import Step

RevertKind = Literal["removed", "restored", "gone", "drifted", "failed", "busy"]


@dataclass(frozen=True)
class Reverted:
    """How ending a grant went.

    ``removed`` (they were not a member before), ``restored`` (their previous role is back),
    ``gone`` (no longer a member: nothing to do), ``drifted`` (someone changed the role:
    left alone, ``current_role`` says to what), ``failed`` (Losant failed; retried with
    backoff, ``error`` says how), ``busy`` (another process is reverting it right now).
    """

    kind: RevertKind
    grant: Grant
    current_role: str | None = None
    error: str | None = None
    # Nothing had to be written: they were gone, or already back to their previous role.
    already: bool = False


@dataclass(frozen=True)
class GrantMade:
    """A grant made (``new``) or moved: the role is in place until ``grant.ends_at``.

    ``write``: ``done`` (Losant was changed now), ``already`` (they had the role: only the
    end moved), ``unknown`` (the write's outcome could not be learned; ``detail`` says why;
    the grant stays live, and its revert checks the role before it acts).
    """

    org: Org
    grant: Grant
    new: bool
    write: Literal["done", "already", "unknown"]
    steps: tuple[Step, ...]
    detail: str | None = None
    verified_after_error: bool = False


@dataclass(frozen=True)
class GrantExtended:
    """A live grant's end moved: it now ends at ``grant.ends_at``."""

    grant: Grant
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class GrantEnded:
    """A grant ended now, by ``revoke`` or End now, and how its revert went."""

    reverted: Reverted
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class GrantList:
    """Live grants (those needing a person first) and recently drifted ones, at ``now``.

    ``can_change``: the caller may end and extend them (a writer), so they get buttons.
    ``scope`` says what the list was narrowed to, as typed (org, person).
    """

    live: tuple[Grant, ...]
    drifted: tuple[Grant, ...]
    now: datetime
    can_change: bool
    scope: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class RequestMade:
    """A request recorded and (if ``card_posted``) shown to the approvers in ``channel``."""

    request: Request
    channel: str
    card_posted: bool
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class RequestList:
    """What waits for the caller: requests they may decide, and their own still open."""

    to_decide: tuple[Request, ...]
    own: tuple[Request, ...]
    now: datetime
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class RequestDecided:
    """A decision on a request, by this click or (``first=False``) by someone before.

    ``made``: the grant an approval made; ``grant_error`` why approving made none.
    """

    request: Request
    first: bool
    steps: tuple[Step, ...]
    made: GrantMade | None = None
    grant_error: str | None = None


LifecycleResult = (
    GrantMade | GrantExtended | GrantEnded | GrantList | RequestMade | RequestList | RequestDecided
)
