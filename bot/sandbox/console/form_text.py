"""A form (modal) in a terminal: its fields as text, and what ``fill`` puts in them.

Slack draws a form and keeps what the person picks or types in each field; the
console has to do both. This reads any modal the bot opens from its input blocks
(whatever their fields), shows each with its label, choices, what is filled in and
the error Slack would show under it, and turns ``fill role=edit duration=2h`` into the
``state.values`` Slack would send on submit. Pure; choosing an org, which needs the
bot's typeahead, is the caller's (it hands the chosen option to ``FormOnScreen.set``).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.console.render import mrkdwn_to_text

People = Mapping[str, tuple[str, str]]
"""Everyone the stand-in Slack knows: user ID to (email, name)."""


@dataclass
class FormOnScreen:
    """The modal on screen, and what has been filled in so far (by field, as Slack reports it)."""

    view: dict[str, Any]
    chosen: dict[str, dict[str, Any]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str((self.view.get("title") or {}).get("text", ""))

    def inputs(self) -> dict[str, dict[str, Any]]:
        """The form's input blocks by field name (their block ID)."""
        return {
            str(b.get("block_id")): b
            for b in self.view.get("blocks", [])
            if b.get("type") == "input"
        }

    def element(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.inputs()[name]["element"]
        return found

    def set(self, name: str, state: dict[str, Any], shown: str) -> None:
        self.chosen[name] = state
        self.shown[name] = shown

    def state_values(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every field as Slack sends it on submit: what was filled in, or its initial value."""
        values = {}
        for name, block in self.inputs().items():
            element = block["element"]
            state = self.chosen.get(name) or _initial_state(element)
            values[name] = {str(element["action_id"]): state}
        return values


def parse_fill(text: str) -> dict[str, str] | str:
    """``org=Acme reason="a b"`` as field: value; or what is wrong with it."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        return f'Could not read that: {exc}. Quote values with spaces: reason="debug 42".'
    filled: dict[str, str] = {}
    for word in words:
        name, equals, value = word.partition("=")
        if not equals:
            return f"`{word}` is not field=value. Example: fill org=Acme role=edit"
        filled[name.lower()] = value
    return filled


def static_choice(element: dict[str, Any], typed: str) -> dict[str, Any] | None:
    """The option of a select whose value is ``typed``, or whose label starts with it."""
    wanted = typed.casefold()
    options = element.get("options") or []
    exact = [o for o in options if str(o.get("value", "")).casefold() == wanted]
    starts = [o for o in options if _label(o).casefold().startswith(wanted)]
    picked = exact or (starts if len(starts) == 1 else [])
    return dict(picked[0]) if picked else None


def users_of(typed: str, people: People) -> list[str] | str:
    """``@bo,@ada`` (or user IDs) as user IDs, or who is not known."""
    by_name = {name.lower(): user_id for user_id, (_, name) in people.items()}
    found: list[str] = []
    for word in typed.replace(",", " ").split():
        name = word.removeprefix("@")
        user_id = name if name in people else by_name.get(name.lower())
        if user_id is None:
            known = ", ".join(f"@{n}" for _, n in people.values())
            return f"Nobody called {word} here; the people are {known}."
        found.append(user_id)
    return found


def render_form(form: FormOnScreen, errors: Mapping[str, str]) -> str:
    """The modal as lines of text: title, each field with what it holds, errors under it."""
    view = form.view
    submit = (view.get("submit") or {}).get("text")
    lines = [f"┌ {form.title}" + (f"  (submit: {submit})" if submit else "")]
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            lines += _field_lines(form, block, errors.get(str(block.get("block_id")), ""))
        elif block.get("type") == "section":
            lines.append("│ " + mrkdwn_to_text(str((block.get("text") or {}).get("text", ""))))
        elif block.get("type") == "context":
            for element in block.get("elements", []):
                lines.append("│ " + mrkdwn_to_text(str(element.get("text", ""))))
    for name, error in errors.items():
        if name not in form.inputs():
            lines.append(f"│ ! {error}")
    hint = "fill <field>=<value> …, then submit" if submit else "nothing to fill in"
    lines.append(f"└ {hint}; suggest <text> lists the orgs matching it")
    return "\n".join(lines)


def _field_lines(form: FormOnScreen, block: dict[str, Any], error: str) -> list[str]:
    name = str(block.get("block_id"))
    element = block["element"]
    label = str((block.get("label") or {}).get("text", ""))
    optional = " (optional)" if block.get("optional") else ""
    holds = form.shown.get(name) or _initial_text(element) or "—"
    lines = [f"│ {name}: {label}{optional} = {holds}"]
    if element.get("type") == "static_select":
        values = ", ".join(str(o.get("value")) for o in element.get("options", []))
        lines.append(f"│     choices: {values}")
    elif element.get("type") == "external_select":
        lines.append("│     type part of a name: suggest <text>, or fill org=<name>")
    elif element.get("type") == "multi_users_select":
        lines.append("│     people: fill people=@bo,@ada")
    if error:
        lines.append(f"│   ! {error}")
    return lines


def _label(option: Mapping[str, Any]) -> str:
    return str((option.get("text") or {}).get("text", ""))


def _initial_text(element: dict[str, Any]) -> str:
    initial = element.get("initial_option")
    return _label(initial) if isinstance(initial, dict) else ""


def _initial_state(element: dict[str, Any]) -> dict[str, Any]:
    """A field left alone, as Slack reports it: its initial choice, or nothing."""
    kind = str(element.get("type"))
    if kind in ("static_select", "external_select"):
        return {"type": kind, "selected_option": element.get("initial_option")}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": []}
    return {"type": kind, "value": None}
