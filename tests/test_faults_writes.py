"""End to end: membership changes whose answer from Losant is lost, late or an error.

A POST, PATCH or DELETE that times out, gets a 5xx or loses its connection may or
may not have happened. The simulator can fail a write before handling it (it did
not happen) or after (``after_handling=True``: it happened, only the answer is
lost). In every case the bot must find out by reading back and tell the truth:
each test checks the reply against Losant's real state, counts the writes Losant
received (a member is never added twice), and checks the audit decision.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.harness import Harness, acme_id, audit_lines, role_in_acme, running_bot, text_of

NEW = "new.person@acme.io"
ADA = "ada@acme.io"  # an editor in Acme
VERIFIED = "the change was checked and is in place"
UNCHANGED = "Nothing was changed."
MEMBERS = r"/members$"
ONE_MEMBER = r"/members/[0-9a-f]{24}$"

# Each way a write's answer can go missing, as simulator fault arguments. The
# timeout holds the answer 3 s against the bot's 1 s per-call timeout.
LOST_ANSWERS = {
    "503": {"status": 503},
    "500-html": {"status": 500, "body": "<html>Internal Server Error</html>"},
    "504": {"status": 504},
    "dropped": {"drop": True},
    "timeout": {"delay_s": 3.0},
    "200-not-json": {"status": 200, "body": "<html>ok</html>"},
}


@pytest.fixture(autouse=True)
def _capture_audit(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.audit")


def writes(bot: Harness, method: str) -> list[int | None]:
    """The status Losant answered each write of ``method`` with (None: no answer)."""
    return [r.status for r in bot.sim.writes() if r.method == method]


def decisions(caplog: pytest.LogCaptureFixture) -> list[Any]:
    return [line["decision"] for line in audit_lines(caplog)]


async def add_new_person(bot: Harness) -> dict[str, Any]:
    sent = await bot.command(f"add org=Acme email={NEW}")
    return await bot.reply(sent)


async def remove_ada(bot: Harness) -> dict[str, Any]:
    """`remove` Ada and click Confirm; the reply that replaced the card."""
    card = await bot.reply(await bot.command(f"remove org=Acme user={ADA}"))
    return await bot.reply(await bot.click(card, "members_confirm"))


def fail_reads(bot: Harness, path: str, *, after: int = 0) -> None:
    """Let ``after`` reads of ``path`` through (the read before the write), then fail
    every one (the read-back after a lost write)."""
    if after:
        bot.sim.faults.add(method="GET", path=path, times=after)  # a rule that changes nothing
    bot.sim.faults.add(method="GET", path=path, status=503, times=None)


# ---- add (POST) ----------------------------------------------------------------------


@pytest.mark.parametrize("fault", [pytest.param(f, id=k) for k, f in LOST_ANSWERS.items()])
async def test_add_whose_answer_was_lost_after_it_landed_is_reported_done(
    fault: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """The POST happened but its answer was lost: the bot reads back, says "added"
    (and that it checked), sends no second POST, and audits "done"."""
    async with running_bot(LOSANT_TIMEOUT_S="1") as bot:
        bot.sim.faults.add(method="POST", path=MEMBERS, after_handling=True, **fault)
        reply = await add_new_person(bot)
        assert "view" == role_in_acme(bot.sim, NEW)
        assert f"Added {NEW}" in text_of(reply)
        assert VERIFIED in text_of(reply)
        assert 1 == len(writes(bot, "POST"))
        assert ["done"] == decisions(caplog)


@pytest.mark.parametrize(
    "fault",
    # A timeout is the next test; an injected 200 cannot be told apart from a handled one.
    [
        pytest.param(f, id=k)
        for k, f in LOST_ANSWERS.items()
        if k not in ("timeout", "200-not-json")
    ],
)
async def test_add_that_failed_before_landing_is_sent_once_more_and_added_once(
    fault: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """The POST failed before Losant made the change: reading back shows it missing,
    so it is sent once more; the member is added exactly once and audited "done"."""
    async with running_bot(LOSANT_TIMEOUT_S="1") as bot:
        bot.sim.faults.add(method="POST", path=MEMBERS, **fault)
        reply = await add_new_person(bot)
        assert "view" == role_in_acme(bot.sim, NEW)
        assert f"Added {NEW}" in text_of(reply)
        assert 2 == len(writes(bot, "POST"))
        assert 1 == writes(bot, "POST").count(200)
        assert ["done"] == decisions(caplog)


async def test_add_that_timed_out_before_landing_is_added_once() -> None:
    """A POST held past the bot's timeout: the read-back finds nothing, the second POST
    adds the member, and the late first one cannot add them again."""
    async with running_bot(LOSANT_TIMEOUT_S="1") as bot:
        bot.sim.faults.add(method="POST", path=MEMBERS, delay_s=3.0)
        reply = await add_new_person(bot)
        assert f"Added {NEW}" in text_of(reply)
        assert 1 == writes(bot, "POST").count(200)
        members = [m for m in bot.sim.state.members(acme_id(bot.sim)) if m.email == NEW]
        assert 1 == len(members)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 503, "times": 2}, id="503-twice"),
        pytest.param({"drop": True, "times": 2}, id="dropped-twice"),
    ],
)
async def test_add_that_keeps_failing_is_reported_not_done(
    fault: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Both tries fail and reading back shows no member: the reply says nothing was
    changed (never "added"), and the audit says "failed"."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="POST", path=MEMBERS, **fault)
        reply = await add_new_person(bot)
        assert role_in_acme(bot.sim, NEW) is None
        assert UNCHANGED in text_of(reply)
        assert "Added" not in text_of(reply)
        assert 2 == len(writes(bot, "POST"))
        assert ["failed"] == decisions(caplog)


async def test_add_refused_with_429_is_not_retried_and_not_done(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 429 on a POST means Losant did not do it: one POST, "busy, nothing changed"."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="POST", path=MEMBERS, status=429, headers={"Retry-After": "1"})
        reply = await add_new_person(bot)
        assert role_in_acme(bot.sim, NEW) is None
        assert [429] == writes(bot, "POST")
        assert UNCHANGED in text_of(reply)
        assert ["failed"] == decisions(caplog)
        assert [429] == [line["losant_status"] for line in audit_lines(caplog)]


@pytest.mark.parametrize("landed", [pytest.param(True, id="landed"), pytest.param(False, id="not")])
async def test_add_whose_read_back_fails_too_is_unknown_with_what_to_check(
    landed: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """POST answered 503 and every read afterwards fails: the reply says the outcome is
    unknown and how to check, the POST is not sent again, and the audit says "unknown"."""
    async with running_bot(LOSANT_RETRY_BUDGET_S="1") as bot:
        fail_reads(bot, MEMBERS, after=1)
        bot.sim.faults.add(method="POST", path=MEMBERS, status=503, after_handling=landed)
        reply = await add_new_person(bot)
        text = text_of(reply)
        assert ("view" if landed else None) == role_in_acme(bot.sim, NEW)
        assert "could not tell whether it did" in text
        assert "503" in text
        assert f"/members show org={acme_id(bot.sim)} user={NEW}" in text
        assert "Added" not in text
        assert [503] == writes(bot, "POST")
        assert ["unknown"] == decisions(caplog)


# ---- role (PATCH) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "landed", "patches"),
    [
        pytest.param({"status": 502}, True, 1, id="502-landed"),
        pytest.param({"status": 502}, False, 2, id="502-not-landed"),
        pytest.param({"drop": True}, True, 1, id="dropped-landed"),
        pytest.param({"delay_s": 3.0}, True, 1, id="timeout-landed"),
    ],
)
async def test_role_change_whose_answer_was_lost_tells_the_truth(
    fault: dict[str, Any], landed: bool, patches: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A PATCH whose answer was lost: read back, re-sent only if it did not land, and
    reported as changed once the role really is the new one."""
    async with running_bot(LOSANT_TIMEOUT_S="1") as bot:
        bot.sim.faults.add(method="PATCH", after_handling=landed, **fault)
        sent = await bot.command(f"role org=Acme user={ADA} role=view")
        reply = await bot.reply(sent)
        assert "view" == role_in_acme(bot.sim, ADA)
        assert f"Changed the role of {ADA}" in text_of(reply)
        assert (VERIFIED in text_of(reply)) is landed
        assert patches == len(writes(bot, "PATCH"))
        assert ["done"] == decisions(caplog)


async def test_role_change_that_keeps_failing_changes_nothing_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two 503s and a read-back showing the old role: "nothing was changed", "failed"."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="PATCH", status=503, times=2)
        reply = await bot.reply(await bot.command(f"role org=Acme user={ADA} role=view"))
        assert "edit" == role_in_acme(bot.sim, ADA)
        assert UNCHANGED in text_of(reply)
        assert "Changed" not in text_of(reply)
        assert ["failed"] == decisions(caplog)


async def test_role_change_whose_read_back_fails_is_unknown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A PATCH that timed out and a read-back that fails: "unknown", with what to check."""
    async with running_bot(LOSANT_TIMEOUT_S="1", LOSANT_RETRY_BUDGET_S="1") as bot:
        fail_reads(bot, ONE_MEMBER)
        bot.sim.faults.add(method="PATCH", delay_s=3.0, after_handling=True)
        reply = await bot.reply(await bot.command(f"role org=Acme user={ADA} role=view"))
        text = text_of(reply)
        assert "could not tell whether it did" in text
        assert f"user={ADA}" in text
        assert "Changed" not in text
        assert 1 == len(writes(bot, "PATCH"))
        assert ["unknown"] == decisions(caplog)


# ---- remove (DELETE, after Confirm) --------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "landed", "deletes"),
    [
        pytest.param({"status": 504}, True, 1, id="504-landed"),
        pytest.param({"status": 504}, False, 2, id="504-not-landed"),
        pytest.param({"drop": True}, True, 1, id="dropped-landed"),
        pytest.param({"drop": True}, False, 2, id="dropped-not-landed"),
        pytest.param({"delay_s": 3.0}, True, 1, id="timeout-landed"),
    ],
)
async def test_confirmed_remove_whose_answer_was_lost_tells_the_truth(
    fault: dict[str, Any], landed: bool, deletes: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A DELETE whose answer was lost: read back, re-sent only if the member is still
    there, and reported as removed once they really are gone."""
    async with running_bot(LOSANT_TIMEOUT_S="1") as bot:
        bot.sim.faults.add(method="DELETE", after_handling=landed, **fault)
        reply = await remove_ada(bot)
        assert role_in_acme(bot.sim, ADA) is None
        assert f"Removed {ADA}" in text_of(reply)
        assert (VERIFIED in text_of(reply)) is landed
        assert deletes == len(writes(bot, "DELETE"))
        assert ["done"] == decisions(caplog)


async def test_confirmed_remove_that_keeps_failing_removes_nothing_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two 500s and a read-back that still finds the member: "nothing was changed"."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="DELETE", status=500, times=2)
        reply = await remove_ada(bot)
        assert "edit" == role_in_acme(bot.sim, ADA)
        assert UNCHANGED in text_of(reply)
        assert "Removed" not in text_of(reply)
        assert ["failed"] == decisions(caplog)


async def test_confirmed_remove_whose_read_back_fails_is_unknown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A dropped DELETE and a failing read-back: "unknown", never "removed"."""
    async with running_bot(LOSANT_RETRY_BUDGET_S="1") as bot:
        bot.sim.faults.add(method="DELETE", drop=True, after_handling=True)
        card = await bot.reply(await bot.command(f"remove org=Acme user={ADA}"))
        fail_reads(bot, ONE_MEMBER)
        reply = await bot.reply(await bot.click(card, "members_confirm"))
        text = text_of(reply)
        assert role_in_acme(bot.sim, ADA) is None
        assert "could not tell whether it did" in text
        assert "Removed" not in text
        assert [None] == writes(bot, "DELETE")
        assert ["unknown"] == decisions(caplog)
