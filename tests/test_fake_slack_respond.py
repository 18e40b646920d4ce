"""Pins the fake's response_url to Slack's rules, and what the person sees after each post.

Five posts in 30 minutes, replace_original acting on the clicked message only, and
ephemeral replies seen by the invoker alone: an app that breaks one of these misbehaves
in Slack, so it must misbehave here, where a test can see it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.sandbox.fake_slack import FakeSlack
from tests.harness import ManualClock

ANN, BO = "U0ANN", "U0BO"
CHANNEL = "C0GENERAL"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def slack(clock: ManualClock) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(clock=clock) as fake:
        yield fake


async def post(url: str, **payload: Any) -> tuple[int, str]:
    answer = await AsyncWebhookClient(url).send_dict(payload)
    return answer.status_code, answer.body


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [message.get("text", "") for message in messages]


async def test_a_sixth_post_is_refused_as_used(slack: FakeSlack) -> None:
    """Five posts to one response_url are taken; the sixth gets 404 used_url."""
    url = slack.response_url(user=ANN, channel=CHANNEL)

    answers = [await post(url, text=str(n)) for n in range(6)]

    assert [(200, "ok")] * 5 + [(404, "used_url")] == answers
    assert ["0", "1", "2", "3", "4"] == texts(slack.visible(ANN, CHANNEL))
    assert [200] * 5 + [404] == [p.status for p in slack.responses]


async def test_a_post_after_thirty_minutes_is_refused_as_expired(
    slack: FakeSlack, clock: ManualClock
) -> None:
    """A response_url lives 30 minutes of the fake's clock, then answers 404 expired_url."""
    url = slack.response_url(user=ANN, channel=CHANNEL)
    assert (200, "ok") == await post(url, text="in time")

    clock.advance(30 * 60)

    assert (404, "expired_url") == await post(url, text="too late")
    assert ["in time"] == texts(slack.visible(ANN, CHANNEL))


async def test_a_post_the_fake_failed_uses_nothing_up(slack: FakeSlack) -> None:
    """A post answered 5xx by an injected fault does not count against the five."""
    url = slack.response_url(user=ANN, channel=CHANNEL)
    slack.fail_responses(status=503)

    statuses = [(await post(url, text=str(n)))[0] for n in range(6)]

    assert [503, 200, 200, 200, 200, 200] == statuses


async def test_replace_original_on_a_click_replaces_the_clicked_message(
    slack: FakeSlack,
) -> None:
    """A click's URL with replace_original shows the new content in the card's place."""
    command_url = slack.response_url(user=ANN, channel=CHANNEL)
    await post(command_url, text="Confirm?", blocks=[{"type": "section", "block_id": "q"}])
    card = slack.visible(ANN, CHANNEL)[-1]
    click_url = slack.response_url(user=ANN, channel=CHANNEL, message_ts=card["ts"])

    await post(click_url, text="Done", replace_original=True)

    [shown] = slack.visible(ANN, CHANNEL)
    assert ("Done", card["ts"], True) == (shown["text"], shown["ts"], shown["is_ephemeral"])
    assert ["Confirm?", "Done"] == [p.payload["text"] for p in slack.responses]


async def test_replace_original_on_a_commands_own_url_posts_anew(slack: FakeSlack) -> None:
    """Slack cannot replace through a command's own URL: the note stays, the answer is added."""
    url = slack.response_url(user=ANN, channel=CHANNEL)

    await post(url, text="Working on it…")
    await post(url, text="Here it is", replace_original=True)

    assert ["Working on it…", "Here it is"] == texts(slack.visible(ANN, CHANNEL))


async def test_delete_original_on_a_click_removes_the_card(slack: FakeSlack) -> None:
    """delete_original through a click's URL removes the clicked message for its viewer."""
    await post(slack.response_url(user=ANN, channel=CHANNEL), text="Confirm?")
    card = slack.visible(ANN, CHANNEL)[-1]
    click_url = slack.response_url(user=ANN, channel=CHANNEL, message_ts=card["ts"])

    await post(click_url, delete_original=True)

    assert [] == slack.visible(ANN, CHANNEL)


async def test_a_reply_without_replace_original_is_a_new_message(slack: FakeSlack) -> None:
    """A click's reply that does not replace is shown below the card, which stays."""
    await post(slack.response_url(user=ANN, channel=CHANNEL), text="Card")
    card = slack.visible(ANN, CHANNEL)[-1]
    click_url = slack.response_url(user=ANN, channel=CHANNEL, message_ts=card["ts"])

    await post(click_url, text="Also this", replace_original=False)

    assert ["Card", "Also this"] == texts(slack.visible(ANN, CHANNEL))


async def test_ephemeral_replies_are_seen_by_the_invoker_only(slack: FakeSlack) -> None:
    """An ephemeral reply is Ann's alone; an in_channel one everyone in the channel sees."""
    url = slack.response_url(user=ANN, channel=CHANNEL)

    await post(url, text="just Ann")
    await post(url, text="everyone", response_type="in_channel")

    expected = (["just Ann", "everyone"], ["everyone"])
    assert expected == (texts(slack.visible(ANN, CHANNEL)), texts(slack.visible(BO, CHANNEL)))


async def test_visible_for_a_url_issued_without_a_conversation(slack: FakeSlack) -> None:
    """A response_url issued bare keeps its replies apart, readable through visible_for."""
    first, second = slack.response_url(), slack.response_url()

    await post(first, text="one")
    await post(second, text="two")

    assert (["one"], ["two"]) == (texts(slack.visible_for(first)), texts(slack.visible_for(second)))


async def test_find_shown_names_the_message_a_payload_became(slack: FakeSlack) -> None:
    """find_shown gives the on-screen message (with its ts) for a reply payload as posted."""
    url = slack.response_url(user=ANN, channel=CHANNEL)
    await post(url, text="first")
    await post(url, text="second")

    shown = slack.find_shown({"text": "second"}, user=ANN, channel=CHANNEL)

    assert shown is not None
    assert slack.visible(ANN, CHANNEL)[1] == shown


async def test_channel_posts_and_replies_interleave_in_order(slack: FakeSlack) -> None:
    """visible shows channel messages and Ann's ephemeral replies together, oldest first."""
    web = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    await web.chat_postMessage(channel=CHANNEL, text="channel before")
    await post(slack.response_url(user=ANN, channel=CHANNEL), text="reply")
    await web.chat_postMessage(channel=CHANNEL, text="channel after")

    assert ["channel before", "reply", "channel after"] == texts(slack.visible(ANN, CHANNEL))
