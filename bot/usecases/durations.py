"""How long a time-limited grant lasts: ``2h`` in, seconds out, and back again.

People type durations in commands (``for=2h``) and operators type them in a setting
(``MEMBERS_GRANT_LIMITS``); both go through ``parse_duration`` so there is one
notation, and every reply writes a duration back in that same notation
(``format_duration``), so what the bot says can be pasted into the next command.
Pure: no clock, no settings read here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from bot.edges.losant.models import ROLES, Role

_UNITS: Final = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
# No grant comes near a year; the cap keeps absurd numbers away from date arithmetic.
MAX_DURATION_S: Final = 365 * 86_400
# Longer than any sensible duration (`52w6d23h59m59s` is 14): refused before scanning.
_MAX_TEXT: Final = 24
FORMS: Final = (
    "Write a whole number and a unit (s, m, h, d or w): `90s`, `30m`, `2h`, `1d`, `1w`, "
    "or a sum from the largest unit down, like `1h30m`."
)
# ASCII only: with Unicode case folding `s` would also match U+017F (long s), and `\d` would
# match digits of every script.
_SUM = re.compile(r"(?:[0-9]+[smhdw])+", re.IGNORECASE | re.ASCII)
_PART = re.compile(r"([0-9]+)([smhdw])", re.IGNORECASE | re.ASCII)
_DECIMAL = re.compile(r"([0-9]*\.[0-9]+)([smhdw])", re.IGNORECASE | re.ASCII)


def parse_duration(text: str) -> int:
    """The seconds ``text`` (``90s``, ``2h``, ``1h30m``, any case) stands for.

    Raises ValueError, naming the accepted forms, for anything else: no unit, zero,
    a sign, decimals, a unit twice or out of order, or more than a year.
    """
    text = text.strip()
    if len(text) > _MAX_TEXT:
        raise ValueError(f"`{text[:_MAX_TEXT]}…` is not a duration. {FORMS}")
    if not _SUM.fullmatch(text):
        raise ValueError(_why_not(text))
    parts = [(int(number), unit.lower()) for number, unit in _PART.findall(text)]
    seconds = sum(number * _UNITS[unit] for number, unit in parts)
    if seconds == 0:
        raise ValueError(f"`{text}` is no time at all. {FORMS}")
    sizes = [_UNITS[unit] for _, unit in parts]
    if sizes != sorted(set(sizes), reverse=True):
        raise ValueError(
            f"In `{text}` the units repeat or are out of order: write them from the largest "
            f"down, each once, as in `{format_duration(seconds)}`."
        )
    if seconds > MAX_DURATION_S:
        raise ValueError(f"`{text}` is more than a year; no grant lasts that long.")
    return seconds


def _why_not(text: str) -> str:
    """The most helpful complaint about ``text``, which is not a sum of number-unit parts."""
    if not text:
        return f"Say how long. {FORMS}"
    if text.isascii() and text.isdigit():
        return f"`{text}` has no unit: `{text}m` or `{text}h`? {FORMS}"
    decimal = _DECIMAL.fullmatch(text)
    if decimal:
        seconds = Fraction(decimal.group(1)) * _UNITS[decimal.group(2).lower()]
        if seconds.denominator == 1 and 0 < seconds <= MAX_DURATION_S:
            return f"Use whole numbers: `{format_duration(int(seconds))}` rather than `{text}`."
    return f"`{text}` is not a duration. {FORMS}"


def format_duration(seconds: int) -> str:
    """``seconds`` in the notation ``parse_duration`` reads: largest units first, exact.

    Weeks are used only for whole weeks of days (``14d`` is ``2w``, ``30d`` stays
    ``30d``), because nobody thinks of a month as ``4w2d``.
    """
    if seconds <= 0:
        raise ValueError(f"A duration is more than 0 seconds, not {seconds}.")
    days, rest = divmod(seconds, _UNITS["d"])
    weeks, days = divmod(days, 7) if days % 7 == 0 else (0, days)
    hours, rest = divmod(rest, _UNITS["h"])
    minutes, secs = divmod(rest, _UNITS["m"])
    amounts = zip((weeks, days, hours, minutes, secs), _UNITS, strict=True)
    return "".join(f"{amount}{unit}" for amount, unit in amounts if amount)


_SPOKEN: Final = (("day", 86_400), ("h", 3_600), ("min", 60), ("s", 1))


def describe_remaining(seconds: int) -> str:
    """``seconds`` as a person reads it, to the two largest units: ``1 h 30 min``, ``3 days 4 h``.

    Rounded down, so "ends in 1 h" never shows for something that ends in 50 minutes.
    A negative number is described by its size: the caller says "overdue by".
    """
    left = abs(seconds)
    if left < 1:
        return "0 s"
    said: list[str] = []
    for name, size in _SPOKEN:
        amount, left = divmod(left, size)
        if amount and len(said) < 2:
            plural = "s" if name == "day" and amount != 1 else ""
            said.append(f"{amount} {name}{plural}")
        elif said:
            # Two units at most, and never with a gap between them ("2 days 5 s").
            break
    return " ".join(said)


DEFAULT_GRANT_LIMITS: Final = "min=5m admin=4h edit=1d collaborate=7d view=30d none=30d"


@dataclass(frozen=True)
class GrantLimits:
    """The shortest grant of any role, and the longest grant of each role."""

    shortest_s: int
    longest_s: Mapping[Role, int]

    @classmethod
    def parse(cls, text: str) -> GrantLimits:
        """The limits ``text`` sets (``min=5m admin=4h …``, commas or spaces between).

        A key left out keeps its default. Raises ValueError naming every problem at once,
        so a wrong setting is fixed in one go.
        """
        given: dict[str, int] = {}
        problems: list[str] = []
        keys = ("min", *ROLES)
        for item in re.split(r"[\s,]+", text.strip()):
            if not item:
                continue
            key, equals, value = item.partition("=")
            key = key.lower()
            if not equals or key not in keys:
                listed = ", ".join(f"`{k}=`" for k in keys)
                problems.append(f"`{item[:40]}` is not one of {listed} with a duration")
            elif key in given:
                problems.append(f"`{key}=` is given twice")
            else:
                try:
                    given[key] = parse_duration(value)
                except ValueError as exc:
                    problems.append(f"`{key}=`: {str(exc).rstrip('.')}")
        limits = cls._with_defaults(given)
        problems += [
            f"`{role}={format_duration(longest)}` is shorter than "
            f"`min={format_duration(limits.shortest_s)}`"
            for role, longest in limits.longest_s.items()
            if longest < limits.shortest_s
        ]
        if problems:
            raise ValueError("; ".join(problems) + ".")
        return limits

    @classmethod
    def _with_defaults(cls, given: Mapping[str, int]) -> GrantLimits:
        merged = {**_DEFAULTS, **given}
        return cls(merged["min"], {role: merged[role] for role in ROLES})

    def check(self, role: Role, seconds: int) -> None:
        """Raise ValueError, saying the limit, unless ``role`` may be granted for ``seconds``."""
        if seconds < self.shortest_s:
            raise ValueError(
                f"A time-limited grant lasts at least {format_duration(self.shortest_s)} "
                f"(you asked for {format_duration(seconds)})."
            )
        longest = self.longest_s[role]
        if seconds > longest:
            raise ValueError(
                f"`{role}` may be granted for at most {format_duration(longest)} "
                f"(you asked for {format_duration(seconds)})."
            )


_DEFAULTS: Final[Mapping[str, int]] = {
    key: parse_duration(value)
    for key, value in (item.split("=") for item in DEFAULT_GRANT_LIMITS.split())
}
