"""End to end: access requests, from `/members request` to the approvers' card, the first
decision, the grant it makes, the requester's direct messages, and expiry.

The card is clicked as Slack would deliver it from the approval channel; what each person
sees (the card updated in place, their DMs, their ephemeral answers) is read from the
fake Slack.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Any

import pytest

from bot.edges.store import RequestState
from bot.usecases.clock import utc
from tests.harness import (
    READER,
    WRITER,
    Harness,
    ManualClock,
    acme_id,
    audit_lines,
    limit_problems,
    running_bot,
    text_of,
)

HOUR = 3600.0
APPROVALS = "C0APPROVALS"
REQUESTER = "UASKER001"
APPROVER = "UAPPROVE1"
OTHER_APPROVER = "UAPPROVE2"
ENV = {
    "MEMBERS_APPROVAL_CHANNEL": APPROVALS,
    "MEMBERS_APPROVERS": f"{APPROVER} {OTHER_APPROVER} {WRITER}",
    "MEMBERS_REQUESTERS": "*",
}


def people(bot: Harness) -> None:
    """The Slack profiles the bot reads: the requester's email decides who gets access."""
    bot.slack.add_user(REQUESTER, email="linus@acme.io", name="linus")
    bot.slack.add_user(WRITER, email="writer.person@acme.io", name="writer")
    for approver in (APPROVER, OTHER_APPROVER):
        bot.slack.add_user(approver, email=f"{approver.lower()}@acme.io", name=approver)


def role_of(bot: Harness, email: str) -> str | None:
    member = bot.sim.state.find_member_by_email(acme_id(bot.sim), email)
    return member.role if member else None


def card(bot: Harness) -> dict[str, Any]:
    """The request card as the approval channel shows it now."""
    [shown] = [m for m in bot.slack.visible(APPROVER, APPROVALS) if not m.get("is_ephemeral")]
    return shown


async def ask(bot: Harness, text: str, *, user: str = REQUESTER) -> dict[str, Any]:
    answer = await bot.answer(await bot.command(text, user=user))
    assert [] == limit_problems(answer)
    return answer


async def click(bot: Harness, action: str, *, user: str) -> dict[str, Any]:
    """Click ``action`` on the card as ``user``; the one answer they get."""
    sent = await bot.click(card(bot), action, user=user, channel=APPROVALS)
    assert 200 == sent.status
    [answer] = await bot.replies(sent)
    await bot.settle()
    return answer


async def test_an_approved_request_grants_updates_the_card_and_tells_the_requester() -> None:
    """Request → card with Approve/Deny → Approve: the role is granted for the time asked,
    the card says who approved and until when, and the requester gets a DM."""
    clock = ManualClock()
    async with running_bot(clock, **ENV) as bot:
        people(bot)
        asked = await ask(bot, 'request org=Acme role=edit for=2h reason="debug ticket 42"')
        assert "Asked for `edit` in *Acme* for 2h" in text_of(asked)
        shown = text_of(card(bot))
        assert "linus@acme.io" in shown
        assert "debug ticket 42" in shown
        assert "Now: `collaborate`" in shown

        answer = await click(bot, "request_approve", user=APPROVER)

        assert "Approved" in text_of(answer)
        assert "edit" == role_of(bot, "linus@acme.io")
        assert f"Approved by <@{APPROVER}>" in text_of(card(bot))
        assert "request_approve" not in str(card(bot))
        assert "approved your request" in text_of(bot.dms(REQUESTER)[-1])
        [grant] = await bot.runtime.store.grants.list_live()
        assert 2 * HOUR == (grant.ends_at - grant.created_at).total_seconds()

        clock.advance(2 * HOUR)
        await bot.sweep()
        assert "collaborate" == role_of(bot, "linus@acme.io")
        assert "has ended" in text_of(bot.dms(REQUESTER)[-1])


async def test_a_requester_who_is_also_a_writer_and_approver_cannot_approve_it() -> None:
    """Self-approval is refused before any other rule, audited, and decides nothing."""
    async with running_bot(**ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=admin for=1h reason="release"', user=WRITER)

        answer = await click(bot, "request_approve", user=WRITER)

        assert "you cannot decide it" in text_of(answer)
        [request] = await bot.runtime.store.requests.pending_for_approver(APPROVER, _now())
        assert RequestState.PENDING == request.state
        assert [] == bot.sim.writes()


async def test_self_approval_is_audited_as_refused(caplog: pytest.LogCaptureFixture) -> None:
    """The refused click leaves an audit line saying why."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(**ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=view for=1h reason="look"', user=WRITER)

        await click(bot, "request_deny", user=WRITER)

        refused = [line for line in audit_lines(caplog) if line["decision"] == "refused"]
        assert [("deny", "writer.person@acme.io")] == [
            (line["subcommand"], line["target"]) for line in refused
        ]


async def test_two_simultaneous_approvals_make_one_grant_and_the_later_learns_who() -> None:
    """Two approvers click at once: one decision, one write; the other is told who decided."""
    async with running_bot(**ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=edit for=1h reason="pairing"')
        shown = card(bot)

        sent = await asyncio.gather(
            bot.click(shown, "request_approve", user=APPROVER, channel=APPROVALS),
            bot.click(shown, "request_approve", user=OTHER_APPROVER, channel=APPROVALS),
        )
        answers = [text_of((await bot.replies(s))[0]) for s in sent]
        await bot.settle()

        signed = bot.runtime.deps.operations.ref_opened(find_button_value(shown))
        request = await bot.runtime.store.requests.get(signed.id)
        assert request is not None
        winner = request.decided_by
        assert [f"Already approved by <@{winner}>"] == [
            a.split(" (")[0] for a in answers if "Already" in a
        ]
        assert 1 == len(bot.sim.writes())
        assert 1 == len(await bot.runtime.store.grants.list_live())


async def test_deny_updates_the_card_and_tells_the_requester() -> None:
    """Deny: nothing is granted, the card says who denied, the requester hears it."""
    async with running_bot(**ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=edit for=1h reason="pairing"')

        await click(bot, "request_deny", user=APPROVER)

        assert "collaborate" == role_of(bot, "linus@acme.io")
        assert f"Denied by <@{APPROVER}>" in text_of(card(bot))
        assert "denied your request" in text_of(bot.dms(REQUESTER)[-1])


async def test_an_undecided_request_expires_and_its_card_says_so() -> None:
    """After MEMBERS_REQUEST_TTL_S a sweep expires it: the card and the requester are told,
    and a late click decides nothing."""
    clock = ManualClock()
    async with running_bot(clock, MEMBERS_REQUEST_TTL_S="3600", **ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=edit for=1h reason="pairing"')

        before = card(bot)

        clock.advance(HOUR)
        report = await bot.sweep()
        sent = await bot.click(before, "request_approve", user=APPROVER, channel=APPROVALS)
        [late] = await bot.replies(sent)

        assert 1 == report.expired
        assert "expired" in text_of(late).lower()
        assert "request_approve" not in str(card(bot))
        assert "Expired" in text_of(card(bot))
        assert "expired" in text_of(bot.dms(REQUESTER)[-1])
        assert [] == bot.sim.writes()


async def test_an_admin_request_asks_the_approver_to_confirm() -> None:
    """Approving `admin` shows a Confirm first; only its click decides and grants."""
    async with running_bot(**ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=admin for=1h reason="release"')

        confirm = await click(bot, "request_approve", user=APPROVER)
        assert [] == bot.sim.writes()
        sent = await bot.click(confirm, "request_approve_confirm", user=APPROVER, channel=APPROVALS)
        [answer] = await bot.replies(sent)
        await bot.settle()

        assert "Approved" in text_of(answer)
        assert "admin" == role_of(bot, "linus@acme.io")


async def test_requests_lists_what_waits_for_the_caller() -> None:
    """Approvers see requests to decide, with buttons; requesters see their own."""
    async with running_bot(**ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=edit for=1h reason="pairing"')

        for_approver = await ask(bot, "requests", user=APPROVER)
        for_requester = await ask(bot, "requests")

        assert "request_approve" in str(for_approver)
        assert "Your open requests" in text_of(for_requester)
        assert "request_approve" not in str(for_requester)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            'request org=Acme role=collaborate for=1h reason="x"',
            "You already have `collaborate` in Acme",
            id="has-it",
        ),
        pytest.param(
            'request org=Acme role=admin for=1d reason="x"',
            "`admin` may be granted for at most 4h",
            id="over-the-limit",
        ),
    ],
)
async def test_requests_that_could_never_be_granted_are_refused(text: str, said: str) -> None:
    """A role they already have, or a length over the limit, is refused with a clear word."""
    async with running_bot(**ENV) as bot:
        people(bot)
        answer = await ask(bot, text)

        assert said in text_of(answer)
        assert [] == bot.slack.visible(APPROVER, APPROVALS)


async def test_requests_are_off_without_an_approval_channel() -> None:
    """With neither channel set, `request` says it is off and who can turn it on."""
    async with running_bot(MEMBERS_REQUESTERS="*") as bot:
        people(bot)
        answer = await ask(bot, 'request org=Acme role=edit for=1h reason="x"')

        assert "MEMBERS_APPROVAL_CHANNEL" in text_of(answer)


async def test_a_reader_not_listed_as_requester_is_refused() -> None:
    """MEMBERS_REQUESTERS replaces the default: a reader outside it may not request."""
    async with running_bot(**{**ENV, "MEMBERS_REQUESTERS": REQUESTER}) as bot:
        people(bot)
        answer = await ask(bot, 'request org=Acme role=edit for=1h reason="x"', user=READER)

        assert "MEMBERS_REQUESTERS" in text_of(answer)


async def test_ending_soon_is_told_once_and_asking_again_makes_a_new_request() -> None:
    """15 minutes before the end the requester gets one DM; its button asks again."""
    clock = ManualClock()
    async with running_bot(clock, **ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=edit for=2h reason="pairing"')
        await click(bot, "request_approve", user=APPROVER)

        clock.advance(2 * HOUR - 10 * 60)
        first, second = await bot.sweep(), await bot.sweep()
        warning = bot.dms(REQUESTER)[-1]
        sent = await bot.click(warning, "request_again", user=REQUESTER, channel=REQUESTER)
        [again] = await bot.replies(sent)
        await bot.settle()

        assert (1, 0) == (first.warned, second.warned)
        assert "Asked for `edit`" in text_of(again)
        [waiting] = await bot.runtime.store.requests.open_for_requester(REQUESTER, _now(clock))
        assert "to extend: pairing" == waiting.reason


def find_button_value(message: dict[str, Any]) -> str:
    """The signed value naming the request a card with its buttons is about."""
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            return str(element["value"])
    raise AssertionError("the card has no buttons left")


def _now(clock: ManualClock | None = None) -> datetime:
    return utc(clock() if clock else time.time())


async def test_a_card_slack_refuses_leaves_the_request_for_requests_to_show() -> None:
    """If the card cannot be posted, the requester is told, and approvers still see it."""
    async with running_bot(**ENV) as bot:
        people(bot)
        bot.slack.fail_api("chat.postMessage", error="not_in_channel")

        asked = await ask(bot, 'request org=Acme role=edit for=1h reason="pairing"')
        waiting = await ask(bot, "requests", user=APPROVER)

        assert "could not be posted" in text_of(asked)
        assert "request_approve" in str(waiting)


async def test_a_card_that_cannot_be_updated_does_not_undo_the_decision() -> None:
    """Slack refusing chat.update is logged; the grant and the requester's DM stand."""
    async with running_bot(**ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=edit for=1h reason="pairing"')
        bot.slack.fail_api("chat.update", error="message_not_found")

        answer = await click(bot, "request_approve", user=APPROVER)

        assert "Approved" in text_of(answer)
        assert "edit" == role_of(bot, "linus@acme.io")
        assert "approved your request" in text_of(bot.dms(REQUESTER)[-1])


async def test_help_offers_request_to_a_requester_who_may_not_read() -> None:
    """Someone allowed only to ask for access sees `request` and `requests` in help."""
    async with running_bot(**ENV) as bot:
        answer = await ask(bot, "help", user="UNOBODY01")

        assert "/members request org=" in text_of(answer)
        assert "/members list" not in text_of(answer)


async def test_an_edited_approve_value_is_refused_and_decides_nothing() -> None:
    """Approve carries a signed value: the bare request ID, or any edit, is refused."""
    async with running_bot(**ENV) as bot:
        people(bot)
        await ask(bot, 'request org=Acme role=edit for=1h reason="pairing"')
        shown = card(bot)
        signed = bot.runtime.deps.operations.ref_opened(find_button_value(shown))

        sent = await bot.click(
            shown, "request_approve", user=APPROVER, channel=APPROVALS, value=signed.id
        )
        answer = text_of((await bot.replies(sent))[0])
        await bot.settle()

        request = await bot.runtime.store.requests.get(signed.id)
        assert request is not None
        assert ("pending", []) == (request.state.value, bot.sim.writes())
        assert "not one the bot made" in answer
