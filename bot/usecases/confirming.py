"""The Confirm card for one change: what it will do, sealed into its buttons.

``remove``, and granting ``admin`` (for good or for a while), wait for a click. Both the
member commands and the time-limited grants build that card the same way, so it is made
here once: the change, who asked, until when the card holds, and how long a grant lasts.
"""

from __future__ import annotations

from bot.edges.losant.models import Member, Org, Role
from bot.usecases.results import ConfirmationNeeded
from bot.usecases.sealed import Op, PendingChange, seal
from bot.usecases.sealed_runs import Sealer


class ChangeConfirmer:
    """Builds Confirm cards for single changes with the bot's shared key and clock."""

    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer

    def __call__(
        self,
        org: Org,
        op: Op,
        target: str,
        member: Member | None,
        role: Role | None,
        *,
        actor: str,
        duration_s: int | None = None,
    ) -> ConfirmationNeeded:
        expires_at = self._sealer.expiry()
        change = PendingChange(
            op=op,
            org_id=org.id,
            target=target,
            role=role,
            actor=actor,
            expires_at=expires_at,
            duration_s=duration_s,
        )
        return ConfirmationNeeded(
            org=org,
            subcommand=op,
            target=(member.email if member and member.email else target),
            member=member,
            role=role,
            previous_role=member.role if member else None,
            token=seal(change, self._sealer.key),
            expires_at=expires_at,
            duration_s=duration_s,
        )
