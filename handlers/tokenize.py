"""Split command text into ``key=value`` and bare tokens, honouring quotes and Slack markup.

This is the one place that knows how a value is delimited: whitespace ends it, unless
the value opened with a quote, and Slack markup (``<…>``) is never split, since a link
label may hold spaces. Quotes open only at the start of a value, so an apostrophe inside
one (``o'brien*``) is just a character, and a quoted value ends at a matching quote that
is followed by whitespace or the end, so ``'it's here'`` reads as ``it's here``. Slack
clients turn typed quotes into curly ones; each quote family counts as one character.

The scan is a single forward pass: every character is looked at a bounded number of
times, so hostile text cannot make it slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.usecases.commands import UsageError
from handlers.slack_text import MARKUP, markup_as_text, mentioned_user, unescape

_DOUBLE_QUOTES = frozenset('"\u201c\u201d')  # straight, left and right double
_SINGLE_QUOTES = frozenset("'\u2018\u2019")  # straight, left and right single
_QUOTES = _DOUBLE_QUOTES | _SINGLE_QUOTES
_KEY_STOPS = frozenset("=<") | _QUOTES
ECHO_LIMIT = 100
# What separates the entries of a pasted list. Not `;`: it ends Slack's `&lt;` entities.
_LIST_SEPARATORS = re.compile(r"[,\s]+")


def echo(value: str) -> str:
    """``value`` cut to a length that keeps an error message short."""
    return value if len(value) <= ECHO_LIMIT else value[: ECHO_LIMIT - 1] + "…"


@dataclass(frozen=True)
class Token:
    """One word of the command: ``key`` is None for a bare word.

    ``value`` is the text with Slack's escaping undone; ``mention`` is the Slack user ID
    when the whole value is a single user mention. ``pieces`` is the value as Slack sent
    it, plain text and markup bodies alternating, so ``list_items`` can split it without
    mistaking a typed ``&lt;@U1&gt;`` for a mention.
    """

    key: str | None
    value: str
    mention: str | None = None
    pieces: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __str__(self) -> str:
        return self.value if self.key is None else f"{self.key}={self.value}"


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; raises UsageError for a quoted value that never closes."""
    tokens: list[Token] = []
    i, end = 0, len(text)
    while i < end:
        if text[i].isspace():
            i += 1
            continue
        key: str | None = None
        j = i
        while j < end and not text[j].isspace() and text[j] not in _KEY_STOPS:
            j += 1
        if j < end and text[j] == "=":
            key = unescape(text[i:j])
            i = j + 1
        token, i = _read_value(text, i, key)
        tokens.append(token)
    return tokens


def _read_value(text: str, start: int, key: str | None) -> tuple[Token, int]:
    """The value that begins at ``start``, and the index just past it."""
    end = len(text)
    closers: frozenset[str] = frozenset()
    if start < end and text[start] in _QUOTES:
        closers = _DOUBLE_QUOTES if text[start] in _DOUBLE_QUOTES else _SINGLE_QUOTES
        start += 1
    # Alternating plain text and markup bodies; markup sits at the odd indexes.
    parts: list[str] = []
    chunk = i = start
    while i < end:
        char = text[i]
        if closers and char in closers and (i + 1 == end or text[i + 1].isspace()):
            parts.append(text[chunk:i])
            return _token(key, parts), i + 1
        if not closers and char.isspace():
            break
        if char == "<" and (markup := MARKUP.match(text, i)):
            parts += [text[chunk:i], markup.group(1)]
            i = chunk = markup.end()
            continue
        i += 1
    if closers:
        opened = text[start - 1 : start + ECHO_LIMIT]
        raise UsageError(
            f"The quoted value `{echo(opened)}` has no closing quote. "
            "End it with the same kind of quote, followed by a space or the end of the line."
        )
    parts.append(text[chunk:i])
    return _token(key, parts), i


def list_items(token: Token) -> list[Token]:
    """The entries of a list value (``a@x.io,<@U1|bo> c@y.io``), each a bare Token.

    Only the plain text between markup is split, so a mention or a link label with a
    comma or a space in it stays one entry.
    """
    items: list[Token] = []
    entry = [""]  # plain text and markup bodies alternating, always ending with plain text
    for index, piece in enumerate(token.pieces):
        if index % 2:
            entry += [piece, ""]
            continue
        first, *rest = _LIST_SEPARATORS.split(piece)
        entry[-1] += first
        for chunk in rest:
            if entry != [""]:
                items.append(_token(None, entry))
            entry = [chunk]
    if entry != [""]:
        items.append(_token(None, entry))
    return items


def _token(key: str | None, parts: list[str]) -> Token:
    value = "".join(
        markup_as_text(part) if index % 2 else unescape(part) for index, part in enumerate(parts)
    )
    # ["", body, ""] is a value made of exactly one piece of markup.
    only_markup = len(parts) == 3 and not parts[0] and not parts[2]
    mention = mentioned_user(parts[1]) if only_markup else None
    return Token(key, value, mention, tuple(parts))
