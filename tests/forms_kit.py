"""What the form and Home tab tests share: opening a form, filling it in as Slack reports it,
submitting it, typing into the org field, opening the Home tab.

Every step goes over the real app as Slack would drive it (signed payloads, the fake
Slack's views), so a test reads as what a person did: ``form = await open_form(bot,
"add")``, ``await submit(bot, form, org=acme, emails="new@x.io", role="edit")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.views.forms import FIELDS
from tests.fakes.signing import (
    app_home_opened_body,
    block_suggestion_body,
    shortcut_body,
    view_action_body,
    view_submission_body,
    with_state,
)
from tests.harness import WRITER, Harness, Sent


@dataclass
class Form:
    """A form on someone's screen, and the command that opened it (if one did)."""

    view: dict[str, Any]
    user: str
    opened_by: Sent | None = None


async def open_form(
    bot: Harness, text: str = "add", *, user: str = WRITER, channel: str = "C0GENERAL"
) -> Form:
    """``/members <text>`` (``add`` or ``request``); the modal it opened."""
    sent = await bot.command(text, user=user, channel=channel)
    assert 200 == sent.status
    await bot.settle()
    views = bot.slack.open_views(user)
    assert len(views) == 1, f"expected one modal, got {views!r} after {sent!r}"
    return Form(views[0], user, sent)


async def open_by_shortcut(bot: Harness, *, user: str) -> Form | None:
    """The global shortcut; the modal it opened, if any."""
    payload = shortcut_body(
        callback_id="request_losant_access", user_id=user, trigger_id=bot.slack.new_trigger_id(user)
    )
    assert 200 == (await bot.interact(payload)).status
    await bot.settle()
    views = bot.slack.open_views(user)
    return Form(views[-1], user) if views else None


def state(
    *,
    org: str | None = None,
    people: list[str] | None = None,
    emails: str | None = None,
    role: str | None = None,
    duration: str | None = None,
    reason: str | None = None,
) -> dict[str, dict[str, dict[str, Any]]]:
    """A form's ``state.values`` as Slack reports it: every field, empty ones as null."""

    def selected(value: str | None, kind: str) -> dict[str, Any]:
        option = {"text": {"type": "plain_text", "text": value}, "value": value} if value else None
        return {"type": kind, "selected_option": option}

    fields = {
        "org": selected(org, "external_select"),
        "people": {"type": "multi_users_select", "selected_users": people or []},
        "emails": {"type": "plain_text_input", "value": emails},
        "role": selected(role, "static_select"),
        "duration": selected(duration, "static_select"),
        "reason": {"type": "plain_text_input", "value": reason},
    }
    return {name: {FIELDS[name]: value} for name, value in fields.items()}


async def submit(bot: Harness, form: Form, *, user: str | None = None, **fields: Any) -> Sent:
    """Press the form's submit button with ``fields`` filled in; the ack is applied."""
    who = user or form.user
    view = with_state(form.view, state(**fields))
    payload = view_submission_body(view=view, user_id=who, trigger_id=bot.slack.new_trigger_id(who))
    sent = await bot.interact(payload)
    assert 200 == sent.status
    return sent


async def suggest(bot: Harness, form: Form, typed: str) -> list[dict[str, Any]]:
    """What the org field offers once ``typed`` is in it."""
    payload = block_suggestion_body(
        view=form.view, user_id=form.user, action_id=FIELDS["org"], value=typed, block_id="org"
    )
    sent = await bot.interact(payload)
    assert 200 == sent.status
    options: list[dict[str, Any]] = sent.ack["options"]
    return options


async def open_home(bot: Harness, user: str) -> dict[str, Any]:
    """Open the app's Home tab as ``user``; the view they then see."""
    event = app_home_opened_body(user_id=user, channel_id=bot.slack.dm_channel(user))
    assert 200 == (await bot.event(event)).status_code
    await bot.settle()
    home = bot.slack.home(user)
    assert home is not None, f"no Home tab was published for {user}"
    return home


async def click_home(
    bot: Harness, home: dict[str, Any], action_id: str, *, user: str, index: int = 0
) -> Sent:
    """Click the ``index``-th button ``action_id`` on ``user``'s Home tab."""
    block_id, button = home_buttons(home, action_id)[index]
    payload = view_action_body(
        view=home,
        action_id=action_id,
        user_id=user,
        trigger_id=bot.slack.new_trigger_id(user),
        value=button.get("value"),
        block_id=block_id,
    )
    sent = await bot.interact(payload)
    await bot.settle()
    return sent


def home_buttons(view: dict[str, Any], action_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every (block ID, button) with ``action_id`` in ``view``, in reading order."""
    found = []
    for block in view.get("blocks", []):
        elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        found += [
            (str(block.get("block_id", "")), e) for e in elements if e.get("action_id") == action_id
        ]
    return found
