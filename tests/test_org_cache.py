"""The org cache: a member list by org ID costs Losant one call once the org is known."""

from __future__ import annotations

import pytest

from bot.edges.losant.models import Org
from bot.usecases.lookup import ORG_CACHE_S, OrgCache
from tests.harness import ManualClock, acme_id, running_bot

ORG = Org(id="a" * 24, name="Acme")


class Tick:
    """A clock for the cache alone."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("ttl_s", "elapsed", "expected"),
    [
        pytest.param(60.0, 0.0, ORG, id="fresh"),
        pytest.param(60.0, 59.9, ORG, id="just-fresh"),
        pytest.param(60.0, 60.0, None, id="expired"),
        pytest.param(0.0, 0.0, None, id="disabled"),
    ],
)
def test_cache_keeps_an_org_for_its_ttl(ttl_s: float, elapsed: float, expected: Org | None) -> None:
    """An org is served for ``ttl_s`` seconds after it was put, and never with a TTL of 0."""
    clock = Tick()
    cache = OrgCache(ttl_s, clock=clock)
    cache.put(ORG)
    clock.now += elapsed
    assert expected == cache.get("A" * 24)


def test_cache_drops_the_oldest_org_when_full() -> None:
    """The cache is bounded: past 512 orgs, the one put first is forgotten."""
    cache = OrgCache(60.0, clock=Tick())
    orgs = [Org(id=f"{i:024x}", name=f"org {i}") for i in range(513)]
    for org in orgs:
        cache.put(org)
    assert (None, orgs[1], orgs[512]) == (
        cache.get(orgs[0].id),
        cache.get(orgs[1].id),
        cache.get(orgs[512].id),
    )


async def test_second_list_by_id_asks_losant_only_for_the_members() -> None:
    """Listing an org by ID twice fetches the org once; after the TTL it is fetched again."""
    clock = ManualClock()
    async with running_bot(clock) as bot:
        org_id = acme_id(bot.sim)
        org_path = f"/instances/{bot.sim.instance_id}/orgs/{org_id}"

        def org_calls() -> int:
            return sum(1 for r in bot.sim.requests if r.path == org_path)

        for _ in range(2):
            await bot.reply(await bot.command(f"list org={org_id}"))
        assert 1 == org_calls()
        clock.advance(ORG_CACHE_S + 1)
        reply = await bot.reply(await bot.command(f"list org={org_id}"))
        assert 2 == org_calls()
        assert "Acme" in str(reply)
