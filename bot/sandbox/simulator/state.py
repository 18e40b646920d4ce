"""The simulator's in-memory Losant instance, and the rules Losant enforces on it.

The store is shaped like the real thing where the bot could notice: users are
instance-wide (one person can belong to several orgs, and adding an unknown email
creates the user), memberships are per org, every ID is a 24-hex ObjectId, and an
org never loses its last admin. Every rule lives here, not in the HTTP layer, so
tests that set the scene through this API meet the same rules as the bot does.
Failures are :class:`SimulatorError` carrying the status and body Losant would send.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.edges.losant.models import Role
from bot.sandbox.simulator.records import Member, Org, SimulatorError, User, iso, not_found

__all__ = ["LAST_ADMIN_MESSAGE", "Member", "Org", "SimulatorError", "SimulatorState", "User", "iso"]

LAST_ADMIN_MESSAGE = "An organization must have at least one admin member"


class SimulatorState:
    """Orgs, users and memberships of one instance, with Losant's rules."""

    def __init__(self, instance_id: str, *, id_seed: int = 0) -> None:
        self.instance_id = instance_id
        self.orgs: dict[str, Org] = {}
        self.users: dict[str, User] = {}
        self._user_ids_by_email: dict[str, str] = {}
        rng = random.Random(id_seed)  # noqa: S311 (IDs must be repeatable, not secret)
        # ObjectId layout: 4-byte timestamp, 5 random bytes, 3-byte counter.
        self._id_stem = f"{0x65A1B2C3 + rng.randrange(1 << 20):08x}{rng.randrange(1 << 40):010x}"
        self._id_counter_start = self._id_counter = rng.randrange(1 << 16)

    def new_id(self) -> str:
        """A fresh ObjectId, deterministic for a given ``id_seed``."""
        while True:
            self._id_counter += 1
            candidate = f"{self._id_stem}{self._id_counter % (1 << 24):06x}"
            if candidate not in self.orgs and candidate not in self.users:
                return candidate

    def clear(self) -> None:
        """Forget every org and user; IDs start over, so re-seeding gives the same IDs."""
        self._id_counter = self._id_counter_start
        self.orgs.clear()
        self.users.clear()
        self._user_ids_by_email.clear()

    # ---- orgs ---------------------------------------------------------------------

    def add_org(
        self,
        name: str,
        *,
        description: str = "",
        created: datetime | None = None,
        icon_color: str = "#2D89E8",
        is_read_only: bool = False,
        member_limit: int = 10_000,
        org_id: str | None = None,
    ) -> Org:
        """Create an org; names need not be unique (Losant allows duplicates)."""
        stamp = iso(created or datetime.now(UTC))
        org = Org(
            id=org_id or self.new_id(),
            name=name,
            description=description,
            creation_date=stamp,
            last_updated=stamp,
            icon_color=icon_color,
            is_read_only=is_read_only,
            member_limit=member_limit,
        )
        self.orgs[org.id] = org
        return org

    def check_instance(self, instance_id: str) -> None:
        if instance_id != self.instance_id:
            raise not_found("Instance")

    def org(self, org_id: str) -> Org:
        try:
            return self.orgs[org_id]
        except KeyError:
            raise not_found("Organization") from None

    def find_org_by_name(self, name: str) -> Org | None:
        """The first org whose name is exactly ``name`` (case-sensitive), if any."""
        return next((org for org in self.orgs.values() if org.name == name), None)

    # ---- users and members --------------------------------------------------------

    def user_by_email(self, email: str) -> User | None:
        user_id = self._user_ids_by_email.get(email.lower())
        return self.users[user_id] if user_id else None

    def add_user(
        self,
        email: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        avatar_url: str | None = None,
        two_factor_auth_enabled: bool = False,
        sso_linked: bool = False,
    ) -> User:
        """Create an instance-wide user; emails are unique ignoring case, stored lowercase."""
        if self.user_by_email(email) is not None:
            raise SimulatorError(400, "AlreadyExists", f'Email address "{email}" already exists')
        user = User(
            self.new_id(),
            email.lower(),
            first_name,
            last_name,
            avatar_url,
            two_factor_auth_enabled,
            sso_linked,
        )
        self.users[user.id] = user
        self._user_ids_by_email[user.email] = user.id
        return user

    def add_member(
        self,
        org_id: str,
        *,
        email: str | None = None,
        user_id: str | None = None,
        role: Role = "view",
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> Member:
        """Add a user to an org by email (creating the user if new) or by user ID."""
        org = self.org(org_id)
        if (email is None) == (user_id is None):
            raise ValueError("give exactly one of email or user_id")
        if user_id is not None:
            user = self.users.get(user_id)
            if user is None:
                raise not_found("User")
            if user.id in org.roles:
                raise SimulatorError(400, "AlreadyExists", f'User "{user_id}" already exists')
        else:
            assert email is not None
            found = self.user_by_email(email)
            if found is not None and found.id in org.roles:
                raise SimulatorError(
                    400, "AlreadyExists", f'Email address "{email}" already exists'
                )
            user = found or self.add_user(email, first_name=first_name, last_name=last_name)
        org.roles[user.id] = role
        self._touch(org)
        return Member(user, org.id, role)

    def member(self, org_id: str, user_id: str) -> Member:
        org = self.org(org_id)
        role = org.roles.get(user_id)
        if role is None:
            raise not_found("Member")
        return Member(self.users[user_id], org.id, role)

    def members(self, org_id: str) -> list[Member]:
        """Every member of the org, in the order they joined."""
        org = self.org(org_id)
        return [Member(self.users[uid], org.id, role) for uid, role in org.roles.items()]

    def find_member_by_email(self, org_id: str, email: str) -> Member | None:
        user = self.user_by_email(email)
        if user is None or user.id not in self.org(org_id).roles:
            return None
        return self.member(org_id, user.id)

    def set_role(self, org_id: str, user_id: str, role: Role) -> Member:
        """Change a member's role; refuses to demote the org's last admin."""
        current = self.member(org_id, user_id)
        org = self.orgs[org_id]
        if current.role == "admin" and role != "admin" and org.admin_count() == 1:
            raise SimulatorError(400, "Validation", LAST_ADMIN_MESSAGE)
        if role != current.role:
            org.roles[user_id] = role
            self._touch(org)
        return Member(current.user, org_id, role)

    def remove_member(self, org_id: str, user_id: str) -> None:
        """Remove a member (the user stays in the instance); the last admin stays."""
        current = self.member(org_id, user_id)
        org = self.orgs[org_id]
        if current.role == "admin" and org.admin_count() == 1:
            raise SimulatorError(400, "Validation", LAST_ADMIN_MESSAGE)
        del org.roles[user_id]
        self._touch(org)

    @staticmethod
    def _touch(org: Org) -> None:
        org.last_updated = iso(datetime.now(UTC))
