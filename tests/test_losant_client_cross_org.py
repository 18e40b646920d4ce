"""The client's calls for work across orgs, against a generated instance over loopback HTTP.

``orgs_with_member`` pages through ``query={"memberId": …}``; ``find_member_in_org``
asks one org's list filtered on an email and compares exactly. Both are reads, so
they retry as reads do, and identical reads in flight share one call. Backoff sleeps
are recorded, not slept.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from bot.edges.losant.client import LosantClient
from bot.edges.losant.errors import LosantBadRequest
from bot.edges.losant.models import MemberPatch
from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.scale import AUDITOR, BO, NOBODYS

GENERATED = 600


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(orgs=GENERATED) as simulator:
        yield simulator


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
async def client(sim: Simulator, sleeps: list[float]) -> AsyncIterator[LosantClient]:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    async with LosantClient.create(
        base_url=sim.base_url,
        token=sim.token,
        instance_id=sim.instance_id,
        sleep=record,
        rand=lambda: 1.0,
    ) as made:
        yield made


def user_id(sim: Simulator, email: str) -> str:
    user = sim.state.user_by_email(email)
    assert user is not None, email
    return user.id


def orgs_of(sim: Simulator, email: str) -> list[str]:
    """The names of the orgs ``email`` is in, as Losant sorts them (by name)."""
    uid = user_id(sim, email)
    names = [org.name for org in sim.state.orgs.values() if uid in org.roles]
    return sorted(names, key=lambda name: (name.casefold(), name))


def org_id(sim: Simulator, name: str) -> str:
    org = sim.state.find_org_by_name(name)
    assert org is not None, name
    return org.id


def gets(sim: Simulator, path_end: str) -> list[dict[str, str]]:
    return [r.query for r in sim.requests if r.method == "GET" and r.path.endswith(path_end)]


async def test_orgs_with_member_lists_every_org_of_a_person(
    sim: Simulator, client: LosantClient
) -> None:
    """bo's orgs, demo and generated, by name, from one memberId query."""
    orgs = await client.orgs_with_member(user_id(sim, BO))
    queries = gets(sim, "/orgs")
    assert orgs_of(sim, BO) == [org.name for org in orgs]
    assert [json.dumps({"memberId": user_id(sim, BO)}, separators=(",", ":"))] == [
        q["query"] for q in queries
    ]


async def test_orgs_with_member_reads_every_page(sim: Simulator, client: LosantClient) -> None:
    """The auditor's 120 orgs take two pages of 100, and all of them come back once."""
    orgs = await client.orgs_with_member(user_id(sim, AUDITOR))
    assert orgs_of(sim, AUDITOR) == [org.name for org in orgs]
    assert ["0", "1"] == sorted(q["page"] for q in gets(sim, "/orgs"))


async def test_a_person_in_no_org_has_no_orgs(sim: Simulator, client: LosantClient) -> None:
    """A Losant user who belongs nowhere gets an empty list, not an error."""
    assert [] == await client.orgs_with_member(user_id(sim, NOBODYS))


async def test_a_malformed_user_id_never_reaches_losant(
    sim: Simulator, client: LosantClient
) -> None:
    """A user ID that is not 24 hex characters is refused before any call."""
    with pytest.raises(LosantBadRequest):
        await client.orgs_with_member("bo@acme.io")
    assert [] == sim.requests


async def test_every_org_page_after_the_first_is_read(sim: Simulator, client: LosantClient) -> None:
    """All 609 orgs over 7 pages, in name order, each page asked for once."""
    orgs = await client.all_orgs()
    expected = sorted(
        (org.name for org in sim.state.orgs.values()), key=lambda n: (n.casefold(), n)
    )
    assert expected == [org.name for org in orgs]
    assert [str(page) for page in range(7)] == sorted(q["page"] for q in gets(sim, "/orgs"))


@pytest.mark.parametrize(
    ("org", "email", "expected"),
    [
        pytest.param("Acme", "BO@Acme.IO", "bo@acme.io", id="ignores-case"),
        pytest.param("Acme", " bo@acme.io ", "bo@acme.io", id="trims"),
        pytest.param("Acme", NOBODYS, None, id="not-a-member"),
        pytest.param("Acme", "b*@acme.io", None, id="a-glob-is-no-email"),
        pytest.param("Globex", "hank.scorpio@globex.example", "hank.scorpio@globex.example"),
    ],
)
async def test_find_member_in_org_compares_the_email_exactly(
    sim: Simulator, client: LosantClient, org: str, email: str, expected: str | None
) -> None:
    """Losant's glob may match more; only an exact, case-insensitive match is the member."""
    found = await client.find_member_in_org(org_id(sim, org), email)
    assert expected == (found.email if found else None)
    assert [email.strip()] == [q["filter"] for q in gets(sim, "/members")]


async def test_a_blank_email_is_nobody_without_a_call(sim: Simulator, client: LosantClient) -> None:
    """A blank filter would list everyone; a blank email finds no one and asks nothing."""
    assert (None, []) == (await client.find_member_in_org(org_id(sim, "Acme"), " "), sim.requests)


async def test_cross_org_reads_wait_as_losant_asks_on_429(
    sim: Simulator, client: LosantClient, sleeps: list[float]
) -> None:
    """A 429 with Retry-After, then the answer: both calls wait what was asked and succeed."""
    sim.faults.add(method="GET", path=r"/orgs$", status=429, headers={"Retry-After": "3"})
    sim.faults.add(method="GET", path=r"/members$", status=429, headers={"Retry-After": "2"})
    orgs = await client.orgs_with_member(user_id(sim, BO))
    found = await client.find_member_in_org(org_id(sim, "Acme"), BO)
    assert ([3.0, 2.0], orgs_of(sim, BO), BO) == (
        sleeps,
        [org.name for org in orgs],
        found.email if found else None,
    )


async def test_identical_reads_in_flight_share_one_call(
    sim: Simulator, client: LosantClient
) -> None:
    """The same list twice at once is one GET; another filter, or a later read, is another."""
    globex = org_id(sim, "Globex")
    same = await asyncio.gather(*(client.list_members(globex) for _ in range(3)))
    await client.list_members(globex, filter="*smith*")
    await client.list_members(globex)
    assert (1, 3) == (len({id(listing) for listing in same}), len(gets(sim, "/members")))


async def test_identical_writes_are_never_shared(sim: Simulator, client: LosantClient) -> None:
    """Two identical PATCHes at once are two calls: only reads share."""
    acme = org_id(sim, "Acme")
    ada = user_id(sim, "ada@acme.io")
    await asyncio.gather(*(client.update_member(acme, ada, MemberPatch(role="view")) for _ in "ab"))
    assert 2 == len(sim.writes())
