"""``python -m benchmarks.store_sweep``: what one sweep for due grants costs.

Every process sweeps every MEMBERS_SWEEP_S (30 s by default), so the sweep must stay cheap
when the table is large and almost nothing is due. This fills a table with 10,000 live
grants, 100 of them due, on SQLite and on PostgreSQL (a real, fsync-ing server from
pgserver), and measures:

* one ``claim_due``: the statements it sends (counted at the cursor) and its time, and the
  same for an idle claim that finds nothing;
* one whole sweep as every process runs it (``Sweeper.sweep``: expire requests, claim,
  revert each due grant against the Losant simulator on loopback, finish, flag, warn):
  its time, its statements, and its Losant calls; and an idle sweep.

Standalone: ``make bench`` does not run it.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.edges.losant.client import LosantClient
from bot.edges.store.engine import create_engine, database_url
from bot.edges.store.migrate import upgrade
from bot.edges.store.store import Store
from bot.edges.store.tables import grants
from bot.sandbox.simulator import Simulator
from bot.usecases.audit import Auditor
from bot.usecases.journal import Journal
from bot.usecases.lookup import Lookup
from bot.usecases.notices import Silent
from bot.usecases.reverting import Reverter
from bot.usecases.sweep import Sweeper
from bot.usecases.writes import Writes

GRANTS = 10_000
DUE = 100
RUNS = 5
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def _rows() -> list[dict[str, Any]]:
    rows = []
    for i in range(GRANTS):
        ends_at = NOW - timedelta(minutes=i + 1) if i < DUE else NOW + timedelta(minutes=i)
        rows.append(
            {
                "id": uuid4().hex,
                "org_id": f"org{i % 50:03}",
                "org_name": f"Org {i % 50}",
                "target_email": f"p{i}@acme.io",
                "target_user_id": None,
                "role": "edit",
                "previous_role": None,
                "state": "live",
                "ends_at": ends_at,
                "granted_by": "U01",
                "created_at": NOW - timedelta(days=1),
                "updated_at": NOW - timedelta(days=1),
                "attempts": 0,
            }
        )
    return rows


class _Counter:
    """Counts the statements an engine sends to its database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


async def _sweep(store: Store, counter: _Counter) -> tuple[float, int, int]:
    counter.count = 0
    started = time.perf_counter()
    claimed = await store.grants.claim_due(NOW, "bench", 60, limit=DUE)
    return time.perf_counter() - started, counter.count, len(claimed)


async def measure(name: str, url: str) -> str:
    """One line of figures for the database at ``url``."""
    await upgrade(url)
    store = Store(create_engine(url))
    try:
        async with store.engine.begin() as conn:
            await conn.execute(grants.insert(), _rows())
        counter = _Counter(store.engine)
        busy, idle = [], []
        for _ in range(RUNS):
            busy.append(await _sweep(store, counter))
            idle.append(await _sweep(store, counter))
            async with store.engine.begin() as conn:
                await conn.execute(update(grants).values(lease_owner=None, lease_until=None))
    finally:
        await store.aclose()
    (_, statements, claimed), (_, idle_statements, _) = busy[0], idle[0]
    return (
        f"{name:<10} {GRANTS:,} live, {claimed} due: sweep "
        f"{statistics.median(t for t, _, _ in busy) * 1000:.1f} ms, {statements} statements"
        f" | nothing due: {statistics.median(t for t, _, _ in idle) * 1000:.2f} ms, "
        f"{idle_statements} statement (median of {RUNS})"
    )


async def measure_sweep(name: str, url: str) -> str:
    """One line of figures for a whole sweep at ``url``, reverting against a simulator."""
    await upgrade(url)
    async with Simulator(seed=False) as sim:
        org = sim.state.add_org("Bench")
        people = [
            sim.state.add_member(org.id, email=f"d{i}@acme.io", role="edit") for i in range(DUE)
        ]
        rows = _rows()
        for row, member in zip(rows[:DUE], people, strict=True):
            row.update(org_id=org.id, org_name="Bench", target_email=member.user.email,
                       target_user_id=member.user.id, previous_role="view")  # fmt: skip
        store = Store(create_engine(url))
        losant = LosantClient.create(
            base_url=sim.base_url, token=sim.token, instance_id=sim.instance_id
        )
        try:
            async with store.engine.begin() as conn:
                await conn.execute(grants.insert(), rows)
            sweeper = _sweeper(store, losant)
            counter = _Counter(store.engine)
            calls = len(sim.requests)
            started = time.perf_counter()
            report = await sweeper.sweep()
            busy_s, busy_statements = time.perf_counter() - started, counter.count
            losant_calls = len(sim.requests) - calls
            idle = []
            for _ in range(RUNS):
                counter.count = 0
                started = time.perf_counter()
                await sweeper.sweep()
                idle.append(time.perf_counter() - started)
        finally:
            await losant.aclose()
            await store.aclose()
    assert report.reverted == DUE, report
    return (
        f"{name:<10} whole sweep, {GRANTS:,} live, {DUE} due: {busy_s * 1000:.0f} ms, "
        f"{busy_statements} statements, {losant_calls} Losant calls"
        f" | nothing due: {statistics.median(idle) * 1000:.2f} ms, {counter.count} statements"
    )


def _sweeper(store: Store, losant: LosantClient) -> Sweeper:
    clock = NOW.timestamp
    lookup = Lookup(losant, _no_slack)
    journal = Journal(store.events, clock)
    notices = Silent()
    reverter = Reverter(
        store, lookup, Writes(losant, lookup), journal, notices, clock=clock, owner="bench"
    )
    return Sweeper(store, reverter, journal, notices, Auditor(), clock=clock, every_s=30)


async def _no_slack(user_id: str) -> str:
    raise AssertionError("a sweep never asks Slack for an email")


async def main() -> None:
    """Measure on SQLite, then on PostgreSQL when pgserver is installed."""
    logging.getLogger("bot.audit").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        print(await measure("SQLite", database_url(None, cwd=Path(folder))))
        sweep_db = database_url(f"sqlite:///{folder}/sweep.db", cwd=Path(folder))
        print(await measure_sweep("SQLite", sweep_db))
        try:
            from tests.pg import Postgres
        except ImportError:
            print("PostgreSQL: skipped (pgserver is not installed; pip install -e '.[dev]')")
            return
        server = Postgres(Path(folder) / "pgdata", durable=True)
        try:
            print(await measure("PostgreSQL", await server.create_database()))
            print(await measure_sweep("PostgreSQL", await server.create_database()))
        finally:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
