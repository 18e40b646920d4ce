"""Pins the fake's messaging methods (DMs, updates, ephemerals, lookups) to Slack's answers.

Requests asked in a DM and cards updated after the fact reach people through these
calls; if the fake took what Slack refuses, or refused it with another code, the tests
of those features would prove nothing. slack_sdk's AsyncWebClient, the client the real
app uses, makes every call here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.fake_slack import FakeSlack
from tests.harness import ManualClock

ANN, BO = "U0ANN", "U0BO"
CHANNEL = "C0GENERAL"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user(ANN, email="Ann@Acme.io", name="ann")
        fake.add_user(BO, email="bo@acme.io", name="bo")
        yield fake


@pytest.fixture
def web(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


async def refusal(call: Any) -> dict[str, Any]:
    """What Slack answered a call it refused."""
    with pytest.raises(SlackApiError) as raised:
        await call
    data: dict[str, Any] = raised.value.response.data
    return data


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [message.get("text", "") for message in messages]


async def test_a_post_to_a_user_lands_in_their_dm(slack: FakeSlack, web: AsyncWebClient) -> None:
    """chat.postMessage to U… answers the DM's D… ID, and the person sees it there."""
    answer = await web.chat_postMessage(channel=ANN, text="Your request was approved")

    dm = slack.dm_channel(ANN)
    assert (dm, True) == (answer["channel"], dm.startswith("D"))
    assert ["Your request was approved"] == texts(slack.visible(ANN, dm))
    assert slack.visible(ANN, dm) == slack.visible(ANN, ANN)
    assert [] == slack.visible(BO, BO)


async def test_a_post_to_a_dm_channel_lands_there(slack: FakeSlack, web: AsyncWebClient) -> None:
    """A post to an opened D… channel lands in the same DM as one to the user's ID."""
    dm = (await web.conversations_open(users=ANN))["channel"]["id"]

    await web.chat_postMessage(channel=dm, text="via D")
    await web.chat_postMessage(channel=ANN, text="via U")

    assert ["via D", "via U"] == texts(slack.visible(ANN, dm))


@pytest.mark.parametrize("channel", [pytest.param("U0NOBODY", id="unknown-user"), "D0NEVER"])
async def test_a_post_to_no_such_dm_is_channel_not_found(web: AsyncWebClient, channel: str) -> None:
    """An unknown user, or a DM nobody opened, answers channel_not_found."""
    answer = await refusal(web.chat_postMessage(channel=channel, text="hi"))

    assert {"ok": False, "error": "channel_not_found"} == answer


async def test_conversations_open_opens_a_dm_once(web: AsyncWebClient) -> None:
    """conversations.open answers the DM's ID; asking again says it was already open."""
    first = await web.conversations_open(users=ANN)
    second = await web.conversations_open(users=ANN)

    assert first["channel"] == second["channel"]
    assert (None, True) == (first.get("already_open"), second["already_open"])


@pytest.mark.parametrize(
    ("users", "expected_error"),
    [
        pytest.param("", "users_list_not_supplied", id="no-users"),
        pytest.param("U0NOBODY", "user_not_found", id="unknown-user"),
    ],
)
async def test_conversations_open_refuses_as_slack_does(
    slack: FakeSlack, users: str, expected_error: str
) -> None:
    """conversations.open without users, or with an unknown one, gets Slack's code."""
    headers = {"Authorization": f"Bearer {slack.bot_token}"}
    async with httpx.AsyncClient(trust_env=False) as http:
        answer = (
            await http.post(
                f"{slack.api_url}conversations.open", data={"users": users}, headers=headers
            )
        ).json()

    assert {"ok": False, "error": expected_error} == answer


async def test_chat_update_replaces_the_message(slack: FakeSlack, web: AsyncWebClient) -> None:
    """chat.update shows new text and blocks in the message's place, under the same ts."""
    posted = await web.chat_postMessage(
        channel=CHANNEL, text="Pending", blocks=[{"type": "divider"}]
    )

    updated = await web.chat_update(channel=CHANNEL, ts=posted["ts"], text="Approved")

    [shown] = slack.visible(BO, CHANNEL)
    expected = {"ts": posted["ts"], "text": "Approved"}
    assert expected == {key: shown[key] for key in expected}
    assert "blocks" not in shown
    assert (posted["ts"], "Approved") == (updated["ts"], updated["text"])


@pytest.mark.parametrize(
    ("whose", "expected_error"),
    [
        pytest.param("unknown", "message_not_found", id="unknown-ts"),
        pytest.param("person", "cant_update_message", id="not-the-bots"),
        pytest.param("ephemeral", "message_not_found", id="ephemeral"),
    ],
)
async def test_chat_update_refuses_what_it_cannot_update(
    slack: FakeSlack, web: AsyncWebClient, whose: str, expected_error: str
) -> None:
    """An unknown ts, a person's message or an ephemeral one cannot be updated."""
    if whose == "person":
        ts = slack.add_message(CHANNEL, "hello", user=ANN)
    elif whose == "ephemeral":
        ts = (await web.chat_postEphemeral(channel=CHANNEL, user=ANN, text="psst"))["message_ts"]
    else:
        ts = "1700000000.999999"

    answer = await refusal(web.chat_update(channel=CHANNEL, ts=ts, text="edited"))

    assert {"ok": False, "error": expected_error} == answer


async def test_chat_update_to_a_user_id_is_channel_not_found(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """Slack updates a DM message by its D… ID only; a user ID is channel_not_found."""
    posted = await web.chat_postMessage(channel=ANN, text="hi")

    answer = await refusal(web.chat_update(channel=ANN, ts=posted["ts"], text="edited"))

    assert {"ok": False, "error": "channel_not_found"} == answer


async def test_post_ephemeral_is_seen_by_its_recipient_only(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """chat.postEphemeral answers a message_ts; only the named user sees the message."""
    answer = await web.chat_postEphemeral(channel=CHANNEL, user=ANN, text="only you")

    [shown] = slack.visible(ANN, CHANNEL)
    assert (answer["message_ts"], True) == (shown["ts"], shown["is_ephemeral"])
    assert [] == slack.visible(BO, CHANNEL)


async def test_post_ephemeral_without_a_user_is_invalid(slack: FakeSlack) -> None:
    """chat.postEphemeral without user is invalid_arguments, saying which field is missing."""
    headers = {"Authorization": f"Bearer {slack.bot_token}"}
    async with httpx.AsyncClient(trust_env=False) as http:
        answer = (
            await http.post(
                f"{slack.api_url}chat.postEphemeral",
                data={"channel": CHANNEL, "text": "x"},
                headers=headers,
            )
        ).json()

    expected_messages = ["[ERROR] missing required field: user"]
    assert ("invalid_arguments", expected_messages) == (
        answer["error"],
        answer["response_metadata"]["messages"],
    )


async def test_more_than_fifty_blocks_are_invalid(web: AsyncWebClient) -> None:
    """A message with 51 blocks is refused with invalid_blocks, as Slack refuses it."""
    blocks = [{"type": "divider"}] * 51

    answer = await refusal(web.chat_postMessage(channel=CHANNEL, text="long", blocks=blocks))

    assert "invalid_blocks" == answer["error"]


async def test_form_encoded_blocks_are_read_as_json(slack: FakeSlack) -> None:
    """Blocks sent as a JSON string in a form are shown as blocks, as Slack reads them."""
    headers = {"Authorization": f"Bearer {slack.bot_token}"}
    form = {"channel": CHANNEL, "text": "x", "blocks": '[{"type": "divider"}]'}
    async with httpx.AsyncClient(trust_env=False) as http:
        await http.post(f"{slack.api_url}chat.postMessage", data=form, headers=headers)

    assert [{"type": "divider"}] == slack.visible(ANN, CHANNEL)[0]["blocks"]


async def test_users_lookup_by_email_finds_a_user_whatever_the_case(
    web: AsyncWebClient,
) -> None:
    """users.lookupByEmail finds a user by email, ignoring case, and says users_not_found."""
    found = await web.users_lookupByEmail(email="ann@acme.io")
    answer = await refusal(web.users_lookupByEmail(email="nobody@acme.io"))

    assert ANN == found["user"]["id"]
    assert {"ok": False, "error": "users_not_found"} == answer


@pytest.mark.parametrize("method", ["chat.update", "views.publish", "users.lookupByEmail"])
async def test_rate_limits_apply_to_the_new_methods(slack: FakeSlack, method: str) -> None:
    """A rate limit set on one of the new methods answers 429 beyond it, like the old ones."""
    slack.rate_limit(method, per_s=1, clock=ManualClock())
    headers = {"Authorization": f"Bearer {slack.bot_token}"}
    args = {"channel": CHANNEL, "user_id": ANN, "email": "ann@acme.io"}
    async with httpx.AsyncClient(trust_env=False) as http:
        statuses = [
            (await http.post(f"{slack.api_url}{method}", json=args, headers=headers)).status_code
            for _ in range(2)
        ]

    assert [200, 429] == statuses
    assert [method] == [call.method for call in slack.rate_limited]
