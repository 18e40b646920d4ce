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
  On a card, long work that reports its progress has the note updated in place, at
  most every ``progress_every_s`` and never past Slack's five posts per response_url.
  A command's note cannot be updated: Slack does not let a slash command's
  response_url replace what it posted before, so there it is one note, with the
  progress as it stood, and then the answer below it.
* Then the reply, then the audit, in that order, so the person never waits on the audit;
  last, the Home tabs that show what changed.

Forms and the Home tab take the same path. A form's submission and a typeahead are
answered in the ack itself (``ack_with``: inline errors, options); a typeahead's work
is awaited before the ack (``in_ack``), and bounds its own time. A form to open is
opened after the ack, on the request's trigger ID. A request with no response_url
(a form opened from a shortcut or the Home tab) is answered in a direct message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from handlers.button_seals import seal_buttons
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.outcome import Outcome, Work
from handlers.views import Reply, render_working
from handlers.views.forms import render_form_unavailable

# Slack takes at most five posts to one response_url: the notes leave room for the answer.
MAX_NOTES = 4


async def deliver(
    ack: AsyncAck, deps: Deps, caller: Caller, work: Work, *, on_card: bool, in_ack: bool = False
) -> None:
    """Ack, then answer with ``work``'s outcome; ``on_card``: the request is a button click;
    ``in_ack``: Slack takes the answer only in the ack (a typeahead's options)."""
    if in_ack and not isinstance(work, Outcome):
        work = await work
    if isinstance(work, Outcome) and work.ack_with is not None:
        await ack(**work.ack_with)
        await _record(deps, work)
        return
    if isinstance(work, Outcome) and not on_card and work.reply and not work.modal:
        await ack(**_signed(deps, work.reply.to_dict()))
        await _record(deps, work)
        return
    await ack()
    if isinstance(work, Outcome):
        out, notes = work, 0
    else:
        out, notes = await _with_working_notes(deps, caller, work, on_card=on_card)
    if out.modal is not None:
        failed = await deps.surfaces.open_modal(out.modal.trigger_id, out.modal.view)
        if failed is not None:
            out = Outcome(render_form_unavailable(failed), audit=out.audit)
    if out.reply is not None:
        # Once a note has taken a card's place, the answer takes the note's.
        replace = out.replace or (on_card and notes > 0)
        await _send(deps, caller, _signed(deps, _payload(out.reply, replace, on_card)))
    await _record(deps, out)
    if out.refresh_homes and deps.home is not None:
        await deps.home.refresh(out.refresh_homes)


async def _with_working_notes(
    deps: Deps, caller: Caller, work: Coroutine[Any, Any, Outcome], *, on_card: bool
) -> tuple[Outcome, int]:
    """Run ``work``, posting the working note (and progress) while it runs; how many posted.

    The work runs here, in the listener's own task, and a timer starts the notes only if
    it is still running after ``working_after_s``: nearly every command is done well
    before, and giving each one's work a task of its own, watched by ``asyncio.wait``,
    cost a task, a waiter, callbacks and an extra turn of the loop per command.
    """
    notes = _Notes(deps, caller, on_card=on_card)
    timer = asyncio.get_running_loop().call_later(deps.working_after_s, notes.start)
    try:
        out = await work
    finally:
        timer.cancel()
        await notes.stop()
    return out, notes.posted


class _Notes:
    """The working note, then its progress, posted from a task of their own once started."""

    def __init__(self, deps: Deps, caller: Caller, *, on_card: bool) -> None:
        self._deps = deps
        self._caller = caller
        self._on_card = on_card
        self.posted = 0
        self._task: asyncio.Task[None] | None = None
        self._sending = False
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._post())

    async def _post(self) -> None:
        progress = self._caller.progress
        shown = -1
        while self.posted < (MAX_NOTES if self._on_card else 1):
            if progress.version != shown:
                note = _payload(render_working(progress.latest), self._on_card, self._on_card)
                self._sending = True
                try:
                    await _send(self._deps, self._caller, note)
                finally:
                    self._sending = False
                self.posted, shown = self.posted + 1, progress.version
                if self._stopping:
                    return
            await asyncio.sleep(self._deps.progress_every_s)

    async def stop(self) -> None:
        """Post no more; a note being sent is let arrive first, so the answer comes after it."""
        task = self._task
        if task is None:
            return
        self._stopping = True
        if not self._sending:
            task.cancel()  # waiting for its next turn: nothing is lost
        await asyncio.wait({task})
        if not task.cancelled():
            task.result()  # a failure while posting is the request's failure, as before


async def _send(deps: Deps, caller: Caller, body: dict[str, Any]) -> None:
    """To the response_url, or, where there is none (a form from the Home tab), as a DM."""
    if caller.response_url:
        await deps.responder.send(caller.response_url, body)
    else:
        await deps.surfaces.direct_message(caller.user, body)


def _signed(deps: Deps, body: dict[str, Any]) -> dict[str, Any]:
    """The reply with its grant and request buttons signed (``handlers.button_seals``)."""
    return seal_buttons(body, deps.seal)


def _payload(reply: Reply, replace: bool, on_card: bool) -> dict[str, Any]:
    body = reply.to_dict()
    if on_card:
        # Said either way on a click: a reply that does not replace the card is its own message.
        body["replace_original"] = replace
    return body


async def _record(deps: Deps, out: Outcome) -> None:
    if out.as_one_run:
        await deps.auditor.record_run(out.audit)
        return
    for event in out.audit:
        await deps.auditor.record(event)
