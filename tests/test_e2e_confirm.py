"""End to end: the Confirm/Cancel card in front of remove and of granting admin.

The card's buttons carry the change itself, signed and with an expiry, so these tests
click them the way Slack would (signed ``block_actions``), edit them the way an
attacker would, and check what the person saw, what Losant received and what the
audit says.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from tests.harness import (
    GROUP,
    GROUP_MEMBER,
    STRANGER,
    WRITER,
    Harness,
    ManualClock,
    acme_id,
    audit_lines,
    find_button,
    limit_problems,
    role_in_acme,
    running_bot,
    text_of,
)

CONFIRM = "members_confirm"
CANCEL = "members_cancel"


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in message.get("blocks", [])
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


async def card_for(bot: Harness, text: str, *, user: str = WRITER) -> dict[str, Any]:
    """Run a command that needs confirming and return its card (nothing written yet)."""
    card = await bot.reply(await bot.command(text, user=user))
    assert [CONFIRM, CANCEL] == buttons(card), text_of(card)
    assert [] == bot.sim.writes()
    return card


async def click(
    bot: Harness, card: dict[str, Any], action: str, *, user: str = WRITER, value: str | None = None
) -> dict[str, Any]:
    """Click a button of ``card`` and return the one reply the click got."""
    sent = await bot.click(card, action, user=user, value=value)
    assert 200 == sent.status
    (reply,) = await bot.replies(sent)
    await bot.settle()
    assert [] == limit_problems(reply)
    return reply


def edit_value(value: str, **changes: Any) -> str:
    """``value`` with fields of its payload changed and the old signature kept."""
    body, _, mac = value.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(changes)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + mac


def payload_of(value: str) -> dict[str, Any]:
    body = value.partition(".")[0]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


@pytest.mark.parametrize(
    ("text", "question"),
    [
        pytest.param(
            "remove org=Acme user=ada@acme.io",
            "Remove ada@acme.io (now `edit`) from *Acme*?",
            id="remove",
        ),
        pytest.param(
            "role org=Acme user=ada@acme.io role=admin",
            "Make ada@acme.io (now `edit`) `admin` of *Acme*?",
            id="role-admin",
        ),
        pytest.param(
            "add org=Acme email=new.boss@acme.io role=admin",
            "Add new.boss@acme.io to *Acme* as `admin`?",
            id="add-admin",
        ),
    ],
)
async def test_risky_changes_ask_first_and_change_nothing(text: str, question: str) -> None:
    """remove, and granting admin, answer with a Confirm/Cancel card and write nothing."""
    async with running_bot() as bot:
        card = await card_for(bot, text)
        assert question == card["blocks"][0]["text"]["text"]
        assert "Only you can confirm this" in text_of(card)
        assert [] == limit_problems(card)
        assert find_button(card, CONFIRM)["value"] == find_button(card, CANCEL)["value"]
        assert "edit" == role_in_acme(bot.sim, "ada@acme.io")
        assert None is role_in_acme(bot.sim, "new.boss@acme.io")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("role org=Acme user=ada@acme.io role=view", id="role-non-admin"),
        pytest.param("role org=Acme user=bo@acme.io role=admin", id="already-admin"),
        pytest.param("add org=Acme email=x@acme.io role=edit", id="add-non-admin"),
    ],
)
async def test_changes_that_grant_no_admin_are_not_asked_twice(text: str) -> None:
    """Only remove and granting admin ask for confirmation; the rest answer at once."""
    async with running_bot() as bot:
        reply = await bot.reply(await bot.command(text))
        assert [] == buttons(reply)
        assert "Confirm" not in text_of(reply)


@pytest.mark.parametrize(
    ("text", "expected_write", "said", "email", "role_after"),
    [
        pytest.param(
            "remove org=Acme user=ada@acme.io",
            ("DELETE", None),
            "Removed ada@acme.io from *Acme*. Their role was `edit`.",
            "ada@acme.io",
            None,
            id="remove",
        ),
        pytest.param(
            "role org=Acme user=ada@acme.io role=admin",
            ("PATCH", {"role": "admin"}),
            "Changed the role of ada@acme.io in *Acme*: `edit` → `admin`.",
            "ada@acme.io",
            "admin",
            id="role-admin",
        ),
        pytest.param(
            "add org=Acme email=new.boss@acme.io role=admin",
            ("POST", {"email": "new.boss@acme.io", "role": "admin"}),
            "Added new.boss@acme.io to *Acme* as `admin`.",
            "new.boss@acme.io",
            "admin",
            id="add-admin",
        ),
    ],
)
async def test_confirm_by_the_invoker_makes_the_change_and_replaces_the_card(
    text: str,
    expected_write: tuple[str, Any],
    said: str,
    email: str,
    role_after: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The invoker's Confirm sends exactly one write and the card becomes the outcome."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        card = await card_for(bot, text)
        reply = await click(bot, card, CONFIRM)
        assert True is reply.get("replace_original")
        assert f":white_check_mark: {said}" == reply["blocks"][0]["text"]["text"]
        assert [expected_write] == [(w.method, w.json) for w in bot.sim.writes()]
        assert role_after == role_in_acme(bot.sim, email)
        assert [("done", WRITER)] == [(a["decision"], a["actor"]) for a in audit_lines(caplog)]


async def test_confirm_by_someone_else_is_refused_and_audited(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another writer clicking the invoker's Confirm changes nothing and is audited."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        card = await card_for(bot, "remove org=Acme user=ada@acme.io")
        reply = await click(bot, card, CONFIRM, user=GROUP_MEMBER)
        assert (
            f"Only <@{WRITER}>, who asked for this change, can confirm or cancel it. "
            "Nothing was changed."
        ) == reply["text"]
        assert False is reply.get("replace_original"), "the invoker's card stays"
        assert [] == bot.sim.writes()
        assert "edit" == role_in_acme(bot.sim, "ada@acme.io")
        (line,) = audit_lines(caplog)
        assert {
            "actor": GROUP_MEMBER,
            "subcommand": "remove",
            "org": acme_id(bot.sim),
            "target": "ada@acme.io",
            "decision": "refused",
        } == {k: line[k] for k in ("actor", "subcommand", "org", "target", "decision")}


async def test_cancel_by_someone_else_is_refused_too() -> None:
    """Only the invoker may cancel: someone else's Cancel leaves the card as it is."""
    async with running_bot() as bot:
        card = await card_for(bot, "remove org=Acme user=ada@acme.io")
        reply = await click(bot, card, CANCEL, user=STRANGER)
        assert False is reply.get("replace_original")
        assert "Only <@" in text_of(reply)


EXPIRED = "This confirmation has expired; run the command again. Nothing was changed."
REMOVED = "Removed ada@acme.io from *Acme*. Their role was `edit`."


@pytest.mark.parametrize(
    ("env", "elapsed_s", "said", "decision"),
    [
        pytest.param({"MEMBERS_CONFIRM_TTL_S": "1"}, 2, EXPIRED, "refused", id="ttl-1s-after-2s"),
        pytest.param({}, 599, REMOVED, "done", id="default-ttl-after-599s"),
        pytest.param({}, 601, EXPIRED, "refused", id="default-ttl-after-601s"),
    ],
)
async def test_a_confirm_after_expiry_is_refused(
    env: dict[str, str],
    elapsed_s: int,
    said: str,
    decision: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A Confirm clicked after MEMBERS_CONFIRM_TTL_S is refused, audited and changes nothing."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    clock = ManualClock()
    async with running_bot(clock, **env) as bot:
        card = await card_for(bot, "remove org=Acme user=ada@acme.io")
        clock.advance(elapsed_s)
        reply = await click(bot, card, CONFIRM)
        assert True is reply.get("replace_original"), "either way the card is done with"
        assert said == reply["text"]
        assert (said == REMOVED) == (role_in_acme(bot.sim, "ada@acme.io") is None)
        assert [(decision, "remove", acme_id(bot.sim), "ada@acme.io")] == [
            (a["decision"], a["subcommand"], a["org"], a["target"]) for a in audit_lines(caplog)
        ]


def _edited(bot: Harness, value: str, edit: str) -> str:
    """``value`` edited the way an attacker (or a broken client) might."""
    bo = bot.sim.state.find_member_by_email(acme_id(bot.sim), "bo@acme.io")
    assert bo is not None
    body, _, mac = value.partition(".")
    edits: dict[str, Callable[[], str]] = {
        "retargeted": lambda: edit_value(value, target=bo.user_id),
        "claimed-by-clicker": lambda: edit_value(value, by=STRANGER),
        "longer-expiry": lambda: edit_value(value, exp=payload_of(value)["exp"] + 86_400),
        "role-added": lambda: edit_value(value, op="role", role="admin"),
        "signature-cut": lambda: value[:-4],
        "signature-reversed": lambda: body + "." + mac[::-1],
        "no-signature": lambda: body,
        "junk": lambda: "definitely not a value",
    }
    return edits[edit]()


@pytest.mark.parametrize(
    ("edit", "clicker"),
    [
        pytest.param("retargeted", WRITER, id="retargeted"),
        pytest.param("claimed-by-clicker", STRANGER, id="claimed-by-clicker"),
        pytest.param("longer-expiry", WRITER, id="longer-expiry"),
        pytest.param("role-added", WRITER, id="role-added"),
        pytest.param("signature-cut", WRITER, id="signature-cut"),
        pytest.param("signature-reversed", WRITER, id="signature-reversed"),
        pytest.param("no-signature", WRITER, id="no-signature"),
        pytest.param("junk", WRITER, id="junk"),
    ],
)
async def test_a_tampered_value_is_refused_and_audited(
    edit: str, clicker: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Any edit to the signed value is refused, writes nothing and is audited."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        card = await card_for(bot, "remove org=Acme user=ada@acme.io")
        value = _edited(bot, find_button(card, CONFIRM)["value"], edit)
        reply = await click(bot, card, CONFIRM, user=clicker, value=value)
        assert (
            "This confirmation is not valid (it was changed or cut short); run the command "
            "again. Nothing was changed." == reply["text"]
        )
        assert False is reply.get("replace_original"), "the real card stays usable"
        assert [] == bot.sim.writes()
        assert [(clicker, "confirm", "refused")] == [
            (a["actor"], a["subcommand"], a["decision"]) for a in audit_lines(caplog)
        ]


async def test_a_value_signed_by_another_bot_is_refused() -> None:
    """A card made by a bot with another signing secret cannot be confirmed here."""
    async with running_bot() as other:
        card = await card_for(other, "remove org=Acme user=ada@acme.io")
    async with running_bot(SLACK_SIGNING_SECRET="another-secret-entirely-42") as bot:
        bot.secret = "another-secret-entirely-42"
        reply = await click(bot, card, CONFIRM)
        assert "This confirmation is not valid" in text_of(reply)
        assert [] == bot.sim.writes()


@pytest.mark.parametrize(
    ("text", "second_said"),
    [
        pytest.param(
            "remove org=Acme user=ada@acme.io",
            "ada@acme.io is no longer a member of *Acme*; there was nothing to remove.",
            id="remove",
        ),
        pytest.param(
            "role org=Acme user=ada@acme.io role=admin",
            "ada@acme.io already has the role `admin` in *Acme*; nothing changed.",
            id="role-admin",
        ),
        pytest.param(
            "add org=Acme email=new.boss@acme.io role=admin",
            "new.boss@acme.io is already a member of *Acme*, as `admin`.",
            id="add-admin",
        ),
    ],
)
async def test_confirming_twice_writes_once(text: str, second_said: str) -> None:
    """A second click on the same card reads first, finds it done, and sends no write."""
    async with running_bot() as bot:
        card = await card_for(bot, text)
        await click(bot, card, CONFIRM)
        again = await click(bot, card, CONFIRM)
        assert 1 == len(bot.sim.writes())
        assert second_said in text_of(again)


async def test_a_double_click_at_once_still_ends_in_one_removal() -> None:
    """Two Confirm clicks in flight together: the member is removed, neither reply is an error."""
    async with running_bot() as bot:
        card = await card_for(bot, "remove org=Acme user=ada@acme.io")
        first, second = await asyncio.gather(bot.click(card, CONFIRM), bot.click(card, CONFIRM))
        replies = [(await bot.replies(sent))[0] for sent in (first, second)]
        await bot.settle()
        assert None is role_in_acme(bot.sim, "ada@acme.io")
        assert [
            "Removed ada@acme.io from *Acme*. Their role was `edit`.",
            "ada@acme.io is no longer a member of *Acme*; there was nothing to remove.",
        ] == sorted(r["text"] for r in replies)


async def test_a_member_gone_before_the_delete_is_already_removed_not_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Losant's 404 to the DELETE (someone was quicker) means done: "nothing to remove"."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        card = await card_for(bot, "remove org=Acme user=ada@acme.io")
        bot.sim.faults.add(
            method="DELETE",
            status=404,
            body={"type": "NotFound", "message": "Member was not found"},
        )
        reply = await click(bot, card, CONFIRM)
        assert (
            "ada@acme.io is no longer a member of *Acme*; there was nothing to remove."
            == reply["text"]
        )
        assert [("DELETE", 404)] == [(w.method, w.status) for w in bot.sim.writes()]
        (record,) = [r for r in caplog.records if getattr(r, "event", None) == "audit"]
        assert ("done", True) == (
            getattr(record, "decision", None),
            getattr(record, "already", None),
        )


async def test_cancel_replaces_the_card_and_changes_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Cancel turns the card into "Cancelled. Nothing was changed." and writes nothing."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot() as bot:
        card = await card_for(bot, "remove org=Acme user=ada@acme.io")
        reply = await click(bot, card, CANCEL)
        assert True is reply.get("replace_original")
        assert "Cancelled. Nothing was changed." == reply["text"]
        assert [] == bot.sim.writes()
        assert "edit" == role_in_acme(bot.sim, "ada@acme.io")
        assert [] == audit_lines(caplog)


async def test_permission_is_checked_again_at_the_click(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A writer (by user group) who leaves the group before confirming is refused."""
    caplog.set_level(logging.INFO, logger="bot.audit")
    async with running_bot(MEMBERS_GROUP_CACHE_S="0") as bot:
        card = await card_for(bot, "remove org=Acme user=ada@acme.io", user=GROUP_MEMBER)
        bot.slack.add_group(GROUP, [])
        reply = await click(bot, card, CONFIRM, user=GROUP_MEMBER)
        assert "You may no longer make this change" in text_of(reply)
        assert [] == bot.sim.writes()
        assert "edit" == role_in_acme(bot.sim, "ada@acme.io")
        (line,) = audit_lines(caplog)
        assert (GROUP_MEMBER, "remove", "refused") == (
            line["actor"],
            line["subcommand"],
            line["decision"],
        )


async def test_a_writer_removed_from_the_settings_cannot_confirm_in_another_process() -> None:
    """A card made while its invoker could write is refused by a bot where they cannot."""
    async with running_bot() as before:
        card = await card_for(before, "remove org=Acme user=ada@acme.io")
    async with running_bot(MEMBERS_WRITERS=GROUP) as bot:
        reply = await click(bot, card, CONFIRM)
        assert "You may no longer make this change" in text_of(reply)
        assert [] == bot.sim.writes()


async def test_role_change_to_a_member_removed_meanwhile_says_so() -> None:
    """Confirming admin for someone removed since the card was drawn: a clear error, no write."""
    async with running_bot() as bot:
        card = await card_for(bot, "role org=Acme user=ada@acme.io role=admin")
        ada = bot.sim.state.find_member_by_email(acme_id(bot.sim), "ada@acme.io")
        assert ada is not None
        bot.sim.state.remove_member(acme_id(bot.sim), ada.user.id)
        reply = await click(bot, card, CONFIRM)
        assert "no longer a member of Acme" in text_of(reply)
        assert [] == bot.sim.writes()
