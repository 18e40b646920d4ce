"""The forms (modals): add people to an org, request access, and "you may not".

Pure functions from what the form needs to the view Slack opens. The field IDs here
(``FIELDS``) are the contract with ``handlers.form_fields``, which reads a submission,
and with the demo console, which fills a form in by field name. The org field is an
external select: Slack asks the bot for its options as the person types
(``ORG_ACTION``). Built with slack_sdk's models, so a field over Slack's limits fails
when the view is made, in tests, not in front of a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.edges.losant.models import ROLES, Role
from bot.usecases.commands import MAX_PEOPLE, MAX_REASON
from bot.usecases.durations import GrantLimits, describe_remaining, format_duration
from handlers.views.blocks import section
from handlers.views.reply import Reply, clip

ADD_FORM = "members_add_form"
REQUEST_FORM = "members_request_form"
ORG_ACTION = "form_org"
NO_END = "none"
# Slack's limits on an option: 75 characters of text, 150 of value.
OPTION_TEXT = 75

# block_id -> action_id of every field; the block ID is the field's name.
FIELDS: dict[str, str] = {
    "org": ORG_ACTION,
    "people": "form_people",
    "emails": "form_emails",
    "role": "form_role",
    "duration": "form_duration",
    "reason": "form_reason",
}
# What the duration field offers, where the grant limits allow it.
DURATIONS = (1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800, 1209600, 2592000)
_ROLE_WORDS: dict[Role, str] = {
    "admin": "admin (administrator)",
    "edit": "edit (editor)",
    "collaborate": "collaborate (collaborator)",
    "view": "view (viewer)",
    "none": "none (member without access)",
}


@dataclass(frozen=True)
class Prefill:
    """What a form opens with: an org chosen (its ID and name) and a role."""

    org_id: str
    org_name: str
    role: Role | None = None


def render_add_form(
    *, metadata: str, durations: Sequence[int], answer_in_dm: bool
) -> dict[str, Any]:
    """The form behind ``/members add`` with no arguments."""
    blocks: list[Block] = [
        _org(None),
        InputBlock(
            block_id="people",
            label="People in Slack",
            optional=True,
            element=UserMultiSelectElement(
                action_id=FIELDS["people"], placeholder="Pick people by name"
            ),
        ),
        InputBlock(
            block_id="emails",
            label="Or their emails",
            optional=True,
            hint=f"Commas, spaces or new lines between them; up to {MAX_PEOPLE} people in all.",
            element=PlainTextInputElement(
                action_id=FIELDS["emails"], multiline=True, placeholder="ann@acme.io, bo@acme.io"
            ),
        ),
        _role("view"),
        _duration(durations, none_allowed=True),
        _note(
            "Making someone `admin`, or adding more than 10 people, asks you to confirm first.",
            answer_in_dm,
        ),
    ]
    return _modal(ADD_FORM, "Add people to an org", "Add", blocks, metadata)


def render_request_form(
    *,
    metadata: str,
    durations: Sequence[int],
    answer_in_dm: bool,
    prefill: Prefill | None = None,
) -> dict[str, Any]:
    """The form behind ``/members request`` with no arguments, and the shortcut."""
    blocks: list[Block] = [
        _org(prefill),
        _role(prefill.role if prefill else None),
        _duration(durations, none_allowed=False),
        InputBlock(
            block_id="reason",
            label="Why",
            hint="For the approvers; link a ticket for the details.",
            element=PlainTextInputElement(
                action_id=FIELDS["reason"],
                multiline=True,
                max_length=MAX_REASON,
                placeholder="Debugging ticket 42",
            ),
        ),
        _note("An approver decides; the access then ends by itself.", answer_in_dm),
    ]
    return _modal(REQUEST_FORM, "Request Losant access", "Request", blocks, metadata)


def render_form_refused(reason: str) -> dict[str, Any]:
    """A modal in a form's place for someone who may not use it (opened from a shortcut)."""
    said = f":no_entry: You may not request access with members-bot: {clip(reason, 500)}."
    hint = "Ask an admin of this bot to add your user ID to the people who may."
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=said, verbatim=True)),
        ContextBlock(elements=[MarkdownTextObject(text=hint)]),
    ]
    view = View(type="modal", title="Losant access", close="Close", blocks=blocks)
    shown: dict[str, Any] = view.to_dict()
    return shown


def render_form_unavailable(error: str) -> Reply:
    """Said where the form was asked for, when Slack would not open it (``error`` its code)."""
    said = (
        f":warning: Slack did not open the form ({clip(error, 60)}). Forms must open within "
        "3 seconds of asking: try again, or type the command with its arguments."
    )
    return Reply(text="Slack did not open the form.", blocks=[section(said)])


def duration_choices(limits: GrantLimits) -> list[int]:
    """The durations a form offers: those some role may be granted for."""
    longest = max(limits.longest_s.values())
    return [s for s in DURATIONS if limits.shortest_s <= s <= longest]


def duration_label(seconds: int) -> str:
    """``2h — 2 h``: what to type, and how it reads."""
    return f"{format_duration(seconds)} — {describe_remaining(seconds)}"


def _modal(
    callback_id: str, title: str, submit: str, blocks: list[Block], metadata: str
) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata,
    )
    shown: dict[str, Any] = view.to_dict()
    return shown


def _org(prefill: Prefill | None) -> InputBlock:
    initial = _option(prefill.org_name, prefill.org_id) if prefill else None
    return InputBlock(
        block_id="org",
        label="Org",
        hint="Type part of its name.",
        element=ExternalDataSelectElement(
            action_id=ORG_ACTION,
            placeholder="Search the orgs",
            min_query_length=0,
            initial_option=initial,
        ),
    )


def _role(initial: Role | None) -> InputBlock:
    options = [_option(_ROLE_WORDS[role], role) for role in ROLES]
    chosen = next((o for o in options if o.value == initial), None)
    return InputBlock(
        block_id="role",
        label="Role",
        element=StaticSelectElement(
            action_id=FIELDS["role"],
            placeholder="Choose a role",
            options=options,
            initial_option=chosen,
        ),
    )


def _duration(durations: Sequence[int], *, none_allowed: bool) -> InputBlock:
    options = [_option(duration_label(s), format_duration(s)) for s in durations]
    if none_allowed:
        options.insert(0, _option("No end: the access stays", NO_END))
    return InputBlock(
        block_id="duration",
        label="Ends after" if none_allowed else "For how long",
        hint="Longer grants are allowed for lesser roles: the limit is checked when you submit.",
        element=StaticSelectElement(
            action_id=FIELDS["duration"],
            placeholder="Choose how long",
            options=options[:100],
            initial_option=options[0] if none_allowed else None,
        ),
    )


def _note(rule: str, answer_in_dm: bool) -> ContextBlock:
    where = (
        "The answer comes in a direct message from members-bot."
        if answer_in_dm
        else "The answer comes where you typed the command (only you see it)."
    )
    return ContextBlock(elements=[MarkdownTextObject(text=f"{rule} {where}")])


def _option(text: str, value: str) -> Option:
    # plain_text: Slack shows it as written, so the name needs no escaping, only a bound.
    shown = text if len(text) <= OPTION_TEXT else text[: OPTION_TEXT - 1] + "…"
    return Option(text=shown, value=value)
