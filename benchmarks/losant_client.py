"""Our Losant client beside Losant's official Python client (``losant-rest``).

500 member-list calls, each for an org of its own (identical reads in flight would
share one call, which is a saving but not a client's speed), against the simulator
with 50 ms of latency:
ours with 20 calls in flight on one event loop; the official client sequentially
(as its documentation uses it) and from 20 threads. Each client runs in its own
subprocess (``python -m benchmarks.losant_client <variant> ...``, which prints the
seconds the calls took), so it has a core to itself while the simulator serves
from the benchmark's process; the simulator counts the TCP connections each opened.
Both ask for the same lean answer (``_links``/``_embedded`` off, as ours always
does), so both read the same bytes. Ours and the threaded official client alternate.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks import harness
from benchmarks.report import Row
from benchmarks.stats import Runs
from bot.sandbox.simulator import Simulator

CALLS = 500
IN_FLIGHT = 20
LATENCY_S = 0.050
RUNS = 3
TARGET_RATIO = 0.9
MAX_CONNECTIONS = 20


async def _ours(url: str, token: str, instance: str, orgs: list[str]) -> None:
    from bot.edges.losant.client import LosantClient

    left = iter(orgs)
    async with LosantClient.create(base_url=url, token=token, instance_id=instance) as client:

        async def caller() -> None:
            for org in left:
                await client.list_members(org)

        await asyncio.gather(*(caller() for _ in range(IN_FLIGHT)))


def _official(url: str, token: str, instance: str, orgs: list[str], threads: int) -> None:
    from losant_rest import Client  # type: ignore[import-untyped]  # ships no types

    client = Client(auth_token=token, url=url)

    def call(org: str) -> Any:
        lean = {"_links": "false", "_embedded": "false"}
        return client.instance_org_members.get(instanceId=instance, orgId=org, **lean)

    if threads == 1:
        for org in orgs:
            call(org)
        return
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(call, orgs))


def worker(argv: list[str]) -> None:
    """Make the calls as one variant and print how long they took, as JSON."""
    variant, url, token, instance, joined = argv
    orgs = joined.split(",")
    started = time.perf_counter()
    if variant == "ours":
        asyncio.run(_ours(url, token, instance, orgs))
    else:
        _official(url, token, instance, orgs, IN_FLIGHT if variant == "threads" else 1)
    print(json.dumps({"seconds": time.perf_counter() - started}))


async def _run(sim: Simulator, variant: str) -> tuple[float, int]:
    """(calls per second, connections opened) for one variant's run."""
    sim.reset()
    orgs = list(sim.state.orgs)[-CALLS:]  # the generated ones: a dozen members or so each
    out = await harness.run_module(
        "benchmarks.losant_client",
        *(variant, sim.base_url, sim.token, sim.instance_id, ",".join(orgs)),
        what=f"the {variant} client",
    )
    if len(sim.requests) != CALLS or any(r.status != 200 for r in sim.requests):
        raise RuntimeError(f"the {variant} client did not make {CALLS} successful calls")
    return CALLS / json.loads(out)["seconds"], sim.connections_opened


async def measure() -> Row:
    rate: dict[str, list[float]] = {"ours": [], "threads": [], "sequential": []}
    opened: dict[str, int] = {}
    async with Simulator(latency_s=LATENCY_S, orgs=CALLS) as sim:
        for variant in ["ours", "threads"] * RUNS + ["sequential"]:
            calls_per_s, connections = await _run(sim, variant)
            rate[variant].append(calls_per_s)
            opened[variant] = max(opened.get(variant, 0), connections)
    ours, threads, sequential = (Runs.of(rate[v]) for v in ("ours", "threads", "sequential"))
    ratio = ours.median / threads.median
    return Row(
        figure=f"Losant client: {CALLS} member lists of {CALLS} orgs, {IN_FLIGHT} in flight, "
        f"{LATENCY_S * 1000:.0f} ms latency",
        measured=f"{ours.median:.0f} calls/s, {opened['ours']} connections",
        reference=f"losant-rest: {threads.median:.0f}/s from {IN_FLIGHT} threads "
        f"({opened['threads']} connections), {sequential.median:.0f}/s sequential",
        target=f"≥ {TARGET_RATIO} x threaded ({ratio:.2f} x), ≤ {MAX_CONNECTIONS} connections",
        met=ratio >= TARGET_RATIO and opened["ours"] <= MAX_CONNECTIONS,
        spread=f"{RUNS} runs; ours {ours.span('{:.0f}')}, threads {threads.span('{:.0f}')}; "
        "sequential 1 run",
        notes=("losant-rest calls requests.request, which opens a new connection for every call",),
        numbers={
            "ours_per_s": ours.median,
            "threads_per_s": threads.median,
            "sequential_per_s": sequential.median,
            "ours_connections": opened["ours"],
            "threads_connections": opened["threads"],
            "ratio": ratio,
        },
    )


if __name__ == "__main__":
    worker(sys.argv[1:])
