"""Membership changes that tell the truth even when Losant's answer is lost.

A POST, PATCH or DELETE that times out, gets a 5xx or loses its connection may
or may not have happened. Each write here reads the member back to find out: if
the change is in place it is reported done; if it surely is not, the write is sent
once more; if the read-back fails too, the result is ``WriteUnknown`` with what to
check. Every write starts from a member read just before it (by ``add`` itself, or
by the caller for ``set_role`` and ``remove``), so a replayed or double-clicked
confirmation finds the change already in place and sends nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.edges.losant.client import LosantClient
from bot.edges.losant.errors import (
    LosantAlreadyExists,
    LosantError,
    LosantMemberNotFound,
    LosantRateLimited,
    LosantUnavailable,
    LosantUnexpected,
)
from bot.edges.losant.models import (
    Member,
    MemberPatch,
    MemberPostByEmail,
    MemberPostByUserId,
    Org,
    Role,
)
from bot.usecases.commands import MemberRef, Subcommand
from bot.usecases.lookup import Lookup
from bot.usecases.results import MemberAdded, MemberRemoved, RoleChanged, WriteUnknown


class Writes:
    """Add, change the role of, and remove members, verifying uncertain outcomes."""

    def __init__(self, losant: LosantClient, lookup: Lookup) -> None:
        self._losant = losant
        self._lookup = lookup

    async def add(
        self, org: Org, ref: MemberRef, role: Role, *, read_first: bool = True
    ) -> MemberAdded | WriteUnknown:
        """Add ``ref`` as ``role``. ``read_first=False`` skips the read of an existing
        member (one call fewer per person, for many-people adds): Losant's AlreadyExists
        then says so, and the member is read only in that case."""
        ref = await self._lookup.target(ref)
        body = (
            MemberPostByUserId(user_id=ref.value, role=role)
            if ref.kind == "user_id"
            else MemberPostByEmail(email=ref.value, role=role)
        )
        existing = await self._lookup.find_member(org, ref) if read_first else None
        if existing is not None:
            return MemberAdded(org=org, member=existing, outcome="already_member")

        async def landed() -> Member | None:
            return await self._lookup.find_member(org, ref)

        try:
            member, verified = await self._verified(
                lambda: self._losant.add_member(org.id, body), landed
            )
        except LosantAlreadyExists:
            # Someone added them between our read and our write.
            found = await landed()
            if found is None:
                raise
            return MemberAdded(org=org, member=found, outcome="already_member")
        except _Unknown as exc:
            return self._unknown(org, "add", ref.value, role, exc)
        return MemberAdded(org=org, member=member, outcome="added", verified_after_error=verified)

    async def set_role(self, org: Org, member: Member, role: Role) -> RoleChanged | WriteUnknown:
        """Give ``member`` (as the caller has just read them) ``role``, unless they have it."""
        if member.role == role:
            return RoleChanged(org=org, member=member, previous_role=role, outcome="unchanged")

        async def landed() -> Member | None:
            now = await self._refresh(org, member)
            return now if now is not None and now.role == role else None

        patch = MemberPatch(role=role)
        try:
            updated, verified = await self._verified(
                lambda: self._losant.update_member(org.id, member.user_id, patch), landed
            )
        except _Unknown as exc:
            return self._unknown(org, "role", member.key, role, exc)
        return RoleChanged(
            org=org,
            member=_with_known_fields(updated, member),
            previous_role=member.role,
            outcome="changed",
            verified_after_error=verified,
        )

    async def remove(self, org: Org, member: Member) -> MemberRemoved | WriteUnknown:
        """Remove ``member`` (as the caller has just read them) from ``org``."""

        async def landed() -> Member | None:
            gone = await self._refresh(org, member) is None
            return member if gone else None

        try:
            _, verified = await self._verified(lambda: self._removed(org, member), landed)
        except LosantMemberNotFound:
            # Gone between our read and our DELETE: a double click, or another admin.
            return MemberRemoved(
                org=org, target=member.key, member=member, outcome="already_removed"
            )
        except _Unknown as exc:
            return self._unknown(org, "remove", member.key, None, exc)
        return MemberRemoved(
            org=org,
            target=member.key,
            member=member,
            outcome="removed",
            verified_after_error=verified,
        )

    async def _removed(self, org: Org, member: Member) -> Member:
        await self._losant.remove_member(org.id, member.user_id)
        return member

    async def _refresh(self, org: Org, member: Member) -> Member | None:
        try:
            return await self._losant.get_member(org.id, member.user_id)
        except LosantMemberNotFound:
            return None

    async def _verified(
        self,
        write: Callable[[], Awaitable[Member]],
        landed: Callable[[], Awaitable[Member | None]],
    ) -> tuple[Member, bool]:
        """Send ``write``; on an uncertain failure, read back, and send it at most once more.

        Returns the member and whether the outcome was established by reading back.
        """
        for attempt in (1, 2):
            try:
                return await write(), False
            except (LosantUnavailable, LosantUnexpected) as exc:
                if isinstance(exc, LosantUnexpected) and not exc.may_have_applied:
                    raise
                if not exc.may_have_applied:
                    # Surely not done. A refused connection never reached Losant, so one
                    # more try is safe; a 429 or a second failure is reported as it is.
                    if attempt == 2 or isinstance(exc, LosantRateLimited):
                        raise
                    continue
                try:
                    found = await landed()
                except LosantError as check_exc:
                    raise _Unknown(exc) from check_exc
                if found is not None:
                    return found, True
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _unknown(
        org: Org, op: Subcommand, target: str, role: Role | None, exc: _Unknown
    ) -> WriteUnknown:
        return WriteUnknown(
            org=org,
            subcommand=op,
            target=target,
            role=role,
            # Why nobody knows; the view adds how to find out.
            detail=f"{_said(exc.cause)}, and reading it back failed too",
        )


class _Unknown(Exception):
    """A write whose outcome could not be established."""

    def __init__(self, cause: LosantError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _said(error: LosantError) -> str:
    """What the write got back: "Losant answered 503 “Service Unavailable”", or no answer."""
    if error.status is None:
        return error.message  # e.g. "Losant did not answer in time (ReadTimeout)"
    return f"Losant answered {error.status} “{error.message}”"


def _with_known_fields(updated: Member, before: Member) -> Member:
    """Losant may answer a PATCH with only ``userId`` and ``role``; keep what we knew."""
    return before.model_copy(update={"role": updated.role})
