"""The help reply and the "working on it" notice: the replies that need no data.

Help lists only what the caller may run (ARCHITECTURE.md §4), so it doubles as the
answer to "what am I allowed to do here?".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.edges.losant.models import ROLES
from bot.usecases.commands import SUBCOMMANDS, WRITE_SUBCOMMANDS, Subcommand
from bot.usecases.progress import Step
from handlers.views.blocks import context, section
from handlers.views.phrases import ORG_CHARS
from handlers.views.reply import Reply, clip, code

WHAT_IT_DOES: Mapping[Subcommand, str] = {
    "help": "this message",
    "list": "an org's members, 20 a page",
    "add": "add someone to an org (the role defaults to `view`); up to 100 people at once "
    "as `email=a@x.io,b@y.io` or a pasted list; `for=2h` (one person) ends it by itself",
    "show": "one member's role and details",
    "role": "change a member's role; with `for=2h` the old role comes back after that",
    "remove": "remove someone from an org (asks you to confirm)",
    "orgs": "the orgs and their IDs",
    "find": "every org a person is in, with their role there",
    "offboard": "remove someone from every org (asks you to confirm)",
    "grants": "time-limited access that is still live, in every org or one",
    "extend": "make a time-limited grant end later: `for=` counts from now",
    "revoke": "end a time-limited grant now, putting back what was there",
    "request": "ask for access for yourself, for a while; an approver decides",
    "requests": "the requests waiting for you",
}
# What the notes under the list explain, and who needs them.
_TAKE_ROLE: frozenset[Subcommand] = frozenset({"add", "role", "request"})
_TAKE_DURATION: frozenset[Subcommand] = frozenset({"add", "role", "extend", "request"})


def render_help(
    allowed: Collection[Subcommand],
    usage: Mapping[Subcommand, str],
    *,
    default_org: str | None,
) -> Reply:
    """One line per subcommand the caller may run, in the grammar's order."""
    shown = [s for s in SUBCOMMANDS if s in allowed and s in usage]
    lines = [f"• {code(usage[s], 300)}: {WHAT_IT_DOES[s]}" for s in shown]
    notes = ["`&lt;org&gt;` is an org's ID or its exact name (any case)."]
    if default_org:
        every = "; `grants` then shows every org" if "grants" in shown else ""
        notes.append(f"Without `org=`, commands use {code(default_org, ORG_CHARS)}{every}.")
    if any(s in _TAKE_ROLE for s in shown):
        notes.append("Roles: " + ", ".join(f"`{r}`" for r in ROLES) + ".")
    if any(s in _TAKE_DURATION for s in shown):
        notes.append(
            "Durations: `90s`, `30m`, `2h`, `1d`, `1w`, or sums like `1h30m`, within the "
            "limits set for each role."
        )
    if any(s in WRITE_SUBCOMMANDS for s in shown):
        notes.append(
            "Removing or offboarding someone, making someone `admin`, or adding more than 10 "
            "people asks you to confirm first."
        )
    if not any(s != "help" for s in shown):
        notes = [
            "You may not read or change org membership yet: ask an admin of this bot to "
            "add your user ID to `MEMBERS_READERS` or `MEMBERS_WRITERS`."
        ]
    blocks = [section("*/members* manages the members of this Losant instance's orgs.")]
    if lines:
        blocks.append(section("\n".join(lines)))
    blocks.append(context(*notes))
    return Reply(text="/members: " + ", ".join(shown) + ".", blocks=blocks)


def render_working(step: Step | None = None) -> Reply:
    """Sent when Losant takes more than a moment, so nobody stares at nothing; with how far
    long work has got when it says (``step``), updated in place."""
    if step is None:
        said = "Working on it… Losant is taking a moment."
    else:
        said = f"Working on it… {step.done:,} of {step.total:,} {clip(step.what, 100)}."
    return Reply(text=said, blocks=[context(f":hourglass_flowing_sand: {said}")])
