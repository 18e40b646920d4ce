"""``python -m benchmarks [name ...]``: run the benchmarks, print the table, save the JSON.

Exits 1 when a target is missed, so CI can hold the line. The benchmarks run one
after another, never at once: on a 2-core machine each needs both cores to itself.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path

from benchmarks import (
    ack_latency,
    cross_org,
    dispatch,
    losant_client,
    memory,
    parse,
    render,
    reply_latency,
    startup,
    starvation,
    throughput,
    typeahead,
)
from benchmarks.report import Row, summary, table, write_json

BENCHMARKS: dict[str, Callable[[], Coroutine[object, object, Row]]] = {
    "ack": ack_latency.measure,
    "starvation": starvation.measure,
    "reply": reply_latency.measure,
    "throughput": throughput.measure,
    "dispatch": dispatch.measure,
    "client": losant_client.measure,
    "find": cross_org.measure_find,
    "find_nobody": cross_org.measure_find_nobody,
    "offboard": cross_org.measure_offboard,
    "add_many": cross_org.measure_add,
    "render": render.measure,
    "parse": parse.measure,
    "startup": startup.measure,
    "memory": memory.measure,
    "typeahead": typeahead.measure,
}
RESULTS = Path(__file__).with_name("results.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    names = parser.parse_args(argv).names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}")
    started = time.perf_counter()
    rows: list[Row] = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.append(asyncio.run(BENCHMARKS[name]()))
    seconds = time.perf_counter() - started
    print(table(rows))
    print(f"\n{summary(rows)} ({seconds:.0f} s); written to {RESULTS}")
    write_json(RESULTS, rows, seconds=seconds)
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
