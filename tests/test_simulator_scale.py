"""The simulator's large instances: generated orgs, people across orgs, a huge org, a rate limit.

Cross-org work reads the org list by ``memberId`` and member lists filtered by email,
so those two are checked over loopback HTTP on a generated instance; the seed's
promises (demo IDs unchanged, an admin in every org, the well-known people) are
checked on the state directly.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.sandbox.simulator import (
    DEFAULT_INSTANCE_ID,
    DEFAULT_TOKEN,
    Org,
    Simulator,
    SimulatorState,
)
from bot.sandbox.simulator.ratelimit import RateLimit
from bot.sandbox.simulator.scale import AUDITOR, BIG_ORG, BO, NOBODYS
from bot.sandbox.simulator.seed import Seeding

ORGS = f"/instances/{DEFAULT_INSTANCE_ID}/orgs"
GENERATED = 600


def seeded(*, demo: bool = True, orgs: int = 0, big_org: int = 0) -> SimulatorState:
    state = SimulatorState(DEFAULT_INSTANCE_ID)
    Seeding(demo=demo, orgs=orgs, big_org=big_org).apply(state)
    return state


def orgs_of(state: SimulatorState, email: str) -> dict[str, str]:
    user = state.user_by_email(email)
    assert user is not None, email
    return {org.name: org.roles[user.id] for org in state.orgs.values() if user.id in org.roles}


@pytest.fixture(scope="module")
def large() -> SimulatorState:
    """One generated instance, shared: the seed is deterministic and these tests only read."""
    return seeded(orgs=GENERATED)


@pytest.fixture
async def api() -> AsyncIterator[tuple[Simulator, httpx.AsyncClient]]:
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    async with (
        Simulator(orgs=GENERATED) as sim,
        httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client,
    ):
        yield sim, client


def test_generated_orgs_leave_the_demo_orgs_as_they_were(large: SimulatorState) -> None:
    """The demo orgs keep their IDs and members; the generated ones come after them."""
    demo = seeded()
    kept = {org_id: large.orgs[org_id] for org_id in demo.orgs}
    assert [(o.id, o.name, o.roles) for o in demo.orgs.values()] == [
        (o.id, o.name, o.roles) for o in kept.values()
    ]
    assert len(demo.orgs) + GENERATED == len(large.orgs)


def test_the_same_instance_is_generated_every_time(large: SimulatorState) -> None:
    """Two seedings give the same orgs, people and roles (IDs included)."""
    again = seeded(orgs=GENERATED)
    assert [(o.id, o.name, o.roles) for o in large.orgs.values()] == [
        (o.id, o.name, o.roles) for o in again.orgs.values()
    ]


def test_every_org_has_an_admin_and_people_span_orgs(large: SimulatorState) -> None:
    """Losant's rule holds in every org, and many people belong to three orgs or more."""
    no_admin = [org.name for org in large.orgs.values() if "admin" not in org.roles.values()]
    memberships: dict[str, int] = {}
    for org in large.orgs.values():
        for user_id in org.roles:
            memberships[user_id] = memberships.get(user_id, 0) + 1
    roles = {role for org in large.orgs.values() for role in org.roles.values()}
    assert [] == no_admin
    assert sum(1 for count in memberships.values() if count >= 3) > GENERATED // 2
    assert {"admin", "edit", "collaborate", "view", "none"} == roles


def test_the_well_known_people_are_where_the_docstring_says(large: SimulatorState) -> None:
    """bo is the only admin of one org, the auditor is in 1 org in 5, gone@ in none."""
    bo = orgs_of(large, BO)
    bo_alone = [
        name
        for name, role in bo.items()
        if role == "admin" and list(_org(large, name).roles.values()).count("admin") == 1
    ]
    assert {"Acme": "admin", "Acme Staging": "edit", "Umbrella": "view"}.items() <= bo.items()
    assert (7, 1) == (len(bo), len(bo_alone))
    assert GENERATED // 5 == len(orgs_of(large, AUDITOR))
    assert {} == orgs_of(large, NOBODYS)


def test_a_big_org_has_that_many_members() -> None:
    """``big_org`` adds one org of exactly that many members, with admins among them."""
    state = seeded(demo=False, big_org=2_000)
    (org,) = state.orgs.values()
    assert (BIG_ORG, 2_000, True) == (org.name, len(org.roles), "admin" in org.roles.values())


async def test_the_orgs_of_a_member_page_like_the_rest_of_the_org_list(
    api: tuple[Simulator, httpx.AsyncClient],
) -> None:
    """``query={"memberId": …}`` answers with page, perPage and totalCount, page by page."""
    sim, client = api
    auditor = sim.state.user_by_email(AUDITOR)
    assert auditor is not None
    query = json.dumps({"memberId": auditor.id})
    pages = [
        (await client.get(ORGS, params={"query": query, "perPage": "50", "page": str(n)})).json()
        for n in range(3)
    ]
    names = [item["name"] for page in pages for item in page["items"]]
    assert [(50, 50, n, GENERATED // 5) for n in (0, 1)] + [(20, 50, 2, 120)] == [
        (page["count"], page["perPage"], page["page"], page["totalCount"]) for page in pages
    ]
    assert sorted(orgs_of(sim.state, AUDITOR), key=str.casefold) == names


async def test_a_member_list_filtered_by_email_finds_one_person(
    api: tuple[Simulator, httpx.AsyncClient],
) -> None:
    """``filterField=email&filter=<email>`` matches the whole address, ignoring case."""
    sim, client = api
    first = next(org for org in sim.state.orgs.values() if org.name.endswith(" 0001"))
    params = {"filterField": "email", "filter": BO.upper()}
    body = (await client.get(f"{ORGS}/{first.id}/members", params=params)).json()
    assert [(BO, "admin")] == [(item["email"], item["role"]) for item in body["items"]]


async def test_calls_beyond_the_rate_limit_get_429_with_retry_after() -> None:
    """With a rate set, a call over the budget is a 429 that says when to come back."""
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    async with (
        Simulator(rate=0.01) as sim,
        httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client,
    ):
        first, second = [await client.get(ORGS) for _ in range(2)]
    assert (200, 429, "100", "TooManyRequests") == (
        first.status_code,
        second.status_code,
        second.headers["Retry-After"],
        second.json()["type"],
    )
    assert [200, 429] == [r.status for r in sim.requests]


def test_the_rate_limit_refills_over_time_and_bursts_a_seconds_worth() -> None:
    """A bucket of ``per_s`` calls, refilled continuously; a refused call learns its wait."""
    now = [0.0]
    limit = RateLimit(4, clock=lambda: now[0])
    burst = [limit.take() for _ in range(5)]
    now[0] = 0.5
    later = [limit.take() for _ in range(3)]
    assert [None, None, None, None, 0.25] == burst
    assert [None, None, 0.25] == later


def _org(state: SimulatorState, name: str) -> Org:
    return next(org for org in state.orgs.values() if org.name == name)


async def test_the_simulator_counts_the_calls_in_flight_at_once() -> None:
    """Three calls sent together and held by latency are three in flight; reset forgets it."""
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    async with (
        Simulator(latency_s=0.5) as sim,
        httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client,
    ):
        await client.get(ORGS)
        assert (1, 0) == (sim.peak_in_flight, sim.in_flight)
        await asyncio.gather(*(client.get(ORGS) for _ in range(3)))
        assert (3, 0) == (sim.peak_in_flight, sim.in_flight)
        assert sim.requests[0].arrived <= sim.requests[-1].arrived
        sim.reset()
        assert 0 == sim.peak_in_flight
