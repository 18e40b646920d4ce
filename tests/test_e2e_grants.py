"""End to end: time-limited grants made by writers, ended by the sweep on an injected clock.

The real app runs between the Losant simulator and a fake Slack; time moves only when a
test moves the bot's clock and runs a sweep, as every process's timer would. What Losant
received is counted from the simulator's record, so "reverted once" means one write.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from bot.edges.store import GrantState
from bot.sandbox.simulator import RecordedRequest
from bot.usecases.clock import utc
from tests.harness import (
    READER,
    WRITER,
    Harness,
    ManualClock,
    acme_id,
    audit_lines,
    find_button,
    limit_problems,
    running_bot,
    text_of,
)

HOUR = 3600.0
AUDIT = "C0AUDIT"


def role_of(bot: Harness, email: str) -> str | None:
    member = bot.sim.state.find_member_by_email(acme_id(bot.sim), email)
    return member.role if member else None


def member_writes(bot: Harness, since: int = 0) -> list[RecordedRequest]:
    """The writes to Acme's members Losant received after the first ``since`` requests."""
    return [r for r in bot.sim.requests[since:] if r.method in ("POST", "PATCH", "DELETE")]


async def run(bot: Harness, text: str, *, user: str = WRITER) -> dict[str, Any]:
    """The final answer to ``/members text``, checked against Slack's limits."""
    answer = await bot.answer(await bot.command(text, user=user))
    assert [] == limit_problems(answer)
    return answer


def audit_texts(bot: Harness) -> list[str]:
    return [str(m.get("text", "")) for m in bot.slack.messages if m.get("channel") == AUDIT]


async def test_an_added_person_is_removed_when_the_grant_ends() -> None:
    """`add … for=2h` adds now; two hours later one sweep removes them with one DELETE."""
    clock = ManualClock()
    async with running_bot(clock, MEMBERS_AUDIT_CHANNEL=AUDIT) as bot:
        answer = await run(bot, "add org=Acme email=temp@acme.io role=edit for=2h")
        assert "Gave temp@acme.io `edit`" in text_of(answer)
        assert "edit" == role_of(bot, "temp@acme.io")
        before = len(bot.sim.requests)

        clock.advance(2 * HOUR - 1)
        early = await bot.sweep()
        clock.advance(1)
        report = await bot.sweep()

        assert (0, 1) == (early.reverted, report.reverted)
        assert role_of(bot, "temp@acme.io") is None
        assert ["DELETE"] == [r.method for r in member_writes(bot, before)]
        kinds = [e.kind for e in await bot.runtime.store.events.recent()]
        assert ["reverted", "granted"] == kinds
        assert any("removed them" in text for text in audit_texts(bot))


async def test_a_raised_role_goes_back_to_the_previous_one() -> None:
    """`role … role=edit for=1h` on a collaborator puts `collaborate` back at the end."""
    clock = ManualClock()
    async with running_bot(clock) as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")
        assert "edit" == role_of(bot, "linus@acme.io")

        clock.advance(HOUR)
        await bot.sweep()

        assert "collaborate" == role_of(bot, "linus@acme.io")
        patches = [r.json for r in member_writes(bot) if r.method == "PATCH"]
        assert [{"role": "edit"}, {"role": "collaborate"}] == patches


async def test_a_role_changed_meanwhile_is_left_alone_and_marked_drifted() -> None:
    """Someone else's change wins: no write at the end, `drifted`, and a word in the channel."""
    clock = ManualClock()
    async with running_bot(clock, MEMBERS_AUDIT_CHANNEL=AUDIT) as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")
        linus = bot.sim.state.find_member_by_email(acme_id(bot.sim), "linus@acme.io")
        assert linus is not None
        bot.sim.state.set_role(acme_id(bot.sim), linus.user.id, "view")
        before = len(bot.sim.requests)

        clock.advance(HOUR)
        report = await bot.sweep()
        listed = await run(bot, "grants")

        assert (1, []) == (report.drifted, member_writes(bot, before))
        assert "view" == role_of(bot, "linus@acme.io")
        [grant] = await bot.runtime.store.grants.drifted_since(utc(clock()) - timedelta(days=1))
        assert GrantState.DRIFTED == grant.state
        assert any("someone had changed their role" in t for t in audit_texts(bot))
        assert "drifted" in text_of(listed)


async def test_a_person_already_gone_counts_as_reverted() -> None:
    """Removed by someone else before the end: the grant ends as reverted, with no write."""
    clock = ManualClock()
    async with running_bot(clock) as bot:
        await run(bot, "add org=Acme email=temp@acme.io role=view for=1h")
        temp = bot.sim.state.find_member_by_email(acme_id(bot.sim), "temp@acme.io")
        assert temp is not None
        bot.sim.state.remove_member(acme_id(bot.sim), temp.user.id)
        before = len(bot.sim.requests)

        clock.advance(HOUR)
        report = await bot.sweep()

        assert (1, []) == (report.reverted, member_writes(bot, before))
        assert [] == await bot.runtime.store.grants.list_live()


async def test_extending_moves_the_one_end_instead_of_adding_a_clock() -> None:
    """`extend for=3h` after 1h makes one grant end 4h after the start, reverted once."""
    clock = ManualClock()
    async with running_bot(clock) as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=2h")
        clock.advance(HOUR)
        answer = await run(bot, "extend org=Acme user=linus@acme.io for=3h")
        assert "now ends" in text_of(answer)
        assert 1 == len(await bot.runtime.store.grants.list_live())

        clock.advance(2 * HOUR)
        at_first_end = await bot.sweep()
        clock.advance(HOUR)
        at_new_end = await bot.sweep()

        assert (0, 1) == (at_first_end.reverted, at_new_end.reverted)
        assert "collaborate" == role_of(bot, "linus@acme.io")


async def test_granting_again_moves_the_end_and_keeps_what_to_put_back() -> None:
    """A second `role … for=` on a live grant moves its end; the first previous role returns."""
    clock = ManualClock()
    async with running_bot(clock) as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")
        await run(bot, "role org=Acme user=linus@acme.io role=view for=3h")

        [grant] = await bot.runtime.store.grants.list_live()
        assert ("view", "collaborate") == (grant.role, grant.previous_role)
        clock.advance(3 * HOUR)
        await bot.sweep()
        assert "collaborate" == role_of(bot, "linus@acme.io")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            "role org=Acme user=ada@acme.io role=edit for=1h",
            "already `edit` in Acme; nothing to grant",
            id="already-has-it",
        ),
        pytest.param(
            "role org=Acme user=ada@acme.io role=admin for=5h",
            "`admin` may be granted for at most 4h",
            id="over-the-limit",
        ),
        pytest.param(
            "role org=Acme user=linus@acme.io role=edit for=1m",
            "lasts at least 5m",
            id="under-the-minimum",
        ),
        pytest.param(
            "add org=Acme email=ada@acme.io role=admin for=1h",
            "already a member of Acme, as `edit`",
            id="add-a-member",
        ),
        pytest.param(
            "extend org=Acme user=ada@acme.io for=1h",
            "has no time-limited grant",
            id="extend-nothing",
        ),
    ],
)
async def test_grants_that_cannot_be_made_are_refused_with_a_clear_word(
    text: str, said: str
) -> None:
    """Nothing to grant, or outside the limits: the reply says so and Losant gets no write."""
    async with running_bot() as bot:
        answer = await run(bot, text)

        assert said in text_of(answer)
        assert [] == bot.sim.writes()


async def test_a_grant_whose_write_surely_failed_is_void_and_says_nothing_changed() -> None:
    """Losant refusing the PATCH leaves no live grant behind, and the person is told."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="PATCH", status=400, body={"type": "Validation", "message": "no"})

        answer = await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")

        assert "Nothing was changed" in text_of(answer)
        assert [] == await bot.runtime.store.grants.list_live()
        assert "collaborate" == role_of(bot, "linus@acme.io")


async def test_a_time_limited_admin_is_confirmed_first_and_keeps_its_length() -> None:
    """Granting admin for 1h shows a Confirm card; the click grants it for that hour."""
    clock = ManualClock()
    async with running_bot(clock) as bot:
        card = await run(bot, "role org=Acme user=linus@acme.io role=admin for=1h")
        assert "for 1h" in text_of(card)
        assert [] == bot.sim.writes()

        sent = await bot.click(card, "members_confirm")
        assert "admin" in text_of(await bot.reply(sent))
        [grant] = await bot.runtime.store.grants.list_live()
        assert HOUR == (grant.ends_at - grant.created_at).total_seconds()

        clock.advance(HOUR)
        await bot.sweep()
        assert "collaborate" == role_of(bot, "linus@acme.io")


async def test_revoke_reverts_at_once() -> None:
    """`revoke` ends the grant now: the previous role is back before the reply."""
    async with running_bot() as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")

        answer = await run(bot, "revoke org=Acme user=linus@acme.io")

        assert "their role is `collaborate` again" in text_of(answer)
        assert "collaborate" == role_of(bot, "linus@acme.io")
        [event, *_] = await bot.runtime.store.events.recent()
        assert "reverted" == event.kind


async def test_the_list_offers_writers_end_now_and_extend_and_readers_nothing() -> None:
    """Writers see End now / Extend on each grant and End now reverts it; readers only read."""
    async with running_bot() as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=2h")

        as_writer = await run(bot, "grants org=Acme")
        as_reader = await run(bot, "grants", user=READER)
        assert "linus@acme.io" in text_of(as_reader)
        assert "grant_end" not in str(as_reader)

        sent = await bot.click(as_writer, "grant_end")
        [ended] = await bot.replies(sent)
        await bot.settle()

        assert "collaborate" == role_of(bot, "linus@acme.io")
        assert "again" in text_of(ended)
        assert find_button(as_writer, "grant_extend")["text"]["text"] == "Extend 2h"


async def test_the_extend_button_repeats_the_grants_length_from_now() -> None:
    """Extend on the list makes the grant end its length after the click."""
    clock = ManualClock()
    async with running_bot(clock) as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=2h")
        listed = await run(bot, "grants")
        clock.advance(HOUR)

        await bot.replies(await bot.click(listed, "grant_extend"))
        await bot.settle()

        [grant] = await bot.runtime.store.grants.list_live()
        assert 3 * HOUR == (grant.ends_at - grant.created_at).total_seconds()


async def test_a_revert_losant_fails_three_times_is_flagged_once_then_retried_to_success() -> None:
    """Three failed reverts back off (30 s, 60 s…), are flagged in the channel once and
    shown first in `grants`; when Losant recovers, the next sweep reverts it."""
    clock = ManualClock()
    async with running_bot(clock, MEMBERS_AUDIT_CHANNEL=AUDIT) as bot:
        await run(bot, "role org=Acme user=margaret@acme.io role=edit for=3h")
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")
        bot.sim.faults.add(method="PATCH", status=503, times=None)

        clock.advance(HOUR)
        reports = [await bot.sweep()]
        for wait_s in (30, 60):
            clock.advance(wait_s - 1)
            assert 0 == (await bot.sweep()).failed  # still backing off
            clock.advance(1)
            reports.append(await bot.sweep())
        listed = await run(bot, "grants")
        bot.sim.faults.clear()
        clock.advance(120)
        recovered = await bot.sweep()

        assert [(1, 0), (1, 0), (1, 1)] == [(r.failed, r.flagged) for r in reports]
        assert 1 == recovered.reverted
        assert "collaborate" == role_of(bot, "linus@acme.io")
        flagged = [t for t in audit_texts(bot) if "keeps failing" in t]
        assert 1 == len(flagged)
        first = text_of(listed).split("linus@acme.io", 1)[0]
        assert "margaret@acme.io" not in first
        assert "reverting fails (3 failed attempts" in text_of(listed)


async def test_a_revert_fifteen_minutes_late_is_flagged_even_before_three_failures() -> None:
    """A grant still live 15 minutes after its end is flagged once, whatever its tries."""
    clock = ManualClock()
    async with running_bot(clock, MEMBERS_AUDIT_CHANNEL=AUDIT) as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")
        bot.sim.faults.add(method="PATCH", status=503, times=None)

        clock.advance(HOUR)
        await bot.sweep()
        clock.advance(16 * 60)
        late = await bot.sweep()
        again = await bot.sweep()

        assert (1, 0) == (late.flagged, again.flagged)


async def test_a_grant_whose_write_outcome_is_unknown_stays_live_and_ends_safely() -> None:
    """Losant's answer lost and the read-back failing: the grant stays recorded, the person
    is told to check, and at the end the revert reads first and writes nothing needless."""
    clock = ManualClock()
    async with running_bot(clock) as bot:
        bot.sim.faults.add(method="PATCH", status=503)
        bot.sim.faults.add(method="GET", path=r"/members/[0-9a-f]{24}$", status=503, times=None)

        answer = await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")
        [grant] = await bot.runtime.store.grants.list_live()
        bot.sim.faults.clear()
        before = len(bot.sim.requests)
        clock.advance(HOUR)
        report = await bot.sweep()

        assert "could not tell whether it did" in text_of(answer)
        assert "edit" == grant.role
        assert (1, []) == (report.reverted, member_writes(bot, before))
        assert "collaborate" == role_of(bot, "linus@acme.io")


async def test_each_step_is_logged_with_the_audit_keys_and_its_grant(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """granted and reverted are audit lines with every usual key, plus step and grant ID,
    and the same steps are in the events table."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    clock = ManualClock()
    async with running_bot(clock) as bot:
        await run(bot, "role org=Acme user=linus@acme.io role=edit for=1h")
        clock.advance(HOUR)
        await bot.sweep()
        events = await bot.runtime.store.events.recent()

    records = [r for r in caplog.records if getattr(r, "event", None) == "audit"]
    steps = [(getattr(r, "step", None), getattr(r, "grant", None)) for r in records]
    grant_id = events[0].grant_id
    assert [("granted", grant_id), ("reverted", grant_id)] == steps
    assert [] == [line for line in audit_lines(caplog) if "<missing>" in line.values()]
    assert ["reverted", "granted"] == [e.kind for e in events]
