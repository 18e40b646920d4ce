"""The Losant simulator's endpoints over real loopback HTTP: reads, writes, rules, refusals.

Faults, recording and the command line are in test_simulator_faults.py and
test_simulator_cli.py; the glob rules alone are in test_simulator_glob.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.edges.losant.models import is_object_id
from bot.sandbox.simulator import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN, Simulator
from bot.sandbox.simulator.seed import ACME, GLOBEX, GLOBEX_SIZE

ORGS = f"/instances/{DEFAULT_INSTANCE_ID}/orgs"
NAMES_ASC = [
    "Acme",
    "Acme Staging",
    "Globex",
    "Hooli (archived)",
    "Initech Sandbox",
    "R&D <Labs>",
    "Umbrella",
    "umbrella",
]
ACME_BY_EMAIL = [
    "ada@acme.io",
    "barbara@acme.io",
    "bo@acme.io",
    "contractor@example.org",
    "dennis@acme.io",
    "edsger@acme.io",
    "frances@acme.io",
    "grace.hopper@acme.io",
    "ken.thompson@acme.io",
    "linus@acme.io",
    "margaret@acme.io",
    "wile.coyote@acme.io",
]
MISSING_ID = "0123456789abcdef01234567"
# Acme members by role, each list in email order (what sorting by role must keep).
ADMINS = ["bo", "wile.coyote"]
COLLABORATORS = ["ken.thompson", "linus", "margaret"]
EDITORS = ["ada", "grace.hopper"]
VIEWERS = ["barbara", "dennis", "edsger", "frances"]


@pytest.fixture
async def api(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client pointed at the simulator with the full-access token."""
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    async with httpx.AsyncClient(base_url=simulator.base_url, headers=headers) as client:
        yield client


def org_id(simulator: Simulator, name: str) -> str:
    org = simulator.state.find_org_by_name(name)
    assert org is not None
    return org.id


def members_path(simulator: Simulator, name: str = ACME) -> str:
    return f"{ORGS}/{org_id(simulator, name)}/members"


def user_id(simulator: Simulator, email: str, org: str = ACME) -> str:
    member = simulator.state.find_member_by_email(org_id(simulator, org), email)
    assert member is not None
    return member.user_id


# ---- orgs ------------------------------------------------------------------------


async def test_org_list_has_losant_shape(api: httpx.AsyncClient) -> None:
    """The org list is one page with Losant's paging keys and hypermedia on every item."""
    response = await api.get(ORGS)
    body = response.json()
    acme = body["items"][0]
    assert 200 == response.status_code
    assert NAMES_ASC == [item["name"] for item in body["items"]]
    expected_page = {"count": 8, "totalCount": 8, "perPage": 100, "page": 0}
    assert expected_page == {key: body[key] for key in expected_page}
    echoed = (body["sortField"], body["sortDirection"], body["instanceId"])
    assert ("name", "asc", DEFAULT_INSTANCE_ID) == echoed
    assert acme["id"] == acme["orgId"]
    assert {"memberCount": 12, "pendingInviteCount": 0} == acme["summary"]
    assert "instanceOrg" == acme["_type"]
    assert {"self": {"href": f"{ORGS}/{acme['id']}"}} == acme["_links"]


async def test_org_pages_cover_every_org_once(api: httpx.AsyncClient) -> None:
    """Paging with perPage=3 yields every org exactly once, then an empty page."""
    names: list[str] = []
    counts: list[int] = []
    for page in range(4):
        body = (await api.get(ORGS, params={"page": str(page), "perPage": "3"})).json()
        names += [item["name"] for item in body["items"]]
        counts.append(body["count"])
    assert NAMES_ASC == names
    assert [3, 3, 2, 0] == counts


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({}, NAMES_ASC, id="default-name-asc"),
        pytest.param({"sortDirection": "desc"}, NAMES_ASC[::-1], id="name-desc"),
        pytest.param({"sortDirection": "DESC"}, NAMES_ASC[::-1], id="direction-any-case"),
        pytest.param(
            {"sortField": "creationDate"},
            [*NAMES_ASC[:3], *NAMES_ASC[6:], "R&D <Labs>", "Initech Sandbox", "Hooli (archived)"],
            id="creation-date",
        ),
        pytest.param({"filterField": "name", "filter": "acme*"}, NAMES_ASC[:2], id="glob-prefix"),
        pytest.param({"filterField": "name", "filter": "acme"}, ["Acme"], id="glob-anchored"),
        pytest.param({"filterField": "name", "filter": "*<labs>"}, ["R&D <Labs>"], id="literal"),
        pytest.param({"filterField": "name", "filter": "UMBRELLA"}, NAMES_ASC[6:], id="glob-ci"),
        pytest.param({"filterField": "name", "filter": ""}, NAMES_ASC, id="blank-filter"),
        pytest.param({"filter": "acme"}, NAMES_ASC, id="filter-needs-field"),
        pytest.param(
            {"query": json.dumps({"name": {"$eq": "UMBRELLA", "$ci": True}})},
            ["Umbrella", "umbrella"],
            id="query-eq-ci",
        ),
        pytest.param(
            {"query": json.dumps({"name": {"$eq": "umbrella"}})}, ["umbrella"], id="query-eq"
        ),
        pytest.param({"query": json.dumps({"name": "Umbrella"})}, ["Umbrella"], id="query-plain"),
        pytest.param(
            {"query": json.dumps({"name": "Globex"}), "filterField": "name", "filter": "acme"},
            ["Globex"],
            id="query-overrides-filter",
        ),
    ],
)
async def test_org_list_sorts_and_filters(
    api: httpx.AsyncClient, params: dict[str, str], expected: list[str]
) -> None:
    """Sort, glob filter and advanced query choose and order the orgs like Losant."""
    response = await api.get(ORGS, params=params)
    assert 200 == response.status_code
    assert expected == [item["name"] for item in response.json()["items"]]


async def test_org_query_finds_the_orgs_of_a_member(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """The ``memberId`` query lists every org a user belongs to (users are instance-wide)."""
    query = json.dumps({"memberId": user_id(simulator, "bo@acme.io")})
    body = (await api.get(ORGS, params={"query": query})).json()
    assert ["Acme", "Acme Staging", "Umbrella"] == [item["name"] for item in body["items"]]


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        pytest.param(
            ORGS,
            {"sortField": "foo"},
            "sortField must be one of name, id, creationDate, lastUpdated",
            id="org-sort-field",
        ),
        pytest.param(
            ORGS, {"sortDirection": "up"}, "sortDirection must be one of asc, desc", id="direction"
        ),
        pytest.param(ORGS, {"page": "x"}, "page must be an integer of at least 0", id="page"),
        pytest.param(
            ORGS,
            {"perPage": "0"},
            "perPage must be an integer of at least 1 and at most 1000",
            id="per-page",
        ),
        pytest.param(
            ORGS, {"filterField": "email"}, "filterField must be one of name", id="org-filter"
        ),
        pytest.param(ORGS, {"query": "{nope"}, "query must be a valid JSON object", id="bad-json"),
        pytest.param(ORGS, {"query": "[1]"}, "query must be an object", id="query-array"),
        pytest.param(
            ORGS,
            {"query": json.dumps({"name": {"$regex": "a"}})},
            "query.name.$regex is not supported by the simulator",
            id="query-operator",
        ),
        pytest.param(
            ORGS, {"query": json.dumps({"owner": "me"})}, "query.owner is not allowed", id="key"
        ),
        pytest.param(
            ORGS,
            {"query": json.dumps({"mfaMode": "required"})},
            "query.mfaMode is not supported by the simulator",
            id="losant-key-not-simulated",
        ),
        pytest.param(
            ORGS,
            {"query": json.dumps({"memberId": "bo@acme.io"})},
            'query.memberId must match pattern "^[A-Fa-f\\d]{24}$"',
            id="member-id",
        ),
        pytest.param(ORGS, {"_links": "maybe"}, "_links must be one of true, false", id="links"),
        pytest.param(
            "MEMBERS", {"sortField": "name"}, "sortField must be one of email, role", id="members"
        ),
    ],
)
async def test_bad_list_params_are_refused(
    api: httpx.AsyncClient, simulator: Simulator, path: str, params: dict[str, str], message: str
) -> None:
    """A bad query parameter is a 400 Validation that names it and its accepted values."""
    url = members_path(simulator) if path == "MEMBERS" else path
    response = await api.get(url, params=params)
    assert (400, {"type": "Validation", "message": message}) == (
        response.status_code,
        response.json(),
    )


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        pytest.param(
            f"{ORGS}/{MISSING_ID}",
            404,
            {"type": "NotFound", "message": "Organization was not found"},
            id="unknown-org",
        ),
        pytest.param(
            f"/instances/{MISSING_ID}/orgs",
            404,
            {"type": "NotFound", "message": "Instance was not found"},
            id="unknown-instance",
        ),
        pytest.param(
            f"{ORGS}/acme",
            400,
            {"type": "Validation", "message": 'orgId must match pattern "^[A-Fa-f\\d]{24}$"'},
            id="malformed-org",
        ),
        pytest.param(
            "/instances/xyz/orgs",
            400,
            {"type": "Validation", "message": 'instanceId must match pattern "^[A-Fa-f\\d]{24}$"'},
            id="malformed-instance",
        ),
        pytest.param(
            f"{ORGS}/{MISSING_ID}/members/{MISSING_ID}",
            404,
            {"type": "NotFound", "message": "Organization was not found"},
            id="member-of-unknown-org",
        ),
        pytest.param(
            "/applications", 404, {"type": "NotFound", "message": "Route was not found"}, id="route"
        ),
    ],
)
async def test_unknown_or_malformed_paths(
    api: httpx.AsyncClient, path: str, status: int, body: dict[str, str]
) -> None:
    """Unknown things are 404 NotFound and malformed IDs are 400 Validation."""
    response = await api.get(path)
    assert (status, body) == (response.status_code, response.json())


async def test_get_org_matches_the_list_item(api: httpx.AsyncClient, simulator: Simulator) -> None:
    """GET one org answers the same object the list shows for it."""
    listed = (await api.get(ORGS, params={"perPage": "1"})).json()["items"][0]
    response = await api.get(f"{ORGS}/{org_id(simulator, ACME)}")
    assert (200, listed) == (response.status_code, response.json())


# ---- member reads ----------------------------------------------------------------


async def test_member_list_is_every_member_unpaginated(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """The member list returns every member at once, even in the 2,600-member org."""
    small = (await api.get(members_path(simulator))).json()
    big = (await api.get(members_path(simulator, GLOBEX))).json()
    assert ACME_BY_EMAIL == [item["email"] for item in small["items"]]
    assert (GLOBEX_SIZE, GLOBEX_SIZE) == (big["count"], len(big["items"]))
    assert set() == {"totalCount", "perPage", "page"} & set(big)
    assert {
        "userId": user_id(simulator, "bo@acme.io"),
        "orgId": org_id(simulator, ACME),
        "instanceId": DEFAULT_INSTANCE_ID,
        "email": "bo@acme.io",
        "firstName": "Bo",
        "lastName": "Diddley",
        "role": "admin",
        "avatarUrl": "https://avatars.example.com/bo.png",
        "twoFactorAuthEnabled": True,
        "ssoLinked": False,
    } == {key: value for key, value in small["items"][2].items() if not key.startswith("_")}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param(
            {"sortDirection": "desc"},
            [email.split("@")[0] for email in ACME_BY_EMAIL[::-1]],
            id="email-desc",
        ),
        pytest.param(
            {"sortField": "role"},
            [*ADMINS, *COLLABORATORS, *EDITORS, "contractor", *VIEWERS],
            id="role-asc-then-email",
        ),
        pytest.param(
            {"sortField": "role", "sortDirection": "desc"},
            [*VIEWERS, "contractor", *EDITORS, *COLLABORATORS, *ADMINS],
            id="role-desc-then-email-asc",
        ),
        pytest.param({"filterField": "role", "filter": "admin"}, ADMINS, id="role"),
        pytest.param({"filterField": "email", "filter": "BO@ACME.IO"}, ["bo"], id="email-ci"),
        pytest.param({"filterField": "email", "filter": "bo"}, [], id="email-anchored"),
        pytest.param(
            {"filterField": "email", "filter": "*.*@*"},
            ["grace.hopper", "ken.thompson", "wile.coyote"],
            id="dot-is-literal",
        ),
        pytest.param({"filterField": "email", "filter": "*@example.org"}, ["contractor"], id="end"),
    ],
)
async def test_member_list_sorts_and_filters(
    api: httpx.AsyncClient, simulator: Simulator, params: dict[str, str], expected: list[str]
) -> None:
    """Members sort by field then email, and globs match whole fields ignoring case."""
    body = (await api.get(members_path(simulator), params=params)).json()
    assert expected == [item["email"].split("@")[0] for item in body["items"]]
    assert len(expected) == body["count"]


async def test_links_false_leaves_out_hypermedia(
    api: httpx.AsyncClient, simulator: Simulator
) -> None:
    """With ``_links=false`` neither the list nor its items carry ``_type`` or ``_links``."""
    body = (await api.get(members_path(simulator), params={"_links": "false"})).json()
    keys = set(body) | {key for item in body["items"] for key in item}
    assert set() == {key for key in keys if key.startswith("_")}


async def test_seeded_ids_are_object_ids_and_repeatable(simulator: Simulator) -> None:
    """Every seeded ID is 24 hex, unique, and the same in every fresh simulator."""
    ids = list(simulator.state.orgs) + list(simulator.state.users)
    again = Simulator()
    assert all(is_object_id(value) for value in ids)
    assert len(ids) == len(set(ids))
    assert ids == [*again.state.orgs, *again.state.users]
