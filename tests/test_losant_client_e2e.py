"""The Losant client against the real simulator over loopback HTTP.

Everything here goes through real sockets: the client's connection pool, aiohttp's
server, injected faults (status codes, delays, dropped connections). Backoff delays
are recorded instead of slept; only the timeout tests wait, for a fraction of a second,
and they assert what Losant received, within bounds far longer than the timeouts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.edges.losant.client import ACCEPT_VERSION, MAX_CONNECTIONS, LosantClient
from bot.edges.losant.errors import (
    LosantAlreadyExists,
    LosantAuthError,
    LosantBadRequest,
    LosantError,
    LosantInstanceNotFound,
    LosantMemberNotFound,
    LosantNotFound,
    LosantOrgNotFound,
    LosantRateLimited,
    LosantUnavailable,
    LosantUnexpected,
)
from bot.edges.losant.models import MemberPatch, MemberPostByEmail, MemberPostByUserId
from bot.sandbox.simulator import Simulator
from tests.harness import ManualClock, free_port

READ_ONLY_TOKEN = "read-only-token"
Connect = Callable[..., LosantClient]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
async def connect(simulator: Simulator, sleeps: list[float]) -> AsyncIterator[Connect]:
    """Builds clients for the simulator whose backoff sleeps are recorded, not slept."""
    made: list[LosantClient] = []

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    def make(**options: Any) -> LosantClient:
        settings: dict[str, Any] = {
            "base_url": simulator.base_url,
            "token": simulator.token,
            "instance_id": simulator.state.instance_id,
            "timeout_s": 2.0,
            "sleep": record,
            "rand": lambda: 1.0,
        }
        client = LosantClient.create(**(settings | options))
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


def org_id(simulator: Simulator, name: str) -> str:
    org = simulator.state.find_org_by_name(name)
    assert org is not None, f"seed data has no org {name!r}"
    return org.id


def user_id(simulator: Simulator, org: str, email: str) -> str:
    member = simulator.state.find_member_by_email(org, email)
    assert member is not None, f"seed data has no member {email!r}"
    return member.user_id


# ---- every endpoint -----------------------------------------------------------------


async def test_reads_return_the_simulators_data(simulator: Simulator, connect: Connect) -> None:
    """list/get members, get/list/find/all orgs return what the instance holds."""
    client = connect()
    acme = org_id(simulator, "Acme")
    admins = await client.list_members(acme, filter_field="role", filter="admin")
    bo = await client.get_member(acme, user_id(simulator, acme, "bo@acme.io"))
    umbrellas = await client.find_orgs_by_name("UMBRELLA")
    acmes = await client.all_orgs(filter="Acme*")
    every_org = await client.all_orgs()
    assert (
        ["bo@acme.io", "wile.coyote@acme.io"],
        ("admin", "Bo Diddley"),
        {"Umbrella", "umbrella"},
        ["Acme", "Acme Staging"],
        len(simulator.state.orgs),
        "Acme",
    ) == (
        [m.email for m in admins.items],
        (bo.role, bo.name),
        {org.name for org in umbrellas},
        [org.name for org in acmes],
        len(every_org),
        (await client.get_org(acme)).name,
    )


async def test_writes_change_the_simulators_state(simulator: Simulator, connect: Connect) -> None:
    """add (by email and by ID), update and remove change membership as Losant would."""
    client = connect()
    acme, staging = org_id(simulator, "Acme"), org_id(simulator, "Acme Staging")
    added = await client.add_member(acme, MemberPostByEmail(email="new@acme.io", role="edit"))
    ada = user_id(simulator, acme, "ada@acme.io")
    moved = await client.add_member(staging, MemberPostByUserId(user_id=ada, role="view"))
    changed = await client.update_member(acme, added.user_id, MemberPatch(role="collaborate"))
    await client.remove_member(acme, ada)
    assert (("new@acme.io", "edit"), "view", "collaborate", None) == (
        (added.email, added.role),
        moved.role,
        changed.role,
        simulator.state.find_member_by_email(acme, "ada@acme.io"),
    )


async def test_requests_carry_headers_and_lean_params(
    simulator: Simulator, connect: Connect
) -> None:
    """The simulator sees the bearer token, Accept-Version and the lean-body switches."""
    await connect().all_orgs()
    seen = simulator.requests[0]
    assert (f"Bearer {simulator.token}", ACCEPT_VERSION, "application/json", "false") == (
        seen.headers["Authorization"],
        seen.headers["Accept-Version"],
        seen.headers["Accept"],
        seen.query["_links"],
    )


# ---- errors --------------------------------------------------------------------------


async def test_losant_refusals_map_into_the_tree(simulator: Simulator, connect: Connect) -> None:
    """Unknown org, a refused change and a bad token come back as their error classes."""
    client = connect()
    acme = org_id(simulator, "Acme")
    staging = org_id(simulator, "Acme Staging")
    last_admin = user_id(simulator, staging, "wile.coyote@acme.io")
    errors: list[LosantError] = []
    calls = [
        client.get_org("0" * 24),
        client.add_member(acme, MemberPostByEmail(email="bo@acme.io", role="view")),
        client.remove_member(staging, last_admin),
        connect(token="wrong-token").list_members(acme),
    ]
    for call in calls:
        with pytest.raises(LosantError) as caught:
            await call
        errors.append(caught.value)
    assert [
        (LosantOrgNotFound, 404, "NotFound"),
        (LosantAlreadyExists, 400, "AlreadyExists"),
        (LosantBadRequest, 400, "Validation"),
        (LosantAuthError, 401, "Unauthorized"),
    ] == [(type(e), e.status, e.error_type) for e in errors]
    assert 'Email address "bo@acme.io" already exists' == errors[1].message


UNKNOWN_ID = "0" * 24


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda c, acme, ada: c.get_member(acme, UNKNOWN_ID),
            LosantMemberNotFound,
            id="get-unknown-member",
        ),
        pytest.param(
            lambda c, acme, ada: c.get_member(UNKNOWN_ID, ada),
            LosantOrgNotFound,
            id="get-member-of-unknown-org",
        ),
        pytest.param(
            lambda c, acme, ada: c.update_member(acme, UNKNOWN_ID, MemberPatch(role="view")),
            LosantMemberNotFound,
            id="update-unknown-member",
        ),
        pytest.param(
            lambda c, acme, ada: c.remove_member(UNKNOWN_ID, ada),
            LosantOrgNotFound,
            id="remove-from-unknown-org",
        ),
        pytest.param(
            lambda c, acme, ada: c.add_member(
                acme, MemberPostByUserId(user_id=UNKNOWN_ID, role="view")
            ),
            LosantMemberNotFound,
            id="add-unknown-user",
        ),
        pytest.param(
            lambda c, acme, ada: c.list_members(UNKNOWN_ID),
            LosantOrgNotFound,
            id="list-unknown-org",
        ),
        pytest.param(
            lambda c, acme, ada: c.get_org(UNKNOWN_ID), LosantOrgNotFound, id="get-unknown-org"
        ),
    ],
)
async def test_each_404_names_what_was_missing(
    simulator: Simulator,
    connect: Connect,
    call: Callable[[LosantClient, str, str], Any],
    expected: type[LosantNotFound],
) -> None:
    """The simulator's 404s come back as the member, org or instance not found."""
    acme = org_id(simulator, "Acme")
    ada = user_id(simulator, acme, "ada@acme.io")
    with pytest.raises(LosantNotFound) as caught:
        await call(connect(), acme, ada)
    assert (expected, 404) == (type(caught.value), caught.value.status)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c, acme, ada: c.get_member(acme, ada), id="get-member"),
        pytest.param(lambda c, acme, ada: c.list_members(acme), id="list-members"),
        pytest.param(lambda c, acme, ada: c.get_org(acme), id="get-org"),
        pytest.param(lambda c, acme, ada: c.all_orgs(), id="all-orgs"),
        pytest.param(lambda c, acme, ada: c.remove_member(acme, ada), id="remove-member"),
    ],
)
async def test_an_unknown_instance_is_instance_not_found(
    simulator: Simulator, connect: Connect, call: Callable[[LosantClient, str, str], Any]
) -> None:
    """A client set up for an instance Losant does not have gets LosantInstanceNotFound."""
    acme = org_id(simulator, "Acme")
    ada = user_id(simulator, acme, "ada@acme.io")
    with pytest.raises(LosantNotFound) as caught:
        await call(connect(instance_id=UNKNOWN_ID), acme, ada)
    still_there = simulator.state.find_member_by_email(acme, "ada@acme.io") is not None
    assert (LosantInstanceNotFound, True) == (type(caught.value), still_there)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(MemberPostByEmail(email="ADA@acme.io", role="view"), id="by-email"),
        pytest.param(None, id="by-user-id"),
    ],
)
async def test_adding_a_member_twice_is_already_exists(
    simulator: Simulator, connect: Connect, body: MemberPostByEmail | None
) -> None:
    """Adding someone who is already a member, by email or by user ID, is LosantAlreadyExists."""
    acme = org_id(simulator, "Acme")
    ada = user_id(simulator, acme, "ada@acme.io")
    with pytest.raises(LosantBadRequest) as caught:
        await connect().add_member(acme, body or MemberPostByUserId(user_id=ada, role="view"))
    assert (LosantAlreadyExists, 400) == (type(caught.value), caught.value.status)


async def test_a_read_only_token_cannot_write() -> None:
    """A token without write scopes gets 403 on a write: LosantAuthError, not applied."""
    async with Simulator(read_only_token=READ_ONLY_TOKEN) as sim:
        acme = org_id(sim, "Acme")
        client = LosantClient.create(
            base_url=sim.base_url, token=READ_ONLY_TOKEN, instance_id=sim.state.instance_id
        )
        async with client:
            members = await client.list_members(acme)
            with pytest.raises(LosantAuthError) as caught:
                await client.update_member(acme, members.items[0].user_id, MemberPatch(role="view"))
    assert (403, False) == (caught.value.status, caught.value.may_have_applied)


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        pytest.param({"status": 429}, LosantRateLimited, id="429"),
        pytest.param({"status": 500}, LosantUnavailable, id="500"),
        pytest.param({"status": 502, "body": "<html>bad gateway</html>"}, LosantUnavailable,
                     id="502-html"),
        pytest.param({"drop": True}, LosantUnavailable, id="dropped"),
        pytest.param({"status": 200, "body": "<html>ok</html>"}, LosantUnexpected, id="200-html"),
        pytest.param({"status": 200, "body": {"items": "nope"}}, LosantUnexpected,
                     id="200-wrong-shape"),
    ],
)  # fmt: skip
async def test_failures_that_persist_surface_after_the_retries(
    simulator: Simulator, connect: Connect, fault: dict[str, Any], kind: type[LosantError]
) -> None:
    """A read that keeps failing raises the mapped error once its attempts are spent."""
    simulator.faults.add(method="GET", path="/members$", times=None, **fault)
    with pytest.raises(LosantError) as caught:
        await connect(max_attempts=3).list_members(org_id(simulator, "Acme"))
    retried = kind is not LosantUnexpected
    assert (kind, 3 if retried else 1) == (type(caught.value), len(simulator.requests))


async def test_the_token_never_reaches_logs_or_errors(
    simulator: Simulator, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    """With every logger at DEBUG, failures over real HTTP never print the token."""
    caplog.set_level(logging.DEBUG)
    simulator.faults.add(status=503, times=None)
    client = connect(max_attempts=2)
    with pytest.raises(LosantUnavailable) as caught:
        await client.get_org(org_id(simulator, "Acme"))
    records = [str(vars(record)) for record in caplog.records]
    texts = [caplog.text, *records, str(caught.value), repr(caught.value), repr(client)]
    assert [] == [text for text in texts if simulator.token in text]


# ---- retries and writes -----------------------------------------------------------------


async def test_reads_recover_from_several_503s(
    simulator: Simulator, connect: Connect, sleeps: list[float]
) -> None:
    """Three 503s in a row are retried through with growing backoff; the fourth answers."""
    simulator.faults.add(method="GET", path="/members$", status=503, times=3)
    members = await connect().list_members(org_id(simulator, "Acme"))
    assert (12, 4, [0.25, 0.5, 1.0]) == (members.count, len(simulator.requests), sleeps)


async def test_retry_after_is_honoured(
    simulator: Simulator, connect: Connect, sleeps: list[float]
) -> None:
    """A 429 carrying Retry-After makes the client wait exactly that long, then retry."""
    simulator.faults.add(method="GET", status=429, headers={"Retry-After": "2"})
    await connect().get_org(org_id(simulator, "Acme"))
    assert ([2.0], 2) == (sleeps, len(simulator.requests))


async def test_retry_after_beyond_the_budget_is_not_waited_for(
    simulator: Simulator, connect: Connect, sleeps: list[float]
) -> None:
    """A Retry-After longer than the remaining budget ends the read at once."""
    simulator.faults.add(method="GET", status=429, headers={"Retry-After": "60"})
    with pytest.raises(LosantRateLimited) as caught:
        await connect(retry_budget_s=5.0).get_org(org_id(simulator, "Acme"))
    assert (60.0, [], 1) == (caught.value.retry_after, sleeps, len(simulator.requests))


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 503}, id="503"),
        pytest.param({"drop": True}, id="dropped"),
        pytest.param({"drop": True, "after_handling": True}, id="applied-then-dropped"),
        pytest.param({"delay_s": 5.0}, id="timeout"),
    ],
)
async def test_writes_are_sent_once_and_may_have_applied(
    simulator: Simulator, connect: Connect, fault: dict[str, Any]
) -> None:
    """A write failing after it was sent is not re-sent and says it may have applied."""
    simulator.faults.add(method="PATCH", **fault)
    acme = org_id(simulator, "Acme")
    ada = user_id(simulator, acme, "ada@acme.io")
    with pytest.raises(LosantUnavailable) as caught:
        await connect(timeout_s=0.2).update_member(acme, ada, MemberPatch(role="view"))
    assert (True, 1) == (caught.value.may_have_applied, len(simulator.writes()))


async def test_a_refused_connection_means_the_write_did_not_apply(connect: Connect) -> None:
    """Nobody listening: the write surely never reached Losant, so it may be sent again."""
    client = connect(base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(LosantUnavailable) as caught:
        await client.add_member("a" * 24, MemberPostByEmail(email="x@acme.io", role="view"))
    assert (False, None) == (caught.value.may_have_applied, caught.value.status)


# ---- timeouts, budget, connections -------------------------------------------------------


async def test_a_slow_read_is_abandoned_at_the_timeout_and_retried(
    simulator: Simulator, connect: Connect, sleeps: list[float]
) -> None:
    """A read Losant never answers is given up on at the timeout (the bound here is far
    longer) and the retry gets the answer."""
    simulator.faults.gate(method="GET", times=1)
    org = await asyncio.wait_for(connect(timeout_s=0.2).get_org(org_id(simulator, "Acme")), 10)
    assert ("Acme", [None, 200], 1) == (
        org.name,
        [r.status for r in simulator.requests],
        len(sleeps),
    )


async def test_a_read_never_outlasts_its_budget(simulator: Simulator, connect: Connect) -> None:
    """Each attempt's timeout is cut to what is left of the budget, so a hung Losant
    costs the budget, not a whole timeout. On an injected clock the first attempt (a
    503) and its backoff use half of a 0.5 s budget; the second, which Losant never
    answers, is given up on after the 0.25 s left, not its 30 s timeout (the bound
    here is 10 s), and there is no third."""
    clock = ManualClock(now=0.0)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    simulator.faults.add(method="GET", status=503)
    simulator.faults.gate(method="GET")
    client = connect(timeout_s=30.0, retry_budget_s=0.5, clock=clock, sleep=sleep)
    with pytest.raises(LosantUnavailable):
        await asyncio.wait_for(client.get_org(org_id(simulator, "Acme")), 10)
    assert ([503, None], 0.25) == ([r.status for r in simulator.requests], clock.now)


async def test_connections_are_reused(simulator: Simulator, connect: Connect) -> None:
    """Thirty calls in a row share one connection; more at once than the pool holds
    stay within the pool."""
    client = connect()
    acme = org_id(simulator, "Acme")
    for _ in range(30):
        await client.get_org(acme)
    sequential = simulator.connections_opened
    await asyncio.gather(*(client.get_org(acme) for _ in range(MAX_CONNECTIONS + 50)))
    assert (1, True) == (sequential, simulator.connections_opened <= MAX_CONNECTIONS)
