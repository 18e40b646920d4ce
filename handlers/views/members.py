"""The member list reply (ARCHITECTURE.md §5): who is in an org, 20 a page, with paging buttons.

Losant returns every member in one response, so this view is where the list is
cut into pages. Each line's values are clipped to known widths, so 20 lines fit
in one section (3000 characters) whatever the emails and names are.
"""

from __future__ import annotations

from bot.edges.losant.models import Member, Org
from bot.usecases.commands import ListCommand
from bot.usecases.results import MemberPage
from handlers.paging import MemberPageState, encode
from handlers.views.blocks import section
from handlers.views.pager import footer, window
from handlers.views.phrases import (
    NAME_CHARS,
    ORG_CHARS,
    command,
    member_label,
    org_label,
    plural,
    role_label,
)
from handlers.views.reply import Reply, clip, code


def render_members(page: MemberPage) -> Reply:
    """One page of ``page.members``; a page past the end shows the last page."""
    org, query = page.org, page.query
    if not page.members:
        return _render_empty(org, query)
    win = window(page.members, page.page)

    def value_for_page(index: int) -> str:
        state = MemberPageState(
            org_id=org.id,
            filter=query.filter,
            field=query.field,
            sort=query.sort,
            direction=query.direction,
            page=index,
        )
        return encode(state)

    count = plural(win.total, "member")
    title = f"*Members of {clip(org.name, ORG_CHARS)}* · {count}\n{describe_query(query)}"
    blocks = [
        section(title),
        section("\n".join(member_line(m) for m in win.items)),
        *footer(win, noun="members", action_prefix="members", value_for_page=value_for_page),
    ]
    text = f"Members of {clip(org.name, 150)}: {count} (page {win.index + 1:,} of {win.pages:,})"
    return Reply(text=text, blocks=blocks)


def describe_query(query: ListCommand) -> str:
    """The filter and sort in words: "email matches `*@acme.io` · sorted by role, Z→A"."""
    matched = f"{query.field} matches {code(query.filter)}" if query.filter else "no filter"
    order = "A→Z" if query.direction == "asc" else "Z→A"
    return f"{matched} · sorted by {query.sort}, {order}"


def member_line(member: Member) -> str:
    """``• email · `role` · name``: at most 141 characters whatever Losant sent."""
    line = f"• {member_label(member)} · {role_label(member.role)}"
    name = member.name  # built from two fields: once, not twice
    return f"{line} · {clip(name, NAME_CHARS)}" if name else line


def _render_empty(org: Org, query: ListCommand) -> Reply:
    if query.filter:
        said = f"No members of {org_label(org)} have {query.field} matching {code(query.filter)}."
        hint = (
            f"Try a broader glob (such as `*smith*`), or list everyone: "
            f"{command('list', f'org={org.id}')}"
        )
    else:
        said = f"{org_label(org)} has no members."
        hint = f"Add one with {command('add', f'org={org.id}', 'email=<email>')}"
    text = f"No members of {clip(org.name, 150)} to show."
    return Reply(text=text, blocks=[section(f"{said}\n{hint}")])
