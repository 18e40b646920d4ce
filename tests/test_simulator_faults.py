"""The simulator's fault injection, request recording and control routes, over loopback.

Delays are observed through client timeouts, never by sleeping in the test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.sandbox.simulator import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN, Simulator
from bot.sandbox.simulator.seed import ACME

ORGS = f"/instances/{DEFAULT_INSTANCE_ID}/orgs"
AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
NEW_MEMBER = {"email": "road.runner@acme.io", "role": "view"}


@pytest.fixture
async def api(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client pointed at the simulator with the full-access token."""
    async with httpx.AsyncClient(base_url=simulator.base_url, headers=AUTH) as client:
        yield client


def acme_members(simulator: Simulator) -> str:
    org = simulator.state.find_org_by_name(ACME)
    assert org is not None
    return f"{ORGS}/{org.id}/members"


def acme_roles(simulator: Simulator) -> dict[str, str]:
    org = simulator.state.find_org_by_name(ACME)
    assert org is not None
    return {m.email: m.role for m in simulator.state.members(org.id)}


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "text"),
    [
        pytest.param(
            {"status": 503},
            503,
            "application/json",
            '{"type": "ServiceUnavailable", "message": "Service Unavailable"}',
            id="status-gets-losant-like-body",
        ),
        pytest.param(
            {"status": 502, "body": "<html>Bad Gateway</html>"},
            502,
            "text/plain",
            "<html>Bad Gateway</html>",
            id="non-json-body",
        ),
        pytest.param(
            {"status": 200, "body": {"items": "not a list"}},
            200,
            "application/json",
            '{"items": "not a list"}',
            id="wrong-shape",
        ),
        pytest.param({"body": b""}, 500, "text/plain", "", id="body-alone-is-a-500"),
    ],
)
async def test_injected_answer_replaces_the_real_one_once(
    api: httpx.AsyncClient,
    simulator: Simulator,
    fault: dict[str, Any],
    status: int,
    content_type: str,
    text: str,
) -> None:
    """A status/body fault answers exactly what was injected, then the rule is used up."""
    rule = simulator.faults.add(path="/orgs$", **fault)
    injected = await api.get(ORGS)
    normal = await api.get(ORGS)
    answered = (injected.status_code, injected.headers["content-type"].split(";")[0], injected.text)
    assert (status, content_type, text) == answered
    assert (200, 1, True) == (normal.status_code, rule.hits, rule.exhausted)


async def test_fault_headers_are_sent(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """Injected headers, such as Retry-After on a 429, reach the client."""
    simulator.faults.add(status=429, headers={"Retry-After": "7"})
    response = await api.get(ORGS)
    assert (429, "7") == (response.status_code, response.headers["retry-after"])


async def test_rules_match_method_and_path_and_count_times(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """A rule hits only its method and path, for ``times`` requests; None means forever."""
    simulator.faults.add(method="POST", status=500, times=2)
    simulator.faults.add(path=r"/members$", status=503, times=None)
    statuses = [
        (await api.get(ORGS)).status_code,
        (await api.post(acme_members(simulator), json=NEW_MEMBER)).status_code,
        (await api.post(acme_members(simulator), json=NEW_MEMBER)).status_code,
        (await api.post(acme_members(simulator), json=NEW_MEMBER)).status_code,
        (await api.get(acme_members(simulator))).status_code,
        (await api.get(acme_members(simulator))).status_code,
    ]
    assert [200, 500, 500, 503, 503, 503] == statuses
    assert "road.runner@acme.io" not in acme_roles(simulator)


async def test_drop_closes_the_connection_before_handling(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """A drop fault closes the connection unanswered, and the write never happens."""
    simulator.faults.add(method="POST", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        await api.post(acme_members(simulator), json=NEW_MEMBER)
    assert "road.runner@acme.io" not in acme_roles(simulator)
    assert [None] == [r.status for r in simulator.writes()]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        pytest.param({"drop": True}, httpx.RemoteProtocolError, id="drop"),
        pytest.param({"status": 502}, None, id="status"),
    ],
)
async def test_after_handling_applies_the_write_but_loses_the_answer(
    api: httpx.AsyncClient,
    simulator: Simulator,
    fault: dict[str, Any],
    error: type[Exception] | None,
) -> None:
    """With ``after_handling`` the write really happens; only its answer is lost."""
    simulator.faults.add(method="POST", after_handling=True, **fault)
    if error is None:
        assert 502 == (await api.post(acme_members(simulator), json=NEW_MEMBER)).status_code
    else:
        with pytest.raises(error):
            await api.post(acme_members(simulator), json=NEW_MEMBER)
    assert "view" == acme_roles(simulator)["road.runner@acme.io"]


async def test_after_handling_a_delay_holds_the_answer_not_the_write(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """With ``after_handling`` the write is made at once and only its answer is late,
    as when a client times out on a write that Losant did make."""
    simulator.faults.add(method="POST", delay_s=30.0, after_handling=True)
    with pytest.raises(httpx.ReadTimeout):
        await api.post(acme_members(simulator), json=NEW_MEMBER, timeout=0.2)
    assert "view" == acme_roles(simulator)["road.runner@acme.io"]


@pytest.mark.parametrize(
    "slow",
    [
        pytest.param(lambda sim: sim.faults.add(delay_s=30.0), id="rule-delay"),
        pytest.param(lambda sim: setattr(sim.faults, "latency_s", 30.0), id="latency"),
    ],
)
async def test_delays_hold_the_answer(
    api: httpx.AsyncClient, simulator: Simulator, slow: Any
) -> None:
    """An injected delay or latency outlasts a short client timeout."""
    slow(simulator)
    with pytest.raises(httpx.ReadTimeout):
        await api.get(ORGS, timeout=0.2)


async def test_a_short_delay_still_answers(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """A delayed request is answered normally once its delay has passed (by the
    simulator's own record of when it arrived and when it answered)."""
    simulator.faults.add(delay_s=0.05)
    response = await api.get(ORGS, timeout=5.0)
    [held] = simulator.requests
    assert held.answered is not None
    assert (200, 200, True) == (
        response.status_code,
        held.status,
        held.answered - held.arrived >= 0.05,
    )


@pytest.mark.parametrize(
    "hold",
    [
        pytest.param(lambda sim: sim.faults.add(delay_s=3600.0), id="delay"),
        pytest.param(lambda sim: sim.faults.gate(), id="gate"),
    ],
)
async def test_stop_does_not_wait_for_held_requests(simulator: Simulator, hold: Any) -> None:
    """Stopping the simulator releases requests held by an hour's delay or a closed gate:
    stopping, and the held request, end within a bound far shorter than the hold."""
    hold(simulator)
    async with httpx.AsyncClient(base_url=simulator.base_url, headers=AUTH) as client:
        held = asyncio.ensure_future(client.get(ORGS, timeout=30.0))
        await simulator.wait_for_requests(1)
        await asyncio.wait_for(simulator.stop(), timeout=10.0)
        with contextlib.suppress(httpx.HTTPError):
            await asyncio.wait_for(held, timeout=10.0)
    assert held.done()


# ---- gates ----------------------------------------------------------------------------


async def test_a_gate_holds_matching_answers_until_released(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """Requests through a gate arrive and are recorded but wait unanswered, however
    many there are, while others pass; opening the gate answers them all normally."""
    released = simulator.faults.gate(method="GET", path=r"/orgs$")
    held = [asyncio.ensure_future(api.get(ORGS, timeout=30.0)) for _ in range(3)]
    await simulator.wait_for_requests(3)
    passing = await api.get(acme_members(simulator))
    waiting = [r.status for r in simulator.requests]
    assert not any(task.done() for task in held)
    released.set()
    answers = await asyncio.wait_for(asyncio.gather(*held), timeout=10.0)
    assert [None, None, None, 200] == waiting
    assert 200 == passing.status_code
    assert [200, 200, 200] == [a.status_code for a in answers]
    assert [200, 200, 200, 200] == [r.status for r in simulator.requests]


async def test_a_gate_can_hold_an_injected_answer_or_a_made_change(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """A gate combines with other faults: a held 503 is a 503 once released, and with
    ``after_handling`` the write is made while only its answer is held."""
    released = asyncio.Event()
    simulator.faults.add(method="GET", status=503, gate=released)
    simulator.faults.add(method="POST", after_handling=True, gate=released)
    read = asyncio.ensure_future(api.get(ORGS, timeout=30.0))
    write = asyncio.ensure_future(api.post(acme_members(simulator), json=NEW_MEMBER, timeout=30.0))
    await simulator.wait_for_requests(2)
    made_while_held = acme_roles(simulator).get("road.runner@acme.io")
    released.set()
    answers = await asyncio.wait_for(asyncio.gather(read, write), timeout=10.0)
    assert "view" == made_while_held
    assert [503, 200] == [a.status_code for a in answers]


async def test_waiting_for_requests_that_never_come_says_what_did(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """A bounded wait for requests fails with the list of what the simulator received."""
    await api.get(ORGS)
    with pytest.raises(
        AssertionError,
        match=r"(?s)expected 2 requests to the simulator.*GET /instances/.*/orgs -> 200",
    ):
        await simulator.wait_for_requests(2, timeout=0.1)


async def test_requests_are_recorded_in_order(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """Every request is recorded with method, path, query, parsed body, headers and status."""
    await api.get(ORGS, params={"perPage": "2", "filter": "a*"})
    await api.post(acme_members(simulator), json=NEW_MEMBER)
    await api.post(acme_members(simulator), content=b"not json")
    first, second, third = simulator.requests
    assert ("GET", ORGS, {"perPage": "2", "filter": "a*"}, None, 200) == (
        first.method,
        first.path,
        first.query,
        first.json,
        first.status,
    )
    assert (NEW_MEMBER, f"Bearer {DEFAULT_TOKEN}") == (second.json, second.headers["authorization"])
    assert (None, b"not json", 400) == (third.json, third.body, third.status)
    assert [second, third] == simulator.writes()


async def test_connections_are_counted(simulator: Simulator) -> None:
    """Requests over one keep-alive client count one connection; a second client adds one."""
    async with httpx.AsyncClient(base_url=simulator.base_url, headers=AUTH) as client:
        for _ in range(3):
            await client.get(ORGS)
    assert 1 == simulator.connections_opened
    async with httpx.AsyncClient(base_url=simulator.base_url, headers=AUTH) as client:
        await client.get(ORGS)
    assert 2 == simulator.connections_opened


def test_times_must_be_positive() -> None:
    """A rule that could never apply is refused when it is added."""
    with pytest.raises(ValueError, match="times must be at least 1"):
        Simulator(seed=False).faults.add(status=500, times=0)


async def test_control_routes_add_faults_and_reset(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """``/__sim__`` routes add and clear faults and restore the seed, and are not recorded."""
    org_ids = list(simulator.state.orgs)
    bad = await api.post("/__sim__/faults", json={"status": 503, "colour": "red"})
    added = await api.post("/__sim__/faults", json={"method": "GET", "status": 418})
    faulted = await api.get(ORGS)
    await api.post(acme_members(simulator), json=NEW_MEMBER)
    await api.post("/__sim__/faults", json={"status": 500, "times": None})
    cleared = await api.delete("/__sim__/faults")
    reset = await api.post("/__sim__/reset")
    statuses = (bad.status_code, added.status_code, faulted.status_code, cleared.status_code)
    assert (400, 200, 418, 200) == statuses
    assert 200 == reset.status_code
    assert "road.runner@acme.io" not in acme_roles(simulator)
    assert org_ids == list(simulator.state.orgs)
    assert ([], []) == (simulator.requests, simulator.faults.rules)
