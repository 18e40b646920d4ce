"""How far long work has got, for the person waiting on it.

``find`` on a large instance, ``offboard`` across many orgs and a many-people ``add``
can take seconds. The use case says how far it is (``report``), as often as it likes,
at no cost; the delivery step reads the latest step when it is time to show it (at
most every few seconds, and within Slack's five posts per response_url). Nothing here
knows about Slack.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """``done`` of ``total`` ``what`` (e.g. 120 of 1,000 "orgs scanned")."""

    done: int
    total: int
    what: str


class Progress:
    """The latest step of one request's work; ``version`` tells the reader what is new."""

    def __init__(self) -> None:
        self.latest: Step | None = None
        self.version = 0

    def report(self, done: int, total: int, what: str) -> None:
        self.latest = Step(done, total, what)
        self.version += 1


# Work that nobody watches (tests of a use case alone, scheduled work) reports here.
def unwatched() -> Progress:
    return Progress()
