"""The Losant endpoints the bot uses, as aiohttp handlers over the simulator's state.

Each handler reads like Losant's order of work: validate the path IDs, the query
parameters and the body; then look up instance, org and member; then apply the
change through :class:`SimulatorState`, which owns the rules. Responses carry the
hypermedia keys (``_type``, ``_links``) that the official clients' default
``_links=true`` produces, so a client that does not ignore unknown keys fails here
as it would against Losant.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from aiohttp import web

from bot.edges.losant.models import MemberPostByUserId
from bot.sandbox.simulator import listing, validation
from bot.sandbox.simulator.state import SimulatorState
from bot.sandbox.simulator.validation import check_object_id, invalid

ORGS = "/instances/{instanceId}/orgs"
ORG = ORGS + "/{orgId}"
MEMBERS = ORG + "/members"
MEMBER = MEMBERS + "/{userId}"


class _PathIds(NamedTuple):
    instance_id: str
    org_id: str
    user_id: str


class LosantApi:
    """Handlers for the instance-org and instance-org-member endpoints."""

    def __init__(self, state: SimulatorState) -> None:
        self.state = state

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(ORGS, self.list_orgs),
            web.get(ORG, self.get_org),
            web.get(MEMBERS, self.list_members),
            web.post(MEMBERS, self.post_member),
            web.get(MEMBER, self.get_member),
            web.patch(MEMBER, self.patch_member),
            web.delete(MEMBER, self.delete_member),
        ]

    async def list_orgs(self, request: web.Request) -> web.Response:
        self._path(request)
        params = validation.org_list_params(request.query)
        if params.query is not None:  # Losant: ``query`` overrides the other filter params
            keep = listing.parse_org_query(params.query)
        else:
            keep = listing.org_name_filter(params.filter_field, params.filter)
        matching = [org for org in self.state.orgs.values() if keep(org)]
        ordered = listing.sort_orgs(matching, params.sort_field, params.descending)
        start = params.page * params.per_page
        page = ordered[start : start + params.per_page]
        links = _links_wanted(request)
        body = {
            "items": [self._org_json(org.to_json(self.state.instance_id), links) for org in page],
            "count": len(page),
            "totalCount": len(matching),
            "perPage": params.per_page,
            "page": params.page,
            "sortField": params.sort_field,
            "sortDirection": params.sort_direction,
            "instanceId": self.state.instance_id,
            **_echo_filter(params),
        }
        return _json(_hypermedia(body, "instanceOrgs", request.path, links))

    async def get_org(self, request: web.Request) -> web.Response:
        org = self.state.org(self._path(request).org_id)
        return _json(self._org_json(org.to_json(self.state.instance_id), _links_wanted(request)))

    async def list_members(self, request: web.Request) -> web.Response:
        org_id = self._path(request).org_id
        params = validation.member_list_params(request.query)
        members = self.state.members(org_id)
        kept = listing.filter_members(members, params.filter_field, params.filter)
        ordered = listing.sort_members(kept, params.sort_field, params.descending)
        links = _links_wanted(request)
        body = {
            "items": [self._member_json(m.to_json(self.state.instance_id), links) for m in ordered],
            "count": len(ordered),
            "instanceId": self.state.instance_id,
            "orgId": org_id,
            "sortField": params.sort_field,
            "sortDirection": params.sort_direction,
            **_echo_filter(params),
        }
        return _json(_hypermedia(body, "instanceOrgMembers", request.path, links))

    async def post_member(self, request: web.Request) -> web.Response:
        path = self._path(request, lookup=False)
        post = validation.parse_member_post(await _body(request))
        self.state.check_instance(path.instance_id)
        if isinstance(post, MemberPostByUserId):
            member = self.state.add_member(path.org_id, user_id=post.user_id, role=post.role)
        else:
            member = self.state.add_member(path.org_id, email=post.email, role=post.role)
        return self._member_response(request, member.to_json(self.state.instance_id))

    async def get_member(self, request: web.Request) -> web.Response:
        path = self._path(request)
        member = self.state.member(path.org_id, path.user_id)
        return self._member_response(request, member.to_json(self.state.instance_id))

    async def patch_member(self, request: web.Request) -> web.Response:
        path = self._path(request, lookup=False)
        patch = validation.parse_member_patch(await _body(request))
        self.state.check_instance(path.instance_id)
        member = self.state.member(path.org_id, path.user_id)
        if patch.role is not None:
            member = self.state.set_role(path.org_id, path.user_id, patch.role)
        return self._member_response(request, member.to_json(self.state.instance_id))

    async def delete_member(self, request: web.Request) -> web.Response:
        path = self._path(request)
        self.state.remove_member(path.org_id, path.user_id)
        return _json({"success": True})

    # ---- helpers ------------------------------------------------------------------

    def _path(self, request: web.Request, *, lookup: bool = True) -> _PathIds:
        """The path's IDs, each well-formed; with ``lookup`` the instance must exist.

        Orgs and members are looked up by the state's own calls, which raise 404s.
        """
        ids = {name: check_object_id(name, value) for name, value in request.match_info.items()}
        path = _PathIds(ids["instanceId"], ids.get("orgId", ""), ids.get("userId", ""))
        if lookup:
            self.state.check_instance(path.instance_id)
        return path

    def _org_json(self, org: dict[str, Any], links: bool) -> dict[str, Any]:
        return _hypermedia(
            org, "instanceOrg", f"/instances/{org['instanceId']}/orgs/{org['id']}", links
        )

    def _member_json(self, member: dict[str, Any], links: bool) -> dict[str, Any]:
        href = (
            f"/instances/{member['instanceId']}/orgs/{member['orgId']}/members/{member['userId']}"
        )
        return _hypermedia(member, "instanceOrgMember", href, links)

    def _member_response(self, request: web.Request, member: dict[str, Any]) -> web.Response:
        return _json(self._member_json(member, _links_wanted(request)))


def _links_wanted(request: web.Request) -> bool:
    # _embedded and _actions are accepted (and checked) but change nothing here:
    # these resources embed nothing and the clients never ask for actions.
    validation.flag(request.query, "_embedded", default=True)
    validation.flag(request.query, "_actions", default=False)
    return validation.flag(request.query, "_links", default=True)


def _hypermedia(body: dict[str, Any], type_name: str, href: str, links: bool) -> dict[str, Any]:
    if not links:
        return body
    return {**body, "_type": type_name, "_links": {"self": {"href": href}}}


def _echo_filter(params: validation.ListParams) -> dict[str, Any]:
    echoed = {"filterField": params.filter_field, "filter": params.filter}
    return {key: value for key, value in echoed.items() if value is not None}


async def _body(request: web.Request) -> Any:
    raw = await request.read()
    if not raw.strip():
        raise invalid("member is required")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise invalid("Request body is not valid JSON") from None


def _json(body: dict[str, Any]) -> web.Response:
    return web.json_response(body)
