"""The Losant client over an in-process httpx.MockTransport.

Pins down what goes on the wire (paths, headers, query parameters, bodies), how
every kind of answer or failure maps into the error tree, and the read retry
schedule, with a fake clock whose sleep records delays instead of waiting. The same
client against the real simulator over loopback is in test_losant_client_e2e.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from bot.edges.losant.client import ACCEPT_VERSION, LosantClient
from bot.edges.losant.errors import (
    LosantAlreadyExists,
    LosantAuthError,
    LosantBadRequest,
    LosantError,
    LosantInstanceNotFound,
    LosantInvalidEmail,
    LosantInvalidRole,
    LosantMemberNotFound,
    LosantNotFound,
    LosantOrgNotFound,
    LosantRateLimited,
    LosantUnavailable,
    LosantUnexpected,
)
from bot.edges.losant.models import MemberPatch, MemberPostByEmail, MemberPostByUserId

TOKEN = "tok-0123456789-super-secret"
INSTANCE = "5c9b2a1e0123456789abcdef"
ORG = "5c9b2a1e0123456789abcd01"
USER = "5c9b2a1e0123456789abcd02"
BASE = "https://losant.test"
ORGS = f"/instances/{INSTANCE}/orgs"
MEMBERS = f"{ORGS}/{ORG}/members"
MEMBER_JSON = {"userId": USER, "role": "view", "email": "ada@example.com"}
LEAN = {"_links": "false", "_embedded": "false", "_actions": "false"}

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Script:
    """A MockTransport handler: answers in order (the last one repeats) and records requests."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers) or [httpx.Response(200, json=MEMBER_JSON)]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer


class FakeTime:
    """A clock that only moves when the client sleeps; the sleeps are recorded."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


MakeClient = Callable[..., LosantClient]


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def make_client(fake_time: FakeTime) -> AsyncIterator[MakeClient]:
    """Builds clients over a Script with the fake clock; closes them all afterwards."""
    made: list[LosantClient] = []

    def make(script: Script, *, rand: float = 1.0, **options: Any) -> LosantClient:
        client = LosantClient.create(
            base_url=BASE,
            token=TOKEN,
            instance_id=INSTANCE,
            transport=httpx.MockTransport(script),
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            rand=lambda: rand,
            **options,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


def params(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def answer(status: int, body: Any = None, **headers: str) -> httpx.Response:
    """A canned answer; header keywords use "_" for "-" (Retry_After is Retry-After)."""
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    if isinstance(body, dict | list):
        return httpx.Response(status, json=body, headers=sent)
    return httpx.Response(status, content=body or b"", headers=sent)


# ---- what goes on the wire --------------------------------------------------------


async def test_every_request_carries_the_official_clients_headers(make_client: MakeClient) -> None:
    """Bearer token, Accept, Accept-Version go on every call; Content-Type only on bodies."""
    script = Script()
    client = make_client(script)
    await client.get_member(ORG, USER)
    await client.update_member(ORG, USER, MemberPatch(role="edit"))
    get, patch = script.requests
    expected = [f"Bearer {TOKEN}", "application/json", ACCEPT_VERSION, None, "application/json"]
    assert expected == [
        get.headers["Authorization"],
        get.headers["Accept"],
        get.headers["Accept-Version"],
        get.headers.get("Content-Type"),
        patch.headers["Content-Type"],
    ]


async def test_a_borrowed_http_client_still_sends_accept_headers() -> None:
    """A client built by the caller gets Accept and Accept-Version added per request."""
    script = Script()
    async with httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(script)) as http:
        await LosantClient(http, instance_id=INSTANCE).get_member(ORG, USER)
    sent = script.requests[0].headers
    assert ("application/json", ACCEPT_VERSION) == (sent["Accept"], sent["Accept-Version"])


@pytest.mark.parametrize("base", [BASE, f"{BASE}/losant/v1/"])
@pytest.mark.parametrize(
    "glob",
    ["*@example.com", "a b+c&d=e", "50% off/#1?", "Zoë <ö> ✓", "[x]{y}|z\\"],
)
async def test_the_url_is_the_one_httpx_builds_from_the_path_and_params(
    base: str, glob: str
) -> None:
    """The client builds each URL itself (parsed once, for speed); it must be byte for byte
    the one httpx makes of the base URL, the path and the params."""
    script = Script(httpx.Response(200, json={"items": []}))
    async with httpx.AsyncClient(base_url=base, transport=httpx.MockTransport(script)) as http:
        await LosantClient(http, instance_id=INSTANCE).list_members(ORG, filter=glob)
        expected = http.build_request(
            "GET",
            MEMBERS,
            params={
                "sortField": "email",
                "sortDirection": "asc",
                "filterField": "email",
                "filter": glob,
                **LEAN,
            },
        ).url
    assert [str(expected)] == [str(r.url) for r in script.requests]


@pytest.mark.parametrize(
    ("call", "method", "path"),
    [
        pytest.param(lambda c: c.list_members(ORG), "GET", MEMBERS, id="list_members"),
        pytest.param(lambda c: c.get_member(ORG, USER), "GET", f"{MEMBERS}/{USER}", id="get"),
        pytest.param(
            lambda c: c.add_member(ORG, MemberPostByUserId(user_id=USER, role="view")),
            "POST",
            MEMBERS,
            id="add_member",
        ),
        pytest.param(
            lambda c: c.update_member(ORG, USER, MemberPatch(role="edit")),
            "PATCH",
            f"{MEMBERS}/{USER}",
            id="update_member",
        ),
        pytest.param(
            lambda c: c.remove_member(ORG, USER), "DELETE", f"{MEMBERS}/{USER}", id="remove"
        ),
        pytest.param(lambda c: c.get_org(ORG), "GET", f"{ORGS}/{ORG}", id="get_org"),
        pytest.param(lambda c: c.all_orgs(), "GET", ORGS, id="all_orgs"),
    ],
)
async def test_each_endpoint_uses_its_method_and_path(
    make_client: MakeClient, call: Callable[[LosantClient], Any], method: str, path: str
) -> None:
    """Each call goes to /instances/{instanceId}/orgs[/{orgId}[/members[/{userId}]]]."""
    bodies = {
        "GET": {"userId": USER, "role": "view", "id": ORG, "name": "Acme", "items": []},
        "DELETE": {"success": True},
    }
    script = Script(
        lambda request: httpx.Response(200, json=bodies.get(request.method, MEMBER_JSON))
    )
    await call(make_client(script))
    assert [(method, path)] == [(r.method, r.url.path) for r in script.requests]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, {"sortField": "email", "sortDirection": "asc"}, id="defaults"),
        pytest.param(
            {"filter": "*@example.com"},
            {
                "sortField": "email",
                "sortDirection": "asc",
                "filterField": "email",
                "filter": "*@example.com",
            },
            id="filter-defaults-to-email",
        ),
        pytest.param(
            {
                "filter_field": "role",
                "filter": "admin",
                "sort_field": "role",
                "sort_direction": "desc",
            },
            {
                "sortField": "role",
                "sortDirection": "desc",
                "filterField": "role",
                "filter": "admin",
            },
            id="role-filter-desc",
        ),
        pytest.param(
            {"filter_field": "role"},
            {"sortField": "email", "sortDirection": "asc"},
            id="field-without-filter-is-dropped",
        ),
    ],
)
async def test_list_members_query_parameters(
    make_client: MakeClient, kwargs: dict[str, Any], expected: dict[str, str]
) -> None:
    """list_members sends Losant's sort/filter names plus the lean-body switches."""
    script = Script(answer(200, {"items": [MEMBER_JSON], "count": 1}))
    members = await make_client(script).list_members(ORG, **kwargs)
    assert (expected | LEAN, ["ada@example.com"]) == (
        params(script.requests[0]),
        [m.email for m in members.items],
    )


async def test_all_orgs_sends_paging_as_strings_and_filters_on_name(
    make_client: MakeClient,
) -> None:
    """all_orgs sends its page/perPage as strings and a glob on the name field."""
    script = Script(answer(200, {"items": [], "totalCount": 0, "page": 0, "perPage": 100}))
    await make_client(script).all_orgs(filter="acme*")
    expected = {
        "sortField": "name",
        "sortDirection": "asc",
        "filterField": "name",
        "filter": "acme*",
        "page": "0",
        "perPage": "100",
        "summaryInclude": "memberCount",
    }
    assert expected | LEAN == params(script.requests[0])


async def test_find_orgs_by_name_sends_an_exact_case_insensitive_query(
    make_client: MakeClient,
) -> None:
    """The name lookup uses query={"name":{"$eq":…,"$ci":true}}, not a glob."""
    script = Script(answer(200, {"items": [{"id": ORG, "name": "ACME *"}], "totalCount": 1}))
    orgs = await make_client(script).find_orgs_by_name("Acme *")
    sent = params(script.requests[0])
    assert ({"name": {"$eq": "Acme *", "$ci": True}}, None, [ORG]) == (
        json.loads(sent["query"]),
        sent.get("filter"),
        [org.id for org in orgs],
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            MemberPostByEmail(email="ada@example.com", role="edit"),
            {"email": "ada@example.com", "role": "edit"},
            id="by-email-no-nulls",
        ),
        pytest.param(
            MemberPostByUserId(user_id=USER, role="admin"),
            {"userId": USER, "role": "admin"},
            id="by-user-id",
        ),
        pytest.param(
            MemberPostByEmail(email="ada@example.com", role="view", disallow_transfer=True),
            {"email": "ada@example.com", "role": "view", "disallowTransfer": True},
            id="camel-case",
        ),
    ],
)
async def test_add_member_sends_exactly_the_schema_shape(
    make_client: MakeClient, body: MemberPostByEmail | MemberPostByUserId, expected: Any
) -> None:
    """The POST body is the model's to_json(): camelCase, no nulls, nothing extra."""
    script = Script()
    await make_client(script).add_member(ORG, body)
    assert expected == json.loads(script.requests[0].content)


async def test_remove_member_needs_losants_success_body(make_client: MakeClient) -> None:
    """A DELETE answered 200 without {"success": true} is not taken as done."""
    script = Script(answer(200, {"success": False}))
    with pytest.raises(LosantUnexpected) as caught:
        await make_client(script).remove_member(ORG, USER)
    assert (200, True) == (caught.value.status, caught.value.may_have_applied)


@pytest.mark.parametrize(
    ("org_id", "user_id"),
    [
        pytest.param("../../../admin", USER, id="path-traversal-org"),
        pytest.param(ORG, "x" * 24, id="not-hex-user"),
        pytest.param("Acme Corp", USER, id="a-name-not-an-id"),
    ],
)
async def test_malformed_ids_never_reach_the_wire(
    make_client: MakeClient, org_id: str, user_id: str
) -> None:
    """An ID that is not 24 hex is refused as Losant would (400 Validation), unsent."""
    script = Script()
    with pytest.raises(LosantBadRequest) as caught:
        await make_client(script).get_member(org_id, user_id)
    assert ("Validation", []) == (caught.value.error_type, script.requests)


# ---- answers and failures mapped into the error tree ------------------------------


@pytest.mark.parametrize(
    ("response", "kind", "error_type", "message"),
    [
        pytest.param(
            answer(400, {"type": "Validation", "message": "role must be one of admin, edit"}),
            LosantInvalidRole,
            "Validation",
            "role must be one of admin, edit",
            id="400-losant-words",
        ),
        pytest.param(
            answer(404, {"type": "NotFound", "message": "Organization was not found"}),
            LosantOrgNotFound,
            "NotFound",
            "Organization was not found",
            id="404",
        ),
        pytest.param(
            answer(401, {"type": "Unauthorized", "message": "Invalid access token"}),
            LosantAuthError,
            "Unauthorized",
            "Invalid access token",
            id="401",
        ),
        pytest.param(answer(403), LosantAuthError, None, "Losant answered 403 Forbidden", id="403"),
        pytest.param(
            answer(405, {"type": "MethodNotAllowed", "message": "GET is not allowed"}),
            LosantBadRequest,
            "MethodNotAllowed",
            "GET is not allowed",
            id="405",
        ),
        pytest.param(
            answer(409, {"type": "AlreadyExists", "message": "Entry already exists"}),
            LosantAlreadyExists,
            "AlreadyExists",
            "Entry already exists",
            id="409",
        ),
        pytest.param(answer(410), LosantBadRequest, None, "Losant answered 410 Gone", id="410"),
        pytest.param(
            answer(413, b"<html>too big</html>"),
            LosantBadRequest,
            None,
            "Request entity too large.",
            id="413-proxy-html",
        ),
        pytest.param(
            answer(422, {"type": "Validation", "message": "bad", "validationErrors": []}),
            LosantBadRequest,
            "Validation",
            "bad",
            id="422",
        ),
        pytest.param(
            answer(429, {"type": "RateLimit", "message": "Over rate limit"}),
            LosantRateLimited,
            "RateLimit",
            "Over rate limit",
            id="429",
        ),
        pytest.param(
            answer(500, b""),
            LosantUnavailable,
            None,
            "Losant answered 500 Internal Server Error",
            id="500-empty",
        ),
        pytest.param(
            answer(502, b"<html>Bad Gateway</html>"),
            LosantUnavailable,
            None,
            "Losant answered 502 Bad Gateway",
            id="502-html",
        ),
        pytest.param(
            answer(503, {"message": 42}),
            LosantUnavailable,
            None,
            "Losant answered 503 Service Unavailable",
            id="503-odd-json",
        ),
        pytest.param(
            answer(302, b"", Location="https://elsewhere.test/"),
            LosantUnexpected,
            None,
            "Losant answered with an unexpected status 302",
            id="302-redirect",
        ),
    ],
)
async def test_http_errors_map_into_the_tree(
    make_client: MakeClient,
    response: httpx.Response,
    kind: type[LosantError],
    error_type: str | None,
    message: str,
) -> None:
    """Status picks the class; Losant's own message and type are kept, else a fallback."""
    client = make_client(Script(response), max_attempts=1)
    with pytest.raises(LosantError) as caught:
        await client.get_member(ORG, USER)
    error = caught.value
    assert (kind, response.status_code, error_type, message, "GET", f"{MEMBERS}/{USER}") == (
        type(error),
        error.status,
        error.error_type,
        error.message,
        error.method,
        error.path,
    )
    assert isinstance(error.__cause__, httpx.HTTPStatusError)


def not_found(message: str | None = None) -> httpx.Response:
    """Losant's 404, or a bare one (a proxy's) when there is no message."""
    return answer(404, {"type": "NotFound", "message": message} if message else None)


ADD_BY_ID = MemberPostByUserId(user_id=USER, role="view")


@pytest.mark.parametrize(
    ("call", "response", "expected"),
    [
        pytest.param(
            lambda c: c.get_member(ORG, USER),
            not_found("Member was not found"),
            LosantMemberNotFound,
            id="get-member-member",
        ),
        pytest.param(
            lambda c: c.get_member(ORG, USER),
            not_found("Organization was not found"),
            LosantOrgNotFound,
            id="get-member-org",
        ),
        pytest.param(
            lambda c: c.get_member(ORG, USER),
            not_found("Instance was not found"),
            LosantInstanceNotFound,
            id="get-member-instance",
        ),
        pytest.param(
            lambda c: c.get_member(ORG, USER), not_found(), LosantMemberNotFound, id="get-bare"
        ),
        pytest.param(
            lambda c: c.update_member(ORG, USER, MemberPatch(role="edit")),
            not_found(),
            LosantMemberNotFound,
            id="update-bare",
        ),
        pytest.param(
            lambda c: c.remove_member(ORG, USER),
            not_found("Organization was not found"),
            LosantOrgNotFound,
            id="remove-org",
        ),
        pytest.param(
            lambda c: c.remove_member(ORG, USER),
            not_found("Route was not found"),
            LosantMemberNotFound,
            id="remove-route",
        ),
        pytest.param(
            lambda c: c.add_member(ORG, ADD_BY_ID),
            not_found("User was not found"),
            LosantMemberNotFound,
            id="add-user",
        ),
        pytest.param(
            lambda c: c.add_member(ORG, ADD_BY_ID), not_found(), LosantOrgNotFound, id="add-bare"
        ),
        pytest.param(
            lambda c: c.list_members(ORG), not_found(), LosantOrgNotFound, id="list-members-bare"
        ),
        pytest.param(
            lambda c: c.list_members(ORG),
            not_found("Instance was not found"),
            LosantInstanceNotFound,
            id="list-members-instance",
        ),
        pytest.param(
            lambda c: c.get_org(ORG),
            not_found("Organization was not found"),
            LosantOrgNotFound,
            id="get-org-org",
        ),
        pytest.param(
            lambda c: c.get_org(ORG),
            not_found("Member was not found"),
            LosantOrgNotFound,
            id="get-org-words-name-what-it-did-not-ask-for",
        ),
        pytest.param(
            lambda c: c.all_orgs(), not_found(), LosantInstanceNotFound, id="all-orgs-bare"
        ),
        pytest.param(
            lambda c: c.find_orgs_by_name("Acme"),
            not_found("Instance was not found"),
            LosantInstanceNotFound,
            id="find-orgs-instance",
        ),
    ],
)
async def test_a_404_says_which_part_of_the_request_was_missing(
    make_client: MakeClient,
    call: Callable[[LosantClient], Any],
    response: httpx.Response,
    expected: type[LosantNotFound],
) -> None:
    """Losant's words pick among what the request named; a bare 404 means the path's last."""
    with pytest.raises(LosantNotFound) as caught:
        await call(make_client(Script(response)))
    assert (expected, 404) == (type(caught.value), caught.value.status)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"type": "AlreadyExists", "message": 'User "x" already exists'},
            LosantAlreadyExists,
            id="already-exists",
        ),
        pytest.param(
            {"type": "alreadyexists", "message": "Entry already exists"},
            LosantAlreadyExists,
            id="already-exists-any-case",
        ),
        pytest.param(
            {"type": "Validation", "message": "role must be one of admin, edit"},
            LosantInvalidRole,
            id="role",
        ),
        pytest.param(
            {"type": "Validation", "message": "email must be a valid email"},
            LosantInvalidEmail,
            id="email",
        ),
        pytest.param(
            {"type": "Validation", "message": "An organization must have at least one admin"},
            LosantBadRequest,
            id="other",
        ),
    ],
)
async def test_a_400_says_what_losant_refused(
    make_client: MakeClient, body: dict[str, str], expected: type[LosantBadRequest]
) -> None:
    """Losant's type marks a duplicate, and its words a bad role or email, as their classes."""
    with pytest.raises(LosantBadRequest) as caught:
        await make_client(Script(answer(400, body))).add_member(ORG, ADD_BY_ID)
    assert (expected, body["message"]) == (type(caught.value), caught.value.message)


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(answer(200, b"<html>hello</html>"), id="not-json"),
        pytest.param(answer(200, {"role": "view"}), id="missing-user-id"),
        pytest.param(answer(200, {"userId": USER, "role": "owner"}), id="unknown-role"),
        pytest.param(answer(200, [MEMBER_JSON]), id="a-list"),
    ],
)
async def test_unreadable_success_bodies_are_unexpected(
    make_client: MakeClient, response: httpx.Response
) -> None:
    """A 2xx whose body is not JSON or not the documented shape is LosantUnexpected."""
    with pytest.raises(LosantUnexpected) as caught:
        await make_client(Script(response)).get_member(ORG, USER)
    assert (200, False) == (caught.value.status, caught.value.may_have_applied)


TRANSPORT_FAILURES = [
    pytest.param(httpx.ConnectError("refused"), False, id="connect-refused"),
    pytest.param(httpx.ConnectTimeout("slow connect"), False, id="connect-timeout"),
    pytest.param(httpx.PoolTimeout("pool full"), False, id="pool-timeout"),
    pytest.param(httpx.ReadTimeout("slow answer"), True, id="read-timeout"),
    pytest.param(httpx.WriteTimeout("slow upload"), True, id="write-timeout"),
    pytest.param(httpx.ReadError("reset"), True, id="read-error"),
    pytest.param(httpx.RemoteProtocolError("dropped"), True, id="remote-protocol-error"),
]


@pytest.mark.parametrize(("failure", "may_have_applied"), TRANSPORT_FAILURES)
async def test_transport_failures_on_reads_are_unavailable(
    make_client: MakeClient, failure: Exception, may_have_applied: bool
) -> None:
    """Timeouts and connection failures become LosantUnavailable, chained, never httpx."""
    with pytest.raises(LosantUnavailable) as caught:
        await make_client(Script(failure), max_attempts=1).get_member(ORG, USER)
    assert (failure, False, None) == (
        caught.value.__cause__,
        caught.value.may_have_applied,
        caught.value.status,
    )


@pytest.mark.parametrize(("failure", "may_have_applied"), TRANSPORT_FAILURES)
async def test_a_failed_write_is_sent_once_and_says_if_it_may_have_applied(
    make_client: MakeClient, fake_time: FakeTime, failure: Exception, may_have_applied: bool
) -> None:
    """Writes are never re-sent; only a failure before sending is known not to have applied."""
    script = Script(failure, answer(200, MEMBER_JSON))
    with pytest.raises(LosantUnavailable) as caught:
        await make_client(script).update_member(ORG, USER, MemberPatch(role="edit"))
    assert (may_have_applied, 1, []) == (
        caught.value.may_have_applied,
        len(script.requests),
        fake_time.sleeps,
    )


@pytest.mark.parametrize(
    ("response", "kind", "may_have_applied"),
    [
        pytest.param(answer(503), LosantUnavailable, True, id="503"),
        pytest.param(answer(500), LosantUnavailable, True, id="500"),
        pytest.param(answer(429, Retry_After="1"), LosantRateLimited, False, id="429"),
        pytest.param(answer(400, {"message": "no"}), LosantBadRequest, False, id="400"),
        pytest.param(answer(404), LosantNotFound, False, id="404"),
        pytest.param(answer(200, b"garbled"), LosantUnexpected, True, id="200-unreadable"),
    ],
)
async def test_write_answers_are_never_retried(
    make_client: MakeClient,
    response: httpx.Response,
    kind: type[LosantError],
    may_have_applied: bool,
) -> None:
    """A write's error answer is raised at once, marked when the change may be in place."""
    script = Script(response, answer(200, MEMBER_JSON))
    with pytest.raises(kind) as caught:
        await make_client(script).add_member(ORG, MemberPostByUserId(user_id=USER, role="view"))
    assert (may_have_applied, 1) == (caught.value.may_have_applied, len(script.requests))


# ---- read retries -----------------------------------------------------------------


async def test_reads_recover_after_transient_failures(
    make_client: MakeClient, fake_time: FakeTime
) -> None:
    """A GET retries through 503, a dropped connection and 429, backing off each time."""
    script = Script(
        answer(503),
        httpx.RemoteProtocolError("dropped"),
        answer(429),
        answer(200, MEMBER_JSON),
    )
    member = await make_client(script).get_member(ORG, USER)
    assert (USER, 4, [0.25, 0.5, 1.0]) == (member.user_id, len(script.requests), fake_time.sleeps)


async def test_retry_after_is_honoured(make_client: MakeClient, fake_time: FakeTime) -> None:
    """A 429 or 503 with Retry-After waits exactly what Losant asked, not the backoff."""
    script = Script(
        answer(429, Retry_After="3"), answer(503, Retry_After="2"), answer(200, MEMBER_JSON)
    )
    await make_client(script).get_member(ORG, USER)
    assert [3.0, 2.0] == fake_time.sleeps


async def test_retry_after_beyond_the_budget_gives_up_at_once(
    make_client: MakeClient, fake_time: FakeTime
) -> None:
    """When the wait Losant asks for does not fit the budget, the error comes now."""
    script = Script(answer(429, Retry_After="30"), answer(200, MEMBER_JSON))
    with pytest.raises(LosantRateLimited) as caught:
        await make_client(script, retry_budget_s=20.0).get_member(ORG, USER)
    assert (30.0, 1, []) == (caught.value.retry_after, len(script.requests), fake_time.sleeps)


async def test_retries_stop_when_the_budget_is_spent(
    make_client: MakeClient, fake_time: FakeTime
) -> None:
    """Backoff continues only while the next wait fits the budget; then the last error."""
    script = Script(answer(503, {"type": "Down", "message": "still down"}))
    with pytest.raises(LosantUnavailable) as caught:
        await make_client(script, retry_budget_s=2.0).list_members(ORG)
    # 0.25 + 0.5 + 1.0 = 1.75 s spent; the next step (2 s) would not fit in 0.25 s.
    assert ([0.25, 0.5, 1.0], 4, "still down") == (
        fake_time.sleeps,
        len(script.requests),
        caught.value.message,
    )


async def test_retries_stop_at_max_attempts(make_client: MakeClient, fake_time: FakeTime) -> None:
    """However generous the budget, a read makes at most max_attempts (10) attempts."""
    script = Script(httpx.ConnectError("refused"))
    with pytest.raises(LosantUnavailable):
        await make_client(script, rand=0.0, retry_budget_s=1000.0).get_org(ORG)
    assert (10, [0.0] * 9) == (len(script.requests), fake_time.sleeps)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_client_errors_are_never_retried(
    make_client: MakeClient, fake_time: FakeTime, status: int
) -> None:
    """A 4xx other than 429 will not change by asking again, so it is raised at once."""
    script = Script(answer(status), answer(200, MEMBER_JSON))
    with pytest.raises(LosantError):
        await make_client(script).get_member(ORG, USER)
    assert (1, []) == (len(script.requests), fake_time.sleeps)


async def test_each_attempt_is_cut_to_what_is_left_of_the_budget(
    make_client: MakeClient,
) -> None:
    """An attempt's timeouts never exceed the remaining budget, so a read ends in time."""
    script = Script(answer(503), answer(200, MEMBER_JSON))
    await make_client(script, timeout_s=10.0, retry_budget_s=3.0).get_member(ORG, USER)
    timeouts = [r.extensions["timeout"] for r in script.requests]
    assert [
        {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0},
        {"connect": 2.75, "read": 2.75, "write": 2.75, "pool": 2.75},
    ] == timeouts


async def test_writes_keep_the_configured_timeouts(make_client: MakeClient) -> None:
    """A write is one attempt with the client's own timeouts (connect capped at 5 s)."""
    script = Script()
    await make_client(script, timeout_s=8.0, retry_budget_s=3.0).update_member(
        ORG, USER, MemberPatch(role="view")
    )
    assert {"connect": 5.0, "read": 8.0, "write": 8.0, "pool": 8.0} == (
        script.requests[0].extensions["timeout"]
    )


# ---- paging through orgs -----------------------------------------------------------


def org_pages(
    total: int, *, served: int | None = None, cap: int | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    """A handler paging through ``total`` orgs as Losant does; it may hold back or cap.

    ``served``: how many orgs it really has (fewer than it counts); ``cap``: the
    largest page it serves, whatever perPage asked for.
    """
    names = [f"org {i:04}" for i in range(total if served is None else served)]

    def serve(request: httpx.Request) -> httpx.Response:
        page, per_page = int(request.url.params["page"]), int(request.url.params["perPage"])
        size = min(per_page, cap or per_page)
        chunk = names[page * size : (page + 1) * size]
        items = [{"id": f"{page:012x}{i:012x}", "name": name} for i, name in enumerate(chunk)]
        body = {"items": items, "count": len(items), "totalCount": total, "page": page}
        return httpx.Response(200, json=body | {"perPage": size})

    return serve


@pytest.mark.parametrize(
    ("server", "orgs", "pages"),
    [
        pytest.param(org_pages(0), 0, 1, id="none"),
        pytest.param(org_pages(99), 99, 1, id="one-partial-page"),
        pytest.param(org_pages(100), 100, 1, id="exactly-one-page"),
        pytest.param(org_pages(250), 250, 3, id="three-pages"),
        pytest.param(org_pages(250, cap=50), 250, 5, id="server-caps-per-page"),
        pytest.param(org_pages(250, served=150), 150, 3, id="ends-on-an-empty-page"),
    ],
)
async def test_all_orgs_reads_every_page_and_stops(
    make_client: MakeClient,
    server: Callable[[httpx.Request], httpx.Response],
    orgs: int,
    pages: int,
) -> None:
    """all_orgs pages until page*perPage + count reaches totalCount or a page is empty."""
    script = Script(server)
    found = await make_client(script).all_orgs(filter="org*")
    assert (orgs, [str(p) for p in range(pages)]) == (
        len(found),
        [r.url.params["page"] for r in script.requests],
    )


@pytest.mark.parametrize(
    ("body", "calls"),
    [
        pytest.param({"totalCount": 10**9}, 1, id="counts-too-many"),
        pytest.param({"perPage": 1}, 100, id="never-a-short-page"),
    ],
)
async def test_all_orgs_gives_up_on_a_server_that_never_ends(
    make_client: MakeClient, body: dict[str, int], calls: int
) -> None:
    """More than 100 pages is an error: at once if counted, else after the 100th page."""
    endless = answer(200, {"items": [{"id": ORG, "name": "again"}], **body})
    script = Script(endless)
    with pytest.raises(LosantUnexpected, match="100 pages"):
        await make_client(script).find_orgs_by_name("again")
    assert calls == len(script.requests)


# ---- secrets, logs and lifetime ----------------------------------------------------


async def test_the_token_never_shows_in_errors_logs_or_reprs(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Errors, their reprs, debug logs and the client's repr never contain the token."""
    caplog.set_level(logging.DEBUG, logger="bot.losant")
    script = Script(
        answer(401, {"message": "Invalid access token"}),
        httpx.ConnectError("refused"),
        answer(503, b"down"),
    )
    client = make_client(script, max_attempts=1)
    errors: list[LosantError] = []
    for _ in range(3):
        with pytest.raises(LosantError) as caught:
            await client.get_org(ORG)
        errors.append(caught.value)
    records = [str(vars(record)) for record in caplog.records]
    seen = [caplog.text, *records, repr(client), *map(str, errors), *map(repr, errors)]
    assert [] == [text for text in seen if TOKEN in text]
    assert 3 == len(caplog.records)


async def test_each_call_is_logged_at_debug_with_its_facts(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Every attempt logs method, path, status and attempt number on bot.edges.losant."""
    caplog.set_level(logging.DEBUG, logger="bot.losant")
    await make_client(Script(answer(503), answer(200, MEMBER_JSON))).get_member(ORG, USER)
    calls = [vars(r) for r in caplog.records if hasattr(r, "status")]
    path = f"{MEMBERS}/{USER}"
    assert [("GET", path, 503, 1), ("GET", path, 200, 2)] == [
        (c["method"], c["path"], c["status"], c["attempt"]) for c in calls
    ]
    assert all(c["levelno"] == logging.DEBUG and c["duration_ms"] >= 0 for c in calls)


async def test_aclose_closes_only_an_http_client_it_built() -> None:
    """A borrowed httpx client stays open for its owner; a built one is closed."""
    transport = httpx.MockTransport(Script())
    async with httpx.AsyncClient(base_url=BASE, transport=transport) as borrowed:
        await LosantClient(borrowed, instance_id=INSTANCE).aclose()
        built = LosantClient.create(
            base_url=BASE, token=TOKEN, instance_id=INSTANCE, transport=transport
        )
        async with built:
            pass
        assert (False, True) == (borrowed.is_closed, built._http.is_closed)


def test_a_malformed_instance_id_is_refused_at_construction() -> None:
    """The instance ID is configuration: a bad one fails at start-up, not per call."""
    with pytest.raises(ValueError, match="24-character hex"):
        LosantClient.create(base_url=BASE, token=TOKEN, instance_id="not-an-instance")
