"""Taking a person out of every org, after one confirmation.

The card is ``find``'s answer with a sealed Confirm button that names each org and the
role shown, so the click removes exactly what the person confirmed, whichever process
serves it. At the click, one paged org list (``memberId``) says which of those orgs
still have them: a replayed or double click finds none and writes nothing. The rest
are removed ``MEMBERS_FANOUT`` at a time, each with the same write safety as a single
``remove`` (``bot.usecases.writes``), and each ends as removed, kept (Losant refuses
to remove an org's last admin), failed (nothing changed) or unknown (what to check).
"""

from __future__ import annotations

from bot.edges.losant.client import LosantClient
from bot.edges.losant.errors import LosantBadRequest, LosantError
from bot.edges.losant.models import Member, Org
from bot.usecases import fanout
from bot.usecases.progress import Progress
from bot.usecases.results import MemberRemoved
from bot.usecases.results_runs import (
    Found,
    OffboardConfirmation,
    Offboarded,
    OrgOutcome,
    OrgResult,
)
from bot.usecases.sealed_runs import MAX_ORGS, OrgRole, PendingOffboard, Sealer, fits
from bot.usecases.writes import Writes


class Offboarding:
    def __init__(
        self,
        losant: LosantClient,
        writes: Writes,
        *,
        fanout_limit: int,
        sealer: Sealer,
    ) -> None:
        self._losant = losant
        self._writes = writes
        self._limit = fanout_limit
        self._sealer = sealer

    def confirmation(self, found: Found, *, actor: str) -> OffboardConfirmation:
        """The card for ``found`` (who must be in at least one org)."""
        if found.user_id is None or not found.memberships:
            raise ValueError("nobody to offboard: find them in at least one org first")
        email = next((m.member.email for m in found.memberships if m.member.email), None)
        expires_at = self._sealer.expiry()
        orgs = [OrgRole(m.org.id, m.member.role) for m in found.memberships]
        covered = min(len(orgs), MAX_ORGS)
        while True:
            run = PendingOffboard(found.user_id, email, tuple(orgs[:covered]), actor, expires_at)
            token = self._sealer.seal(run)
            if fits(token) or covered == 1:
                break
            covered -= max(1, covered // 10)  # the rest is for a second offboard
        return OffboardConfirmation(found, token, expires_at, covered)

    async def carry_out(self, run: PendingOffboard, progress: Progress) -> Offboarded:
        """Remove the person from each org on the card that still has them."""
        still_in = {
            org.id: org
            for org in await self._losant.orgs_with_member(run.user_id, fanout=self._limit)
        }
        who = run.email or run.user_id
        done = 0

        async def remove(shown: OrgRole) -> OrgResult:
            nonlocal done
            org = still_in.get(shown.org_id)
            if org is None:
                result = OrgResult(shown.org_id, None, shown.role, "already_removed")
            else:
                result = await self._remove_one(
                    org, Member(user_id=run.user_id, role=shown.role, email=run.email)
                )
            done += 1
            progress.report(done, len(run.orgs), "orgs done")
            return result

        results = await fanout.each(list(run.orgs), remove, limit=self._limit)
        return Offboarded(person=who, results=tuple(results))

    async def _remove_one(self, org: Org, member: Member) -> OrgResult:
        def result(outcome: OrgOutcome, detail: str = "", status: int | None = None) -> OrgResult:
            return OrgResult(org.id, org.name, member.role, outcome, detail, status)

        try:
            removed = await fanout.patiently(lambda: self._writes.remove(org, member))
        except LosantBadRequest as exc:
            # Losant keeps an org's last admin; any other refusal is shown in its own words.
            if member.role == "admin" and "admin" in exc.message.lower():
                return result("kept", "they are its last admin; Losant refuses", exc.status)
            return result("failed", exc.message, exc.status)
        except LosantError as exc:
            return result("failed", exc.message, exc.status)
        if isinstance(removed, MemberRemoved):
            return result(
                removed.outcome, status=None if removed.outcome == "already_removed" else 200
            )
        return result("unknown", removed.detail)
