"""Work across orgs — ``find``, ``offboard``, a many-people ``add`` — beside Losant's official
Python client (``losant-rest``) doing the same Losant work one call after another, as its
documentation uses it.

The bot runs as ``python -m bot`` (HTTP mode) and is driven by signed requests, as Slack
drives it; a figure is the time from the command (``find``) or from the Confirm click
(``offboard``, ``add``) until its final reply arrived at the response_url, so it holds
the ack, every Losant call, the rendering and the post. Losant is the simulator, in this
process, with 50 ms of latency on every call. The official client runs in a subprocess of
its own (``python -m benchmarks.cross_org <variant> <json>``) and prints the seconds its
calls took. The simulator counts the connections the bot opened and the calls it had in
flight at once.

The official client has no way to find a person but to ask every org: it pages through
the org list, then lists each org's members filtered on the email. Sequentially that is
about 1,020 calls, 51 s at 50 ms, so it is timed on the org list and on the first
``SAMPLE`` orgs' scans, and the scans are scaled to the whole instance (each costs the
same: one filtered list). The bot's figures are never scaled.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from benchmarks import harness
from benchmarks.report import Row
from benchmarks.slack_side import Commander, SlackSide
from benchmarks.stats import Runs
from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.scale import NOBODYS
from bot.sandbox.simulator.seed import ACME

LATENCY_S = 0.050
FANOUT = 8  # MEMBERS_FANOUT's default, which the bot runs with here
FIND_ORGS = 1_000  # generated orgs, besides the 8 demo ones
SAMPLE = 100  # orgs the official client scans per run of the find reference
OFFBOARD_ORGS = 20
ADD_PEOPLE = 100
RUNS = 3
REPLY_TIMEOUT_S = 60.0
THREE = "three.orgs@acme.io"
LEAVER = "leaver@acme.io"
_LEAN = {"_links": "false", "_embedded": "false"}


# ---- the official client, in its own process ------------------------------------------


def _official(variant: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one reference with ``losant-rest``; what it took, in seconds."""
    from losant_rest import Client  # type: ignore[import-untyped]  # ships no types

    client = Client(auth_token=args["token"], url=args["url"])
    instance = args["instance"]
    started = time.perf_counter()
    if variant == "find":
        orgs: list[str] = []
        page = 0
        while True:
            answer = client.instance_orgs.get(
                instanceId=instance, page=page, perPage=100, sortField="name", **_LEAN
            )
            orgs += [org["id"] for org in answer["items"]]
            page += 1
            if len(orgs) >= answer["totalCount"] or not answer["items"]:
                break
        paged = time.perf_counter()
        found = []
        for org in orgs[: args["sample"]]:
            members = client.instance_org_members.get(
                instanceId=instance, orgId=org, filterField="email", filter=args["email"], **_LEAN
            )
            found += [org for m in members["items"] if m["email"] == args["email"]]
        return {
            "pages_s": paged - started,
            "scan_s": time.perf_counter() - paged,
            "orgs": len(orgs),
            "found": found,
        }
    if variant == "offboard":
        for org in args["orgs"]:
            client.instance_org_member.delete(
                instanceId=instance, orgId=org, userId=args["user"], **_LEAN
            )
    else:
        for email in args["emails"]:
            client.instance_org_members.post(
                instanceId=instance, orgId=args["org"], member={"email": email, "role": "view"}
            )
    return {"seconds": time.perf_counter() - started}


async def _reference(variant: str, **args: Any) -> dict[str, Any]:
    out = await harness.run_module(
        "benchmarks.cross_org", variant, json.dumps(args), what=f"the official client's {variant}"
    )
    answer: dict[str, Any] = json.loads(out)
    return answer


# ---- the bot ------------------------------------------------------------------------


@dataclass
class Scene:
    sim: Simulator
    slack: SlackSide
    commander: Commander
    events_url: str

    async def command(self, text: str, final: str) -> tuple[float, dict[str, Any]]:
        """Send ``/members text``; seconds until the reply starting with ``final``, and it."""
        expected = self.slack.expect(final)
        sent, _ = await self.commander.command(self.events_url, text, expected.url)
        replied = await asyncio.wait_for(expected.replied, REPLY_TIMEOUT_S)
        return replied - sent, expected.payload

    async def confirm(self, card: dict[str, Any], final: str) -> tuple[float, dict[str, Any]]:
        """Click ``card``'s Confirm; seconds until the reply starting with ``final``, and it."""
        value = _confirm_value(card)
        expected = self.slack.expect(final)
        sent, _ = await self.commander.click(self.events_url, value, expected.url)
        replied = await asyncio.wait_for(expected.replied, REPLY_TIMEOUT_S)
        return replied - sent, expected.payload


def _confirm_value(card: dict[str, Any]) -> str:
    for block in card.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == "members_confirm":
                return str(element["value"])
    raise RuntimeError(f"no Confirm button on {json.dumps(card)[:300]}")


@asynccontextmanager
async def scene(sim: Simulator) -> AsyncIterator[Scene]:
    """The bot (``python -m bot``) against ``sim``, warmed up."""
    async with (
        sim,
        SlackSide() as slack,
        harness.client_session() as session,
    ):
        env = harness.app_env(sim, slack.api_url) | {"MEMBERS_FANOUT": str(FANOUT)}
        async with harness.running(session, env, {"bot": harness.BOT}) as apps:
            commander = Commander()
            try:
                on = Scene(sim, slack, commander, apps["bot"].events_url)
                await on.command(f"list org={ACME}", f"Members of {ACME}")  # Bolt's auth.test
                yield on
            finally:
                commander.close()


def _place(sim: Simulator, email: str, every: Callable[[int], list[int]]) -> list[str]:
    """Make ``email`` a viewer of the orgs at ``every(n)`` positions in name order."""
    orgs = sorted(sim.state.orgs.values(), key=lambda o: (o.name.casefold(), o.name))
    user = sim.state.user_by_email(email) or sim.state.add_user(email)
    chosen = [orgs[i] for i in every(len(orgs))]
    for org in chosen:
        org.roles[user.id] = "view"
    return [org.id for org in chosen]


# ---- the rows -----------------------------------------------------------------------


async def _find(email: str, *, placed: bool) -> tuple[Runs, int, int, float, int]:
    """(bot's seconds, connections, calls in flight at most, reference seconds, orgs)."""
    seconds: list[float] = []
    connections = peak = 0
    sim = Simulator(orgs=FIND_ORGS, latency_s=LATENCY_S)
    async with scene(sim) as on:
        total = len(sim.state.orgs)
        for _ in range(RUNS):
            sim.reset()
            if placed:
                _place(sim, email, lambda n: [n // 4, n // 2, 3 * n // 4])
            final = f"{email} is a member of 3 orgs." if placed else f"{email} is not a member"
            took, _ = await on.command(f"find user={email}", final)
            seconds.append(took)
            connections = max(connections, sim.connections_opened)
            peak = max(peak, sim.peak_in_flight)
        sim.reset()
        if placed:
            _place(sim, email, lambda n: [n // 4, n // 2, 3 * n // 4])
        ref = await _reference(
            "find",
            url=sim.base_url,
            token=sim.token,
            instance=sim.instance_id,
            email=email,
            sample=SAMPLE,
        )
    if ref["orgs"] != total:
        raise RuntimeError(f"the official client paged {ref['orgs']} orgs of {total}")
    scaled = ref["pages_s"] + ref["scan_s"] * total / SAMPLE
    return Runs.of(seconds), connections, peak, scaled, total


async def measure_find() -> Row:
    bot, connections, peak, reference, total = await _find(THREE, placed=True)
    ratio = reference / bot.median
    return Row(
        figure=f"find on {total:,} orgs, Losant at {LATENCY_S * 1000:.0f} ms, person in 3 orgs",
        measured=f"{bot.median:.2f} s, {connections} connections, {peak} calls in flight",
        reference=f"losant-rest, org by org: {reference:.1f} s",
        target=f"≥ 10 x faster ({ratio:.1f} x), ≤ {FANOUT} connections",
        met=ratio >= 10 and connections <= FANOUT and peak <= FANOUT,
        spread=f"{RUNS} runs; bot {bot.span('{:.2f}')} s; reference 1 run",
        notes=(
            "bot: `find` sent until its answer arrived (python -m bot, signed requests); "
            f"MEMBERS_FANOUT={FANOUT}",
            "the 3 orgs sit a quarter, half and three quarters through the name order: the "
            "first is where the first of 3 orgs chosen at random falls on average",
            f"reference: the org list, then a filtered member list per org; timed on the org "
            f"list and {SAMPLE} orgs' lists, scaled to {total:,} orgs",
        ),
        numbers={
            "bot_s": bot.median,
            "reference_s": reference,
            "ratio": ratio,
            "connections": connections,
            "peak_in_flight": peak,
        },
    )


async def measure_find_nobody() -> Row:
    bot, connections, peak, reference, total = await _find(NOBODYS, placed=False)
    ratio = reference / bot.median
    return Row(
        figure=f"find, person in no org: a full scan of {total:,} orgs at "
        f"{LATENCY_S * 1000:.0f} ms",
        measured=f"{bot.median:.2f} s, {connections} connections, {peak} calls in flight",
        reference=f"losant-rest, org by org: {reference:.1f} s",
        target=f"≥ 5 x faster ({ratio:.1f} x), ≤ {FANOUT} connections",
        met=ratio >= 5 and connections <= FANOUT and peak <= FANOUT,
        spread=f"{RUNS} runs; bot {bot.span('{:.2f}')} s; reference 1 run",
        notes=(
            "bot: `find` sent until its answer arrived; one filtered member list per org, "
            f"{FANOUT} at a time",
            f"reference: as above, timed on the org list and {SAMPLE} orgs' lists, scaled",
        ),
        numbers={
            "bot_s": bot.median,
            "reference_s": reference,
            "ratio": ratio,
            "connections": connections,
            "peak_in_flight": peak,
        },
    )


async def measure_offboard() -> Row:
    bot: list[float] = []
    ref: list[float] = []
    sim = Simulator(orgs=100, latency_s=LATENCY_S)
    async with scene(sim) as on:
        for _ in range(RUNS):
            sim.reset()
            _place(sim, LEAVER, lambda n: list(range(3, n, n // OFFBOARD_ORGS))[:OFFBOARD_ORGS])
            _, card = await on.command(
                f"offboard user={LEAVER}", f"Confirm: remove {LEAVER} from {OFFBOARD_ORGS} orgs?"
            )
            took, _ = await on.confirm(card, f"Offboarding {LEAVER}: {OFFBOARD_ORGS} removed.")
            bot.append(took)
            sim.reset()
            orgs = _place(
                sim, LEAVER, lambda n: list(range(3, n, n // OFFBOARD_ORGS))[:OFFBOARD_ORGS]
            )
            user = sim.state.user_by_email(LEAVER)
            assert user is not None
            answer = await _reference(
                "offboard",
                url=sim.base_url,
                token=sim.token,
                instance=sim.instance_id,
                orgs=orgs,
                user=user.id,
            )
            if any(user.id in sim.state.orgs[org].roles for org in orgs):
                raise RuntimeError("the official client did not remove the leaver everywhere")
            ref.append(answer["seconds"])
    return _faster_row(
        f"offboard from {OFFBOARD_ORGS} orgs",
        bot,
        ref,
        reference=f"losant-rest, {OFFBOARD_ORGS} removals in turn",
        at_least=3,
        how="the org list by memberId, then the removals",
    )


async def measure_add() -> Row:
    bot: list[float] = []
    ref: list[float] = []
    sim = Simulator(latency_s=LATENCY_S)
    async with scene(sim) as on:
        for run in range(RUNS):
            emails = [f"new{run}.{n:03d}@corp.example" for n in range(ADD_PEOPLE)]
            sim.reset()
            acme = sim.state.find_org_by_name(ACME)
            assert acme is not None
            _, card = await on.command(
                f"add org={acme.id} " + " ".join(emails),
                f"Confirm: add {ADD_PEOPLE} people to {ACME} as view?",
            )
            took, _ = await on.confirm(card, f"Adding to {ACME} as view: {ADD_PEOPLE} added.")
            bot.append(took)
            sim.reset()
            answer = await _reference(
                "add",
                url=sim.base_url,
                token=sim.token,
                instance=sim.instance_id,
                org=acme.id,
                emails=emails,
            )
            if len(sim.state.orgs[acme.id].roles) != 12 + ADD_PEOPLE:
                raise RuntimeError("the official client did not add everyone")
            ref.append(answer["seconds"])
    return _faster_row(
        f"add of {ADD_PEOPLE} people",
        bot,
        ref,
        reference=f"losant-rest, {ADD_PEOPLE} adds in turn",
        at_least=4,
        how="one POST a person",
    )


def _faster_row(
    what: str, bot: list[float], ref: list[float], *, reference: str, at_least: float, how: str
) -> Row:
    """A row for work started by a Confirm click, timed until its outcome, beside the official
    client doing the same calls one after another."""
    ours, theirs = Runs.of(bot), Runs.of(ref)
    ratio = theirs.median / ours.median
    return Row(
        figure=f"{what}, Losant at {LATENCY_S * 1000:.0f} ms",
        measured=f"{ours.median:.2f} s",
        reference=f"{reference}: {theirs.median:.2f} s",
        target=f"≥ {at_least:g} x faster ({ratio:.1f} x)",
        met=ratio >= at_least,
        spread=f"{RUNS} runs each; bot {ours.span('{:.2f}')} s, "
        f"reference {theirs.span('{:.2f}')} s",
        notes=(
            f"bot: Confirm clicked until the outcome arrived ({how}, {FANOUT} at a time); "
            "the card before it is not timed",
        ),
        numbers={"bot_s": ours.median, "reference_s": theirs.median, "ratio": ratio},
    )


if __name__ == "__main__":
    print(json.dumps(_official(sys.argv[1], json.loads(sys.argv[2]))))
