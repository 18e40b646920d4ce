"""Replies that name orgs: the org list, and the answer to an ambiguous org name.

Org names are not unique in Losant, and IDs are what the other commands accept
without doubt, so both replies show every org with its ID next to its name.
"""

from __future__ import annotations

from bot.edges.losant.models import Org
from bot.usecases.results import AmbiguousOrg, OrgPage
from handlers.paging import OrgPageState, encode
from handlers.views.blocks import section
from handlers.views.pager import footer, window
from handlers.views.phrases import ORG_CHARS, command, org_label, plural
from handlers.views.reply import Reply, clip, code

MAX_AMBIGUOUS_SHOWN = 20


def render_orgs(page: OrgPage) -> Reply:
    """One page of ``page.orgs`` (every org matching the filter); past the end, the last page."""
    if not page.orgs:
        return _render_empty(page.filter)
    win = window(page.orgs, page.page)

    def value_for_page(index: int) -> str:
        return encode(OrgPageState(filter=page.filter, page=index))

    count = plural(max(page.total, win.total), "org")
    matched = f"name matches {code(page.filter)}" if page.filter else "all orgs"
    blocks = [
        section(f"*Orgs* · {count}\n{matched} · sorted by name"),
        section("\n".join(org_line(org) for org in win.items)),
        *footer(win, noun="orgs", action_prefix="orgs", value_for_page=value_for_page),
    ]
    text = f"Orgs: {count} (page {win.index + 1:,} of {win.pages:,})"
    return Reply(text=text, blocks=blocks)


def org_line(org: Org) -> str:
    """``• *name* · `id` · 12 members``; the count only when Losant gave one."""
    parts = [org_label(org), code(org.id)]
    if org.member_count is not None:
        parts.append(plural(org.member_count, "member"))
    return "• " + " · ".join(parts)


def render_ambiguous(result: AmbiguousOrg) -> Reply:
    """Several orgs share the name: list them with IDs, and how to pick one."""
    shown = result.matches[:MAX_AMBIGUOUS_SHOWN]
    lines = [org_line(org) for org in shown]
    if len(result.matches) > len(shown):
        lines.append(f"…and {len(result.matches) - len(shown):,} more")
    example = shown[0].id if shown else "<org id>"
    name = clip(result.name, ORG_CHARS)
    said = f"{plural(len(result.matches), 'org')} are named *{name}*, so nothing was done:"
    hint = f"Run the command again with the org's ID, e.g. `org={clip(example, 24)}`."
    text = f"{plural(len(result.matches), 'org')} are named {name}; run it again with the org's ID."
    return Reply(text=text, blocks=[section(said), section("\n".join(lines)), section(hint)])


def _render_empty(filter: str | None) -> Reply:
    said = "This Losant instance has no orgs."
    if filter:
        said = (
            f"No orgs have a name matching {code(filter)}.\n"
            f"Try a broader glob (such as `*acme*`), or list them all: {command('orgs')}"
        )
    return Reply(text="No orgs to show.", blocks=[section(said)])
