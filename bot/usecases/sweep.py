"""The work nobody started: every process sweeps for what has fallen due, every
MEMBERS_SWEEP_S, and once at start-up to catch up on whatever fell due while nothing ran.

One sweep expires undecided requests, reverts due grants, flags reverts that keep failing
or run late, and warns requesters whose access ends soon. Each of those is claimed with a
conditional UPDATE, so with any number of processes each happens once. A failed revert
stays live with a growing backoff and is tried again by a later sweep, never dropped; a
process that dies mid-revert leaves a lease that runs out. Stopping (SIGTERM) takes no new
claim and lets the sweep under way finish within the grace period.

Its steps are audited like a person's: the events table, the audit log, and the audit
channel through the same ``Auditor`` (a failed try is logged; the channel hears of it once,
when it is flagged). Its messages to people go through the notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from bot.edges.store import EventKind, Grant, Store
from bot.serving.logs import request_id_var
from bot.usecases.audit import Auditor
from bot.usecases.clock import Clock, utc_now
from bot.usecases.journal import BOT_ACTOR, Journal, Step, grant_step, request_step
from bot.usecases.notices import Notices
from bot.usecases.reverting import LEASE_S, Reverter

log = logging.getLogger("bot.sweep")

BATCH = 100
ENDING_SOON = timedelta(minutes=15)


@dataclass
class SweepReport:
    """What one sweep did, by kind of step."""

    expired: int = 0
    reverted: int = 0
    drifted: int = 0
    failed: int = 0
    flagged: int = 0
    warned: int = 0
    steps: list[Step] = field(default_factory=list)


class Sweeper:
    """Sweeps on a timer in the background (``start``/``stop``) or on demand (``sweep``)."""

    def __init__(
        self,
        store: Store,
        reverter: Reverter,
        journal: Journal,
        notices: Notices,
        auditor: Auditor,
        *,
        clock: Clock,
        every_s: float,
        fanout: int = 8,
    ) -> None:
        self._store = store
        self._reverter = reverter
        self._journal = journal
        self._notices = notices
        self._auditor = auditor
        self._clock = clock
        self._every_s = every_s
        self._fanout = asyncio.Semaphore(fanout)
        self._lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Sweep now (catching up), then every ``every_s`` until ``stop``."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="members-bot sweep")

    async def stop(self, grace_s: float) -> None:
        """Claim nothing more; let a sweep under way finish, for up to ``grace_s``."""
        self._stopping.set()
        if self._task is None:
            return
        if not self._lock.locked():
            # Between sweeps: the loop sees the stop at once and ends.
            await self._task
        else:
            done, _ = await asyncio.wait({self._task}, timeout=grace_s)
            if not done:
                log.warning("stopping with a sweep still under way; its leases will run out")
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
        log.info("stopped sweeping: what falls due now is left to the other processes")

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.sweep()
            except Exception:
                # The database or Slack failing must not end the sweeping for good.
                log.exception("a sweep failed; the next one tries again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._every_s)

    async def sweep(self) -> SweepReport:
        """One pass over everything due now; a pass already under way is waited for."""
        report = SweepReport()
        async with self._lock:
            request_id_var.set(f"sweep-{uuid.uuid4().hex[:7]}")
            if self._stopping.is_set():
                return report
            await self._expire(report)
            while not self._stopping.is_set():
                now = utc_now(self._clock)
                claimed = await self._store.grants.claim_due(
                    now, self._reverter.owner, LEASE_S, BATCH
                )
                await asyncio.gather(*(self._revert(grant, report) for grant in claimed))
                if len(claimed) < BATCH:
                    break
            await self._flag(report)
            await self._warn(report)
        return report

    async def _expire(self, report: SweepReport) -> None:
        for request in await self._store.requests.expire_due(utc_now(self._clock)):
            step = request_step(EventKind.EXPIRED, request, BOT_ACTOR, "sweep")
            await self._record(step, report)
            report.expired += 1
            await self._notices.request_expired(request)

    async def _revert(self, grant: Grant, report: SweepReport) -> None:
        async with self._fanout:
            try:
                reverted, steps = await self._reverter.revert(grant)
            except Exception as exc:
                log.exception("reverting grant %s failed unexpectedly", grant.id)
                # Recorded as a failure so that it is retried with backoff and, if it keeps
                # failing, flagged; if even this fails, the lease runs out and it is retaken.
                now = utc_now(self._clock)
                await self._store.grants.fail(grant.id, self._reverter.owner, repr(exc), now)
                report.failed += 1
                return
        for step in steps:
            # The reverter journaled them; a failed try reaches the channel once, when flagged.
            await self._announce(step, report, to_channel=step.kind is not EventKind.FAILED)
        kind = reverted.kind
        if kind == "failed":
            report.failed += 1
        elif kind == "drifted":
            report.drifted += 1
        elif kind != "busy":
            report.reverted += 1

    async def _flag(self, report: SweepReport) -> None:
        now = utc_now(self._clock)
        for grant in await self._store.grants.needs_flag(now):
            if not await self._store.grants.mark_flagged(grant.id, now):
                continue  # another process announced it
            late = int((now - grant.ends_at).total_seconds() // 60)
            detail = (
                f"{grant.attempts} failed attempt(s), {late} min overdue; "
                f"last error: {grant.last_error or 'none yet (still to be tried)'}"
            )
            step = grant_step(
                EventKind.FAILED, grant, BOT_ACTOR, "sweep", decision="failed", detail=detail
            )
            await self._record(step, report)
            report.flagged += 1

    async def _warn(self, report: SweepReport) -> None:
        now = utc_now(self._clock)
        for grant in await self._store.grants.ending_soon(now, ENDING_SOON):
            if grant.request_id is None or not await self._store.grants.mark_warned(grant.id, now):
                continue
            request = await self._store.requests.get(grant.request_id)
            if request is not None:
                await self._notices.grant_ending_soon(grant, request)
                report.warned += 1

    async def _record(self, step: Step, report: SweepReport) -> None:
        """A step the sweep itself took: into the events table, then announced."""
        await self._journal.append(step)
        await self._announce(step, report)

    async def _announce(self, step: Step, report: SweepReport, *, to_channel: bool = True) -> None:
        await self._auditor.record(step.audit(), to_channel=to_channel)
        report.steps.append(step)
