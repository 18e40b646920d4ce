"""Contract tests: the project's models, simulator and manifest against the published schemas.

The project stands alone (ARCHITECTURE.md §7): its models and simulator carry their own rules,
and nothing at run time reads ``../shared``. These tests hold those rules against
Losant's JSON schemas (``../shared/losant/schemas``) and Slack's manifest schema
(``../shared/slack/manifest.schema.json``) when that folder is there, and skip when
it is not (a user's clone has no such folder).

Formats: jsonschema checks ``format: email`` itself (an ``@`` is enough), but checks
``date-time`` and ``uri`` only when optional packages are installed, so those formats
are not held here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft7Validator
from pydantic import BaseModel
from referencing.exceptions import Unresolvable

from bot.edges.losant.models import (
    ROLES,
    MemberPatch,
    MemberPostByEmail,
    MemberPostByUserId,
    ResourceRoleGrant,
)
from bot.sandbox.simulator import Simulator, SimulatorError
from bot.sandbox.simulator.seed import ACME
from bot.sandbox.simulator.validation import parse_member_patch, parse_member_post
from bot.serving.app import EVENTS_PATH
from handlers.forms import REQUEST_SHORTCUT
from tests.harness import running_bot

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
LOSANT_SCHEMAS = SHARED / "losant" / "schemas"
MANIFEST_SCHEMA = SHARED / "slack" / "manifest.schema.json"
ABSENT = f"{SHARED} is absent (a clone without ../shared): no schemas to hold the project to"

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=ABSENT)

OBJECT_ID = "5f0c0c0c0c0c0c0c0c0c0c0a"
ANOTHER_ID = "5f0c0c0c0c0c0c0c0c0c0c0b"
# The hypermedia keys Losant adds with ``_links=true`` (its default, and the simulator's);
# the generated schemas do not declare them and say ``additionalProperties: false``.
HYPERMEDIA = ("_type", "_links")


def schema(name: str) -> dict[str, Any]:
    path = LOSANT_SCHEMAS / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def validator(name: str) -> Draft7Validator:
    return Draft7Validator(schema(name), format_checker=Draft7Validator.FORMAT_CHECKER)


def members_list_schema() -> dict[str, Any]:
    """``instanceOrgMembers`` with its items fixed to ``instanceOrgMember``.

    As published, the items ``$ref`` is ``#/definitions/instanceOrgMembers``: a
    generator's self-reference to a definition the file does not have, so no list
    with an item can be validated at all. Losant's own example shows the items are
    ``instanceOrgMember`` objects, so that is what is put in its place. The assertion
    makes this test speak up when the published schema is fixed.
    """
    published = schema("instanceOrgMembers")
    assert {"$ref": "#/definitions/instanceOrgMembers"} == published["properties"]["items"]["items"]
    assert "definitions" not in published
    fixed = copy.deepcopy(published)
    fixed["properties"]["items"]["items"] = schema("instanceOrgMember")
    return fixed


def errors(check: Draft7Validator, body: Any) -> list[str]:
    return [error.message for error in check.iter_errors(body)]


def accepted_by_us(parse: Callable[[Any], BaseModel], body: Any) -> bool:
    """Whether the project's own request validation (the simulator's, with our models) takes it."""
    try:
        parse(body)
    except SimulatorError:
        return False
    return True


def without_hypermedia(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: without_hypermedia(v) for k, v in body.items() if k not in HYPERMEDIA}
    if isinstance(body, list):
        return [without_hypermedia(item) for item in body]
    return body


# -- what we send ------------------------------------------------------------------

GRANT = ResourceRoleGrant(resource_id=ANOTHER_ID, role="view")
MOST_GRANTS = [ResourceRoleGrant(resource_id=ANOTHER_ID, role="none")] * 1000


@pytest.mark.parametrize(
    "model",
    [
        *(pytest.param(MemberPostByEmail(email="a@b.co", role=r), id=f"email-{r}") for r in ROLES),
        *(pytest.param(MemberPostByUserId(user_id=OBJECT_ID, role=r), id=f"id-{r}") for r in ROLES),
        pytest.param(
            MemberPostByEmail(
                email="first.last+tag@sub.example.org",
                role="edit",
                application_roles=[GRANT],
                dashboard_roles=[GRANT, ResourceRoleGrant(resource_id=OBJECT_ID, role="none")],
                disallow_transfer=True,
            ),
            id="email-every-field",
        ),
        pytest.param(
            MemberPostByEmail(email="a@b.co", role="view", disallow_transfer=False),
            id="email-false-is-sent",
        ),
        pytest.param(
            MemberPostByUserId(
                user_id=OBJECT_ID, role="admin", application_roles=[], dashboard_roles=[GRANT]
            ),
            id="id-every-field",
        ),
        pytest.param(
            MemberPostByUserId(user_id=OBJECT_ID, role="view", application_roles=MOST_GRANTS),
            id="id-most-grants",
        ),
    ],
)
def test_every_post_body_we_build_is_one_branch_of_the_schema(
    model: MemberPostByEmail | MemberPostByUserId,
) -> None:
    """POST bodies from our models validate against instanceOrgMemberPost (exactly one branch)."""
    assert [] == errors(validator("instanceOrgMemberPost"), model.to_json())


@pytest.mark.parametrize(
    "model",
    [
        *(pytest.param(MemberPatch(role=role), id=role) for role in ROLES),
        pytest.param(MemberPatch(), id="empty"),
        pytest.param(
            MemberPatch(role="edit", application_roles=[GRANT], dashboard_roles=MOST_GRANTS),
            id="every-field",
        ),
    ],
)
def test_every_patch_body_we_build_validates(model: MemberPatch) -> None:
    """PATCH bodies from our model validate against instanceOrgMemberPatch."""
    assert [] == errors(validator("instanceOrgMemberPatch"), model.to_json())


async def test_the_bodies_the_bot_puts_on_the_wire_validate() -> None:
    """What the running bot sends Losant for add (by email, by ID) and role matches the schemas."""
    async with running_bot() as bot:
        bo = bot.sim.state.user_by_email("bo@acme.io")
        assert bo is not None
        for text in (
            "add org=Acme email=new.person@acme.io",
            "add org=Acme email=second@acme.io role=collaborate",
            f"add org=Globex user={bo.id} role=view",
            "role org=Acme user=ada@acme.io role=view",
        ):
            await bot.reply(await bot.command(text))
        writes = [(w.method, w.json) for w in bot.sim.writes()]

    check = {
        "POST": validator("instanceOrgMemberPost"),
        "PATCH": validator("instanceOrgMemberPatch"),
    }
    assert ["POST", "POST", "POST", "PATCH"] == [method for method, _ in writes]
    assert [[], [], [], []] == [errors(check[method], body) for method, body in writes]


# -- what we refuse -----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": "a@b.co", "role": "view", "name": "A"}, id="extra-key"),
        pytest.param({"email": "a@b.co", "role": "view", "disallowTransfer": None}, id="null"),
        pytest.param({"email": "a@b.co", "role": None}, id="null-role"),
        pytest.param({"email": None, "role": "view"}, id="null-email"),
        pytest.param({"userId": OBJECT_ID, "email": "a@b.co", "role": "view"}, id="both-branches"),
        pytest.param(
            {"userId": OBJECT_ID, "role": "view", "disallowTransfer": True},
            id="transfer-in-id-branch",
        ),
        pytest.param({"email": "a@b.co"}, id="no-role"),
        pytest.param({"role": "view"}, id="neither-email-nor-id"),
        pytest.param({"email": "a@b.co", "role": "owner"}, id="unknown-role"),
        pytest.param({"email": "a@b.co", "role": "VIEW"}, id="role-is-case-sensitive"),
        pytest.param({"userId": "123", "role": "view"}, id="short-id"),
        pytest.param({"email": "no-at-sign", "role": "view"}, id="not-an-email"),
        pytest.param({"email": "a@b.co", "role": "view", "disallowTransfer": "yes"}, id="bad-bool"),
        pytest.param(
            {"email": "a@b.co", "role": "view", "applicationRoles": [{"resourceId": OBJECT_ID}]},
            id="grant-without-role",
        ),
        pytest.param(
            {
                "email": "a@b.co",
                "role": "view",
                "dashboardRoles": [{"resourceId": OBJECT_ID, "role": "admin"}],
            },
            id="grant-role-admin",
        ),
        pytest.param(
            {"userId": OBJECT_ID, "role": "view", "applicationRoles": [GRANT.to_json()] * 1001},
            id="too-many-grants",
        ),
        pytest.param(["email", "a@b.co"], id="not-an-object"),
    ],
)
def test_post_bodies_the_schema_refuses_we_refuse(body: Any) -> None:
    """Extra keys, nulls, mixed branches and bad values: refused by the schema and by us."""
    assert errors(validator("instanceOrgMemberPost"), body), "the schema should refuse this"
    assert False is accepted_by_us(parse_member_post, body)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"role": "view", "email": "a@b.co"}, id="extra-key"),
        pytest.param({"role": None}, id="null"),
        pytest.param({"role": "owner"}, id="unknown-role"),
        pytest.param({"applicationRoles": None}, id="null-grants"),
        pytest.param({"applicationRoles": [{"resourceId": "x", "role": "view"}]}, id="bad-id"),
        pytest.param("view", id="not-an-object"),
    ],
)
def test_patch_bodies_the_schema_refuses_we_refuse(body: Any) -> None:
    """The PATCH schema's refusals are ours too."""
    assert errors(validator("instanceOrgMemberPatch"), body), "the schema should refuse this"
    assert False is accepted_by_us(parse_member_patch, body)


@pytest.mark.parametrize(
    ("parse", "schema_name", "body"),
    [
        pytest.param(
            parse_member_post,
            "instanceOrgMemberPost",
            {"userId": OBJECT_ID, "role": "none"},
            id="post-id",
        ),
        pytest.param(
            parse_member_post,
            "instanceOrgMemberPost",
            {"email": "a@b.co", "role": "admin", "disallowTransfer": False},
            id="post-email",
        ),
        pytest.param(
            parse_member_post,
            "instanceOrgMemberPost",
            {"userId": OBJECT_ID, "role": "view", "dashboardRoles": [GRANT.to_json()] * 1000},
            id="post-most-grants",
        ),
        pytest.param(parse_member_patch, "instanceOrgMemberPatch", {}, id="patch-empty"),
        pytest.param(
            parse_member_patch,
            "instanceOrgMemberPatch",
            {"applicationRoles": [GRANT.to_json()] * 1000},
            id="patch-most-grants",
        ),
    ],
)
def test_bodies_the_schema_accepts_we_accept(
    parse: Callable[[Any], BaseModel], schema_name: str, body: dict[str, Any]
) -> None:
    """We are no stricter than the schema on its shapes and limits (emails aside: see models)."""
    assert [] == errors(validator(schema_name), body)
    assert True is accepted_by_us(parse, body)


# -- what the simulator answers ------------------------------------------------------


@pytest.fixture
async def losant(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    """A bare HTTP client on the simulator, to see its bodies exactly as sent."""
    async with httpx.AsyncClient(
        base_url=f"{simulator.base_url}/instances/{simulator.instance_id}",
        headers={"Authorization": f"Bearer {simulator.token}"},
        trust_env=False,
    ) as client:
        yield client


@pytest.mark.parametrize("links", [True, False], ids=["with-links", "links-off"])
async def test_simulator_member_responses_validate(
    simulator: Simulator, losant: httpx.AsyncClient, links: bool
) -> None:
    """The simulator's member list, one member, and POST/PATCH answers match Losant's schemas."""
    org = simulator.state.find_org_by_name(ACME)
    assert org is not None
    params = {"_links": str(links).lower()}
    members = f"/orgs/{org.id}/members"
    listed = await losant.get(members, params={**params, "sortField": "role", "filter": "*a*"})
    first = listed.json()["items"][0]["userId"]
    one = await losant.get(f"{members}/{first}", params=params)
    added = await losant.post(members, params=params, json={"email": "n@acme.io", "role": "view"})
    patched = await losant.patch(f"{members}/{first}", params=params, json={"role": "edit"})
    removed = await losant.delete(f"{members}/{first}", params=params)

    assert [200] * 5 == [r.status_code for r in (listed, one, added, patched, removed)]
    assert (links, links) == ("_links" in listed.json(), "_type" in one.json())
    member_schema = validator("instanceOrgMember")
    list_schema = Draft7Validator(
        members_list_schema(), format_checker=Draft7Validator.FORMAT_CHECKER
    )
    assert [] == errors(list_schema, without_hypermedia(listed.json()))
    assert [[], [], []] == [
        errors(member_schema, without_hypermedia(r.json())) for r in (one, added, patched)
    ]
    assert [] == errors(validator("success"), removed.json())
    assert 0 < len(listed.json()["items"])


async def test_simulator_org_responses_validate(
    simulator: Simulator, losant: httpx.AsyncClient
) -> None:
    """Org pages (plain, filtered, exact-name query) and one org match instanceOrgs/instanceOrg."""
    pages = [
        await losant.get("/orgs", params={"perPage": "3", "page": "1"}),
        await losant.get("/orgs", params={"filterField": "name", "filter": "umb*"}),
        await losant.get(
            "/orgs", params={"query": json.dumps({"name": {"$eq": "acme", "$ci": True}})}
        ),
    ]
    one = await losant.get(f"/orgs/{pages[0].json()['items'][0]['id']}")

    assert [200, 200, 200, 200] == [r.status_code for r in (*pages, one)]
    orgs = validator("instanceOrgs")
    assert [[], [], []] == [errors(orgs, without_hypermedia(page.json())) for page in pages]
    assert [] == errors(validator("instanceOrg"), without_hypermedia(one.json()))
    assert [3, 2, 1] == [len(page.json()["items"]) for page in pages]


def test_the_hypermedia_keys_are_why_responses_are_cleaned() -> None:
    """The member and org schemas refuse unknown keys, which is why ``_type``/``_links`` go."""
    member = {"userId": OBJECT_ID, "role": "view", "_type": "instanceOrgMember"}

    assert errors(validator("instanceOrgMember"), member)
    assert [] == errors(validator("instanceOrgMember"), without_hypermedia(member))


def test_the_published_member_list_schema_cannot_validate_items() -> None:
    """Why the list schema is patched: as published, any item fails to resolve its $ref."""
    published = Draft7Validator(schema("instanceOrgMembers"))

    with pytest.raises(Unresolvable):
        published.validate({"items": [{"userId": OBJECT_ID, "role": "view"}]})


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        pytest.param("GET", f"/orgs/{OBJECT_ID}", None, 404, id="unknown-org"),
        pytest.param("GET", "/orgs/not-an-id", None, 400, id="malformed-id"),
        pytest.param("GET", "/orgs", None, 401, id="no-token"),
    ],
)
async def test_simulator_errors_match_the_error_schema(
    losant: httpx.AsyncClient, method: str, path: str, body: Any, status: int
) -> None:
    """Refusals carry Losant's ``{"type", "message"}`` body."""
    headers = {"Authorization": "Bearer wrong"} if status == 401 else None
    response = await losant.request(method, path, json=body, headers=headers)

    assert status == response.status_code
    assert [] == errors(validator("error"), response.json())
    assert {"type", "message"} <= set(response.json())


# -- the Slack app manifest ------------------------------------------------------------


@pytest.fixture
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "app_manifest.yml").read_text())
    return loaded


def test_the_manifest_is_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    """app_manifest.yml validates against Slack's manifest schema."""
    if not MANIFEST_SCHEMA.is_file():
        pytest.skip(f"{MANIFEST_SCHEMA} is absent")
    slack_schema = json.loads(MANIFEST_SCHEMA.read_text())

    found = Draft7Validator(slack_schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    assert [] == [error.message for error in found.iter_errors(manifest)]


def test_the_manifest_declares_the_members_command(manifest: dict[str, Any]) -> None:
    """/members has a usage hint, escapes mentions, and posts where the bot listens."""
    [command] = manifest["features"]["slash_commands"]

    assert ("/members", True) == (command["command"], command["should_escape"])
    assert command["usage_hint"].strip()
    assert command["url"].endswith(EVENTS_PATH)


def test_the_manifest_turns_interactivity_on(manifest: dict[str, Any]) -> None:
    """Buttons need interactivity, delivered to the same events URL over HTTP."""
    interactivity = manifest["settings"]["interactivity"]

    assert True is interactivity["is_enabled"]
    assert interactivity["request_url"].endswith(EVENTS_PATH)
    assert False is manifest["settings"]["socket_mode_enabled"]


def test_the_manifest_declares_what_the_forms_and_home_tab_need(manifest: dict[str, Any]) -> None:
    """The Home tab, its event, the shortcut and the options URL, all where the bot listens."""
    features, settings = manifest["features"], manifest["settings"]
    [shortcut] = features["shortcuts"]
    events = settings["event_subscriptions"]

    assert True is features["app_home"]["home_tab_enabled"]
    assert ("global", REQUEST_SHORTCUT) == (shortcut["type"], shortcut["callback_id"])
    assert ["app_home_opened"] == events["bot_events"]
    assert events["request_url"].endswith(EVENTS_PATH)
    assert settings["interactivity"]["message_menu_options_url"].endswith(EVENTS_PATH)


def test_the_manifest_opens_the_messages_tab_for_direct_messages(
    manifest: dict[str, Any],
) -> None:
    """Requesters' DMs land in the app's Messages tab, which must be on."""
    assert True is manifest["features"]["app_home"]["messages_tab_enabled"]


def test_the_manifest_asks_for_exactly_the_scopes_the_code_uses(manifest: dict[str, Any]) -> None:
    """The bot scopes are the ones its calls need, and nothing more."""
    expected = {
        "commands",  # the /members command
        # chat.postMessage to MEMBERS_AUDIT_CHANNEL and the approval channel, and to a user
        # ID for a DM (no conversations.open, so no im:write); chat.update for the cards
        "chat:write",
        "users:read",  # users.info (Slack requires it alongside users:read.email)
        "users:read.email",  # the email in users.info, for @mentions
        "usergroups:read",  # usergroups.users.list, for S… IDs in the allowlists
    }
    scopes = manifest["oauth_config"]["scopes"]

    assert expected == set(scopes["bot"])
    assert len(scopes["bot"]) == len(set(scopes["bot"]))
    assert "user" not in scopes
