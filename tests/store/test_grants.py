"""Granting: one live grant per (org, person), moved rather than duplicated, even in a race."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.edges.store.grants import GrantBusy
from bot.edges.store.records import GrantState
from bot.edges.store.store import Store
from tests.store.helpers import HOUR, NOW, ORG, give


async def test_a_first_grant_is_new_and_live(store: Store) -> None:
    """The first grant for a person makes a live row with what to put back."""
    granted = await give(store, previous_role="view")

    assert (True, GrantState.LIVE, "edit", "view", NOW + HOUR) == (
        granted.new,
        granted.grant.state,
        granted.grant.role,
        granted.grant.previous_role,
        granted.grant.ends_at,
    )


async def test_a_second_grant_moves_the_end_and_keeps_the_first_previous_role(
    store: Store,
) -> None:
    """Granting again extends the live grant; ending it still restores the original role."""
    first = await give(store, role="edit", previous_role="view")
    second = await give(store, role="admin", previous_role="edit", ends_at=NOW + 3 * HOUR)

    assert (False, first.grant.id, "admin", "view", NOW + 3 * HOUR) == (
        second.new,
        second.grant.id,
        second.grant.role,
        second.grant.previous_role,
        second.grant.ends_at,
    )
    assert 1 == len(await store.grants.list_live())


async def test_emails_differing_in_case_are_one_person(store: Store) -> None:
    """Bo@Acme.io and bo@acme.io share one live grant, as Losant treats them as one."""
    await give(store, "Bo@Acme.io")
    again = await give(store, " bo@acme.io")

    assert (False, "bo@acme.io") == (again.new, again.grant.target_email)


async def test_the_same_person_in_two_orgs_has_two_grants(store: Store) -> None:
    """The one-live-grant rule is per org."""
    await give(store, org_id=ORG)
    other_org = await give(store, org_id="5f0c0ffee0c0ffee0c0ffee1")

    assert (True, 2) == (other_org.new, len(await store.grants.list_live()))


async def test_after_a_grant_ends_a_new_one_is_a_new_row(store: Store) -> None:
    """Only live grants are unique: a closed grant does not block the next one."""
    first = await give(store, ends_at=NOW)
    await store.grants.finish(first.grant.id, "p1", GrantState.REVERTED, NOW)

    second = await give(store, now=NOW + HOUR, ends_at=NOW + 2 * HOUR)

    assert second.new
    assert first.grant.id != second.grant.id


async def test_grants_racing_from_two_processes_make_one_row(store: Store, other: Store) -> None:
    """Concurrent grants through two engines end with one live grant, created exactly once."""
    results = await asyncio.gather(
        *(give(s, ends_at=NOW + HOUR * (i + 1)) for i, s in enumerate([store, other] * 5))
    )

    live = await store.grants.list_live()
    assert (1, 1) == (len(live), sum(result.new for result in results))
    assert {live[0].id} == {result.grant.id for result in results}


async def test_extend_moves_the_end_and_starts_the_revert_over(store: Store) -> None:
    """An extension clears earlier failures, so the new end gets a fresh revert."""
    granted = await give(store, ends_at=NOW)
    await store.grants.claim_due(NOW, "p1", 60)
    await store.grants.fail(granted.grant.id, "p1", "Losant said 503", NOW)

    extended = await store.grants.extend(ORG, "bo@acme.io", NOW + 2 * HOUR, NOW + timedelta(1))

    assert extended is not None
    assert (NOW + 2 * HOUR, 0, None, None) == (
        extended.ends_at,
        extended.attempts,
        extended.next_attempt_at,
        extended.last_error,
    )


async def test_extend_without_a_live_grant_is_none(store: Store) -> None:
    """There is nothing to extend for a person with no live grant."""
    assert None is await store.grants.extend(ORG, "nobody@acme.io", NOW + HOUR, NOW)


async def test_a_grant_being_reverted_cannot_be_moved(store: Store) -> None:
    """While a process holds the revert lease, grant and extend refuse instead of being undone."""
    await give(store, ends_at=NOW)
    await store.grants.claim_due(NOW, "p1", 60)

    with pytest.raises(GrantBusy):
        await store.grants.extend(ORG, "bo@acme.io", NOW + HOUR, NOW + timedelta(seconds=1))
    with pytest.raises(GrantBusy):
        await give(store, now=NOW + timedelta(seconds=1))


async def test_a_grant_whose_lease_ran_out_can_be_moved(store: Store) -> None:
    """A lease left by a process that died stops blocking changes once it expires."""
    await give(store, ends_at=NOW)
    await store.grants.claim_due(NOW, "p1", 60)

    later = NOW + timedelta(seconds=61)
    extended = await store.grants.extend(ORG, "bo@acme.io", later + HOUR, later)

    assert extended is not None
    assert (later + HOUR, None) == (extended.ends_at, extended.lease_owner)


async def test_revoke_now_makes_the_grant_due_for_the_sweep(store: Store) -> None:
    """Revoking sets the end to now and records who, and the next sweep claims it."""
    await give(store)
    revoked = await store.grants.revoke_now(ORG, "bo@acme.io", "U02", NOW)
    claimed = await store.grants.claim_due(NOW, "p1", 60)

    assert revoked is not None
    assert (NOW, "U02") == (revoked.ends_at, revoked.revoked_by)
    assert [revoked.id] == [grant.id for grant in claimed]


async def test_revoking_an_overdue_grant_keeps_its_original_end(store: Store) -> None:
    """How late a failing revert is stays visible after someone presses End now."""
    await give(store, ends_at=NOW)
    revoked = await store.grants.revoke_now(ORG, "bo@acme.io", "U02", NOW + HOUR)

    assert revoked is not None
    assert NOW == revoked.ends_at


async def test_revoke_without_a_live_grant_is_none(store: Store) -> None:
    """There is nothing to revoke for a person with no live grant."""
    assert None is await store.grants.revoke_now(ORG, "nobody@acme.io", "U02", NOW)


async def test_live_grants_list_overdue_first_then_by_end(store: Store) -> None:
    """Overdue grants come before the rest, and the rest by their end."""
    await give(store, "late@acme.io", ends_at=NOW - HOUR, now=NOW - 2 * HOUR)
    await give(store, "soon@acme.io", ends_at=NOW + HOUR)
    await give(store, "later@acme.io", ends_at=NOW + 2 * HOUR)
    await give(store, "other@acme.io", ends_at=NOW + HOUR, org_id="5f0c0ffee0c0ffee0c0ffee1")

    listed = await store.grants.list_live(org_id=ORG)

    assert ["late@acme.io", "soon@acme.io", "later@acme.io"] == [
        grant.target_email for grant in listed
    ]
    assert ["soon@acme.io"] == [
        g.target_email for g in await store.grants.list_live(email="SOON@acme.io")
    ]


async def test_get_finds_a_grant_by_id_whatever_its_state(store: Store) -> None:
    """A closed grant is still found by its ID, for the audit trail."""
    granted = await give(store, ends_at=NOW)
    await store.grants.finish(granted.grant.id, "p1", GrantState.DRIFTED, NOW)

    found = await store.grants.get(granted.grant.id)

    assert found is not None
    assert (GrantState.DRIFTED, None) == (
        found.state,
        await store.grants.get_live(ORG, "bo@acme.io"),
    )
