"""The sealed Confirm values of runs (offboard, many-people add): what is sealed opens again,
unchanged; anything edited, foreign or expired does not."""

from __future__ import annotations

import random

import pytest

from bot.edges.losant.models import Member, Org
from bot.usecases.offboard import Offboarding
from bot.usecases.results_runs import Found, Membership
from bot.usecases.sealed import ExpiredValue, TamperedValue, seal
from bot.usecases.sealed import PendingChange as Change
from bot.usecases.sealed_runs import (
    MAX_ORGS,
    OrgRole,
    PendingBulkAdd,
    PendingOffboard,
    Sealer,
    fits,
    seal_run,
    unseal_run,
)

KEY = b"k" * 32
NOW = 1_700_000_000
USER = "5f0c0c0c0c0c0c0c0c0c0c0a"
ORGS = tuple(OrgRole(f"5f0c0c0c0c0c0c0c0c0c{n:04x}", "edit") for n in range(20))
OFFBOARD = PendingOffboard(USER, "bo@acme.io", ORGS, "UWRITER01", NOW + 600)
BULK = PendingBulkAdd(
    "5f0c0c0c0c0c0c0c0c0c0c0b",
    (*(f"person{n}@example.com" for n in range(99)), USER),
    "admin",
    "UWRITER01",
    NOW + 600,
)


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(OFFBOARD, id="offboard"),
        pytest.param(
            PendingOffboard(USER, None, ORGS[:1], "UWRITER01", NOW + 600), id="offboard-no-email"
        ),
        pytest.param(BULK, id="bulk-add"),
    ],
)
def test_a_sealed_run_opens_as_it_was_sealed(run: PendingOffboard | PendingBulkAdd) -> None:
    """Sealing then opening gives back the same run (orgs and their roles included)."""
    value = seal_run(run, KEY)
    assert fits(value)
    assert run == unseal_run(value, KEY, now=NOW)


def test_an_edited_value_is_refused() -> None:
    """One character changed anywhere makes the value not ours."""
    value = seal_run(OFFBOARD, KEY)
    middle = len(value) // 2
    edited = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]
    with pytest.raises(TamperedValue):
        unseal_run(edited, KEY, now=NOW)


def test_another_key_or_a_single_changes_value_is_refused() -> None:
    """A value sealed under another key, or a single change's value, is not a run."""
    with pytest.raises(TamperedValue):
        unseal_run(seal_run(OFFBOARD, b"other" * 8), KEY, now=NOW)
    single = seal(Change("remove", ORGS[0].org_id, "bo@acme.io", None, "UWRITER01", NOW), KEY)
    with pytest.raises(TamperedValue):
        unseal_run(single, KEY, now=NOW)


def test_an_expired_value_says_what_it_was_for() -> None:
    """After its expiry the run is refused, but the audit can still name it."""
    with pytest.raises(ExpiredValue) as caught:
        unseal_run(seal_run(OFFBOARD, KEY), KEY, now=NOW + 601)
    assert OFFBOARD == caught.value.change


@pytest.mark.parametrize("orgs", [1, 60, 300])
def test_an_offboard_card_covers_what_its_button_can_carry(orgs: int) -> None:
    """With org IDs as random as Losant's, the button covers as many orgs as fit in
    Slack's 2000 characters (never more than MAX_ORGS), and exactly those."""
    rng = random.Random(orgs)
    memberships = tuple(
        Membership(
            Org(id=f"{rng.getrandbits(96):024x}", name=f"Org {n}"),
            Member(user_id=USER, role=rng.choice(["view", "edit", "admin"]), email="bo@acme.io"),
        )
        for n in range(orgs)
    )
    sealer = Sealer(KEY, 600, lambda: NOW)
    offboarding = Offboarding(None, None, fanout_limit=8, sealer=sealer)  # type: ignore[arg-type]
    card = offboarding.confirmation(Found("bo@acme.io", USER, memberships), actor="UWRITER01")
    assert fits(card.token)
    assert 1 <= card.covered <= min(orgs, MAX_ORGS)
    run = unseal_run(card.token, KEY, now=NOW)
    assert isinstance(run, PendingOffboard)
    shown = [OrgRole(m.org.id, m.member.role) for m in memberships[: card.covered]]
    assert shown == list(run.orgs)
    if orgs <= 60:
        assert orgs == card.covered
