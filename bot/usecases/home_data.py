"""What one person's Home tab shows, as plain values: the view renders them, nothing else.

Gathered by ``bot.usecases.home``; every button's value is sealed there, before the
view sees it, so the view never holds the key. Lists are cut to ``MAX_ITEMS`` with
their full count beside them: a person in hundreds of orgs, or an approver with a
long queue, still gets a Home tab within Slack's 100 blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from bot.edges.store import Grant, Request
from bot.usecases.results_runs import Found

# Items shown in each list of the Home tab; the rest are counted.
MAX_ITEMS = 10
# Orgs whose role the Home tab shows; someone in more gets a count and `/members find`.
ROLES_SHOWN = 20

T = TypeVar("T")


@dataclass(frozen=True)
class Listed(Generic[T]):
    """The first items of a list, and how many the whole list holds."""

    items: tuple[T, ...] = ()
    total: int = 0

    @classmethod
    def of(cls, everything: list[T], limit: int = MAX_ITEMS) -> Listed[T]:
        return cls(tuple(everything[:limit]), len(everything))

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class RequestItem:
    """A request on the Home tab; ``value`` names it on Approve / Deny (empty: no buttons)."""

    request: Request
    value: str = ""


@dataclass(frozen=True)
class GrantItem:
    """A grant on the Home tab; ``value`` names it on its buttons (empty: no buttons)."""

    grant: Grant
    value: str = ""


@dataclass(frozen=True)
class Access:
    """The person's Losant access: ``found``, or why it could not be looked up.

    Neither (``pending``): it is being looked up; the tab is published again when known.
    """

    found: Found | None = None
    problem: str = ""

    @property
    def pending(self) -> bool:
        return self.found is None and not self.problem


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab of ``user`` shows, as of ``now``.

    ``may_add`` / ``may_request``: the forms they may open. ``approver``: they decide
    requests, so they see the queue and the grants that need a person. Someone who may
    do none of these (``known`` false) sees only how to get access.
    """

    user: str
    now: datetime
    email: str | None = None
    may_add: bool = False
    may_request: bool = False
    approver: bool = False
    access: Access = field(default_factory=Access)
    own_requests: Listed[RequestItem] = field(default_factory=Listed)
    own_grants: Listed[GrantItem] = field(default_factory=Listed)
    waiting: Listed[RequestItem] = field(default_factory=Listed)
    attention: Listed[GrantItem] = field(default_factory=Listed)

    @property
    def known(self) -> bool:
        return self.may_add or self.may_request or self.approver
