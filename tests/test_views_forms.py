"""The form views and the typeahead's options: their fields, their words, Slack's limits."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.edges.losant.models import Org
from bot.usecases.durations import GrantLimits, format_duration
from handlers.form_submit import org_options
from handlers.views.forms import (
    ADD_FORM,
    REQUEST_FORM,
    Prefill,
    duration_choices,
    render_add_form,
    render_form_refused,
    render_request_form,
)
from handlers.views.view_limits import check_options, check_view

METADATA = "m" * 3000  # Slack's most
DURATIONS = duration_choices(GrantLimits.parse(""))


def fields(view: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """Each input as (field, element type, optional)."""
    return [
        (b["block_id"], b["element"]["type"], b.get("optional", False))
        for b in view["blocks"]
        if b["type"] == "input"
    ]


def test_the_add_form_asks_for_org_people_role_and_duration() -> None:
    """The add form: an org typeahead, a people picker and/or emails, a role, an end."""
    view = render_add_form(metadata=METADATA, durations=DURATIONS, answer_in_dm=False)

    assert (ADD_FORM, "Add people to an org", "Add", METADATA) == (
        view["callback_id"],
        view["title"]["text"],
        view["submit"]["text"],
        view["private_metadata"],
    )
    assert [
        ("org", "external_select", False),
        ("people", "multi_users_select", True),
        ("emails", "plain_text_input", True),
        ("role", "static_select", False),
        ("duration", "static_select", False),
    ] == fields(view)
    role, duration = view["blocks"][3]["element"], view["blocks"][4]["element"]
    assert ("view", "none") == (
        role["initial_option"]["value"],
        duration["initial_option"]["value"],
    )


def test_the_request_form_asks_why_and_may_start_filled_in() -> None:
    """The request form has a reason; opened for a grant, its org and role are chosen."""
    prefill = Prefill("5f0c0c0c0c0c0c0c0c0c0c02", "Acme " * 30, "edit")
    view = render_request_form(
        metadata=METADATA, durations=DURATIONS, answer_in_dm=True, prefill=prefill
    )

    assert REQUEST_FORM == view["callback_id"]
    assert ["org", "role", "duration", "reason"] == [f for f, _, _ in fields(view)]
    org, role = view["blocks"][0]["element"], view["blocks"][1]["element"]
    assert (prefill.org_id, "edit") == (
        org["initial_option"]["value"],
        role["initial_option"]["value"],
    )
    assert 75 == len(org["initial_option"]["text"]["text"])
    assert 500 == view["blocks"][3]["element"]["max_length"]


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(
            render_add_form(metadata=METADATA, durations=DURATIONS, answer_in_dm=True), id="add"
        ),
        pytest.param(
            render_request_form(metadata=METADATA, durations=DURATIONS, answer_in_dm=False),
            id="request",
        ),
        pytest.param(render_form_refused("x" * 1000), id="refused"),
    ],
)
def test_every_form_is_inside_slacks_limits(view: dict[str, Any]) -> None:
    """With the most metadata Slack allows, each form passes both checks of Slack's limits."""
    assert [] == check_view(view)
    View(**view).validate_json()


def test_a_form_over_a_limit_is_caught() -> None:
    """The check finds a long title, too many blocks, too much metadata, too many options."""
    view = render_add_form(metadata=METADATA, durations=DURATIONS, answer_in_dm=True)
    view["private_metadata"] += "m"
    view["title"]["text"] = "x" * 25
    view["blocks"][3]["element"]["options"] *= 21
    view["blocks"] *= 20

    problems = check_view(view)

    assert "title has 25 > 24 chars" in problems
    assert "private_metadata has 3001 > 3000 chars" in problems
    assert "120 > 100 blocks" in problems
    assert "block 3: 105 > 100 options" in problems


def test_the_refusal_modal_says_why() -> None:
    """Someone who may not request gets a modal with the reason, inert, and a Close button."""
    expected = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Losant access", "emoji": True},
        "close": {"type": "plain_text", "text": "Close", "emoji": True},
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "verbatim": True,
                    "text": ":no_entry: You may not request access with members-bot: "
                    "not in &lt;MEMBERS_READERS&gt;.",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Ask an admin of this bot to add your user ID to the people "
                        "who may.",
                    }
                ],
            },
        ],
    }

    assert expected == render_form_refused("not in <MEMBERS_READERS>")


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        pytest.param(
            "", ["30m", "1h", "2h", "4h", "8h", "1d", "3d", "1w", "2w", "30d"], id="default"
        ),
        pytest.param(
            "min=1h admin=2h edit=1d collaborate=1d view=1d none=1d",
            ["1h", "2h", "4h", "8h", "1d"],
            id="tight",
        ),
    ],
)
def test_durations_offered_are_within_the_grant_limits(limits: str, expected: list[str]) -> None:
    """The duration field offers only what some role may be granted for."""
    assert expected == [format_duration(s) for s in duration_choices(GrantLimits.parse(limits))]


def test_options_name_orgs_and_tell_shared_names_apart() -> None:
    """Each org is an option by name; orgs sharing a name show the end of their ID."""
    orgs = [
        Org(id="5f0c0c0c0c0c0c0c0c0c0c05", name="Umbrella"),
        Org(id="5f0c0c0c0c0c0c0c0c0c0c06", name="umbrella"),
        Org(id="5f0c0c0c0c0c0c0c0c0c0c07", name="U" * 200),
    ]

    options = org_options(orgs)

    assert ["Umbrella · …0c0c05", "umbrella · …0c0c06"] == [o["text"]["text"] for o in options[:2]]
    assert [o.id for o in orgs] == [o["value"] for o in options]
    assert [] == check_options(options)
    assert [] == check_options(
        org_options([Org(id=f"{n:024x}", name=f"Org {n}") for n in range(100)])
    )
