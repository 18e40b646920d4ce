"""The few statistics the benchmarks report: percentiles of samples, and runs with their spread.

A single run on a 2-core machine is noise as often as it is signal, so every figure
that can wobble is measured in several runs; the table shows the median run and the
spread across runs (min-max), so a reader can see how much to trust the gap between
a figure and its reference.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by the nearest-rank method: always an observed value."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Runs:
    """One figure measured in several runs: the median run, and the spread around it."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Runs:
        if not values:
            raise ValueError("no runs")
        return cls(tuple(values))

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def span(self, fmt: str = "{:.1f}") -> str:
        """``"1.2-1.5"``: the lowest and the highest run."""
        return f"{fmt.format(self.low)}-{fmt.format(self.high)}"
