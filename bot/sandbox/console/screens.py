"""The console's form and Home tab commands: what a person does in Slack beyond typing a line.

``/members add`` (or ``form add``, ``form request``) and ``shortcut`` open a form,
``suggest Ac`` types into its org field, ``fill org=Acme role=edit`` fills it in (the
org through the bot's own typeahead), ``submit`` sends it, ``home`` opens the Home tab,
whose buttons ``press`` clicks. Each returns the ``Exchange`` to show, or a sentence
when the line never reached the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.console.form_text import (
    FormOnScreen,
    People,
    parse_fill,
    render_form,
    static_choice,
    users_of,
)
from bot.sandbox.console.render import Button
from bot.sandbox.console.session import ConsoleSession, Exchange

WORDS = ("form", "shortcut", "suggest", "fill", "submit", "home")
_NO_FORM = "No form is open: `/members add`, `form request` or `shortcut` opens one."


@dataclass
class Screens:
    """The form being filled in, and the Home tab last shown."""

    session: ConsoleSession
    people: People
    form: FormOnScreen | None = None
    home: dict[str, Any] | None = None
    _drawn: tuple[object, ...] = ()
    _changed: bool = False

    async def handle(self, command: str, rest: str) -> Exchange | str:
        """Carry out one form or Home line (``command`` is one of ``WORDS``)."""
        if command == "form":
            kind = rest.strip().lower()
            if kind not in ("add", "request"):
                return "Which form? `form add` or `form request`."
            return self.seen(await self.session.command(kind))
        if command == "shortcut":
            return self.seen(await self.session.shortcut())
        if command == "home":
            exchange = await self.session.open_home()
            self.home = exchange.home
            return exchange
        if self.form is None:
            return _NO_FORM
        if command == "suggest":
            return self._options(await self._suggest(rest.strip()))
        if command == "fill":
            return await self._fill(rest)
        return self.seen(await self.session.submit(self.form.view, self.form.state_values()))

    async def press_home(self, button: Button) -> Exchange:
        """Click a button of the Home tab last shown."""
        assert self.home is not None
        return self.seen(await self.session.press_in_view(button, self.home))

    def seen(self, exchange: Exchange) -> Exchange:
        """Keep up with the modal the exchange left on screen (the same one keeps its fill)."""
        modal = exchange.modal
        drawn = (modal and modal.get("id"), modal and modal.get("hash"), str(exchange.errors))
        self._changed, self._drawn = drawn != self._drawn, drawn
        if modal is None:
            self.form = None
        elif self.form is None or self.form.view.get("id") != modal.get("id"):
            self.form = FormOnScreen(modal)
        else:
            self.form.view = modal
        return exchange

    def shown_form(self, exchange: Exchange, *, always: bool = False) -> str | None:
        """The form as text, if the exchange opened or changed one (``always``: if open)."""
        if self.form is None or exchange.modal is None or not (always or self._changed):
            return None
        return render_form(self.form, exchange.errors)

    async def _suggest(self, typed: str) -> list[dict[str, Any]]:
        assert self.form is not None
        org = self.form.inputs().get("org")
        if org is None:
            return []
        exchange = await self.session.suggest(self.form.view, org["element"]["action_id"], typed)
        options: list[dict[str, Any]] = (exchange.ack or {}).get("options", [])
        return options

    def _options(self, options: list[dict[str, Any]]) -> str:
        if not options:
            return "No org matches that."
        names = [str(o["text"]["text"]) for o in options[:20]]
        more = f"\n  … and {len(options) - 20} more" if len(options) > 20 else ""
        return "\n".join(f"  {n}" for n in names) + more

    async def _fill(self, text: str) -> str:
        assert self.form is not None
        filled = parse_fill(text)
        if isinstance(filled, str):
            return filled
        fields = self.form.inputs()
        for name, typed in filled.items():
            if name not in fields:
                return f"This form has no field {name}; its fields: {', '.join(fields)}."
            problem = await self._fill_one(name, typed)
            if problem:
                return problem
        return render_form(self.form, {})

    async def _fill_one(self, name: str, typed: str) -> str:
        assert self.form is not None
        element = self.form.element(name)
        kind = str(element.get("type"))
        if kind == "external_select":
            options = await self._suggest(typed)
            exact = [o for o in options if o["text"]["text"].casefold() == typed.casefold()]
            picked = exact if len(exact) == 1 else options if len(options) == 1 else []
            if not picked:
                return f"{len(options)} orgs match {typed!r}; `suggest {typed}` lists them."
            self.form.set(
                name, {"type": kind, "selected_option": picked[0]}, picked[0]["text"]["text"]
            )
        elif kind == "static_select":
            option = static_choice(element, typed)
            if option is None:
                return f"{typed!r} is not one of the {name} choices."
            self.form.set(name, {"type": kind, "selected_option": option}, option["text"]["text"])
        elif kind == "multi_users_select":
            users = users_of(typed, self.people)
            if isinstance(users, str):
                return users
            self.form.set(name, {"type": kind, "selected_users": users}, typed)
        else:
            self.form.set(name, {"type": kind, "value": typed}, typed)
        return ""
