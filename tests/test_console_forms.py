"""The console's forms and Home tab: filled in and read as text, and driven from piped lines."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.console.form_text import (
    FormOnScreen,
    parse_fill,
    render_form,
    static_choice,
    users_of,
)
from bot.usecases.durations import GrantLimits
from handlers.views.forms import duration_choices, render_request_form
from tests.process import run

PEOPLE = {"U0BO": ("bo@acme.io", "bo"), "U0ADA": ("ada@acme.io", "ada")}


def request_form() -> FormOnScreen:
    view = render_request_form(
        metadata="m.m", durations=duration_choices(GrantLimits.parse("")), answer_in_dm=True
    )
    return FormOnScreen({**view, "id": "V1"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            ' org=Acme reason="debug 42"', {"org": "Acme", "reason": "debug 42"}, id="quoted"
        ),
        pytest.param("ROLE=edit", {"role": "edit"}, id="any-case-field"),
        pytest.param(
            "org Acme", "`org` is not field=value. Example: fill org=Acme role=edit", id="no-equals"
        ),
    ],
)
def test_fill_reads_fields_and_values(text: str, expected: dict[str, str] | str) -> None:
    """`fill` takes field=value pairs, quoted when they have spaces."""
    assert expected == parse_fill(text)


def test_choices_are_picked_by_value_or_the_start_of_their_label() -> None:
    """`role=edi` picks the editor, `duration=2H` two hours; `duration=1` is unclear."""
    form = request_form()
    role, duration = form.element("role"), form.element("duration")

    assert ["edit", "edit", "2h", None, None] == [
        (static_choice(element, typed) or {}).get("value")
        for element, typed in (
            (role, "EDIT"),
            (role, "edi"),
            (duration, "2H"),
            (duration, "1"),
            (role, "x"),
        )
    ]


def test_people_are_named_as_mentions() -> None:
    """`people=@bo,U0ADA` are user IDs; someone unknown is said so."""
    assert ["U0BO", "U0ADA"] == users_of("@bo, U0ADA", PEOPLE)
    assert "Nobody called @cy here; the people are @bo, @ada." == users_of("@bo @cy", PEOPLE)


def test_a_form_is_sent_with_every_field_as_slack_reports_it() -> None:
    """What was filled in is sent as chosen; the rest as Slack sends an untouched field."""
    form = request_form()
    form.set("reason", {"type": "plain_text_input", "value": "debug"}, "debug")

    values: dict[str, Any] = form.state_values()

    assert {
        "org": {"form_org": {"type": "external_select", "selected_option": None}},
        "role": {"form_role": {"type": "static_select", "selected_option": None}},
        "duration": {"form_duration": {"type": "static_select", "selected_option": None}},
        "reason": {"form_reason": {"type": "plain_text_input", "value": "debug"}},
    } == values


def test_a_form_reads_as_text_with_its_errors() -> None:
    """Each field shows its label, what it holds and, under it, what to fix."""
    form = request_form()
    form.set("reason", {"type": "plain_text_input", "value": "debug"}, "debug")

    text = render_form(form, {"org": "Choose an org."})

    assert text.startswith("┌ Request Losant access  (submit: Request)\n│ org: Org = —\n")
    assert "│   ! Choose an org." in text
    assert "│ reason: Why = debug" in text


async def test_the_demo_opens_fills_and_submits_a_form_and_shows_home() -> None:
    """Piped lines open the add form, suggest orgs, fill it, submit it, then show the Home tab."""
    lines = [
        "/members add",
        "suggest acm",
        "fill org=Acme emails=you@acme.io role=edit",
        "submit",
        "home",
        "press 1",
        "submit",
    ]

    finished = await run("console", "--simulator", env={}, stdin="\n".join(lines) + "\n")

    out = finished.stdout
    assert (0, "") == (finished.status, finished.stderr)
    expected_seen = [
        "┌ Add people to an org  (submit: Add)",
        "  Acme Staging",
        "│ emails: Or their emails (optional) = you@acme.io",
        "✅ Added you@acme.io to Acme as `edit`.",
        "[Home tab]",
        "• Acme: `edit`",
        "┌ Request Losant access  (submit: Request)",
        "│   ! Say why, for the approvers.",
    ]
    assert [] == [seen for seen in expected_seen if seen not in out]
