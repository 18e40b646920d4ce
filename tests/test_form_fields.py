"""A submitted form read into the Command the typed line would make, or what to fix, by field."""

from __future__ import annotations

from typing import Any

import pytest

from bot.usecases.commands import (
    AddCommand,
    BulkAddCommand,
    MemberRef,
    OrgRef,
    RequestCommand,
)
from bot.usecases.durations import GrantLimits
from handlers.form_fields import FormErrors, read_add, read_request
from handlers.parser import parse
from tests.forms_kit import state

ACME = "5f0c0c0c0c0c0c0c0c0c0c02"
LIMITS = GrantLimits.parse("")


@pytest.mark.parametrize(
    ("fields", "typed"),
    [
        pytest.param(
            {"emails": "bo@acme.io", "role": "edit", "duration": "none"},
            f"add org={ACME} email=bo@acme.io role=edit",
            id="one-email",
        ),
        pytest.param(
            {"people": ["U0BO"], "role": "view", "duration": "2h"},
            f"add org={ACME} user=<@U0BO|bo> role=view for=2h",
            id="one-picked-for-a-while",
        ),
        pytest.param(
            {"people": ["U0BO"], "emails": "ann@x.io\ncy@y.io, ANN@x.io", "role": "view"},
            f"add org={ACME} user=<@U0BO|bo> email=ann@x.io,cy@y.io role=view",
            id="several-deduplicated",
        ),
    ],
)
def test_the_add_form_makes_the_typed_command(fields: dict[str, Any], typed: str) -> None:
    """The form's add is the very Command the equivalent typed line parses to."""
    command = read_add(state(org=ACME, **fields), LIMITS)

    assert parse(typed, default_org=None) == command


def test_a_picked_person_is_a_slack_user() -> None:
    """Someone picked in the user field is added by their Slack ID, resolved to an email later."""
    expected = AddCommand(OrgRef(ACME), MemberRef("slack_user", "U0BO"), "view", False, None)

    assert expected == read_add(state(org=ACME, people=["U0BO"], role="view"), LIMITS)


def test_a_hundred_people_at_most() -> None:
    """More than 100 people is said under the emails field, as typed `add` refuses it."""
    emails = ",".join(f"p{n}@x.io" for n in range(101))

    result = read_add(state(org=ACME, emails=emails, role="view"), LIMITS)

    assert FormErrors({"emails": "That is 101 people; one add takes at most 100."}) == result


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"emails": "bo@acme.io"},
            {"org": "Choose an org: type part of its name and pick it from the list."},
            id="no-org",
        ),
        pytest.param(
            {"org": ACME, "emails": "bo@acme.io, @nobody"},
            {
                "emails": "“@nobody” is not a person Slack recognised: type `@` and pick them "
                "from Slack's list, so the command carries their Slack ID, or give their email. "
                "Fix or remove it."
            },
            id="bad-entry",
        ),
        pytest.param(
            {"org": ACME, "emails": "a@x.io b@x.io", "duration": "2h"},
            {
                "duration": "A grant that ends is for one person at a time; this names 2. "
                "Choose “No end”, or add each person on their own."
            },
            id="grant-for-several",
        ),
        pytest.param(
            {"org": ACME, "emails": "a@x.io", "role": "admin", "duration": "1d"},
            {"duration": "`admin` may be granted for at most 4h (you asked for 1d)."},
            id="over-the-role-limit",
        ),
        pytest.param(
            {"org": "acme", "emails": "a@x.io"},
            {"org": "Choose an org: type part of its name and pick it from the list."},
            id="org-not-an-id",
        ),
    ],
)
def test_what_to_fix_is_said_under_its_field(
    fields: dict[str, Any], expected: dict[str, str]
) -> None:
    """Each problem is one message under the field that has it."""
    assert FormErrors(expected) == read_add(state(**fields), LIMITS)


def test_the_request_form_makes_the_typed_request() -> None:
    """The request form's Command is what `/members request …` parses to."""
    fields = state(org=ACME, role="edit", duration="1d", reason="  debug ticket 42 ")
    typed = f'request org={ACME} role=edit for=1d reason="debug ticket 42"'

    assert parse(typed, default_org=None) == read_request(fields, LIMITS)
    assert RequestCommand(OrgRef(ACME), "edit", 86_400, "debug ticket 42") == read_request(
        fields, LIMITS
    )


def test_a_request_needs_every_field() -> None:
    """An empty request form names each field still to fill in."""
    result = read_request(state(), LIMITS)

    assert isinstance(result, FormErrors)
    assert {"org", "role", "duration", "reason"} == set(result.errors)


def test_a_request_reason_is_bounded() -> None:
    """A reason past 500 characters is refused under the reason field."""
    result = read_request(state(org=ACME, role="view", duration="1h", reason="x" * 501), LIMITS)

    assert FormErrors({"reason": "Keep it to 500 characters (this is 501)."}) == result


def test_several_people_are_a_bulk_add() -> None:
    """Two people make a many-people add, in the order given."""
    result = read_add(state(org=ACME, emails="a@x.io, b@x.io", role="edit"), LIMITS)

    assert isinstance(result, BulkAddCommand)
    assert ["a@x.io", "b@x.io"] == [t.value for t in result.targets]
