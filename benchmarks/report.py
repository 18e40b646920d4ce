"""One row per benchmark, printed as one table and written as JSON.

Every row puts the figure beside the reference measured in the same run and says
whether the target was met, so the table reads on its own: nobody has to remember
what "fast" meant last month. The JSON holds the same rows plus the raw numbers,
for comparing one machine or commit with another.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HEADERS = ("figure", "measured", "reference (same run)", "target", "result")


@dataclass(frozen=True)
class Row:
    """One benchmark's outcome. ``met`` is None for a figure without a target."""

    figure: str
    measured: str
    reference: str
    target: str
    met: bool | None
    spread: str = ""
    notes: tuple[str, ...] = ()
    numbers: dict[str, float] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return {True: "ok", False: "MISSED", None: "-"}[self.met]


def table(rows: Sequence[Row]) -> str:
    """The rows as an aligned plain-text table; beneath each, its runs and spread, and notes."""
    cells = [HEADERS, *((r.figure, r.measured, r.reference, r.target, r.verdict) for r in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]

    def line(values: Sequence[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(HEADERS), "-+-".join("-" * w for w in widths)]
    for row, values in zip(rows, cells[1:], strict=True):
        out.append(line(values))
        out.extend(f"    {note}" for note in (f"runs: {row.spread}", *row.notes))
    return "\n".join(out)


def summary(rows: Sequence[Row]) -> str:
    missed = [r.figure for r in rows if r.met is False]
    if not missed:
        return f"all {sum(r.met is True for r in rows)} targets met"
    return f"{len(missed)} target(s) missed: " + "; ".join(missed)


def write_json(path: Path, rows: Sequence[Row], *, seconds: float) -> None:
    """``rows`` with the machine they ran on, for comparing runs across machines and commits."""
    document: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "seconds": round(seconds, 1),
        "all_met": all(r.met is not False for r in rows),
        "rows": [asdict(r) | {"verdict": r.verdict} for r in rows],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
