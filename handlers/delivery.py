"""The one step from a listener's work to what the person sees and what the audit records.

Every listener acks, then hands its ``Work`` here; nothing else acks with a reply,
posts the "working on it" note, sets ``replace_original`` or records an audit event.
That keeps every way in (commands, page clicks, Confirm, Cancel, and those to come)
behaving alike:

* An ``Outcome`` known at once answers a command in the ack itself (help, usage
  errors, refusals that needed no lookup). A click cannot be answered in its ack, so
  its outcome goes to the response_url.
* Work that must wait (Losant, a Slack lookup) is acked empty first. If it is not done
  within ``working_after_s``, a short note is posted so nobody stares at nothing; on
  a card it takes the card's place, so a Confirm cannot be pressed again meanwhile.
* Then the reply, then the audit, in that order, so the person never waits on the audit.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from handlers.caller import Caller
from handlers.deps import Deps
from handlers.outcome import Outcome, Work
from handlers.views import Reply, render_working


async def deliver(ack: AsyncAck, deps: Deps, caller: Caller, work: Work, *, on_card: bool) -> None:
    """Ack, then answer with ``work``'s outcome; ``on_card``: the request is a button click."""
    if isinstance(work, Outcome) and not on_card:
        await ack(**work.reply.to_dict())
        await _record(deps, work)
        return
    await ack()
    if isinstance(work, Outcome):
        out, working_shown = work, False
    else:
        out, working_shown = await _with_working_note(deps, caller, work, on_card=on_card)
    # Once the working note has taken a card's place, the answer must take the note's.
    replace = out.replace or (on_card and working_shown)
    await deps.responder.send(caller.response_url, _payload(out.reply, replace, on_card))
    await _record(deps, out)


async def _with_working_note(
    deps: Deps, caller: Caller, work: Any, *, on_card: bool
) -> tuple[Outcome, bool]:
    task: asyncio.Future[Outcome] = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=deps.working_after_s)
    if done:
        return task.result(), False
    await deps.responder.send(caller.response_url, _payload(render_working(), on_card, on_card))
    return await task, True


def _payload(reply: Reply, replace: bool, on_card: bool) -> dict[str, Any]:
    body = reply.to_dict()
    if on_card:
        # Said either way: a click's reply that does not replace the card is its own message.
        body["replace_original"] = replace
    return body


async def _record(deps: Deps, out: Outcome) -> None:
    for event in out.audit:
        await deps.auditor.record(event)
