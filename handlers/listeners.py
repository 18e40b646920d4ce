"""Wiring the Slack listeners into a Bolt app: ``/members``, its buttons (paging,
Confirm/Cancel, and those of grants and requests), forms and the Home tab.

Each listener is one line: it names the work for what Bolt hands it (the ``command``,
the ``action``, the submitted ``view``, the event). ``_listener`` wraps every one the
same way, once: a request ID for the logs, in-flight tracking for a graceful shutdown,
who is asking (and, for a form, where its answer goes), and the delivery step that
acks and answers.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.serving.logs import request_id_var
from handlers import form_submit, forms, home
from handlers.actions import confirm_work, page_work
from handlers.caller import Caller
from handlers.delivery import deliver
from handlers.deps import Deps
from handlers.lifecycle_clicks import (
    ask_again_work,
    decide_work,
    end_grant_work,
    extend_grant_work,
)
from handlers.outcome import Work
from handlers.views.direct import ASK_AGAIN_ACTION as ASK_AGAIN
from handlers.views.forms import ADD_FORM, ORG_ACTION, REQUEST_FORM
from handlers.views.grants import END_ACTION as GRANT_END
from handlers.views.grants import EXTEND_ACTION as GRANT_EXTEND
from handlers.views.home import HOME_ADD, HOME_REQUEST
from handlers.views.requests import APPROVE_ACTION as APPROVE
from handlers.views.requests import CONFIRM_APPROVE_ACTION as CONFIRM_APPROVE
from handlers.views.requests import DENY_ACTION as DENY

# What a listener turns Bolt's payload (``command`` or ``action``) into.
MakeWork = Callable[[Deps, Caller, dict[str, Any]], Work]
# Who is asking and where the answer goes, when the payload says more than Bolt's context.
CallerOf = Callable[[Deps, Caller, dict[str, Any]], Caller]
Listener = Callable[..., Awaitable[None]]


def register(app: AsyncApp, deps: Deps) -> None:
    """Attach the ``/members`` command, its buttons, the forms and the Home tab to ``app``."""
    app.command("/members")(_listener(deps, forms.command_work))
    clicks: dict[str | re.Pattern[str], MakeWork] = {
        re.compile(r"^members_(prev|next)$"): lambda d, c, a: page_work(
            d, c, orgs=False, value=_value(a)
        ),
        re.compile(r"^orgs_(prev|next)$"): lambda d, c, a: page_work(
            d, c, orgs=True, value=_value(a)
        ),
        "members_confirm": lambda d, c, a: confirm_work(d, c, value=_value(a), confirmed=True),
        "members_cancel": lambda d, c, a: confirm_work(d, c, value=_value(a), confirmed=False),
        GRANT_END: lambda d, c, a: end_grant_work(d, c, value=_value(a)),
        GRANT_EXTEND: lambda d, c, a: extend_grant_work(d, c, value=_value(a)),
        APPROVE: lambda d, c, a: decide_work(d, c, value=_value(a), approve=True),
        CONFIRM_APPROVE: lambda d, c, a: decide_work(
            d, c, value=_value(a), approve=True, confirmed=True
        ),
        DENY: lambda d, c, a: decide_work(d, c, value=_value(a), approve=False),
        ASK_AGAIN: lambda d, c, a: ask_again_work(d, c, value=_value(a)),
    }
    for action_id, make_work in clicks.items():
        app.action(action_id)(_listener(deps, make_work, on_card=True))
    _register_forms_and_home(app, deps)


def _register_forms_and_home(app: AsyncApp, deps: Deps) -> None:
    app.shortcut(forms.REQUEST_SHORTCUT)(_listener(deps, forms.shortcut_work))
    app.options(ORG_ACTION)(_listener(deps, form_submit.suggest_work, in_ack=True))
    app.view(re.compile(f"^({ADD_FORM}|{REQUEST_FORM})$"))(
        _listener(deps, form_submit.submission_work, caller_of=form_submit.answer_to)
    )
    app.event("app_home_opened")(_listener(deps, home.opened_work))
    app.action(HOME_ADD)(
        _listener(
            deps, lambda d, c, b: forms.home_button_work(d, c, b, form="add"), whole_body=True
        )
    )
    app.action(HOME_REQUEST)(
        _listener(
            deps, lambda d, c, b: forms.home_button_work(d, c, b, form="request"), whole_body=True
        )
    )


def _listener(
    deps: Deps,
    make_work: MakeWork,
    *,
    on_card: bool = False,
    in_ack: bool = False,
    whole_body: bool = False,
    caller_of: CallerOf | None = None,
) -> Listener:
    """``on_card``: the listener serves a button on one of the bot's messages. ``in_ack``:
    Slack takes the answer only in the ack. ``whole_body``: the work reads the whole request
    body (a trigger ID beside the click), not Bolt's payload. ``caller_of``: the payload
    says where the answer goes (a form's signed metadata)."""

    async def listener(
        ack: AsyncAck,
        context: AsyncBoltContext,
        payload: dict[str, Any],
        body: dict[str, Any],
    ) -> None:
        # 12 hex digits, as before from uuid4, which cost several times as much.
        request_id_var.set(secrets.token_hex(6))
        async with deps.inflight.track():
            caller = Caller.of(context)
            if caller_of is not None:
                caller = caller_of(deps, caller, payload)
            work = make_work(deps, caller, body if whole_body else payload)
            await deliver(ack, deps, caller, work, on_card=on_card, in_ack=in_ack)

    return listener


def _value(action: dict[str, Any]) -> str:
    return str(action.get("value", ""))
