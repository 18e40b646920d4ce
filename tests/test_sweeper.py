"""The sweeper on its own: a stopped sweeper claims nothing, a revert Losant garbles is
recorded for a retry rather than dropped, and starting catches up at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.edges.losant.client import LosantClient
from bot.edges.store import Store
from bot.edges.store.engine import database_url
from bot.edges.store.records import Grant
from bot.sandbox.clock import ManualClock
from bot.sandbox.simulator import Simulator
from bot.usecases.audit import Auditor
from bot.usecases.clock import utc
from bot.usecases.journal import Journal
from bot.usecases.lookup import Lookup
from bot.usecases.notices import Silent
from bot.usecases.reverting import Reverter
from bot.usecases.sweep import Sweeper
from bot.usecases.writes import Writes
from tests.harness import acme_id


class Parts:
    """A store, a Losant client on the simulator, and a sweeper over them, on one clock."""

    def __init__(self, store: Store, losant: LosantClient, sim: Simulator) -> None:
        self.store, self.losant, self.sim = store, losant, sim
        self.clock = ManualClock()
        lookup = Lookup(losant, _no_slack)
        journal = Journal(store.events, self.clock)
        self.reverter = Reverter(
            store, lookup, Writes(losant, lookup), journal, Silent(), clock=self.clock,
            owner="test",
        )  # fmt: skip
        self.sweeper = Sweeper(
            store, self.reverter, journal, Silent(), Auditor(), clock=self.clock, every_s=3600
        )

    async def due_grant(self) -> Grant:
        """Linus, raised to edit, with a grant that ended a minute ago."""
        org = acme_id(self.sim)
        linus = self.sim.state.find_member_by_email(org, "linus@acme.io")
        assert linus is not None
        self.sim.state.set_role(org, linus.user.id, "edit")
        now = utc(self.clock())
        granted = await self.store.grants.grant(
            org_id=org,
            org_name="Acme",
            email="linus@acme.io",
            role="edit",
            previous_role="collaborate",
            ends_at=now - timedelta(minutes=1),
            granted_by="U01",
            now=now - timedelta(hours=1),
        )
        return granted.grant


async def _no_slack(user_id: str) -> str:
    raise AssertionError("a sweep never asks Slack")


@pytest.fixture
async def parts(tmp_path: Path) -> AsyncIterator[Parts]:
    async with Simulator() as sim:
        store = await Store.open(database_url(f"sqlite:///{tmp_path / 'bot.db'}", cwd=tmp_path))
        losant = LosantClient.create(
            base_url=sim.base_url, token=sim.token, instance_id=sim.instance_id, timeout_s=2
        )
        try:
            yield Parts(store, losant, sim)
        finally:
            await losant.aclose()
            await store.aclose()


async def test_a_stopped_sweeper_claims_nothing(parts: Parts) -> None:
    """After stop (SIGTERM) a sweep leaves due grants unleased, for another process."""
    grant = await parts.due_grant()
    await parts.sweeper.stop(1.0)

    report = await parts.sweeper.sweep()

    live = await parts.store.grants.get(grant.id)
    assert (0, None) == (report.reverted, live.lease_owner if live else "gone")
    assert [] == parts.sim.writes()


async def test_starting_sweeps_at_once_to_catch_up(parts: Parts) -> None:
    """start() reverts what is already due without waiting for the timer (an hour here)."""
    grant = await parts.due_grant()

    parts.sweeper.start()
    try:
        for _ in range(400):
            ended = await parts.store.grants.get(grant.id)
            if ended is not None and ended.state.value != "live":
                break
            await asyncio.sleep(0.025)
    finally:
        await parts.sweeper.stop(5.0)

    assert "reverted" == (ended.state.value if ended else None)


async def test_a_revert_losant_answers_with_garbage_is_kept_for_a_retry(parts: Parts) -> None:
    """An unreadable answer counts as a failed try: the grant stays live, backing off."""
    grant = await parts.due_grant()
    parts.sim.faults.add(method="GET", status=200, body="not json at all", times=None)

    report = await parts.sweeper.sweep()

    kept = await parts.store.grants.get(grant.id)
    assert kept is not None
    assert (1, "live", 1) == (report.failed, kept.state.value, kept.attempts)
    assert kept.next_attempt_at is not None
