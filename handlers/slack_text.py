"""Undo Slack's encoding of slash-command text, so the parser sees what the person typed.

Slack does not send the text as typed. It escapes ``&``, ``<`` and ``>`` as HTML
entities, and it wraps what it recognises in angle-bracket markup: ``<@U123|bo>`` for a
mention, ``<mailto:a@b.co|a@b.co>`` for an email, ``<http://x.io|x.io>`` for a link,
``<!here>`` or ``<#C123|general>`` for channels and specials. Because a literal ``<``
always arrives as ``&lt;``, a raw ``<`` can only be Slack's own markup: this module
decides what each such sequence means as text. Only user mentions carry meaning to the
grammar; everything else is a value, and specials stay literal text for the views to
escape, so nothing typed into a value can ping a channel.
"""

from __future__ import annotations

import re

from bot.slack_ids import USER_ID

# A link's scheme, as in RFC 3986: what tells a link from other markup.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Slack user IDs start with U (or W on Enterprise Grid); the label after | is cosmetic.
_USER_MENTION = re.compile(rf"@({USER_ID.pattern})(?:\|[^>]*)?")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# The markup Slack sends: no nested brackets, never across lines. The class stops at the
# first `<`, `>` or newline, so a failed match costs only the span to the next `<`.
MARKUP = re.compile(r"<([^<>\n]*)>")


def unescape(text: str) -> str:
    """Undo Slack's ``&amp;``/``&lt;``/``&gt;`` in one pass, so ``&amp;lt;`` stays ``&lt;``."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def mentioned_user(body: str) -> str | None:
    """The Slack user ID when ``<body>`` is a user mention, else None."""
    match = _USER_MENTION.fullmatch(body)
    return match.group(1) if match else None


def markup_as_text(body: str) -> str:
    """What the markup ``<body>`` means as plain text.

    Links and mailto links become their label (or their target when unlabelled), so
    ``<mailto:a@b.co|a@b.co>`` reads as ``a@b.co``. Anything else — mentions, channels,
    ``<!here>`` — is kept as the literal sequence, never interpreted.
    """
    if _SCHEME.match(body):
        target, bar, label = body.partition("|")
        if bar and label:
            return unescape(label)
        return unescape(target.removeprefix("mailto:"))
    return "<" + unescape(body) + ">"
