"""The Block Kit views: pure functions from results and errors to Slack replies.

Nothing here does I/O, so every reply can be tested as a whole value and checked
against Slack's limits (``check_limits``). Every value that came from a person or
from Losant is escaped for mrkdwn on the way in (``escape``/``clip``).
"""

from bot.mrkdwn import escape
from handlers.views.changes import (
    render_added,
    render_removed,
    render_role_changed,
    render_shown,
    render_write_unknown,
)
from handlers.views.confirm import (
    render_cancelled,
    render_confirm_refused,
    render_confirmation,
    render_not_invoker,
)
from handlers.views.errors import (
    render_bot_error,
    render_denied,
    render_internal_error,
    render_losant_error,
    render_usage_error,
)
from handlers.views.help import render_help, render_working
from handlers.views.members import render_members
from handlers.views.orgs import render_ambiguous, render_orgs
from handlers.views.reply import Reply, check_limits
from handlers.views.result import render_result

__all__ = [
    "Reply",
    "check_limits",
    "escape",
    "render_added",
    "render_ambiguous",
    "render_bot_error",
    "render_cancelled",
    "render_confirm_refused",
    "render_confirmation",
    "render_denied",
    "render_help",
    "render_internal_error",
    "render_losant_error",
    "render_members",
    "render_not_invoker",
    "render_orgs",
    "render_removed",
    "render_result",
    "render_role_changed",
    "render_shown",
    "render_usage_error",
    "render_working",
    "render_write_unknown",
]
