"""Replies about one member: what ``show`` found and what ``add``/``role``/``remove`` did.

Each outcome is a plain sentence that says what is true now, including the
cases people trip over: the default role, "already a member", a write whose
answer was lost but was checked, and one whose outcome nobody can know.
"""

from __future__ import annotations

from bot.edges.losant.models import Member, Org
from bot.usecases.results import MemberAdded, MemberRemoved, MemberShown, RoleChanged, WriteUnknown
from handlers.views.blocks import section
from handlers.views.phrases import (
    command,
    member_key,
    member_label,
    org_label,
    role_label,
    target_label,
)
from handlers.views.reply import Reply, clip, code

DONE = ":white_check_mark:"
VERIFIED = "Losant's answer was lost on the way, but the change was checked and is in place."


def render_shown(result: MemberShown) -> Reply:
    """A member's details, as fields, showing only what Losant gave."""
    member = result.member
    fields = [f"*Role*\n{role_label(member.role)}", f"*User ID*\n{code(member.user_id)}"]
    if member.name:
        fields.append(f"*Name*\n{clip(member.name, 200)}")
    if member.two_factor_auth_enabled is not None:
        fields.append(f"*Two-factor auth*\n{'on' if member.two_factor_auth_enabled else 'off'}")
    if member.sso_linked is not None:
        fields.append(f"*SSO*\n{'linked' if member.sso_linked else 'not linked'}")
    said = f"{member_label(member)} is a member of {org_label(result.org)}."
    return _reply(said, fields=fields)


def render_added(result: MemberAdded) -> Reply:
    who, org, role = member_label(result.member), org_label(result.org), result.member.role
    if result.outcome == "already_member":
        how = _role_command(result.org, result.member)
        return _reply(
            f"{who} is already a member of {org}, as {role_label(role)}.\n"
            f"To change their role: {how}"
        )
    said = f"{DONE} Added {who} to {org} as {role_label(role)}"
    said += (
        f" (the default role; add {code('role=<role>')} to choose)."
        if result.role_defaulted
        else "."
    )
    return _reply(_verified(said, result.verified_after_error))


def render_role_changed(result: RoleChanged) -> Reply:
    who, org, role = member_label(result.member), org_label(result.org), result.member.role
    if result.outcome == "unchanged":
        return _reply(f"{who} already has the role {role_label(role)} in {org}; nothing changed.")
    said = (
        f"{DONE} Changed the role of {who} in {org}: "
        f"{role_label(result.previous_role)} → {role_label(role)}."
    )
    return _reply(_verified(said, result.verified_after_error))


def render_removed(result: MemberRemoved) -> Reply:
    member = result.member
    who = member_label(member) if member else target_label(result.target)
    org = org_label(result.org)
    if result.outcome == "already_removed":
        return _reply(f"{who} is no longer a member of {org}; there was nothing to remove.")
    said = f"{DONE} Removed {who} from {org}."
    if member:
        said += f" Their role was {role_label(member.role)}."
    return _reply(_verified(said, result.verified_after_error))


def render_write_unknown(result: WriteUnknown) -> Reply:
    """The write may or may not have happened: say so, and how to find out."""
    who, org = target_label(result.target), org_label(result.org)
    role = role_label(result.role) if result.role else "a new role"
    intent = {
        "add": f"add {who} to {org} as {role}",
        "role": f"give {who} the role {role} in {org}",
        "remove": f"remove {who} from {org}",
    }.get(result.subcommand, f"{result.subcommand} {who} in {org}")
    check = command("show", f"org={result.org.id}", f"user={result.target}")
    said = (
        f":warning: I asked Losant to {intent}, but could not tell whether it did "
        f"({clip(result.detail, 300)}).\n"
        f"Check before trying again: {check}"
    )
    return _reply(said)


def _role_command(org: Org, member: Member) -> str:
    return command("role", f"org={org.id}", f"user={member_key(member)}", "role=<role>")


def _verified(said: str, verified_after_error: bool) -> str:
    return f"{said}\n{VERIFIED}" if verified_after_error else said


def _reply(said: str, *, fields: list[str] | None = None) -> Reply:
    # The fallback is the first line without emoji codes: what a notification shows.
    text = said.split("\n", 1)[0].removeprefix(f"{DONE} ").removeprefix(":warning: ")
    return Reply(text=text, blocks=[section(said, fields=fields)])
