"""The simulator's member writes over loopback: validation, state changes, Losant's rules, auth."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.sandbox.simulator import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN, Simulator
from bot.sandbox.simulator.seed import ACME, GLOBEX, INITECH

ORGS = f"/instances/{DEFAULT_INSTANCE_ID}/orgs"
MISSING_ID = "0123456789abcdef01234567"
LAST_ADMIN = {
    "type": "Validation",
    "message": "An organization must have at least one admin member",
}


@pytest.fixture
async def api(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client pointed at the simulator with the full-access token."""
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    async with httpx.AsyncClient(base_url=simulator.base_url, headers=headers) as client:
        yield client


def members_url(simulator: Simulator, org: str = ACME) -> str:
    found = simulator.state.find_org_by_name(org)
    assert found is not None
    return f"{ORGS}/{found.id}/members"


def member_url(simulator: Simulator, email: str, org: str = ACME) -> str:
    found = simulator.state.find_org_by_name(org)
    assert found is not None
    member = simulator.state.find_member_by_email(found.id, email)
    assert member is not None
    return f"{ORGS}/{found.id}/members/{member.user_id}"


def roles(simulator: Simulator, org: str = ACME) -> dict[str, str]:
    found = simulator.state.find_org_by_name(org)
    assert found is not None
    return {m.email: m.role for m in simulator.state.members(found.id)}


async def test_post_by_email_creates_the_user(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """Posting an unknown email answers 200 with a new member that has no names yet."""
    response = await api.post(members_url(simulator), json={"email": "New@Acme.io", "role": "edit"})
    body = response.json()
    assert 200 == response.status_code
    assert ("new@acme.io", "edit", None) == (body["email"], body["role"], body.get("firstName"))
    assert body == (await api.get(f"{members_url(simulator)}/{body['userId']}")).json()
    assert "edit" == roles(simulator)["new@acme.io"]


async def test_users_are_shared_across_orgs(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """Adding an existing user to another org, by email or by ID, reuses the same user."""
    bo_id = member_url(simulator, "bo@acme.io").rsplit("/", 1)[1]
    by_email = await api.post(
        members_url(simulator, GLOBEX), json={"email": "bo@acme.io", "role": "view"}
    )
    by_id = await api.post(members_url(simulator, INITECH), json={"userId": bo_id, "role": "edit"})
    assert (200, bo_id, "Diddley") == (
        by_email.status_code,
        by_email.json()["userId"],
        by_email.json()["lastName"],
    )
    assert (200, bo_id, "edit") == (by_id.status_code, by_id.json()["userId"], by_id.json()["role"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"email": "BO@acme.io", "role": "view"},
            {"type": "AlreadyExists", "message": 'Email address "BO@acme.io" already exists'},
            id="email",
        ),
        pytest.param(
            {"userId": "USER", "role": "view"},
            {"type": "AlreadyExists", "message": 'User "USER" already exists'},
            id="user-id",
        ),
    ],
)
async def test_adding_a_member_twice_is_refused(
    api: httpx.AsyncClient, simulator: Simulator, body: dict[str, str], expected: dict[str, str]
) -> None:
    """Posting someone who is already a member is 400 AlreadyExists and changes nothing."""
    bo_id = member_url(simulator, "bo@acme.io").rsplit("/", 1)[1]
    body = {key: bo_id if value == "USER" else value for key, value in body.items()}
    expected = {key: value.replace("USER", bo_id) for key, value in expected.items()}
    response = await api.post(members_url(simulator), json=body)
    assert (400, expected) == (response.status_code, response.json())
    assert "admin" == roles(simulator)["bo@acme.io"]


async def test_unknown_user_id_is_not_found(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """Posting a well-formed userId that no user has is 404 "User was not found"."""
    response = await api.post(members_url(simulator), json={"userId": MISSING_ID, "role": "view"})
    expected = {"type": "NotFound", "message": "User was not found"}
    assert (404, expected) == (response.status_code, response.json())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param({}, "email is required (or userId, to add an existing user)", id="empty"),
        pytest.param({"email": "a@b.co"}, "role is required", id="no-role"),
        pytest.param(
            {"email": "a@b.co", "userId": MISSING_ID, "role": "view"},
            "member must have either userId or email, not both",
            id="mixed-branches",
        ),
        pytest.param(
            {"userId": MISSING_ID, "role": "view", "disallowTransfer": True},
            "disallowTransfer is not allowed",
            id="email-only-key-in-user-branch",
        ),
        pytest.param(
            {"email": "a@b.co", "role": "view", "nickname": "x"},
            "nickname is not allowed",
            id="extra-key",
        ),
        pytest.param({"email": None, "role": "view"}, "email must not be null", id="null"),
        pytest.param(
            {"email": "a@b.co", "role": "boss"},
            "role must be one of admin, edit, collaborate, view, none",
            id="bad-role",
        ),
        pytest.param(
            {"email": "a@b.co", "role": "view", "disallowTransfer": "yes"},
            "disallowTransfer must be a boolean",
            id="no-coercion",
        ),
        pytest.param(
            {"email": "not-an-email", "role": "view"},
            "email must be a valid email address",
            id="bad-email",
        ),
        pytest.param(
            {
                "email": "a@b.co",
                "role": "view",
                "applicationRoles": [{"resourceId": "x", "role": "view"}],
            },
            'applicationRoles[0].resourceId must match pattern "^[A-Fa-f\\d]{24}$"',
            id="nested",
        ),
        pytest.param(
            {"user_id": MISSING_ID, "email": "a@b.co", "role": "view"},
            "user_id is not allowed",
            id="snake-case-key",
        ),
        pytest.param(["email"], "member must be an object", id="array"),
        pytest.param(b"{email: x}", "Request body is not valid JSON", id="not-json"),
        pytest.param(b"", "member is required", id="no-body"),
    ],
)
async def test_invalid_post_bodies_are_refused(
    api: httpx.AsyncClient, simulator: Simulator, content: Any, message: str
) -> None:
    """A POST body that is not exactly one oneOf branch is a 400 with Losant-like words."""
    kwargs: dict[str, Any] = (
        {"content": content} if isinstance(content, bytes) else {"json": content}
    )
    response = await api.post(members_url(simulator), **kwargs)
    assert (400, {"type": "Validation", "message": message}) == (
        response.status_code,
        response.json(),
    )
    assert 12 == len(roles(simulator))


async def test_patch_changes_the_role(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """PATCH answers the updated member and the change shows in later reads."""
    response = await api.patch(member_url(simulator, "ada@acme.io"), json={"role": "admin"})
    listed = (
        await api.get(members_url(simulator), params={"filterField": "role", "filter": "admin"})
    ).json()
    assert (200, "admin") == (response.status_code, response.json()["role"])
    admins = [m["email"] for m in listed["items"]]
    assert ["ada@acme.io", "bo@acme.io", "wile.coyote@acme.io"] == admins


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        pytest.param({}, 200, "edit", id="empty-patch-is-a-no-op"),
        pytest.param({"role": "owner"}, 400, "edit", id="bad-role"),
        pytest.param({"role": None}, 400, "edit", id="null-role"),
        pytest.param({"role": "view", "email": "x@y.z"}, 400, "edit", id="extra-key"),
    ],
)
async def test_patch_validation(
    api: httpx.AsyncClient, simulator: Simulator, body: dict[str, Any], status: int, expected: str
) -> None:
    """PATCH accepts only MemberPatch bodies; a refused one leaves the role alone."""
    response = await api.patch(member_url(simulator, "ada@acme.io"), json=body)
    assert (status, expected) == (response.status_code, roles(simulator)["ada@acme.io"])


async def test_delete_removes_the_member(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """DELETE answers success, the member is gone, and a second DELETE is 404."""
    url = member_url(simulator, "linus@acme.io")
    first = await api.delete(url)
    second = await api.delete(url)
    assert (200, {"success": True}) == (first.status_code, first.json())
    expected = {"type": "NotFound", "message": "Member was not found"}
    assert (404, expected) == (second.status_code, second.json())
    assert "linus@acme.io" not in roles(simulator)


async def test_member_of_another_org_is_not_found(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """A user ID that exists, but not in this org, is 404 "Member was not found"."""
    url = member_url(simulator, "ada@acme.io").replace(
        members_url(simulator), members_url(simulator, GLOBEX)
    )
    response = await api.patch(url, json={"role": "view"})
    assert (404, "Member was not found") == (response.status_code, response.json()["message"])


async def test_the_last_admin_cannot_go(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """Demoting or removing an org's only admin is refused; with two admins one may go."""
    only = member_url(simulator, "peter.gibbons@initech.example", INITECH)
    demote_only = await api.patch(only, json={"role": "view"})
    remove_only = await api.delete(only)
    demote_first = await api.patch(member_url(simulator, "bo@acme.io"), json={"role": "edit"})
    remove_second = await api.delete(member_url(simulator, "wile.coyote@acme.io"))
    assert (400, LAST_ADMIN) == (demote_only.status_code, demote_only.json())
    assert (400, LAST_ADMIN) == (remove_only.status_code, remove_only.json())
    assert (200, 400) == (demote_first.status_code, remove_second.status_code)
    assert {"peter.gibbons@initech.example": "admin"} == roles(simulator, INITECH)


# ---- auth ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong-token"),
        pytest.param({"Authorization": f"Basic {DEFAULT_TOKEN}"}, id="wrong-scheme"),
        pytest.param({"Authorization": DEFAULT_TOKEN}, id="no-scheme"),
    ],
)
async def test_bad_tokens_are_unauthorized(simulator: Simulator, headers: dict[str, str]) -> None:
    """Without the right bearer token every endpoint answers 401 "Invalid access token"."""
    async with httpx.AsyncClient(base_url=simulator.base_url, headers=headers) as client:
        response = await client.get(ORGS)
    expected = {"type": "Unauthorized", "message": "Invalid access token"}
    assert (401, expected) == (response.status_code, response.json())


async def test_read_only_token_may_read_but_not_write() -> None:
    """A read-only token reads (200) but every write is 403 Forbidden and changes nothing."""
    async with Simulator(read_only_token="viewer") as sim:
        headers = {"Authorization": "Bearer viewer"}
        async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client:
            read = await client.get(members_url(sim))
            statuses = [
                (
                    await client.post(members_url(sim), json={"email": "a@b.co", "role": "view"})
                ).status_code,
                (
                    await client.patch(member_url(sim, "ada@acme.io"), json={"role": "view"})
                ).status_code,
                (await client.delete(member_url(sim, "ada@acme.io"))).status_code,
            ]
        assert 200 == read.status_code
        assert [403, 403, 403] == statuses
        assert "edit" == roles(sim)["ada@acme.io"]


async def test_wrong_method_is_405(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """A known path with a method Losant does not map answers 405 MethodNotAllowed."""
    response = await api.put(members_url(simulator), json={})
    assert (
        response.status_code,
        response.json(),
    ) == (405, {"type": "MethodNotAllowed", "message": "PUT is not allowed"})
