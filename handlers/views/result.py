"""``render_result``: the one entry point from any operation result to its reply.

Callers hold a ``bot.usecases.results.Result`` without caring which kind; the match below
is exhaustive (mypy checks it with ``assert_never``), so a new result type cannot
be added without a view.
"""

from __future__ import annotations

from typing import assert_never

from bot.usecases.results import (
    AmbiguousOrg,
    ConfirmationNeeded,
    MemberAdded,
    MemberPage,
    MemberRemoved,
    MemberShown,
    OrgPage,
    Result,
    RoleChanged,
    WriteUnknown,
)
from bot.usecases.results_grants import (
    GrantEnded,
    GrantExtended,
    GrantList,
    GrantMade,
    RequestDecided,
    RequestList,
    RequestMade,
)
from bot.usecases.results_runs import (
    BulkAddConfirmation,
    BulkAdded,
    Found,
    OffboardConfirmation,
    Offboarded,
)
from handlers.views.changes import (
    render_added,
    render_removed,
    render_role_changed,
    render_shown,
    render_write_unknown,
)
from handlers.views.confirm import render_confirmation
from handlers.views.grants import (
    render_grant_ended,
    render_grant_extended,
    render_grant_list,
    render_grant_made,
)
from handlers.views.members import render_members
from handlers.views.orgs import render_ambiguous, render_orgs
from handlers.views.reply import Reply
from handlers.views.requests import render_decided, render_request_list, render_request_made
from handlers.views.runs import (
    render_bulk_added,
    render_bulk_confirmation,
    render_found,
    render_offboard_confirmation,
    render_offboarded,
)


def render_result(result: Result) -> Reply:
    """The reply for any result an operation can return."""
    match result:
        case MemberPage():
            return render_members(result)
        case OrgPage():
            return render_orgs(result)
        case AmbiguousOrg():
            return render_ambiguous(result)
        case MemberShown():
            return render_shown(result)
        case MemberAdded():
            return render_added(result)
        case RoleChanged():
            return render_role_changed(result)
        case MemberRemoved():
            return render_removed(result)
        case WriteUnknown():
            return render_write_unknown(result)
        case ConfirmationNeeded():
            return render_confirmation(result)
        case Found():
            return render_found(result)
        case OffboardConfirmation():
            return render_offboard_confirmation(result)
        case Offboarded():
            return render_offboarded(result)
        case BulkAddConfirmation():
            return render_bulk_confirmation(result)
        case BulkAdded():
            return render_bulk_added(result)
        case GrantMade():
            return render_grant_made(result)
        case GrantExtended():
            return render_grant_extended(result)
        case GrantEnded():
            return render_grant_ended(result)
        case GrantList():
            return render_grant_list(result)
        case RequestMade():
            return render_request_made(result)
        case RequestList():
            return render_request_list(result)
        case RequestDecided():
            return render_decided(result)
        case _:
            assert_never(result)
