"""The paths of one instance's org and member endpoints, every ID checked before it is used.

An ID spliced into a path unchecked could name another endpoint (``../``) or carry a
query string; Losant would refuse a malformed ID with a 400 anyway, so the client
refuses it the same way without a call.
"""

from __future__ import annotations

from bot.edges.losant.errors import LosantBadRequest
from bot.edges.losant.models import is_object_id


class InstancePaths:
    """``/instances/{instanceId}/orgs`` and what lies under it."""

    def __init__(self, instance_id: str) -> None:
        if not is_object_id(instance_id):
            raise ValueError("instance_id must be a 24-character hex ID")
        self.orgs = f"/instances/{instance_id}/orgs"

    def org(self, org_id: str, *rest: str) -> str:
        return "/".join((self.orgs, checked_id("orgId", org_id), *rest))

    def member(self, org_id: str, user_id: str) -> str:
        return self.org(org_id, "members", checked_id("userId", user_id))


def checked_id(name: str, value: str) -> str:
    """``value`` if it is a 24-hex ID, else the 400 Losant would answer."""
    if not is_object_id(value):
        raise LosantBadRequest(
            f"{name} {value!r} is not a 24-character hex ID", error_type="Validation"
        )
    return value
