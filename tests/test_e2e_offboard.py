"""End to end: ``/members offboard`` — one Confirm card, then the person leaves every org
(ARCHITECTURE.md §8).

``bo@acme.io`` is in seven orgs of the simulator seeded with generated orgs: Acme (admin),
Acme Staging (edit), Umbrella (view), and the first four generated ones, where they are
the *only* admin of Northwind Labs 0001, so Losant refuses to remove them there. Each
test checks what the person saw, what Losant received (the DELETEs are counted), and
for the run as a whole, the audit: a log line per org and one channel message.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

import pytest

from bot.sandbox.simulator import Simulator
from bot.sandbox.simulator.scale import BO
from tests.harness import (
    GROUP_MEMBER,
    Harness,
    ManualClock,
    audit_lines,
    limit_problems,
    running_bot,
    text_of,
)

CONFIRM = "members_confirm"
LAST_ADMIN_OF = "Northwind Labs 0001"
BO_ROLES = {
    "Acme": "admin",
    "Acme Staging": "edit",
    "Contoso Labs 0002": "edit",
    "Fabrikam Labs 0003": "view",
    LAST_ADMIN_OF: "admin",
    "Tailspin Labs 0004": "collaborate",
    "Umbrella": "view",
}
AUDIT_CHANNEL = "C0AUDIT"


def seeded(**options: Any) -> Simulator:
    return Simulator(orgs=20, **options)


def org_id(bot: Harness, name: str) -> str:
    org = bot.sim.state.find_org_by_name(name)
    assert org is not None, name
    return org.id


def bo_roles(bot: Harness) -> dict[str, str]:
    """Where bo is now, by org name."""
    bo = bot.sim.state.user_by_email(BO)
    assert bo is not None
    return {o.name: o.roles[bo.id] for o in bot.sim.state.orgs.values() if bo.id in o.roles}


def deletes(bot: Harness, status: int | None = None) -> list[str]:
    """The org IDs of the DELETEs Losant received (answered ``status``, if given)."""
    return [
        w.path.split("/")[4]
        for w in bot.sim.writes()
        if w.method == "DELETE" and (status is None or w.status == status)
    ]


def lines(reply: dict[str, Any]) -> dict[str, str]:
    """The reply's "• Org (`role`) — outcome" lines, as org name -> outcome."""
    found = re.findall(r"^• (.+?) \(`\w+`\) — (.+)$", text_of(reply), flags=re.MULTILINE)
    return dict(found)


async def card_for(bot: Harness, text: str = f"offboard user={BO}", **kw: Any) -> dict[str, Any]:
    card = await bot.reply(await bot.command(text, **kw), wait_s=30)
    assert [] == limit_problems(card)
    return card


async def confirmed(bot: Harness, card: dict[str, Any], **kw: Any) -> dict[str, Any]:
    reply = await bot.reply(await bot.click(card, CONFIRM, **kw), wait_s=30)
    assert [] == limit_problems(reply)
    return reply


async def test_the_card_lists_each_org_and_role_and_changes_nothing() -> None:
    """One card: every org bo is in with the role there, a Confirm only the invoker may
    press, and when it expires; nothing is written yet."""
    async with running_bot(time.time, seeded()) as bot:
        card = await card_for(bot)
        assert "Confirm: remove bo@acme.io from 7 orgs?" == card["text"]
        said = text_of(card)
        listed = dict(re.findall(r"^• (.+) — `(\w+)`$", said, flags=re.MULTILINE))
        assert BO_ROLES == listed
        assert "Only you can confirm this. It expires" in said
        assert [] == bot.sim.writes()


async def test_confirming_removes_org_by_org_and_says_how_each_ended() -> None:
    """After the click bo is out of six orgs and kept in the one they alone administer;
    one DELETE an org, and the reply says so org by org."""
    async with running_bot(time.time, seeded()) as bot:
        reply = await confirmed(bot, await card_for(bot))
        assert "Offboarding bo@acme.io: 6 removed · 1 kept." == reply["text"]
        outcomes = lines(reply)
        assert "kept: they are its last admin; Losant refuses" == outcomes.pop(LAST_ADMIN_OF)
        assert dict.fromkeys(set(BO_ROLES) - {LAST_ADMIN_OF}, "removed") == outcomes
        assert {LAST_ADMIN_OF: "admin"} == bo_roles(bot)
        assert sorted(org_id(bot, name) for name in BO_ROLES) == sorted(deletes(bot))
        assert [org_id(bot, LAST_ADMIN_OF)] == deletes(bot, status=400)


@pytest.mark.parametrize("how", ["someone-else", "expired", "edited"])
async def test_a_click_that_is_not_the_invokers_own_and_fresh_removes_nothing(how: str) -> None:
    """Another writer's click, a click after the card expired and an edited value are
    each refused, and Losant sees no DELETE."""
    clock = ManualClock()
    async with running_bot(clock, seeded()) as bot:
        card = await card_for(bot)
        if how == "someone-else":
            sent = await bot.click(card, CONFIRM, user=GROUP_MEMBER)
            expected = "Only <@UWRITER01>, who asked for this change, can confirm"
        elif how == "expired":
            clock.advance(601)
            sent = await bot.click(card, CONFIRM)
            expected = "This confirmation has expired"
        else:
            value = find_value(card)
            sent = await bot.click(card, CONFIRM, value=value[:-3] + "AAA")
            expected = "This confirmation is not valid"
        reply = await bot.reply(sent)
        assert expected in text_of(reply)
        assert [] == bot.sim.writes()
        assert BO_ROLES == bo_roles(bot)


def find_value(card: dict[str, Any]) -> str:
    for block in card["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == CONFIRM:
                return str(element["value"])
    raise AssertionError("no Confirm button")


async def test_a_second_click_on_the_same_card_removes_nothing_again() -> None:
    """A replayed Confirm reads first: the six orgs already done get no DELETE, and the
    reply says bo was already not a member there."""
    async with running_bot(time.time, seeded()) as bot:
        card = await card_for(bot)
        await confirmed(bot, card)
        before = len(deletes(bot))
        again = await confirmed(bot, card)
        assert "Offboarding bo@acme.io: 6 already not a member · 1 kept." == again["text"]
        # Only the org that still has them is asked again, and Losant still refuses it.
        assert [org_id(bot, LAST_ADMIN_OF)] == deletes(bot)[before:]
        assert len(BO_ROLES) - 1 == len(deletes(bot, status=200))


@pytest.mark.parametrize("cards", [1, 2], ids=["double-click", "two-offboards"])
async def test_two_confirmations_at_once_remove_each_org_once(cards: int) -> None:
    """A double click, or two people's offboards of bo confirmed together: each org is
    removed once (Losant's 404 to a second DELETE is "already not a member"), and
    neither reply reports a failure."""
    async with running_bot(time.time, seeded()) as bot:
        first = await card_for(bot)
        second = first if cards == 1 else await card_for(bot)
        clicks = await asyncio.gather(bot.click(first, CONFIRM), bot.click(second, CONFIRM))
        replies = [await bot.reply(sent, wait_s=30) for sent in clicks]
        assert {LAST_ADMIN_OF: "admin"} == bo_roles(bot)
        assert len(BO_ROLES) - 1 == len(deletes(bot, status=200))
        assert len(set(deletes(bot, status=200))) == len(deletes(bot, status=200))
        for reply in replies:
            assert [] == limit_problems(reply)
            assert "failed" not in reply["text"]
            assert "unknown" not in reply["text"]
        removed = [lines(r).get(name) for r in replies for name in BO_ROLES]
        assert len(BO_ROLES) - 1 == removed.count("removed")


@pytest.mark.parametrize(
    ("times", "outcome", "still_in"),
    [
        pytest.param(1, "removed", False, id="once-then-sent-again"),
        pytest.param(2, "failed, nothing changed: Service Unavailable", True, id="twice-failed"),
    ],
)
async def test_a_5xx_on_one_orgs_delete_is_that_org_alone(
    times: int, outcome: str, still_in: bool
) -> None:
    """Losant answers 503 to the DELETE in Acme Staging: read back (still a member), it is
    sent once more; a second 503 leaves that org "failed, nothing changed". The other
    orgs are not held up either way."""
    async with running_bot(time.time, seeded()) as bot:
        staging = org_id(bot, "Acme Staging")
        bot.sim.faults.add(method="DELETE", path=f"/orgs/{staging}/", status=503, times=times)
        reply = await confirmed(bot, await card_for(bot))
        outcomes = lines(reply)
        assert outcome == outcomes["Acme Staging"]
        assert 5 == list(outcomes.values()).count("removed") - (1 if not still_in else 0)
        assert ("Acme Staging" in bo_roles(bot)) is still_in
        assert 2 == deletes(bot).count(staging)


async def test_another_refusal_of_an_admins_removal_is_failed_in_losants_words() -> None:
    """A 400 that is not about the last admin (bo is one of Acme's two) is no "kept":
    the line says Losant's own words, and nothing changed there."""
    async with running_bot(time.time, seeded()) as bot:
        card = await card_for(bot)
        refusal = {"type": "Validation", "message": "This organization is read only"}
        path = f"/orgs/{org_id(bot, 'Acme')}/"
        bot.sim.faults.add(method="DELETE", path=path, status=400, body=refusal)
        reply = await confirmed(bot, card)
        assert "failed, nothing changed: This organization is read only" == lines(reply)["Acme"]
        assert "admin" == bo_roles(bot)["Acme"]


async def test_an_answer_lost_after_the_delete_landed_is_read_back_as_removed() -> None:
    """The DELETE in Contoso Labs 0002 happens but its answer is lost: reading bo back
    shows them gone, so the org is "removed", and no second DELETE is sent."""
    async with running_bot(time.time, seeded()) as bot:
        contoso = org_id(bot, "Contoso Labs 0002")
        bot.sim.faults.add(
            method="DELETE", path=f"/orgs/{contoso}/", drop=True, after_handling=True
        )
        reply = await confirmed(bot, await card_for(bot))
        assert "removed" == lines(reply)["Contoso Labs 0002"]
        assert "Offboarding bo@acme.io: 6 removed · 1 kept." == reply["text"]
        assert [contoso] == [d for d in deletes(bot) if d == contoso]


async def test_an_org_whose_outcome_cannot_be_read_back_says_what_to_check() -> None:
    """A 503 to the DELETE and to every read of bo in Fabrikam Labs 0003: nobody knows,
    and the line says so, with the `show` command that will tell."""
    async with running_bot(time.time, seeded(), LOSANT_RETRY_BUDGET_S="0.5") as bot:
        fabrikam = org_id(bot, "Fabrikam Labs 0003")
        card = await card_for(bot)
        bot.sim.faults.add(method="DELETE", path=f"/orgs/{fabrikam}/", status=503)
        bot.sim.faults.add(method="GET", path=f"/orgs/{fabrikam}/members/", status=503, times=None)
        reply = await confirmed(bot, card)
        assert "Offboarding bo@acme.io: 5 removed · 1 kept · 1 outcome unknown." == reply["text"]
        line = lines(reply)["Fabrikam Labs 0003"]
        assert line.startswith("outcome unknown: Losant answered 503")
        assert f"Check with `/members show org={fabrikam} user=bo@acme.io`" in line


async def test_the_run_is_audited_once_an_org_and_once_in_the_channel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One audit log line per org (done, or failed for the kept org), and ONE message in
    the audit channel for the whole offboard."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(time.time, seeded(), MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        await confirmed(bot, await card_for(bot))
        await bot.settle()
        logged = audit_lines(caplog)
        assert sorted(org_id(bot, name) for name in BO_ROLES) == sorted(
            line["org"] for line in logged
        )
        assert {("offboard", BO)} == {(line["subcommand"], line["target"]) for line in logged}
        decisions = sorted(line["decision"] for line in logged)
        assert ["done"] * 6 + ["failed"] == decisions
        (message,) = [m for m in bot.slack.messages if m["channel"] == AUDIT_CHANNEL]
        assert message["text"].startswith("<@UWRITER01> offboarded bo@acme.io: removed from ")
        assert f"kept or failed in {LAST_ADMIN_OF}" in message["text"]


async def test_offboarding_someone_in_no_org_asks_nothing() -> None:
    """Nobody to remove: the answer says so, with no card to confirm."""
    async with running_bot(time.time, seeded()) as bot:
        reply = await bot.answer(await bot.command("offboard user=gone@acme.io"))
        assert "gone@acme.io is not a member of any org (searched all 28 orgs)." == reply["text"]
        assert "actions" not in {b["type"] for b in reply["blocks"]}


async def test_progress_is_shown_in_place_of_the_card() -> None:
    """On a slow Losant the card becomes "Working on it… n of 7 orgs done", updated in
    place, then the outcome; every post replaces the one before."""
    sim = seeded(latency_s=0.5)
    async with running_bot(time.time, sim, MEMBERS_FANOUT="1", LOSANT_TIMEOUT_S="5") as bot:
        card = await card_for(bot)
        click = await bot.click(card, CONFIRM)
        await bot.settle(60)
        posts = [p for p in bot.slack.responses if p.url == click.response_url]
        assert all(p.status == 200 for p in posts)
        assert all(p.payload.get("replace_original") is True for p in posts)
        *notes, final = [p.payload["text"] for p in posts]
        assert 2 <= len(notes) <= 4
        done = [int(m.group(1)) for n in notes if (m := re.search(r"(\d) of 7 orgs done", n))]
        assert done == sorted(done)
        assert len(set(done)) == len(done) >= 1
        assert "Offboarding bo@acme.io: 6 removed · 1 kept." == final
        # What the invoker sees in the end is the outcome alone, where the card was.
        shown = bot.slack.visible("UWRITER01", "C0GENERAL")
        assert [final] == [m["text"] for m in shown if "bo@acme.io" in m.get("text", "")]


@pytest.mark.slow
async def test_a_long_offboard_never_posts_more_than_slack_takes() -> None:
    """Twelve orgs one at a time on a slow Losant: at most four notes and the outcome, so
    the response_url's five posts are never exceeded, and the outcome is not lost."""
    sim = seeded(latency_s=1.0)
    async with running_bot(time.time, sim, MEMBERS_FANOUT="1", LOSANT_TIMEOUT_S="5") as bot:
        bo = bot.sim.state.user_by_email(BO)
        assert bo is not None
        for org in list(bot.sim.state.orgs.values())[-5:]:
            org.roles[bo.id] = "view"
        click = await bot.click(await card_for(bot), CONFIRM)
        await bot.settle(60)
        posts = [p for p in bot.slack.responses if p.url == click.response_url]
        assert 5 == len(posts)
        assert all(p.status == 200 for p in posts)
        assert posts[-1].payload["text"].startswith("Offboarding bo@acme.io: 11 removed")


async def test_someone_in_300_orgs_gets_a_card_and_an_outcome_within_slacks_limits() -> None:
    """A person in 300 orgs: the card lists what its button covers (the rest, if any,
    is said to need a second offboard), the outcome fits too, and exactly the covered
    orgs lose them."""
    async with running_bot(time.time, Simulator(orgs=400)) as bot:
        everywhere = bot.sim.state.add_user("everywhere@acme.io")
        for org in list(bot.sim.state.orgs.values())[:300]:
            org.roles[everywhere.id] = "view"
        card = await card_for(bot, "offboard user=everywhere@acme.io")
        said = re.match(r"Confirm: remove everywhere@acme.io from (\d+) orgs\?", card["text"])
        assert said is not None
        covered = int(said[1])
        rest = 300 - covered
        assert (f"{rest} more orgs: run offboard again" in text_of(card)) is (rest > 0)
        reply = await confirmed(bot, card)
        assert f"Offboarding everywhere@acme.io: {covered} removed." == reply["text"]
        left = [o for o in bot.sim.state.orgs.values() if everywhere.id in o.roles]
        assert rest == len(left)
        assert covered == len(deletes(bot, status=200))


async def test_a_rate_limited_offboard_waits_as_losant_asks() -> None:
    """Under a limit of 5 calls a second the DELETEs Losant refuses with 429 are sent
    again after its Retry-After, and the outcome is as without a limit."""
    async with running_bot(time.time, seeded(rate=5), LOSANT_RETRY_BUDGET_S="20") as bot:
        card = await card_for(bot)
        reply = await confirmed(bot, card)
        assert "Offboarding bo@acme.io: 6 removed · 1 kept." == reply["text"]
        assert deletes(bot, status=429), "the rate limit was never reached"
        assert len(BO_ROLES) - 1 == len(deletes(bot, status=200))
