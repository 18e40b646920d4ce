"""Access requests: the first decision wins across processes, late decisions are refused,
and each expiry is handed to one process."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.edges.store.records import Request, RequestState
from bot.edges.store.requests import AlreadyDecided, Decided, Expired
from bot.edges.store.store import Store
from tests.store.helpers import HOUR, NOW, ORG

TTL = timedelta(hours=8)
SECOND = timedelta(seconds=1)


async def _ask(store: Store, requester: str = "U05", *, now: timedelta = timedelta(0)) -> Request:
    return await store.requests.create(
        requester=requester,
        requester_email=f"{requester.lower()}@acme.io",
        org_id=ORG,
        org_name="Acme",
        role="edit",
        current_role="view",
        duration_s=7200,
        reason="deploy the fix",
        ttl=TTL,
        now=NOW + now,
    )


async def test_a_new_request_is_pending_until_its_ttl(store: Store) -> None:
    """A request waits for a decision until ``ttl`` after it was made."""
    request = await _ask(store)

    assert (RequestState.PENDING, NOW + TTL, None) == (
        request.state,
        request.expires_at,
        request.decided_by,
    )
    assert request == await store.requests.get(request.id)


async def test_the_first_decision_wins_and_the_second_learns_who_made_it(store: Store) -> None:
    """A later click is told the request was already decided, by whom and how."""
    request = await _ask(store)

    first = await store.requests.decide(request.id, "U01", True, None, NOW + SECOND)
    second = await store.requests.decide(request.id, "U02", False, "no", NOW + 2 * SECOND)

    assert isinstance(first, Decided)
    assert isinstance(second, AlreadyDecided)
    assert (RequestState.APPROVED, "U01", NOW + SECOND) == (
        second.request.state,
        second.request.decided_by,
        second.request.decided_at,
    )


async def test_simultaneous_decisions_in_two_processes_make_one_decision(
    store: Store, other: Store
) -> None:
    """Approve and Deny clicked at once through two engines: one Decided, one AlreadyDecided."""
    requests = [await _ask(store, f"U{i:02}") for i in range(10)]

    for request in requests:
        approve, deny = await asyncio.gather(
            store.requests.decide(request.id, "U01", True, None, NOW + SECOND),
            other.requests.decide(request.id, "U02", False, "not now", NOW + SECOND),
        )
        winner = approve if isinstance(approve, Decided) else deny
        loser = deny if winner is approve else approve
        assert isinstance(winner, Decided)
        assert isinstance(loser, AlreadyDecided)
        assert winner.request == loser.request


async def test_a_decision_after_expiry_is_refused(store: Store) -> None:
    """Once past its time, a request cannot be approved, even before the sweep expires it."""
    request = await _ask(store)

    late = await store.requests.decide(request.id, "U01", True, None, NOW + TTL)

    assert isinstance(late, Expired)
    assert RequestState.PENDING == late.request.state


async def test_deciding_an_unknown_request_is_none(store: Store) -> None:
    """A request ID that does not exist (a forged button) decides nothing."""
    assert None is await store.requests.decide("f" * 32, "U01", True, None, NOW)


async def test_each_expired_request_is_returned_once_across_two_processes(
    store: Store, other: Store
) -> None:
    """Two sweeps expiring at once split the expired requests; none is announced twice."""
    expired = [(await _ask(store, f"U{i:02}")).id for i in range(20)]
    fresh = await _ask(store, "U99", now=HOUR)

    sweeps = await asyncio.gather(
        store.requests.expire_due(NOW + TTL), other.requests.expire_due(NOW + TTL)
    )
    again = await store.requests.expire_due(NOW + TTL)

    returned = [request.id for sweep in sweeps for request in sweep]
    assert (sorted(expired), []) == (sorted(returned), again)
    assert {RequestState.EXPIRED} == {r.state for sweep in sweeps for r in sweep}
    assert RequestState.PENDING == (await store.requests.get(fresh.id) or fresh).state


async def test_an_expired_request_then_reads_as_already_decided(store: Store) -> None:
    """After the sweep, a click on the old card is told it expired."""
    request = await _ask(store)
    await store.requests.expire_due(NOW + TTL)

    late = await store.requests.decide(request.id, "U01", True, None, NOW + TTL + SECOND)

    assert isinstance(late, AlreadyDecided)
    assert RequestState.EXPIRED == late.request.state


async def test_approvers_see_pending_requests_but_not_their_own(store: Store) -> None:
    """An approver's list leaves out their own requests, decided ones and expired ones."""
    own = await _ask(store, "U01")
    theirs = await _ask(store, "U05")
    decided = await _ask(store, "U06")
    await _ask(store, "U07", now=-TTL)
    await store.requests.decide(decided.id, "U02", False, None, NOW)

    pending = await store.requests.pending_for_approver("U01", NOW + SECOND)

    assert [theirs.id] == [r.id for r in pending]
    assert [own.id] == [r.id for r in await store.requests.open_for_requester("U01", NOW)]


async def test_the_card_and_the_grant_are_remembered(store: Store) -> None:
    """The Slack card and the resulting grant are recorded on the request."""
    request = await _ask(store)

    await store.requests.set_card(request.id, "C0APPROVE", "1717243200.000100")
    await store.requests.link_grant(request.id, "a" * 32)
    stored = await store.requests.get(request.id)

    assert stored is not None
    assert ("C0APPROVE", "1717243200.000100", "a" * 32) == (
        stored.card_channel,
        stored.card_ts,
        stored.grant_id,
    )
