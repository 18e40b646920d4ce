"""Access requests: someone asks for a role for a while, approvers decide, the first decision
wins, and an approval makes the grant.

A request is for the requester alone (the email on their Slack profile), so nobody can ask
on someone else's behalf. It is refused at once when it could never be granted: over the
limit, a role they already have (unless a live grant gives it, when asking again is asking
to extend), or the same request already waiting. Deciding is one conditional UPDATE, so
clicks in two processes make one decision and one grant; the later clicker is shown who
decided. Who may click is the handler's to check; everything here assumes they may.
"""

from __future__ import annotations

from datetime import timedelta

from bot.edges.losant.errors import LosantError
from bot.edges.losant.models import Org, Role, as_role
from bot.edges.store import AlreadyDecided, Decided, EventKind, Request, Store
from bot.usecases.clock import Clock, utc_now
from bot.usecases.commands import MemberRef
from bot.usecases.durations import format_duration
from bot.usecases.errors import BotError
from bot.usecases.granting import Granting
from bot.usecases.journal import Journal, Step, request_step
from bot.usecases.lookup import EmailResolver, Lookup
from bot.usecases.notices import Notices
from bot.usecases.results_grants import GrantMade, RequestDecided, RequestMade

REQUESTS_OFF = BotError(
    "Access requests are off: no channel is set for the approvers' cards.",
    hint="Ask whoever runs this bot to set MEMBERS_APPROVAL_CHANNEL (or MEMBERS_AUDIT_CHANNEL).",
)


class Requesting:
    """Making, deciding and asking again for access requests."""

    def __init__(
        self,
        store: Store,
        lookup: Lookup,
        granting: Granting,
        journal: Journal,
        notices: Notices,
        *,
        resolve_email: EmailResolver,
        clock: Clock,
        ttl_s: int,
        channel: str | None,
    ) -> None:
        self._store = store
        self._lookup = lookup
        self._granting = granting
        self._journal = journal
        self._notices = notices
        self._resolve_email = resolve_email
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_s)
        self.channel = channel

    async def request(
        self, org: Org, role: Role, duration_s: int, reason: str, *, requester: str
    ) -> RequestMade:
        """Record the request and put its card in front of the approvers."""
        if self.channel is None:
            raise REQUESTS_OFF
        self._granting.check_limits(role, duration_s)
        email = await self._resolve_email(requester)
        member = await self._lookup.find_member(org, MemberRef("email", email))
        key = member.email if member is not None and member.email else email
        live = await self._store.grants.get_live(org.id, key)
        if member is not None and member.role == role and (live is None or live.role != role):
            raise BotError(f"You already have `{role}` in {org.name}; nothing to request.")
        now = utc_now(self._clock)
        waiting = [
            r
            for r in await self._store.requests.open_for_requester(requester, now)
            if r.org_id == org.id and r.role == role
        ]
        if waiting:
            raise BotError(
                f"You already asked for `{role}` in {org.name}; it waits for an approver.",
                hint="See it with `/members requests`.",
            )
        request = await self._store.requests.create(
            requester=requester,
            requester_email=email,
            org_id=org.id,
            org_name=org.name,
            role=role,
            current_role=member.role if member else None,
            duration_s=duration_s,
            reason=reason,
            ttl=self._ttl,
            now=now,
        )
        return await self._show(request, requester, "request")

    async def ask_again(self, grant_id: str, *, requester: str) -> RequestMade:
        """A new request for the same role, org and length as the one behind ``grant_id``:
        the Extend button of an "ending soon" message."""
        grant = await self._store.grants.get(grant_id)
        asked = grant.request_id if grant is not None else None
        earlier = await self._store.requests.get(asked) if asked else None
        if grant is None or earlier is None or earlier.requester != requester:
            raise BotError("That button is not for a grant you asked for.")
        org = Org(id=earlier.org_id, name=earlier.org_name)
        reason = f"to extend: {earlier.reason}"[:500]
        return await self.request(
            org, as_role(earlier.role), earlier.duration_s, reason, requester=requester
        )

    async def _show(self, request: Request, requester: str, subcommand: str) -> RequestMade:
        lasting = format_duration(request.duration_s)
        step = request_step(
            EventKind.REQUESTED,
            request,
            requester,
            subcommand,
            detail=f"for {lasting}: {request.reason}",
        )
        await self._journal.append(step)
        card = await self._notices.request_card(request)
        if card is not None:
            await self._store.requests.set_card(request.id, *card)
        return RequestMade(request, self.channel or "", card is not None, (step,))

    async def get(self, request_id: str) -> Request:
        """The request a button names; BotError when there is none."""
        request = await self._store.requests.get(request_id)
        if request is None:
            raise BotError("That request does not exist (any more).")
        return request

    async def decide(self, request: Request, *, approver: str, approve: bool) -> RequestDecided:
        """Approve (and grant) or deny, unless someone decided first or it expired."""
        now = utc_now(self._clock)
        outcome = await self._store.requests.decide(request.id, approver, approve, None, now)
        if isinstance(outcome, AlreadyDecided):
            return RequestDecided(outcome.request, first=False, steps=())
        if not isinstance(outcome, Decided):
            raise BotError(
                f"This request expired at {request.expires_at:%Y-%m-%d %H:%M} UTC; nobody can "
                "decide it now.",
                hint="The requester can ask again with `/members request`.",
            )
        decided = outcome.request
        kind, verb = (EventKind.APPROVED, "approve") if approve else (EventKind.DENIED, "deny")
        steps: tuple[Step, ...] = (request_step(kind, decided, approver, verb),)
        await self._journal.append(*steps)
        made, grant_error = None, None
        if approve:
            made, grant_error = await self._grant(decided, approver)
            if made is not None:
                steps += made.steps
                await self._store.requests.link_grant(decided.id, made.grant.id)
        await self._notices.request_decided(decided, made, grant_error)
        return RequestDecided(decided, True, steps, made, grant_error)

    async def _grant(self, request: Request, approver: str) -> tuple[GrantMade | None, str | None]:
        org = Org(id=request.org_id, name=request.org_name)
        person = MemberRef("email", request.requester_email)
        try:
            role = as_role(request.role)
            plan = await self._granting.plan(org, person, role, request.duration_s, via="request")
            made = await self._granting.carry_out(
                plan, actor=approver, subcommand="approve", reason=request.reason,
                request_id=request.id,
            )  # fmt: skip
        except BotError as exc:
            return None, exc.message
        except LosantError as exc:
            return None, f"Losant failed ({exc.message}); nothing was changed"
        return made, None
