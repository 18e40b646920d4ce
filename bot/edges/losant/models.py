"""Pydantic models for what the Losant API returns and for what we send it.

Responses are read leniently (extra keys such as ``_links`` and ``_type`` are
ignored; on a member only ``userId`` and ``role`` are dependable). Request bodies
are strict and mirror the API's JSON schemas exactly: the POST body is one of two
shapes with no extra keys, so it is always dumped with ``exclude_none=True``.
The simulator validates incoming bodies with these same models.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

Role = Literal["admin", "edit", "collaborate", "view", "none"]
ROLES: tuple[Role, ...] = get_args(Role)
ResourceRole = Literal["collaborate", "view", "none"]
SortDirection = Literal["asc", "desc"]
MemberField = Literal["email", "role"]
OrgSortField = Literal["name", "id", "creationDate", "lastUpdated"]

OBJECT_ID_RE = re.compile(r"^[A-Fa-f\d]{24}$")
# Pragmatic address check (the API's schema says ``format: email``): one @, a dot in
# the domain, no spaces or angle brackets. Good enough to stop typos before a call.
EMAIL_RE = re.compile(r"^[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+\.[^\s@<>()\[\],;:\"\\]+$")

ObjectId = Annotated[str, StringConstraints(pattern=OBJECT_ID_RE.pattern)]
# The schemas' maxItems for applicationRoles and dashboardRoles, on POST and PATCH alike.
MAX_GRANTS = 1000


def as_role(value: str) -> Role:
    """``value`` as a Role (a role read back from the database); ValueError if it is none."""
    for role in ROLES:
        if value == role:
            return role
    raise ValueError(f"{value!r} is not a Losant role")


def is_object_id(value: str) -> bool:
    """True for a 24-hex-character Losant ID."""
    return bool(OBJECT_ID_RE.match(value))


def is_email(value: str) -> bool:
    """True for something shaped like an email address, at most 1024 characters."""
    # ASCII only, as Losant's JSON-schema ``format: email`` check is; this also keeps a
    # sealed confirmation that carries an address inside Slack's 2000-character limit.
    return len(value) <= 1024 and value.isascii() and bool(EMAIL_RE.match(value))


def _check_email(value: str) -> str:
    if not is_email(value):
        raise ValueError("must be a valid email address")
    return value


Email = Annotated[str, AfterValidator(_check_email)]


class _Response(BaseModel):
    """Lenient base for response bodies: camelCase on the wire, unknown keys ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class _Request(BaseModel):
    """Strict base for request bodies: camelCase on the wire, unknown keys refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    def to_json(self) -> dict[str, Any]:
        """The body as Losant expects it: camelCase keys, no nulls."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


# ---- responses -------------------------------------------------------------------


class Member(_Response):
    """One organization member (``instanceOrgMember``)."""

    user_id: ObjectId
    role: Role
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    instance_id: str | None = None
    org_id: str | None = None
    avatar_url: str | None = None
    two_factor_auth_enabled: bool | None = None
    sso_linked: bool | None = None

    @property
    def key(self) -> str:
        """How people name this member: the email, or the user ID when Losant gave none."""
        return self.email or self.user_id

    @property
    def name(self) -> str:
        """The member's full name, or an empty string when Losant gave none."""
        first, last = self.first_name, self.last_name
        return (f"{first} {last}" if first and last else first or last or "").strip()


class MemberListFields(_Response):
    """A member list's keys but ``items`` (the items: ``bot.edges.losant.member_list``)."""

    count: int | None = None
    instance_id: str | None = None
    org_id: str | None = None
    filter: str | None = None
    filter_field: str | None = None
    sort_field: str | None = None
    sort_direction: str | None = None


class OrgSummary(_Response):
    member_count: int | None = None
    pending_invite_count: int | None = None


class Org(_Response):
    """One organization of the instance (``instanceOrg``); names are not unique."""

    id: ObjectId
    name: str
    description: str | None = None
    summary: OrgSummary | None = None
    is_read_only: bool | None = None

    @property
    def member_count(self) -> int | None:
        return self.summary.member_count if self.summary else None


class OrgList(_Response):
    """One page of the instance's orgs (``instanceOrgs``)."""

    items: list[Org] = Field(default_factory=list)
    count: int | None = None
    total_count: int | None = None
    per_page: int | None = None
    page: int | None = None
    filter: str | None = None
    filter_field: str | None = None
    sort_field: str | None = None
    sort_direction: str | None = None


class Success(_Response):
    """The body of a successful DELETE."""

    success: Literal[True]


class ErrorBody(_Response):
    """An error body; tolerant because proxies may send anything."""

    type: str | None = None
    message: str | None = None


# ---- requests --------------------------------------------------------------------


class ResourceRoleGrant(_Request):
    resource_id: ObjectId
    role: ResourceRole


class MemberPostByUserId(_Request):
    """POST body, first branch: an existing Losant user by ID."""

    user_id: ObjectId
    role: Role
    application_roles: list[ResourceRoleGrant] | None = Field(default=None, max_length=MAX_GRANTS)
    dashboard_roles: list[ResourceRoleGrant] | None = Field(default=None, max_length=MAX_GRANTS)


class MemberPostByEmail(_Request):
    """POST body, second branch: by email (the only branch that takes ``disallowTransfer``)."""

    email: Annotated[Email, Field(max_length=1024)]
    role: Role
    application_roles: list[ResourceRoleGrant] | None = Field(default=None, max_length=MAX_GRANTS)
    dashboard_roles: list[ResourceRoleGrant] | None = Field(default=None, max_length=MAX_GRANTS)
    disallow_transfer: bool | None = None


MemberPost = MemberPostByUserId | MemberPostByEmail


class MemberPatch(_Request):
    """PATCH body: change a member's role (or resource grants)."""

    role: Role | None = None
    application_roles: list[ResourceRoleGrant] | None = Field(default=None, max_length=MAX_GRANTS)
    dashboard_roles: list[ResourceRoleGrant] | None = Field(default=None, max_length=MAX_GRANTS)
