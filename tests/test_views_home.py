"""The Home tab view: whole values for the plain cases, Slack's limits for the largest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.views import View

from bot.edges.losant.models import Member, Org
from bot.edges.store import Grant, GrantState, Request, RequestState
from bot.usecases.home_data import (
    Access,
    GrantItem,
    HomeData,
    Listed,
    RequestItem,
)
from bot.usecases.results_runs import Found, Membership
from handlers.views.home import render_home
from handlers.views.view_limits import MAX_VIEW_BLOCKS, check_view

NOW = datetime(2024, 1, 1, 12, tzinfo=UTC)
ACME = Org(id="5f0c0c0c0c0c0c0c0c0c0c02", name="Acme")
ADA = Member.model_validate(
    {"userId": "5f0c0c0c0c0c0c0c0c0c0caa", "email": "ada@acme.io", "role": "edit"}
)
VALUE = "v" * 180  # about as long as a sealed reference
HEADER = {
    "text": {"emoji": True, "text": "Your Losant access", "type": "plain_text"},
    "type": "header",
}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"text": {"text": text, "type": "mrkdwn", "verbatim": True}, "type": "section"}


def request(n: int, *, name: str = "Acme", reason: str = "debug") -> Request:
    return Request(
        id=f"{n:032x}", requester="U0ADA", requester_email="ada@acme.io", org_id=ACME.id,
        org_name=name, role="admin", current_role="edit", duration_s=7200, reason=reason,
        state=RequestState.PENDING, created_at=NOW - timedelta(minutes=5),
        expires_at=NOW + timedelta(hours=8), decided_by=None, decided_at=None,
        decision_reason=None, card_channel=None, card_ts=None, grant_id=None,
    )  # fmt: skip


def grant(n: int, *, ends_in: timedelta, name: str = "Acme") -> Grant:
    return Grant(
        id=f"{n:032x}", org_id=ACME.id, org_name=name, target_user_id=None,
        target_email="ada@acme.io", role="admin", previous_role="edit", state=GrantState.LIVE,
        ends_at=NOW + ends_in, granted_by="U0BO", reason=None, request_id=None, created_at=NOW,
        updated_at=NOW, revoked_by=None, lease_owner=None, lease_until=None, attempts=0,
        next_attempt_at=None, last_error=None, flagged_at=None, duration_s=7200, warned_at=None,
    )  # fmt: skip


def test_a_stranger_sees_how_to_get_access() -> None:
    """Someone who may do nothing sees one sentence, and no buttons."""
    expected = {
        "type": "home",
        "blocks": [
            HEADER,
            mrkdwn(
                "members-bot manages who belongs to the orgs of our Losant instance. You may not "
                "use it yet: ask an admin of this bot to add your user ID to the people who may "
                "read, add or request access."
            ),
        ],
    }

    assert expected == render_home(HomeData(user="U0X", now=NOW))


def test_a_requester_sees_their_orgs_and_a_request_button() -> None:
    """A reader in one org sees it with their role, and how to ask for more."""
    found = Found("ada@acme.io", ADA.user_id, (Membership(ACME, ADA),))
    data = HomeData(
        user="U0ADA", now=NOW, email="ada@acme.io", may_request=True, access=Access(found=found)
    )
    expected = {
        "type": "home",
        "blocks": [
            HEADER,
            mrkdwn("You are in 1 org as ada@acme.io:\n• *Acme*: `edit`"),
            {
                "type": "actions",
                "elements": [
                    {
                        "action_id": "home_request",
                        "style": "primary",
                        "text": {"emoji": True, "text": "Request access", "type": "plain_text"},
                        "type": "button",
                    }
                ],
            },
        ],
    }

    assert expected == render_home(data)


def test_while_looking_up_or_failing_it_says_so() -> None:
    """The access being looked up, or not found out, is said instead of a list."""
    looking = render_home(HomeData(user="U0ADA", now=NOW, email="ada@acme.io", may_request=True))
    failed = render_home(
        HomeData(user="U0ADA", now=NOW, may_request=True, access=Access(problem="Losant <down>"))
    )

    assert "Looking up your orgs in Losant as ada@acme.io…" in str(looking["blocks"][1])
    assert "could not be looked up: Losant &lt;down&gt;" in str(failed["blocks"][1])


def test_times_left_and_overdue_read_as_people_say_them() -> None:
    """A grant's time left, and an overdue one's lateness, in hours and minutes."""
    data = HomeData(
        user="U0ADA",
        now=NOW,
        may_request=True,
        may_add=True,
        approver=True,
        own_grants=Listed((GrantItem(grant(1, ends_in=timedelta(hours=2, minutes=30))),), 1),
        attention=Listed((GrantItem(grant(2, ends_in=-timedelta(minutes=45)), VALUE),), 1),
    )
    shown = str(render_home(data))

    assert "ends in 2 h 30 min" in shown
    assert "overdue by 45 min" in shown


def test_the_largest_home_stays_inside_slacks_limits() -> None:
    """Hundreds of orgs and requests, long names, long reasons: under 100 blocks, all valid."""
    long_name = "An org with a very long name <b> & more " * 5
    orgs = tuple(Membership(Org(id=f"{n:024x}", name=f"{long_name}{n}"), ADA) for n in range(20))
    found = Found("ada@acme.io", ADA.user_id, orgs, others=480)
    requests = tuple(
        RequestItem(request(n, name=long_name, reason="x" * 500), VALUE) for n in range(10)
    )
    grants = tuple(
        GrantItem(grant(n, ends_in=timedelta(hours=n - 5), name=long_name), VALUE)
        for n in range(10)
    )
    data = HomeData(
        user="U0ADA",
        now=NOW,
        email="a" * 64 + "@" + "b" * 200 + ".io",
        may_add=True,
        may_request=True,
        approver=True,
        access=Access(found=found),
        own_requests=Listed(tuple(RequestItem(r.request) for r in requests), 300),
        own_grants=Listed(grants, 300),
        waiting=Listed(requests, 1000),
        attention=Listed(grants, 50),
    )

    view = render_home(data)

    assert [] == check_view(view)
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS
    View(**view).validate_json()  # slack_sdk's own checks raise on a breach
    assert "…and 480 more orgs" in str(view)
