"""Pins the fake's modals and Home tab: trigger IDs, Slack's view limits, stacks and hashes.

A modal opened too late, twice from one click, or with a title one character too long
fails in Slack; these show it fails in the fake the same way, with Slack's codes and
wording, and that what was opened or published can be read back as Slack holds it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.fake_slack import FakeSlack
from tests.harness import ManualClock

ANN = "U0ANN"


def modal(title: str = "Request access", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
        **extra,
    }


HOME = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def slack(clock: ManualClock) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(clock=clock) as fake:
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


async def test_views_open_opens_a_modal_for_the_triggers_user(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """views.open with a fresh trigger answers the view with its ID; the user sees it."""
    answer = await web.views_open(trigger_id=slack.new_trigger_id(ANN), view=modal())

    view = answer["view"]
    assert (True, "Request access") == (view["id"].startswith("V"), view["title"]["text"])
    assert [view["id"]] == [shown["id"] for shown in slack.open_views(ANN)]
    assert {"values": {}} == view["state"]


@pytest.mark.parametrize(
    ("trigger", "expected_error"),
    [
        pytest.param("never-issued", "invalid_trigger_id", id="never-issued"),
        pytest.param("used", "exchanged_trigger_id", id="used"),
        pytest.param("expired", "expired_trigger_id", id="after-3s"),
    ],
)
async def test_views_open_refuses_a_spent_or_stale_trigger(
    slack: FakeSlack, web: AsyncWebClient, clock: ManualClock, trigger: str, expected_error: str
) -> None:
    """A trigger not issued, already exchanged, or 3 s old gets Slack's code for each."""
    trigger_id = "1.2.3" if trigger == "never-issued" else slack.new_trigger_id(ANN)
    if trigger == "used":
        await web.views_open(trigger_id=trigger_id, view=modal())
    if trigger == "expired":
        clock.advance(3)

    answer = await refusal(web.views_open(trigger_id=trigger_id, view=modal()))

    assert {"ok": False, "error": expected_error} == answer


async def test_a_trigger_is_good_just_under_three_seconds(
    slack: FakeSlack, web: AsyncWebClient, clock: ManualClock
) -> None:
    """A trigger exchanged 2.9 s after it was issued still opens the modal."""
    trigger_id = slack.new_trigger_id(ANN)
    clock.advance(2.9)

    await web.views_open(trigger_id=trigger_id, view=modal())

    assert 1 == len(slack.open_views(ANN))


@pytest.mark.parametrize(
    ("view", "expected_messages"),
    [
        pytest.param(
            modal(title="x" * 25),
            [
                "[ERROR] failed to match all allowed schemas [json-pointer:/view/title]",
                "[ERROR] must be less than 24 characters [json-pointer:/view/title/text]",
            ],
            id="title-25",
        ),
        pytest.param(
            {**modal(), "blocks": [{"type": "divider"}] * 101},
            ["[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"],
            id="blocks-101",
        ),
        pytest.param(
            modal(private_metadata="x" * 3001),
            ["[ERROR] must be less than 3000 characters [json-pointer:/view/private_metadata]"],
            id="private-metadata-3001",
        ),
        pytest.param(
            modal(callback_id="x" * 256),
            ["[ERROR] must be less than 255 characters [json-pointer:/view/callback_id]"],
            id="callback-id-256",
        ),
        pytest.param(
            {"type": "modal", "blocks": []},
            ["[ERROR] missing required field: title [json-pointer:/view]"],
            id="no-title",
        ),
        pytest.param(
            {**modal(), "blocks": [{"type": "input", "element": {}, "label": {}}]},
            ["[ERROR] must provide a submit property when using input blocks [json-pointer:/view]"],
            id="inputs-without-submit",
        ),
    ],
)
async def test_an_over_limit_view_is_refused_with_slacks_messages(
    slack: FakeSlack, web: AsyncWebClient, view: dict[str, Any], expected_messages: list[str]
) -> None:
    """A view past Slack's limits is invalid_arguments, one message per problem."""
    answer = await refusal(web.views_open(trigger_id=slack.new_trigger_id(ANN), view=view))

    assert ("invalid_arguments", expected_messages) == (
        answer["error"],
        answer["response_metadata"]["messages"],
    )
    assert [] == slack.open_views(ANN)


async def test_a_view_at_the_limits_is_taken(slack: FakeSlack, web: AsyncWebClient) -> None:
    """A 24-character title, 100 blocks and 3000 characters of metadata are all allowed."""
    view = {
        **modal(title="x" * 24, private_metadata="m" * 3000),
        "blocks": [{"type": "divider"}] * 100,
    }

    await web.views_open(trigger_id=slack.new_trigger_id(ANN), view=view)

    assert 1 == len(slack.open_views(ANN))


async def test_a_refused_view_leaves_the_trigger_unspent(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """After a view is refused, the same trigger still opens a good one."""
    trigger_id = slack.new_trigger_id(ANN)
    await refusal(web.views_open(trigger_id=trigger_id, view=modal(title="x" * 30)))

    await web.views_open(trigger_id=trigger_id, view=modal())

    assert 1 == len(slack.open_views(ANN))


async def test_a_form_encoded_view_is_read_as_json(slack: FakeSlack) -> None:
    """A view sent as a JSON string in a form (as Slack documents it) opens too."""
    headers = {"Authorization": f"Bearer {slack.bot_token}"}
    form_data = {"trigger_id": slack.new_trigger_id(ANN), "view": json.dumps(modal())}
    async with httpx.AsyncClient(trust_env=False) as http:
        answer = (
            await http.post(f"{slack.api_url}views.open", data=form_data, headers=headers)
        ).json()

    assert (True, "Request access") == (answer["ok"], answer["view"]["title"]["text"])


async def test_views_push_stacks_up_to_three(slack: FakeSlack, web: AsyncWebClient) -> None:
    """views.push adds to the stack, linking previous and root views; a fourth is refused."""
    root = (await web.views_open(trigger_id=slack.new_trigger_id(ANN), view=modal("one")))["view"]
    second = await web.views_push(trigger_id=slack.new_trigger_id(ANN), view=modal("two"))
    await web.views_push(trigger_id=slack.new_trigger_id(ANN), view=modal("three"))

    answer = await refusal(web.views_push(trigger_id=slack.new_trigger_id(ANN), view=modal("4")))

    assert {"ok": False, "error": "push_limit_reached"} == answer
    expected_links = (root["id"], root["id"])
    assert expected_links == (second["view"]["previous_view_id"], second["view"]["root_view_id"])
    assert ["one", "two", "three"] == [v["title"]["text"] for v in slack.open_views(ANN)]


async def test_views_update_replaces_by_id_or_external_id(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """views.update keeps the view's ID and changes its hash, found by either ID."""
    opened = await web.views_open(
        trigger_id=slack.new_trigger_id(ANN), view=modal(external_id="req-1")
    )
    view_id, old_hash = opened["view"]["id"], opened["view"]["hash"]

    by_id = await web.views_update(view_id=view_id, view=modal("Step 2"), hash=old_hash)
    by_external = await web.views_update(external_id="req-1", view=modal("Step 3"))

    assert (view_id, view_id) == (by_id["view"]["id"], by_external["view"]["id"])
    assert old_hash != by_id["view"]["hash"]
    assert ["Step 3"] == [v["title"]["text"] for v in slack.open_views(ANN)]


@pytest.mark.parametrize(
    ("update", "expected_error"),
    [
        pytest.param({"view_id": "V404"}, "not_found", id="unknown-view"),
        pytest.param({"hash": "stale"}, "hash_conflict", id="stale-hash"),
    ],
)
async def test_views_update_refuses_an_unknown_view_or_a_stale_hash(
    slack: FakeSlack, web: AsyncWebClient, update: dict[str, str], expected_error: str
) -> None:
    """views.update answers not_found for an unknown view, hash_conflict for a stale hash."""
    opened = await web.views_open(trigger_id=slack.new_trigger_id(ANN), view=modal())

    kwargs = {"view_id": opened["view"]["id"], **update}
    answer = await refusal(web.views_update(view=modal("changed"), **kwargs))

    assert {"ok": False, "error": expected_error} == answer


async def test_views_publish_stores_the_home_tab(slack: FakeSlack, web: AsyncWebClient) -> None:
    """views.publish makes the view the user's Home tab; publishing again replaces it."""
    first = await web.views_publish(user_id=ANN, view=HOME)
    again = {**HOME, "blocks": [{"type": "divider"}]}
    second = await web.views_publish(user_id=ANN, view=again, hash=first["view"]["hash"])

    home = slack.home(ANN)
    assert home is not None
    assert (second["view"]["id"], [{"type": "divider"}]) == (home["id"], home["blocks"])
    assert first["view"]["id"] == home["id"]
    assert None is slack.home("U0OTHER")


@pytest.mark.parametrize(
    ("view", "expected_error"),
    [
        pytest.param(modal(), "invalid_arguments", id="a-modal"),
        pytest.param(None, "invalid_arguments", id="no-view"),
    ],
)
async def test_views_publish_takes_only_a_home_view(
    slack: FakeSlack, view: dict[str, Any] | None, expected_error: str
) -> None:
    """views.publish refuses a modal, or no view at all, with invalid_arguments."""
    headers = {"Authorization": f"Bearer {slack.bot_token}"}
    args: dict[str, Any] = {"user_id": ANN} if view is None else {"user_id": ANN, "view": view}
    async with httpx.AsyncClient(trust_env=False) as http:
        answer = (
            await http.post(f"{slack.api_url}views.publish", json=args, headers=headers)
        ).json()

    assert (False, expected_error) == (answer["ok"], answer["error"])
    assert None is slack.home(ANN)


async def test_a_duplicate_external_id_is_refused(slack: FakeSlack, web: AsyncWebClient) -> None:
    """Two open views cannot share an external_id: the second is duplicate_external_id."""
    await web.views_open(trigger_id=slack.new_trigger_id(ANN), view=modal(external_id="x"))

    answer = await refusal(
        web.views_push(trigger_id=slack.new_trigger_id(ANN), view=modal(external_id="x"))
    )

    assert {"ok": False, "error": "duplicate_external_id"} == answer
