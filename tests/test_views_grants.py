"""The grant and request views stay inside Slack's limits and inert, whatever the data:
many grants, long emails, org names and reasons, and mrkdwn in any of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.edges.store import EventKind, Grant, GrantState, Request, RequestState
from bot.usecases.audit import describe
from bot.usecases.journal import grant_step
from bot.usecases.results_grants import GrantList, RequestList, Reverted
from handlers.views.direct import dm_ended, dm_ending_soon
from handlers.views.grants import render_grant_list
from handlers.views.requests import render_card, render_request_list
from tests.harness import limit_problems

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
EVIL = "<!channel> & <@U0BOSS|boss> *bold*"
LONG_EMAIL = "x" * 200 + "@acme.io"


def grant(i: int = 0, /, **changes: object) -> Grant:
    base = Grant(
        id=f"g{i:031d}",
        org_id="5f0c0ffee0c0ffee0c0ffee0",
        org_name="Acme " + "o" * 250,
        target_user_id=None,
        target_email=LONG_EMAIL,
        role="edit",
        previous_role="view",
        state=GrantState.LIVE,
        ends_at=NOW + timedelta(minutes=i),
        granted_by="U0WRITER",
        reason=EVIL * 20,
        request_id=None,
        created_at=NOW,
        updated_at=NOW,
        revoked_by=None,
        lease_owner=None,
        lease_until=None,
        attempts=3,
        next_attempt_at=None,
        last_error=EVIL * 50,
        flagged_at=NOW,
        duration_s=7200,
        warned_at=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def request(i: int = 0) -> Request:
    return Request(
        id=f"r{i:031d}",
        requester="U0ASKER",
        requester_email=LONG_EMAIL,
        org_id="5f0c0ffee0c0ffee0c0ffee0",
        org_name=EVIL * 10,
        role="admin",
        current_role=None,
        duration_s=3600,
        reason=EVIL * 14,
        state=RequestState.PENDING,
        created_at=NOW,
        expires_at=NOW + timedelta(hours=8),
        decided_by=None,
        decided_at=None,
        decision_reason=None,
        card_channel=None,
        card_ts=None,
        grant_id=None,
    )


@pytest.mark.parametrize("can_change", [True, False])
def test_a_long_grant_list_fits_in_one_message(can_change: bool) -> None:
    """Forty live grants and ten drifted ones, every value at its worst: within the limits."""
    live = tuple(grant(i) for i in range(40))
    drifted = tuple(grant(i, state=GrantState.DRIFTED) for i in range(10))

    reply = render_grant_list(GrantList(live, drifted, NOW, can_change, ("Acme",)))

    assert [] == limit_problems(reply.to_dict())
    assert "and 20 more" in str(reply.blocks[-1])


def test_a_request_card_and_list_fit_and_stay_inert() -> None:
    """A card and a list of requests with mrkdwn everywhere: within limits, nothing pings."""
    card = render_card(request())
    listing = render_request_list(
        RequestList(tuple(request(i) for i in range(15)), tuple(request(i) for i in range(15)), NOW)
    )

    for reply in (card, listing):
        assert [] == limit_problems(reply.to_dict())
        assert "<!channel>" not in str(reply.to_dict())


def test_direct_messages_fit() -> None:
    """The ending-soon and ended DMs stay within the limits."""
    long = grant()
    for reply in (dm_ending_soon(long, request()), dm_ended(Reverted("drifted", long, "admin"))):
        assert [] == limit_problems(reply.to_dict())


PLAIN = {"org_name": "Acme", "target_email": "bo@acme.io", "reason": None}


@pytest.mark.parametrize(
    ("kind", "changes", "more", "expected"),
    [
        pytest.param(
            EventKind.REVERTED,
            {},
            {},
            "members-bot ended bo@acme.io's `edit` in Acme: put back `view`",
            id="restored",
        ),
        pytest.param(
            EventKind.REVERTED,
            {"previous_role": None},
            {},
            "members-bot ended bo@acme.io's `edit` in Acme: removed them",
            id="removed",
        ),
        pytest.param(
            EventKind.REVERTED,
            {},
            {"already": True, "detail": "they were no longer a member"},
            "members-bot ended bo@acme.io's `edit` in Acme: they were no longer a member; "
            "nothing to change",
            id="gone",
        ),
        pytest.param(
            EventKind.GRANTED,
            {},
            {},
            "members-bot gave bo@acme.io `edit` in Acme until 2025-06-01 12:00 UTC (was `view`)",
            id="granted",
        ),
        pytest.param(
            EventKind.REVOKED,
            {},
            {},
            "members-bot ended bo@acme.io's `edit` in Acme now",
            id="revoked",
        ),
    ],
)
def test_step_sentences(
    kind: EventKind, changes: dict[str, object], more: dict[str, object], expected: str
) -> None:
    """Each step reads as one sentence in the audit channel."""
    step = grant_step(kind, grant(**{**PLAIN, **changes}), "members-bot", "sweep", **more)

    assert expected == describe(step.audit())


def test_a_step_sentence_makes_reasons_inert() -> None:
    """A reason carrying mrkdwn is escaped in the channel sentence."""
    step = grant_step(EventKind.DRIFTED, grant(**PLAIN), "members-bot", "sweep", detail=EVIL)

    assert "<!channel>" not in describe(step.audit())
