"""Several real bot processes on one PostgreSQL database: each revert reaches Losant once,
a process started after a crash catches up at once, and two processes receiving clicks on
the same request at the same moment make one grant.

The processes are real ``python -m bot`` servers; the database is a real PostgreSQL that
the test run starts; Losant and Slack are the simulator and the fake, which count every
call. Time moves through the processes' shared clock file, never by waiting for it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.seed import ACME
from tests.fleet import Fleet, eventually, fleet, migrated_database
from tests.harness import text_of
from tests.pg import Postgres
from tests.process import bot_process

HOUR = 3600
GRANTS = (
    "add org=Acme email=temp1@acme.io role=edit for=1h",
    "add org=Acme email=temp2@acme.io role=view for=1h",
    "role org=Acme user=linus@acme.io role=edit for=1h",
    "role org=Acme user=margaret@acme.io role=edit for=1h",
    "role org=Acme user=barbara@acme.io role=collaborate for=1h",
    "add org=Acme email=temp3@acme.io role=collaborate for=1h",
)


def member_writes(sim: Simulator, since: int) -> Counter[str]:
    """How many writes each member's path received after the first ``since`` requests."""
    return Counter(r.path for r in sim.requests[since:] if r.method in ("POST", "PATCH", "DELETE"))


def acme_role(sim: Simulator, email: str) -> str | None:
    org = sim.state.find_org_by_name(ACME)
    assert org is not None
    member = sim.state.find_member_by_email(org.id, email)
    return member.role if member else None


async def grant_all(crew: Fleet) -> None:
    """Make the grants, each through the next process in turn."""
    for index, text in enumerate(GRANTS):
        reply = await crew.command(crew.bots[index % len(crew.bots)], text)
        assert "Gave" in text_of(reply), text_of(reply)


@pytest.mark.parametrize("processes", [2, 3])
async def test_each_revert_reaches_losant_exactly_once_with_several_processes(
    postgres: Postgres, tmp_path: Path, processes: int
) -> None:
    """All processes sweep every 0.2 s over the same due grants; each revert is one write."""
    url = await migrated_database(postgres)
    async with Simulator() as sim, FakeSlack() as slack:
        async with fleet(sim, slack, url, tmp_path, processes=processes) as crew:
            await grant_all(crew)
            before = len(sim.requests)

            crew.advance_to(HOUR + 1)

            async def all_closed() -> bool:
                return not await crew.live_grants()

            await eventually(all_closed, what="every grant reverted")
            # Two sweep periods more, so a second revert would have had its chance.
            await asyncio.sleep(0.5)
            writes = member_writes(sim, before)

        assert len(GRANTS) == len(writes)
        assert {1} == set(writes.values())
        assert ("collaborate", "collaborate", "view") == tuple(
            acme_role(sim, e) for e in ("linus@acme.io", "margaret@acme.io", "barbara@acme.io")
        )
        assert [None, None, None] == [acme_role(sim, f"temp{i}@acme.io") for i in (1, 2, 3)]


async def test_a_process_started_after_a_crash_reverts_what_fell_due_at_once(
    postgres: Postgres, tmp_path: Path
) -> None:
    """SIGKILL before the end, restart after it: the new process's start-up sweep reverts,
    though its timer would not sweep for an hour."""
    url = await migrated_database(postgres)
    async with Simulator() as sim, FakeSlack() as slack:
        async with fleet(sim, slack, url, tmp_path, processes=1) as crew:
            await crew.command(crew.bots[0], GRANTS[2])
            crew.bots[0].process.kill()
            await crew.bots[0].exit_status()
            before = len(sim.requests)
            crew.advance_to(2 * HOUR)

            restarted = bot_process(
                sim,
                slack,
                DATABASE_URL=url,
                MEMBERS_CLOCK_FILE=str(crew.clock_file),
                MEMBERS_SWEEP_S="3600",
            )
            async with restarted:

                async def reverted() -> bool:
                    return acme_role(sim, "linus@acme.io") == "collaborate"

                await eventually(reverted, what="the catch-up revert")

        assert {1} == set(member_writes(sim, before).values())


async def test_simultaneous_approvals_in_two_processes_make_one_grant(
    postgres: Postgres, tmp_path: Path
) -> None:
    """Two approvers click Approve at the same moment, each on a different process: one
    decision, one write to Losant, and the later clicker is told who decided."""
    url = await migrated_database(postgres)
    requester, approvers = "UASKER001", ("UAPPROVE1", "UAPPROVE2")
    env = {
        "MEMBERS_APPROVAL_CHANNEL": "C0APPROVALS",
        "MEMBERS_APPROVERS": " ".join(approvers),
        "MEMBERS_REQUESTERS": "*",
    }
    async with Simulator() as sim, FakeSlack() as slack:
        slack.add_user(requester, email="linus@acme.io", name="linus")
        async with fleet(sim, slack, url, tmp_path, processes=2, **env) as crew:
            asked = await crew.command(
                crew.bots[0], 'request org=Acme role=edit for=1h reason="pairing"', user=requester
            )
            assert "Asked for" in text_of(asked)
            [card] = await slack.wait_for_messages(1)
            shown = slack.visible(approvers[0], "C0APPROVALS")[0]
            value = next(
                e["value"] for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]
            )
            before = len(sim.requests)

            urls = await asyncio.gather(
                *(
                    crew.click(bot, {**shown, "channel": "C0APPROVALS"}, "request_approve",
                               value, user=approver)
                    for bot, approver in zip(crew.bots, approvers, strict=True)
                )
            )  # fmt: skip
            answers = [
                text_of((await slack.wait_for_responses(1, url=u, timeout=30))[0].payload)
                for u in urls
            ]
            live = await crew.live_grants()

        assert card["channel"] == "C0APPROVALS"
        assert 1 == sum(a.startswith("Approved") for a in answers)
        [later] = [a for a in answers if not a.startswith("Approved")]
        assert later.startswith(f"Already approved by <@{live[0].granted_by}>")
        assert 1 == sum(member_writes(sim, before).values())
        assert "edit" == acme_role(sim, "linus@acme.io")


async def test_sigterm_stops_claiming_before_the_requests_in_flight_finish(
    tmp_path: Path,
) -> None:
    """While a stopping process lets a slow command finish, a grant falling due is left for
    another process: no revert is claimed or sent after SIGTERM."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with Simulator() as sim, FakeSlack() as slack:
        async with fleet(sim, slack, url, tmp_path, processes=1) as crew:
            [bot] = crew.bots
            await crew.command(bot, GRANTS[2])
            sim.faults.add(method="GET", path=r"/members$", delay_s=3.0)
            slow = asyncio.create_task(crew.command(bot, "list org=Acme"))
            await eventually(_held(sim, len(sim.requests)), what="the slow list to reach Losant")

            bot.terminate()
            await bot.wait_for_line("stopped sweeping")
            crew.advance_to(2 * HOUR)
            await slow
            assert 0 == await bot.exit_status()
            live = await crew.live_grants()

        assert (1, None) == (len(live), live[0].lease_owner)
        assert "edit" == acme_role(sim, "linus@acme.io")


def _held(sim: Simulator, since: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return any(r.method == "GET" and r.path.endswith("/members") for r in sim.requests[since:])

    return check
