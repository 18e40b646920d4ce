"""End to end: ``/members add`` of many people at once (ARCHITECTURE.md §8).

People come as ``email=a,b``, ``user=@a,@b``, several keys, or a list pasted after
``add`` (commas, spaces, new lines, Slack's mailto and mention markup). Each ends on a
line of their own — added, already a member (role unchanged), not valid (why) or failed —
and one bad entry never blocks the rest. Anyone getting ``admin``, or more than ten
people, means one Confirm card first. What Losant received is counted, per person.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pytest

from bot.sandbox.simulator import RecordedRequest, Simulator
from tests.harness import (
    GROUP_MEMBER,
    Harness,
    acme_id,
    audit_lines,
    limit_problems,
    role_in_acme,
    running_bot,
    text_of,
)

CONFIRM = "members_confirm"
AUDIT_CHANNEL = "C0AUDIT"


def posts(bot: Harness, status: int | None = None) -> list[RecordedRequest]:
    return [
        w for w in bot.sim.writes() if w.method == "POST" and (status is None or w.status == status)
    ]


def posted_for(bot: Harness, email: str) -> int:
    return sum(1 for w in posts(bot) if (w.json or {}).get("email") == email)


def lines(reply: dict[str, Any]) -> dict[str, str]:
    """The reply's "• who — outcome" lines, as who -> outcome."""
    return dict(re.findall(r"^• (\S+) — (.+)$", text_of(reply), flags=re.MULTILINE))


async def answer(bot: Harness, text: str, **kw: Any) -> dict[str, Any]:
    reply = await bot.answer(await bot.command(text, **kw), wait_s=30)
    assert [] == limit_problems(reply)
    return reply


async def confirmed(bot: Harness, card: dict[str, Any], **kw: Any) -> dict[str, Any]:
    reply = await bot.reply(await bot.click(card, CONFIRM, **kw), wait_s=30)
    assert [] == limit_problems(reply)
    return reply


@pytest.mark.parametrize(
    "people",
    [
        pytest.param("email=ann@x.io,ben@y.io,cy@z.io", id="email-list"),
        pytest.param("email=ann@x.io email=ben@y.io user=cy@z.io", id="several-keys"),
        pytest.param("user=<@UANN0001|ann>,<@UBEN0001|ben>,<@UCY00001|cy>", id="mention-list"),
        pytest.param("<@UANN0001|ann> <@UBEN0001|ben> <@UCY00001|cy>", id="bare-mentions"),
        pytest.param("ann@x.io,\n<mailto:ben@y.io|ben@y.io>\n  <@UCY00001|cy>,", id="pasted-list"),
    ],
)
async def test_many_people_however_listed_are_each_added(people: str) -> None:
    """Every form of list adds each person once, as the role asked, with a line each."""
    async with running_bot() as bot:
        for user, email in [("UANN0001", "ann@x.io"), ("UBEN0001", "ben@y.io")]:
            bot.slack.add_user(user, email=email, name=email[:3])
        bot.slack.add_user("UCY00001", email="cy@z.io", name="cy")
        reply = await answer(bot, f"add org=Acme role=edit {people}")
        assert "Adding to Acme as edit: 3 added." == reply["text"]
        expected = dict.fromkeys(["ann@x.io", "ben@y.io", "cy@z.io"], "added as `edit`")
        assert expected == lines(reply)
        assert ["edit"] * 3 == [role_in_acme(bot.sim, e) for e in expected]
        assert 3 == len(posts(bot, status=200))


async def test_each_person_ends_on_their_own_line_and_a_bad_one_blocks_nobody() -> None:
    """New people are added; a member keeps their role; an entry that is no address, a
    Slack user without an email, and an address Losant refuses are each "not valid",
    with why; the others are added all the same."""
    refused = {"type": "Validation", "message": "email must be a valid email address"}
    text = (
        "add org=Acme role=edit refused@x.io, new1@x.io bo@acme.io notanemail "
        "<@UNOMAIL01|nomail> new2@x.io"
    )
    # One at a time, in the order typed, so the refusal meets the first POST: refused@x.io.
    async with running_bot(MEMBERS_FANOUT="1") as bot:
        bot.slack.add_user("UNOMAIL01", email=None, name="nomail")
        bot.sim.faults.add(method="POST", times=1, status=400, body=refused)
        reply = await answer(bot, text)
        said = lines(reply)
        assert "added as `edit`" == said.pop("new1@x.io") == said.pop("new2@x.io")
        assert "already a member, as `admin` (unchanged)" == said.pop("bo@acme.io")
        assert said.pop("refused@x.io").startswith("not valid: email must be a valid")
        assert said.pop("notanemail").startswith("not valid: not an email, a Losant user ID")
        assert said.pop("UNOMAIL01").startswith("not valid: Slack user UNOMAIL01 has no email")
        assert {} == said
        assert "admin" == role_in_acme(bot.sim, "bo@acme.io")
        assert None is role_in_acme(bot.sim, "refused@x.io")
        assert reply["text"].endswith("2 added · 1 already a member · 3 not valid.")


@pytest.mark.parametrize(
    ("people", "role", "asks"),
    [
        pytest.param(2, "admin", True, id="admin"),
        pytest.param(11, "view", True, id="eleven-people"),
        pytest.param(10, "edit", False, id="ten-people"),
    ],
)
async def test_admin_or_more_than_ten_people_asks_first(people: int, role: str, asks: bool) -> None:
    """Granting admin to anyone, or naming more than ten people, shows one card (nothing
    written until the invoker confirms); ten people without admin are added at once."""
    async with running_bot() as bot:
        emails = [f"p{n}@x.io" for n in range(people)]
        first = await answer(bot, f"add org=Acme role={role} {','.join(emails)}")
        if asks:
            assert f"Confirm: add {people} people to Acme as {role}?" == first["text"]
            assert set(emails) <= set(re.findall(r"^• (\S+)$", text_of(first), re.MULTILINE))
            assert [] == bot.sim.writes()
            refused = await bot.reply(await bot.click(first, CONFIRM, user=GROUP_MEMBER))
            assert "who asked for this change, can confirm" in text_of(refused)
            assert [] == bot.sim.writes()
            first = await confirmed(bot, first)
        assert f"Adding to Acme as {role}: {people} added." == first["text"]
        assert [role] * people == [role_in_acme(bot.sim, e) for e in emails]
        assert people == len(posts(bot))


async def test_a_hundred_pasted_people_fit_the_card_and_the_reply() -> None:
    """The most one add takes: the card and the outcome stay within Slack's limits, and
    each of the hundred is sent once."""
    async with running_bot() as bot:
        emails = [f"person.number{n:03d}@example-company.io" for n in range(100)]
        card = await answer(bot, "add org=Acme\n" + "\n".join(emails))
        assert "Confirm: add 100 people to Acme as view?" == card["text"]
        reply = await confirmed(bot, card)
        assert "Adding to Acme as view: 100 added." == reply["text"]
        assert sorted(emails) == sorted(w.json["email"] for w in posts(bot, status=200))


async def test_a_second_click_adds_nobody_twice() -> None:
    """A replayed Confirm changes nothing: everyone is already a member, as they were."""
    async with running_bot() as bot:
        card = await answer(bot, "add org=Acme role=admin a1@x.io,a2@x.io")
        await confirmed(bot, card)
        again = await confirmed(bot, card)
        assert "Adding to Acme as admin: 2 already a member." == again["text"]
        assert 2 == len(posts(bot, status=200))


async def test_writes_keep_to_members_fanout() -> None:
    """Ten people with MEMBERS_FANOUT=3: Losant never sees more than three calls at once,
    and does see three."""
    sim = Simulator(latency_s=0.02)
    async with running_bot(time.time, sim, MEMBERS_FANOUT="3") as bot:
        emails = [f"f{n}@x.io" for n in range(10)]
        reply = await answer(bot, f"add org=Acme {' '.join(emails)}")
        assert "10 added" in reply["text"]
        assert 3 == bot.sim.peak_in_flight


@pytest.mark.parametrize(
    ("times", "outcome", "added"),
    [
        pytest.param(1, "added as `view`", True, id="once-then-sent-again"),
        pytest.param(2, "failed: Service Unavailable", False, id="twice-failed"),
    ],
)
async def test_a_5xx_for_one_person_mid_way(times: int, outcome: str, added: bool) -> None:
    """The third POST gets a 503: read back (not there), it is sent once more; a second
    503 leaves that person "failed". Everyone else is added either way."""
    async with running_bot(MEMBERS_FANOUT="1") as bot:
        bot.sim.faults.add(method="POST", times=2)  # the first two pass untouched
        bot.sim.faults.add(method="POST", times=times, status=503)
        emails = [f"m{n}@x.io" for n in range(5)]
        reply = await answer(bot, f"add org=Acme {','.join(emails)}")
        said = lines(reply)
        assert outcome == said.pop("m2@x.io")
        assert dict.fromkeys(set(emails) - {"m2@x.io"}, "added as `view`") == said
        assert ("view" if added else None) == role_in_acme(bot.sim, "m2@x.io")
        assert 2 == posted_for(bot, "m2@x.io")


async def test_an_answer_lost_after_the_add_landed_is_read_back_as_added() -> None:
    """The third POST lands but its answer is lost: the read-back finds the person, so
    they are "added", and no second POST is sent for them."""
    async with running_bot(MEMBERS_FANOUT="1") as bot:
        bot.sim.faults.add(method="POST", times=2)
        bot.sim.faults.add(method="POST", drop=True, after_handling=True)
        emails = [f"m{n}@x.io" for n in range(5)]
        reply = await answer(bot, f"add org=Acme {','.join(emails)}")
        assert "Adding to Acme as view (the default role): 5 added." == reply["text"]
        assert 1 == posted_for(bot, "m2@x.io")
        assert "view" == role_in_acme(bot.sim, "m2@x.io")


async def test_the_run_is_audited_once_a_person_and_once_in_the_channel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A log line per person, and ONE channel message that names the role asked for,
    even when the first person named already had another."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_AUDIT_CHANNEL=AUDIT_CHANNEL) as bot:
        await answer(bot, "add org=Acme role=edit bo@acme.io,n1@x.io,oops")
        await bot.settle()
        logged = {line["target"]: line for line in audit_lines(caplog)}
        assert {"bo@acme.io", "n1@x.io", "oops"} == set(logged)
        assert {acme_id(bot.sim)} == {line["org"] for line in logged.values()}
        assert ("done", "done", "failed") == tuple(
            logged[t]["decision"] for t in ("bo@acme.io", "n1@x.io", "oops")
        )
        (message,) = [m["text"] for m in bot.slack.messages if m["channel"] == AUDIT_CHANNEL]
        assert message.startswith("<@UWRITER01> added people to Acme as edit: added n1@x.io")
        assert "already members bo@acme.io" in message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            "add org=Acme " + ",".join(f"u{n}@x.io" for n in range(101)),
            "That names 101 people; one `add` takes at most 100. Split the list",
            id="over-100",
        ),
        pytest.param(
            "add org=Acme role=boss a@x.io,b@x.io",
            "`boss` is not a valid `role`. Use one of `admin`, `edit`",
            id="no-such-role",
        ),
        pytest.param(
            "add org=Acme role=superuser a@x.io,b@x.io",
            "`superuser` is not a Losant role. Did you mean `admin`?",
            id="role-meant",
        ),
        pytest.param(
            "add org=Acme a@x.io admin b@x.io",
            "`admin` is a role, not a person: write `role=admin`.",
            id="role-in-the-list",
        ),
        pytest.param(
            "add org=Acme email=a@x.io,b@x.io for=2h",
            "time-limited grant, and those are one person at a time",
            id="for-with-several",
        ),
    ],
)
async def test_a_list_that_cannot_mean_what_was_meant_is_a_usage_error(
    text: str, said: str
) -> None:
    """Refused in the ack, naming the fix; Losant is never asked."""
    async with running_bot() as bot:
        sent = await bot.command(text)
        assert said in text_of(sent.ack)
        assert [] == limit_problems(sent.ack)
        assert [] == bot.sim.requests


async def test_an_org_name_with_markup_stays_inert_in_the_card_and_the_reply() -> None:
    """ "R&D <Labs>" is escaped in the fallback text and the blocks of both the card and
    the outcome, so no org name can mention or link anyone."""
    async with running_bot() as bot:
        card = await answer(bot, 'add org="R&D <Labs>" role=admin a@x.io,b@x.io')
        reply = await confirmed(bot, card)
        for message in (card, reply):
            assert "R&amp;D &lt;Labs&gt;" in message["text"]
            assert "<Labs>" not in text_of(message)
        assert "Adding to R&amp;D &lt;Labs&gt; as admin: 2 added." == reply["text"]


async def test_a_rate_limited_add_waits_as_losant_asks_and_adds_everyone() -> None:
    """Twenty people against a limit of 10 calls a second: the POSTs Losant refuses with
    429 are sent again, each after the Retry-After it named, and everyone is added."""
    async with running_bot(time.time, Simulator(rate=10)) as bot:
        emails = [f"r{n}@x.io" for n in range(20)]
        card = await answer(bot, "add org=Acme " + " ".join(emails))
        reply = await confirmed(bot, card)
        assert "Adding to Acme as view: 20 added." == reply["text"]
        refused = [w for w in posts(bot) if w.status == 429]
        assert refused, "the rate limit was never reached: the test shows nothing"
        for no in refused:
            again = [w for w in posts(bot) if w.json == no.json and w.arrived > no.arrived]
            assert again[0].arrived - no.arrived >= 0.95  # Retry-After: 1 (whole seconds)
        assert sorted(emails) == sorted(w.json["email"] for w in posts(bot, status=200))
