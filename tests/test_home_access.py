"""Someone's access for the Home tab: every org counted, roles read in only the first few."""

from __future__ import annotations

import re

from bot.edges.losant.client import LosantClient
from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.scale import AUDITOR
from bot.usecases.commands import MemberRef
from bot.usecases.find import Finder
from bot.usecases.home_data import ROLES_SHOWN
from bot.usecases.lookup import Lookup, OrgCache
from bot.usecases.progress import unwatched

GENERATED = 600
ONE_MEMBER = re.compile(r"/orgs/[0-9a-f]{24}/members/[0-9a-f]{24}$")


async def no_slack(user_id: str) -> str:
    raise AssertionError(f"no Slack lookup expected, got {user_id}")


async def test_someone_in_many_orgs_costs_a_role_read_per_org_shown() -> None:
    """The auditor, in 120 orgs, is found with 20 roles and 100 more orgs counted, not read."""
    async with Simulator(orgs=GENERATED) as sim:
        async with LosantClient.create(
            base_url=sim.base_url, token=sim.token, instance_id=sim.instance_id
        ) as client:
            finder = Finder(client, Lookup(client, no_slack, orgs=OrgCache()), fanout_limit=8)
            person = MemberRef("email", AUDITOR)
            found = await finder.find(person, unwatched(), roles_for=ROLES_SHOWN)
        role_reads = [r for r in sim.requests if ONE_MEMBER.search(r.path)]

    names = [m.org.name for m in found.memberships]
    assert (ROLES_SHOWN, GENERATED // 5 - ROLES_SHOWN) == (len(names), found.others)
    assert sorted(names, key=str.casefold) == names
    # The org where the scan found them is not read again.
    assert ROLES_SHOWN - 1 == len(role_reads)
