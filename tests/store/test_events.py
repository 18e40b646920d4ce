"""The audit trail: appended, read back per grant, per request and newest first, never changed."""

from __future__ import annotations

from datetime import timedelta

from bot.edges.store.events import EventLog
from bot.edges.store.records import EventKind
from bot.edges.store.store import Store
from tests.store.helpers import NOW, ORG


async def test_steps_of_a_grant_read_back_in_order(store: Store) -> None:
    """A grant's history lists its steps oldest first, with every field kept."""
    granted = await store.events.append(
        EventKind.GRANTED,
        at=NOW,
        actor="U01",
        grant_id="g1",
        org_id=ORG,
        target="bo@acme.io",
        role="edit",
        detail="for 2h",
    )
    await store.events.append(EventKind.GRANTED, at=NOW, actor="U01", grant_id="g2")
    reverted = await store.events.append(
        EventKind.REVERTED, at=NOW + timedelta(hours=2), actor="members-bot", grant_id="g1"
    )

    history = await store.events.for_grant("g1")

    assert [granted, reverted] == history
    assert (EventKind.GRANTED, "bo@acme.io", "edit", "for 2h") == (
        history[0].kind,
        history[0].target,
        history[0].role,
        history[0].detail,
    )


async def test_steps_of_a_request_read_back_in_order(store: Store) -> None:
    """A request's history lists its steps oldest first."""
    kinds = [EventKind.REQUESTED, EventKind.APPROVED, EventKind.GRANTED]
    for kind in kinds:
        await store.events.append(kind, at=NOW, actor="U01", request_id="r1")

    assert kinds == [event.kind for event in await store.events.for_request("r1")]


async def test_recent_lists_newest_first(store: Store) -> None:
    """The latest steps come first, up to the limit."""
    for kind in (EventKind.REQUESTED, EventKind.DENIED, EventKind.EXPIRED):
        await store.events.append(kind, at=NOW, actor="U01")

    assert [EventKind.EXPIRED, EventKind.DENIED] == [
        event.kind for event in await store.events.recent(limit=2)
    ]


def test_the_log_offers_no_way_to_change_an_entry() -> None:
    """Append-only by construction: the only writing method is append."""
    public = {name for name in vars(EventLog) if not name.startswith("_")}

    assert {"append", "for_grant", "for_request", "recent"} == public
