"""Pins the fake Slack's Web API and response_url receiver that end-to-end tests stand on.

If the fake drifted from Slack (another error code, another way of reading a call,
a reply recorded under the wrong URL), every end-to-end test built on it would prove
less. These tests hold it to slack_sdk, the client the real app uses. Socket Mode and
the signing helpers are pinned in test_fake_slack_socket.py and test_fake_slack_signing.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.sandbox.fake_slack import ApiCall, FakeSlack, ResponsePost
from tests.harness import ManualClock

BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-test"
# For waits whose outcome is already decided: a failing one stays quick.
SHORT_S = 0.05


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as fake:
        yield fake


@pytest.fixture
def web(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as client:
        yield client


# -- Web API -----------------------------------------------------------------------------


async def test_listens_on_loopback_only(slack: FakeSlack) -> None:
    """Every URL the fake hands out points at 127.0.0.1, so no test traffic leaves the machine."""
    urls = [slack.api_url, slack.response_url()]

    assert all(url.startswith("http://127.0.0.1:") for url in urls), urls
    assert slack.api_url.endswith("/api/")


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param(BOT_TOKEN, {"ok": True}, id="bot-token"),
        pytest.param("xoxb-other", {"ok": False, "error": "invalid_auth"}, id="wrong-token"),
        pytest.param(None, {"ok": False, "error": "not_authed"}, id="no-token"),
        pytest.param(APP_TOKEN, {"ok": False, "error": "not_allowed_token_type"}, id="app-token"),
    ],
)
async def test_web_api_checks_the_bearer_token(
    slack: FakeSlack, http: httpx.AsyncClient, token: str | None, expected: dict[str, Any]
) -> None:
    """A Web API method answers only the bot token, with Slack's error codes otherwise."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}

    answer = (await http.post(f"{slack.api_url}auth.test", headers=headers)).json()

    assert expected == {key: answer[key] for key in expected}


async def test_auth_test_names_the_bot(web: AsyncWebClient) -> None:
    """auth.test (which Bolt calls on the first request) answers the bot's identity."""
    answer = await web.auth_test()

    expected = {"user_id": "UBOT", "bot_id": "B1", "team_id": "T1", "team": "Test"}
    assert expected == {key: answer[key] for key in expected}


@pytest.mark.parametrize(
    ("request_kwargs", "expected_args"),
    [
        pytest.param({"method": "GET", "params": {"user": "U1"}}, {"user": "U1"}, id="get-query"),
        pytest.param({"method": "POST", "data": {"user": "U1"}}, {"user": "U1"}, id="post-form"),
        pytest.param({"method": "POST", "json": {"user": "U1"}}, {"user": "U1"}, id="post-json"),
        pytest.param(
            {"method": "POST", "params": {"a": "1"}, "json": {"b": 2}},
            {"a": "1", "b": 2},
            id="query-and-json",
        ),
    ],
)
async def test_records_every_call_however_encoded(
    slack: FakeSlack,
    http: httpx.AsyncClient,
    request_kwargs: dict[str, Any],
    expected_args: dict[str, Any],
) -> None:
    """A call's arguments are recorded whether sent as a query, a form or JSON."""
    headers = {"Authorization": f"Bearer {BOT_TOKEN}"}

    await http.request(url=f"{slack.api_url}users.info", headers=headers, **request_kwargs)

    assert [ApiCall("users.info", expected_args, BOT_TOKEN)] == slack.calls_to("users.info")


@pytest.mark.parametrize(
    ("email", "expected_profile"),
    [
        pytest.param("ann@example.com", {"email": "ann@example.com"}, id="with-email"),
        pytest.param(None, {}, id="without-email"),
    ],
)
async def test_users_info_answers_added_users(
    slack: FakeSlack,
    web: AsyncWebClient,
    email: str | None,
    expected_profile: dict[str, str],
) -> None:
    """users.info returns an added user's profile, with an email only if one was given."""
    slack.add_user("U1", email=email, name="Ann")

    user = (await web.users_info(user="U1"))["user"]

    expected_user = {"id": "U1", "name": "Ann"}
    assert expected_user == {key: user[key] for key in expected_user}
    assert {"real_name": "Ann", "display_name": "Ann", **expected_profile} == user["profile"]


@pytest.mark.parametrize(
    ("call", "expected_error"),
    [
        pytest.param(("users_info", {"user": "U404"}), "user_not_found", id="unknown-user"),
        pytest.param(
            ("usergroups_users_list", {"usergroup": "S404"}), "no_such_subteam", id="unknown-group"
        ),
        pytest.param(
            ("api_call", {"api_method": "team.info"}), "unknown_method", id="unknown-method"
        ),
    ],
)
async def test_unknown_things_get_slacks_error_codes(
    web: AsyncWebClient, call: tuple[str, dict[str, str]], expected_error: str
) -> None:
    """Unknown users, groups and methods fail with the error code Slack uses for each."""
    name, kwargs = call

    with pytest.raises(SlackApiError) as raised:
        await getattr(web, name)(**kwargs)

    assert expected_error == raised.value.response["error"]


async def test_usergroups_users_list_answers_added_groups(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """usergroups.users.list returns the member IDs an added group was given."""
    slack.add_group("S1", ["U1", "U2"])

    answer = await web.usergroups_users_list(usergroup="S1")

    expected_members = ["U1", "U2"]
    assert expected_members == answer["users"]


async def test_post_message_is_recorded_in_order(slack: FakeSlack, web: AsyncWebClient) -> None:
    """chat.postMessage answers a ts and records each message's arguments in order."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "first"}}]

    first = await web.chat_postMessage(channel="C1", text="first", blocks=blocks)
    second = await web.chat_postMessage(channel="C2", text="second")

    expected = [
        {"channel": "C1", "text": "first", "blocks": blocks},
        {"channel": "C2", "text": "second"},
    ]
    assert expected == await slack.wait_for_messages(2, timeout=SHORT_S)
    assert expected == slack.messages
    assert first["ts"] != second["ts"]


async def test_post_message_to_a_removed_channel_fails(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """A removed channel answers channel_not_found and records no message."""
    slack.remove_channel("C1")

    with pytest.raises(SlackApiError) as raised:
        await web.chat_postMessage(channel="C1", text="hi")

    expected_error, expected_messages = "channel_not_found", list[dict[str, Any]]()
    assert expected_error == raised.value.response["error"]
    assert expected_messages == slack.messages


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        pytest.param({"error": "ratelimited"}, (200, "ratelimited"), id="ok-false"),
        pytest.param({"status": 500}, (500, "internal_error"), id="http-500"),
    ],
)
async def test_fail_api_fails_the_next_calls_then_recovers(
    slack: FakeSlack, web: AsyncWebClient, fault: dict[str, Any], expected: tuple[int, str]
) -> None:
    """fail_api makes exactly `times` calls to one method fail, then serves it again."""
    slack.add_group("S1", ["U1"])
    slack.fail_api("usergroups.users.list", times=2, **fault)

    failures = []
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            await web.usergroups_users_list(usergroup="S1")
        failures.append((raised.value.response.status_code, raised.value.response["error"]))

    assert [expected, expected] == failures
    recovered = await web.usergroups_users_list(usergroup="S1")
    expected_members = ["U1"]
    assert expected_members == recovered["users"]


async def test_fail_api_with_only_a_delay_is_slow_once(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """fail_api(error=None, delay_s=…) holds one answer back; the next call is prompt."""
    slack.fail_api("auth.test", error=None, delay_s=60)

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(SHORT_S):
            await web.auth_test()

    expected_user_id = "UBOT"
    assert expected_user_id == (await web.auth_test())["user_id"]


async def test_rate_limit_answers_429_with_retry_after_beyond_the_limit(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """Beyond one post a second, Slack's answer: 429, Retry-After 1, error ratelimited."""
    clock = ManualClock()
    slack.rate_limit("chat.postMessage", per_s=1, clock=clock)
    await web.chat_postMessage(channel="C1", text="first")

    with pytest.raises(SlackApiError) as raised:
        await web.chat_postMessage(channel="C1", text="second")

    response = raised.value.response
    expected = (429, "1", {"ok": False, "error": "ratelimited"})
    assert expected == (response.status_code, response.headers.get("Retry-After"), response.data)
    assert ["first"] == [m["text"] for m in slack.messages]
    rate_limited = await slack.wait_for_rate_limited(1, timeout=SHORT_S)
    assert ["second"] == [call.args["text"] for call in rate_limited]
    assert rate_limited == slack.rate_limited


async def test_rate_limit_refills_as_its_clock_moves(slack: FakeSlack, web: AsyncWebClient) -> None:
    """A second post goes through once the test's clock has moved on by a second."""
    clock = ManualClock()
    slack.rate_limit("chat.postMessage", per_s=1, clock=clock)
    await web.chat_postMessage(channel="C1", text="first")
    clock.advance(0.5)
    with pytest.raises(SlackApiError):
        await web.chat_postMessage(channel="C1", text="too soon")

    clock.advance(0.5)
    await web.chat_postMessage(channel="C1", text="second")

    assert ["first", "second"] == [m["text"] for m in slack.messages]


async def test_rate_limit_is_per_channel_and_allows_a_burst(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """Each channel has its own bucket, and `burst` posts may go at once."""
    slack.rate_limit("chat.postMessage", per_s=1, burst=2, clock=ManualClock())
    for text in ("a1", "a2", "b1"):
        await web.chat_postMessage(channel=f"C{text[0].upper()}", text=text)
    with pytest.raises(SlackApiError):
        await web.chat_postMessage(channel="CA", text="a3")

    assert ["a1", "a2", "b1"] == [m["text"] for m in slack.messages]


async def test_rate_limit_is_off_unless_asked_for_and_can_be_lifted(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    """Without a limit, posts in a row all go through; lifting a limit restores that."""
    for text in ("1", "2"):
        await web.chat_postMessage(channel="C1", text=text)
    slack.rate_limit("chat.postMessage", per_s=1, clock=ManualClock())
    slack.lift_rate_limit("chat.postMessage")
    for text in ("3", "4"):
        await web.chat_postMessage(channel="C1", text=text)

    assert ["1", "2", "3", "4"] == [m["text"] for m in slack.messages]
    assert [] == slack.rate_limited


# -- response_url ------------------------------------------------------------------------


async def test_response_urls_are_unique(slack: FakeSlack) -> None:
    """Each command or click gets its own response_url."""
    urls = {slack.response_url() for _ in range(3)}

    expected_count = 3
    assert expected_count == len(urls)


async def test_records_what_respond_posts(slack: FakeSlack) -> None:
    """A post from slack_sdk's webhook client (what respond() uses) is answered and recorded."""
    url = slack.response_url()

    answer = await AsyncWebhookClient(url).send(text="hi", response_type="ephemeral")

    expected_answer = (200, "ok")
    assert expected_answer == (answer.status_code, answer.body)
    key = int(url.rsplit("/", 1)[1])
    expected = ResponsePost(url, key, {"text": "hi", "response_type": "ephemeral"}, 200)
    assert [expected] == await slack.wait_for_responses(1, url=url, timeout=SHORT_S)


@pytest.mark.parametrize(
    ("issue_url", "body", "expected"),
    [
        pytest.param(False, b"{}", (404, "no_service"), id="never-issued"),
        pytest.param(True, b"not json", (400, "invalid_payload"), id="not-json"),
    ],
)
async def test_bad_response_posts_are_refused(
    slack: FakeSlack,
    http: httpx.AsyncClient,
    issue_url: bool,
    body: bytes,
    expected: tuple[int, str],
) -> None:
    """A post to a URL the fake never issued, or without a JSON body, is refused."""
    url = slack.response_url() if issue_url else f"{slack.root_url}respond/999"

    answer = await http.post(url, content=body, headers={"Content-Type": "application/json"})

    assert expected == (answer.status_code, answer.text)
    assert [expected[0]] == [post.status for post in slack.responses]


async def test_fail_responses_fails_the_next_posts_then_recovers(slack: FakeSlack) -> None:
    """fail_responses makes exactly `times` posts fail; each post is recorded with its status."""
    url = slack.response_url()
    slack.fail_responses(status=503, times=2)

    statuses = [(await AsyncWebhookClient(url).send(text="x")).status_code for _ in range(3)]

    expected_statuses = [503, 503, 200]
    assert expected_statuses == statuses
    assert expected_statuses == [post.status for post in slack.responses]


async def test_fail_responses_with_a_delay_holds_the_answer(slack: FakeSlack) -> None:
    """fail_responses(delay_s=…) answers slowly, though the post is recorded on arrival."""
    url = slack.response_url()
    slack.fail_responses(status=200, delay_s=60)

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(SHORT_S):
            await AsyncWebhookClient(url).send(text="slow")

    expected_payloads = [{"text": "slow"}]
    assert expected_payloads == [post.payload for post in slack.responses]


async def test_wait_for_responses_wakes_on_arrival(slack: FakeSlack) -> None:
    """A waiter started before the post returns as soon as the post arrives."""
    url = slack.response_url()
    waiter = asyncio.create_task(slack.wait_for_responses(1, url=url))

    await AsyncWebhookClient(url).send(text="late")

    expected_payloads = [{"text": "late"}]
    assert expected_payloads == [post.payload for post in await waiter]


async def test_wait_for_responses_returns_the_first_posts_to_a_url(slack: FakeSlack) -> None:
    """wait_for_responses(count, url=…) returns the first `count` posts to that URL only."""
    first, second = slack.response_url(), slack.response_url()
    for url, text in [(second, "a"), (first, "b"), (second, "c")]:
        await AsyncWebhookClient(url).send(text=text)

    posts = await slack.wait_for_responses(1, url=second, timeout=SHORT_S)

    assert [(second, {"text": "a"})] == [(post.url, post.payload) for post in posts]


async def test_wait_for_responses_timeout_lists_what_arrived(slack: FakeSlack) -> None:
    """A wait that times out fails with a message listing every post that did arrive."""
    url = slack.response_url()
    await AsyncWebhookClient(url).send(text="only one")

    with pytest.raises(AssertionError) as raised:
        await slack.wait_for_responses(2, timeout=SHORT_S)

    message = str(raised.value)
    assert message.startswith(f"expected 2 response_url posts within {SHORT_S}s, got 1")
    assert "only one" in message
