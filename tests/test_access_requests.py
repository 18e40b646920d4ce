"""Who may ask for access and who may decide: MEMBERS_REQUESTERS and MEMBERS_APPROVERS, their
defaults, user groups in them, and the channel rule that applies to commands only."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from bot.usecases.access import AccessPolicy, GroupDirectory, Verdict

WRITER, READER, STRANGER, APPROVER, GROUPIE = "UWRITER", "UREADER", "USTRANGE", "UAPPR", "UGRP"
NOT_A_REQUESTER = "not in MEMBERS_REQUESTERS (by default the readers and writers)"
NOT_AN_APPROVER = "not in MEMBERS_APPROVERS (by default the writers)"


async def members(group_id: str) -> list[str]:
    return {"SAPPROVE": [GROUPIE], "SASK": [GROUPIE]}.get(group_id, [])


def policy(
    *,
    approvers: Collection[str] | None = None,
    requesters: Collection[str] | None = None,
    channels: Collection[str] = (),
) -> AccessPolicy:
    return AccessPolicy(
        writers=(WRITER,),
        readers=(READER,),
        channels=channels,
        groups=GroupDirectory(members, ttl_s=0),
        approvers=approvers,
        requesters=requesters,
    )


@pytest.mark.parametrize(
    ("user", "requesters", "allowed"),
    [
        pytest.param(READER, None, True, id="reader-by-default"),
        pytest.param(WRITER, None, True, id="writer-by-default"),
        pytest.param(STRANGER, None, False, id="stranger-by-default"),
        pytest.param(STRANGER, ("*",), True, id="anyone"),
        pytest.param(GROUPIE, ("SASK",), True, id="through-a-group"),
        pytest.param(READER, ("SASK",), False, id="a-list-replaces-the-default"),
    ],
)
async def test_who_may_request(
    user: str, requesters: tuple[str, ...] | None, allowed: bool
) -> None:
    """`request` is decided by MEMBERS_REQUESTERS alone (default: readers and writers)."""
    verdict = await policy(requesters=requesters).check(
        user_id=user, channel_id="C1", subcommand="request"
    )

    assert (allowed, "" if allowed else NOT_A_REQUESTER) == (verdict.allowed, verdict.reason)


@pytest.mark.parametrize(
    ("user", "approvers", "allowed"),
    [
        pytest.param(WRITER, None, True, id="writer-by-default"),
        pytest.param(READER, None, False, id="reader-by-default"),
        pytest.param(APPROVER, (APPROVER,), True, id="listed"),
        pytest.param(WRITER, (APPROVER,), False, id="a-list-replaces-the-writers"),
        pytest.param(GROUPIE, ("SAPPROVE",), True, id="through-a-group"),
    ],
)
async def test_who_may_approve(user: str, approvers: tuple[str, ...] | None, allowed: bool) -> None:
    """Deciding a request is for MEMBERS_APPROVERS (default: the writers)."""
    verdict = await policy(approvers=approvers).may_approve(user)

    assert (allowed, "" if allowed else NOT_AN_APPROVER) == (verdict.allowed, verdict.reason)


async def test_approving_ignores_the_channel_rule() -> None:
    """A card in the approval channel is decided by who clicks, wherever MEMBERS_CHANNELS is."""
    locked = policy(approvers=(APPROVER,), channels=("CONLY",))

    assert Verdict(True, None) == await locked.may_approve(APPROVER)


async def test_the_request_command_still_obeys_the_channel_rule() -> None:
    """`/members request` is a command like any other: MEMBERS_CHANNELS applies."""
    verdict = await policy(requesters=("*",), channels=("CONLY",)).check(
        user_id=STRANGER, channel_id="COTHER", subcommand="request"
    )

    assert (False, ("CONLY",)) == (verdict.allowed, verdict.channels)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        pytest.param(READER, True, id="reader"),
        pytest.param(APPROVER, True, id="approver-who-is-no-reader"),
        pytest.param(GROUPIE, True, id="requester-through-a-group"),
        pytest.param(STRANGER, False, id="stranger"),
    ],
)
async def test_requests_is_open_to_readers_approvers_and_requesters(
    user: str, allowed: bool
) -> None:
    """`requests` shows each what waits for them, so any of the three may run it."""
    verdict = await policy(approvers=(APPROVER,), requesters=("SASK",)).check(
        user_id=user, channel_id="C1", subcommand="requests"
    )

    assert allowed == verdict.allowed


async def test_check_now_decides_request_from_the_lists_given_directly() -> None:
    """A requester named directly is allowed inside the ack, with no Slack call."""
    verdict = policy(requesters=(STRANGER,)).check_now(
        user_id=STRANGER, channel_id="C1", subcommand="request"
    )

    assert Verdict(True, None) == verdict
