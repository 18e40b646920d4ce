"""Reverting: each due grant claimed by one process, retried with backoff, never dropped, and
flagged once when it keeps failing or runs late."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.edges.store.engine import create_engine
from bot.edges.store.records import Grant, GrantState
from bot.edges.store.reverts import backoff
from bot.edges.store.store import Store
from tests.store.helpers import HOUR, NOW, ORG, give

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


async def _due_grant(store: Store, email: str = "bo@acme.io") -> Grant:
    return (await give(store, email, ends_at=NOW, now=NOW - HOUR)).grant


async def test_each_due_grant_is_claimed_by_exactly_one_of_three_processes(
    store: Store, other: Store, url: str
) -> None:
    """Three engines sweeping at once share out the due grants; none is claimed twice."""
    due = [(await _due_grant(store, f"p{i}@acme.io")).id for i in range(30)]
    for i in range(5):
        await give(store, f"later{i}@acme.io", ends_at=NOW + SECOND)

    async with Store(create_engine(url)) as third:
        claims = await asyncio.gather(
            store.grants.claim_due(NOW, "a", 60),
            other.grants.claim_due(NOW, "b", 60),
            third.grants.claim_due(NOW, "c", 60),
        )

    claimed = [grant.id for claim in claims for grant in claim]
    assert sorted(due) == sorted(claimed)
    assert [{"a"}, {"b"}, {"c"}] == [
        {grant.lease_owner for grant in claim} | {owner}
        for claim, owner in zip(claims, "abc", strict=True)
    ]


async def test_a_claimed_grant_is_not_claimed_again_while_leased(
    store: Store, other: Store
) -> None:
    """Once leased, a grant is left alone by every sweep until the lease runs out."""
    grant = await _due_grant(store)
    first = await store.grants.claim_due(NOW, "a", 60)

    during = await other.grants.claim_due(NOW + 59 * SECOND, "b", 60)
    after = await other.grants.claim_due(NOW + 61 * SECOND, "b", 60)

    assert ([grant.id], [], [grant.id]) == (
        [g.id for g in first],
        during,
        [g.id for g in after],
    )
    assert "b" == after[0].lease_owner


async def test_claim_takes_at_most_the_limit_soonest_first(store: Store) -> None:
    """A sweep claims up to its limit, oldest end first; the next sweep takes the rest."""
    for minutes in (3, 1, 2):
        await give(store, f"m{minutes}@acme.io", ends_at=NOW - minutes * MINUTE, now=NOW - HOUR)

    first = await store.grants.claim_due(NOW, "a", 60, limit=2)
    rest = await store.grants.claim_due(NOW, "a", 60, limit=2)

    assert (["m3@acme.io", "m2@acme.io"], ["m1@acme.io"]) == (
        [g.target_email for g in first],
        [g.target_email for g in rest],
    )


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 900), (20, 900)],
)
def test_backoff_doubles_from_30_seconds_up_to_15_minutes(attempts: int, seconds: int) -> None:
    """Retries wait 30 s, then twice as long each time, never more than 15 minutes."""
    assert timedelta(seconds=seconds) == backoff(attempts)


async def test_a_failed_revert_waits_out_its_backoff_and_stays_live(store: Store) -> None:
    """A failure releases the lease and schedules the next try 30 s, 60 s, 120 s … later."""
    grant = await _due_grant(store)
    waits = []
    now = NOW
    for _ in range(7):
        claimed = await store.grants.claim_due(now, "a", 60)
        assert [grant.id] == [g.id for g in claimed]
        failed = await store.grants.fail(grant.id, "a", "Losant said 503", now)
        assert failed is not None
        assert [] == await store.grants.claim_due(now + backoff(failed.attempts) - SECOND, "a", 60)
        assert failed.next_attempt_at is not None
        waits.append(int((failed.next_attempt_at - now).total_seconds()))
        now = failed.next_attempt_at

    final = await store.grants.get(grant.id)
    assert [30, 60, 120, 240, 480, 900, 900] == waits
    assert final is not None
    assert (GrantState.LIVE, 7, "Losant said 503", None) == (
        final.state,
        final.attempts,
        final.last_error,
        final.lease_owner,
    )


async def test_only_the_lease_holder_can_record_a_failure(store: Store) -> None:
    """A process whose lease was taken over cannot reschedule the new owner's revert."""
    grant = await _due_grant(store)
    await store.grants.claim_due(NOW, "a", 60)
    await store.grants.claim_due(NOW + 2 * MINUTE, "b", 60)

    late = await store.grants.fail(grant.id, "a", "timed out", NOW + 2 * MINUTE)
    current = await store.grants.get(grant.id)

    assert late is None
    assert current is not None
    assert ("b", 0) == (current.lease_owner, current.attempts)


async def test_finish_closes_the_grant_once(store: Store, other: Store) -> None:
    """The first finish records the outcome; a second (a slow process) changes nothing."""
    grant = await _due_grant(store)
    await store.grants.claim_due(NOW, "a", 60)

    first = await store.grants.finish(grant.id, "a", GrantState.REVERTED, NOW + SECOND)
    second = await other.grants.finish(grant.id, "b", GrantState.DRIFTED, NOW + 2 * SECOND)

    assert first is not None
    assert (GrantState.REVERTED, "a", None) == (first.state, first.lease_owner, second)
    assert [] == await store.grants.list_live()


async def test_finish_refuses_a_grant_extended_meanwhile(store: Store) -> None:
    """A revert that raced an extension does not close the extended grant."""
    grant = await _due_grant(store)
    await store.grants.claim_due(NOW, "a", 1)
    await store.grants.extend(ORG, "bo@acme.io", NOW + HOUR, NOW + 2 * SECOND)

    finished = await store.grants.finish(grant.id, "a", GrantState.REVERTED, NOW + 3 * SECOND)

    assert None is finished
    assert [grant.id] == [g.id for g in await store.grants.list_live()]


async def test_finish_never_marks_a_grant_live(store: Store) -> None:
    """Live is not an outcome of a revert."""
    grant = await _due_grant(store)

    with pytest.raises(ValueError, match="live"):
        await store.grants.finish(grant.id, "a", GrantState.LIVE, NOW)


async def test_three_failures_flag_a_grant(store: Store) -> None:
    """The third failed revert makes the grant need a flag; two do not."""
    grant = await _due_grant(store)
    now = NOW
    flagged_after = []
    for _ in range(3):
        await store.grants.claim_due(now, "a", 60)
        failed = await store.grants.fail(grant.id, "a", "503", now)
        assert failed is not None
        flagged_after.append([g.id for g in await store.grants.needs_flag(now)])
        assert failed.next_attempt_at is not None
        now = failed.next_attempt_at

    assert [[], [], [grant.id]] == flagged_after


@pytest.mark.parametrize(("late", "flagged"), [(14, False), (16, True)])
async def test_a_revert_fifteen_minutes_late_is_flagged(
    store: Store, late: int, flagged: bool
) -> None:
    """A grant still live 15 minutes after its end needs a flag even with no failure."""
    grant = await _due_grant(store)

    needing = await store.grants.needs_flag(NOW + late * MINUTE)

    assert flagged == (grant.id in [g.id for g in needing])


async def test_a_grant_is_flagged_by_one_process_once(store: Store, other: Store) -> None:
    """Two processes marking the same flag: one wins, and it is not asked for again."""
    grant = await _due_grant(store)
    later = NOW + HOUR

    marks = await asyncio.gather(
        store.grants.mark_flagged(grant.id, later), other.grants.mark_flagged(grant.id, later)
    )

    assert [False, True] == sorted(marks)
    assert [] == await store.grants.needs_flag(later)
