"""Delivering an outcome the person may have to wait for.

Once a request is acked, the person sees nothing until the reply is posted. If the
answer is not ready within ``working_after_s`` (Losant is slow, Slack is slow to
list a user group), a short "working on it" is posted first (DESIGN §1). Then the
reply, then the audit event, in that order, so the person never waits on the audit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from handlers.deps import Deps
from handlers.outcome import Outcome
from handlers.views import render_working


async def deliver(
    deps: Deps, response_url: str, work: Awaitable[Outcome], *, replace: bool = False
) -> None:
    """Post ``work``'s reply to ``response_url``, with a working note if it is slow.

    ``replace`` is for button clicks: the working note and then the reply take the
    place of the message whose button was pressed (so a Confirm cannot be pressed
    twice while it runs).
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=deps.working_after_s)
    extra = {"replace_original": True} if replace else {}
    if not done:
        await deps.responder.send(response_url, {**render_working().to_dict(), **extra})
    out = await task
    await deps.responder.send(response_url, {**out.reply.to_dict(), **extra})
    if out.audit is not None:
        await deps.auditor.record(out.audit)
