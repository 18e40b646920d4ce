"""The store's side of a grant's life beyond its revert: a grant that never took effect, a
move undone, a revoke reverted at once, the "ending soon" notice and drifted grants."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.edges.store.records import GrantState
from bot.edges.store.store import Store
from tests.store.helpers import HOUR, NOW, ORG, give

MINUTE = timedelta(minutes=1)
WARN = timedelta(minutes=15)


async def test_a_void_grant_is_ended_and_frees_the_person_for_a_new_one(store: Store) -> None:
    """Voiding ends a live grant without a revert; the next grant is a new row."""
    first = await give(store)

    voided = await store.grants.void(first.grant.id, NOW)
    again = await give(store)

    assert GrantState.VOID == (voided.state if voided else None)
    assert (True, [again.grant.id]) == (again.new, [g.id for g in await store.grants.list_live()])


async def test_voiding_twice_is_none_the_second_time(store: Store) -> None:
    """Only a live grant can be voided."""
    grant = (await give(store)).grant
    await store.grants.void(grant.id, NOW)

    assert await store.grants.void(grant.id, NOW) is None


async def test_put_back_undoes_a_move_whose_write_failed(store: Store) -> None:
    """A second grant that moved the role and end is put back as the first one was."""
    before = (await give(store, role="edit", previous_role="view", ends_at=NOW + HOUR)).grant
    await give(store, role="admin", ends_at=NOW + 3 * HOUR)

    restored = await store.grants.put_back(before, NOW)

    assert (before.id, "edit", "view", NOW + HOUR) == (
        (restored.id, restored.role, restored.previous_role, restored.ends_at) if restored else None
    )


async def test_a_revoked_grant_can_be_claimed_at_once_by_one_caller(
    store: Store, other: Store
) -> None:
    """claim() leases one due grant; a second claim, from another process, gets nothing."""
    grant = (await give(store)).grant
    await store.grants.revoke_now(ORG, "bo@acme.io", "U02", NOW)

    won, lost = await asyncio.gather(
        store.grants.claim(grant.id, NOW, "a", 60), other.grants.claim(grant.id, NOW, "b", 60)
    )

    assert 1 == [won, lost].count(None)


async def test_a_grant_not_yet_due_cannot_be_claimed(store: Store) -> None:
    """claim() respects the end: a live grant in the future stays unleased."""
    grant = (await give(store)).grant

    assert await store.grants.claim(grant.id, NOW, "a", 60) is None


async def test_ending_soon_lists_requested_grants_in_the_window_once(
    store: Store, other: Store
) -> None:
    """Grants from a request ending within the window are listed until one process marks them."""
    soon = await store.grants.grant(
        org_id=ORG,
        org_name="Acme",
        email="bo@acme.io",
        role="edit",
        previous_role=None,
        ends_at=NOW + 10 * MINUTE,
        granted_by="U01",
        now=NOW - HOUR,
        request_id="r1",
        duration_s=3600,
    )
    await give(store, "direct@acme.io", ends_at=NOW + 10 * MINUTE, now=NOW - HOUR)

    listed = await store.grants.ending_soon(NOW, WARN)
    marks = await asyncio.gather(
        store.grants.mark_warned(soon.grant.id, NOW), other.grants.mark_warned(soon.grant.id, NOW)
    )

    assert [soon.grant.id] == [g.id for g in listed]
    assert [True, False] == sorted(marks, reverse=True)
    assert [] == await store.grants.ending_soon(NOW, WARN)


async def test_a_grant_no_longer_than_the_warning_gets_no_warning(store: Store) -> None:
    """A ten-minute grant is not "ending soon" the moment it starts."""
    await store.grants.grant(
        org_id=ORG,
        org_name="Acme",
        email="bo@acme.io",
        role="edit",
        previous_role=None,
        ends_at=NOW + 10 * MINUTE,
        granted_by="U01",
        now=NOW,
        request_id="r1",
        duration_s=600,
    )

    assert [] == await store.grants.ending_soon(NOW, WARN)


async def test_extending_warns_again_before_the_new_end(store: Store) -> None:
    """A moved end clears the notice, so the requester hears before the new end too."""
    granted = await store.grants.grant(
        org_id=ORG,
        org_name="Acme",
        email="bo@acme.io",
        role="edit",
        previous_role=None,
        ends_at=NOW + 10 * MINUTE,
        granted_by="U01",
        now=NOW - HOUR,
        request_id="r1",
        duration_s=3600,
    )
    await store.grants.mark_warned(granted.grant.id, NOW)

    await store.grants.extend(ORG, "bo@acme.io", NOW + HOUR, NOW, duration_s=3600)

    assert [granted.grant.id] == [
        g.id for g in await store.grants.ending_soon(NOW + 50 * MINUTE, WARN)
    ]


async def test_recently_drifted_grants_are_listed_newest_first(store: Store) -> None:
    """A grant finished as drifted is listed while recent, and can be narrowed by org."""
    grant = (await give(store, ends_at=NOW, now=NOW - HOUR)).grant
    await store.grants.claim_due(NOW, "a", 60)
    await store.grants.finish(grant.id, "a", GrantState.DRIFTED, NOW)

    assert [grant.id] == [g.id for g in await store.grants.drifted_since(NOW - HOUR, ORG)]
    assert [] == await store.grants.drifted_since(NOW + MINUTE)
    assert [] == await store.grants.drifted_since(NOW - HOUR, "another-org")
