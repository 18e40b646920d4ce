"""Pins the modal, Home tab, shortcut and event payloads, and what Slack does with acks.

The judge of a payload is Bolt: each built here is signed, dispatched to a real
AsyncApp and must reach the listener Slack's own payload would reach. The fake must
also act on what the app answers in its ack (a submission's response_action, a
command's message), whether the answer came over HTTP or Socket Mode.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.fake_slack.arrivals import Arrivals
from tests.fakes.signing import (
    JSON,
    app_home_opened_body,
    block_suggestion_body,
    encode_action,
    encode_event,
    shortcut_body,
    sign,
    slash_command_body,
    view_action_body,
    view_submission_body,
    with_state,
)

SECRET = "payload-secret"
ANN = "U0ANN"
CHANNEL = "C0GENERAL"
MODAL = {
    "type": "modal",
    "callback_id": "request",
    "private_metadata": '{"org": "acme"}',
    "title": {"type": "plain_text", "text": "Request access"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "why",
            "label": {"type": "plain_text", "text": "Why"},
            "element": {"type": "plain_text_input", "action_id": "reason"},
        }
    ],
}


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


HOME = {"type": "home", "blocks": [{"type": "divider"}]}
TYPED = {"why": {"reason": {"type": "plain_text_input", "value": "on call"}}}


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def web(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


async def open_modal(slack: FakeSlack, web: AsyncWebClient) -> dict[str, Any]:
    view: dict[str, Any] = (await web.views_open(trigger_id=slack.new_trigger_id(ANN), view=MODAL))[
        "view"
    ]
    return view


def bolt_app(slack: FakeSlack, seen: Arrivals[tuple[str, Any]]) -> AsyncApp:
    """A Bolt app whose listeners note which one each payload reached, and what it read."""
    app = AsyncApp(
        signing_secret=SECRET,
        client=AsyncWebClient(token=slack.bot_token, base_url=slack.api_url),
    )

    @app.action("approve")
    async def on_action(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        await seen.add(("action", (body["container"]["type"], body["view"]["type"])))

    @app.view("request")
    async def on_submit(ack: Any, view: dict[str, Any]) -> None:
        await ack(response_action="errors", errors={"why": "Say more"})
        await seen.add(("view", (view["state"]["values"], view["private_metadata"])))

    @app.options("pick_org")
    async def on_options(ack: Any, payload: dict[str, Any]) -> None:
        await ack(options=[{"text": {"type": "plain_text", "text": "Acme"}, "value": "acme"}])
        await seen.add(("options", payload["value"]))

    @app.shortcut("new_request")
    async def on_shortcut(ack: Any, shortcut: dict[str, Any]) -> None:
        await ack()
        await seen.add(("shortcut", shortcut["trigger_id"]))

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any]) -> None:
        await seen.add(("home", (event["user"], event["tab"])))

    return app


async def dispatch(app: AsyncApp, body: bytes, content_type: str = "") -> tuple[int, str]:
    signed = sign(body, SECRET, content_type=content_type) if content_type else sign(body, SECRET)
    headers: dict[str, str | Sequence[str]] = dict(signed)
    response = await app.async_dispatch(AsyncBoltRequest(body=body.decode(), headers=headers))
    return response.status, response.body


async def test_bolt_routes_each_payload_to_its_listener(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """Modal and Home clicks, a submission, a typeahead, a shortcut and app_home_opened
    each reach the Bolt listener meant for them, with the fields it reads."""
    seen: Arrivals[tuple[str, Any]] = Arrivals("listener calls")
    app = bolt_app(slack, seen)
    view = await open_modal(slack, web)
    home = (await web.views_publish(user_id=ANN, view=HOME))["view"]
    trigger = slack.new_trigger_id(ANN)
    by_ann = {"user_id": ANN, "trigger_id": trigger}
    payloads = [
        view_action_body(view=view, action_id="approve", user_id=ANN, trigger_id=trigger),
        view_action_body(view=home, action_id="approve", user_id=ANN, trigger_id=trigger),
        view_submission_body(view=with_state(view, TYPED), **by_ann),
        block_suggestion_body(view=view, user_id=ANN, action_id="pick_org", value="ac"),
        shortcut_body(callback_id="new_request", **by_ann),
    ]

    statuses = [(await dispatch(app, encode_action(payload)))[0] for payload in payloads]
    event = app_home_opened_body(user_id=ANN, channel_id=slack.dm_channel(ANN), view=home)
    statuses.append((await dispatch(app, encode_event(event), JSON))[0])

    assert [200] * 6 == statuses
    # Bolt runs an event's listener after acking it: wait for it rather than assume.
    assert [
        ("action", ("view", "modal")),
        ("action", ("view", "home")),
        ("view", (TYPED, '{"org": "acme"}')),
        ("options", "ac"),
        ("shortcut", trigger),
        ("home", (ANN, "home")),
    ] == await seen.wait_for(6, timeout=5)


def test_events_are_signed_as_json() -> None:
    """An event body is signed with a JSON content type, and Slack's verifier accepts it."""
    body = encode_event(app_home_opened_body(user_id=ANN, channel_id="D0ANN"))

    headers = sign(body, SECRET, content_type=JSON)

    assert JSON == headers["Content-Type"]
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)


@pytest.mark.parametrize(
    ("answer", "expected_titles", "expected_errors"),
    [
        pytest.param({}, [], {}, id="nothing-closes"),
        pytest.param(
            {"response_action": "errors", "errors": {"why": "Say more"}},
            ["Request access"],
            {"why": "Say more"},
            id="errors",
        ),
        pytest.param(
            {"response_action": "update", "view": {**MODAL, "title": plain("Sent")}},
            ["Sent"],
            {},
            id="update",
        ),
        pytest.param(
            {"response_action": "push", "view": {**MODAL, "title": plain("Sure?")}},
            ["Request access", "Sure?"],
            {},
            id="push",
        ),
        pytest.param({"response_action": "clear"}, [], {}, id="clear"),
    ],
)  # fmt: skip
async def test_a_submissions_answer_changes_the_modals(
    slack: FakeSlack,
    web: AsyncWebClient,
    answer: dict[str, Any],
    expected_titles: list[str],
    expected_errors: dict[str, str],
) -> None:
    """The app's answer to a submission closes, keeps with errors, updates or pushes."""
    view = await open_modal(slack, web)
    submission = view_submission_body(
        view=with_state(view, TYPED), user_id=ANN, trigger_id=slack.new_trigger_id(ANN)
    )

    await slack.app_answered(submission, answer)

    assert expected_titles == [v["title"]["text"] for v in slack.open_views(ANN)]
    assert expected_errors == slack.modal_errors(ANN)
    assert [("view_submission", answer)] == [(a.kind, a.body) for a in slack.answers]


async def test_a_commands_ack_is_shown_to_the_invoker(slack: FakeSlack) -> None:
    """A slash command's ack with text is the first thing the invoker sees."""
    url = slack.response_url(user=ANN, channel=CHANNEL)
    command = slash_command_body(text="help", response_url=url, user_id=ANN, channel_id=CHANNEL)

    await slack.app_answered(command, {"text": "Usage: /members …"})

    assert ["Usage: /members …"] == [m["text"] for m in slack.visible(ANN, CHANNEL)]
    assert [] == slack.visible("U0BO", CHANNEL)
