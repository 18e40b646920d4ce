"""The org typeahead's matching and its cached, shared read of the org list."""

from __future__ import annotations

import asyncio

import pytest

from bot.edges.losant.models import Org
from bot.usecases.org_choices import OrgChoices, match
from tests.harness import ManualClock


def org(name: str, n: int) -> Org:
    return Org(id=f"{n:024x}", name=name)


ORGS = [org("Acme Staging", 1), org("Acme", 2), org("Road Runner Acme", 3), org("Globex", 4)]


class FakeLosant:
    """Answers the org list when told to, and counts how often it was asked."""

    def __init__(self, orgs: list[Org]) -> None:
        self.orgs = orgs
        self.calls = 0
        self.release = asyncio.Event()
        self.release.set()

    async def all_orgs(self) -> list[Org]:
        self.calls += 1
        await self.release.wait()
        return list(self.orgs)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param(
            "acm", ["Acme", "Acme Staging", "Road Runner Acme"], id="starts-then-contains"
        ),
        pytest.param("  ACME s ", ["Acme Staging"], id="case-and-spaces"),
        pytest.param("", ["Acme", "Acme Staging", "Globex", "Road Runner Acme"], id="empty-is-all"),
        pytest.param(f"{4:024x}", ["Globex"], id="by-id"),
        pytest.param("initech", [], id="none"),
    ],
)
def test_names_starting_with_the_text_come_first(typed: str, expected: list[str]) -> None:
    """Matches start with the typed text first, then contain it, each by name, any case."""
    assert expected == [o.name for o in match(ORGS, typed)]


def test_at_most_a_hundred_options() -> None:
    """However many orgs match, Slack is offered at most 100."""
    many = [org(f"Org {n:04d}", n) for n in range(1000)]

    assert 100 == len(match(many, "org"))


async def test_the_list_is_read_once_while_fresh_then_again() -> None:
    """Keystrokes within the cache's minute cost no call; the first after it reads again."""
    losant, clock = FakeLosant(ORGS), ManualClock()
    choices = OrgChoices(losant.all_orgs, ttl_s=60, clock=clock)

    await choices.matching("a")
    clock.advance(59)
    await choices.matching("ac")
    first = losant.calls
    clock.advance(2)
    await choices.matching("acm")

    assert (1, 2) == (first, losant.calls)


async def test_people_typing_at_once_share_one_read() -> None:
    """Concurrent keystrokes wait for the one read under way instead of each making one."""
    losant = FakeLosant(ORGS)
    losant.release.clear()
    choices = OrgChoices(losant.all_orgs)

    waiting = [asyncio.ensure_future(choices.matching(t)) for t in ("a", "g", "r")]
    await asyncio.sleep(0)
    losant.release.set()
    answers = await asyncio.gather(*waiting)

    assert (1, [3, 2, 1]) == (losant.calls, [len(a) for a in answers])


async def test_a_read_goes_on_when_its_caller_gives_up() -> None:
    """A keystroke that stops waiting (Slack's 3 s) leaves the read to finish for the next."""
    losant = FakeLosant(ORGS)
    losant.release.clear()
    choices = OrgChoices(losant.all_orgs)

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(choices.matching("a"), timeout=0.01)
    losant.release.set()
    found = await choices.matching("glo")

    assert (1, ["Globex"]) == (losant.calls, [o.name for o in found])
