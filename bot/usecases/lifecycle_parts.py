"""What the access lifecycle needs beyond the member commands, and the wiring of its parts.

``Operations`` owns the Losant lookups and write-safe writes; grants and requests reuse
them, plus the database, the notices and their settings. Bundling those here keeps the
wiring of the journal, the reverter, granting and requesting in one place, so the app and
the sweep are handed the very same objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.edges.store import Store
from bot.usecases.clock import Clock
from bot.usecases.durations import GrantLimits
from bot.usecases.granting import Granting
from bot.usecases.journal import Journal
from bot.usecases.lifecycle_ops import Confirmer, Lifecycle
from bot.usecases.lookup import EmailResolver, Lookup
from bot.usecases.notices import Notices
from bot.usecases.requesting import Requesting
from bot.usecases.reverting import Reverter
from bot.usecases.writes import Writes


@dataclass(frozen=True)
class LifecycleParts:
    """The database, the notices and the lifecycle's settings; ``owner`` names this process
    in the leases it takes."""

    store: Store
    notices: Notices
    limits: GrantLimits
    approval_channel: str | None
    request_ttl_s: int
    owner: str

    def build(
        self,
        lookup: Lookup,
        writes: Writes,
        resolve_email: EmailResolver,
        *,
        clock: Clock,
        confirmation: Confirmer,
    ) -> Lifecycle:
        journal = Journal(self.store.events, clock)
        reverter = Reverter(
            self.store, lookup, writes, journal, self.notices, clock=clock, owner=self.owner
        )
        granting = Granting(
            self.store, lookup, writes, journal, reverter, limits=self.limits, clock=clock
        )
        requesting = Requesting(
            self.store,
            lookup,
            granting,
            journal,
            self.notices,
            resolve_email=resolve_email,
            clock=clock,
            ttl_s=self.request_ttl_s,
            channel=self.approval_channel,
        )
        return Lifecycle(
            self.store,
            lookup,
            granting,
            requesting,
            reverter=reverter,
            journal=journal,
            notices=self.notices,
            clock=clock,
            confirmation=confirmation,
        )
