"""What a Slack ID looks like, decided once.

Settings, the parser, the views, the audit sentence and sealed buttons all need to tell
a user ID from anything else: a mention is only ever written for a real user ID, and a
setting with a stray token in it must be refused. One rule for all of them: a kind
letter, then 2 to 31 upper-case letters or digits (Slack's IDs are 9 to 11 today).
"""

from __future__ import annotations

import re

_BODY = r"[A-Z0-9]{2,31}"
USER_ID = re.compile(rf"[UW]{_BODY}")  # W: Enterprise Grid users
GROUP_ID = re.compile(rf"S{_BODY}")  # user groups
CHANNEL_ID = re.compile(rf"[CGD]{_BODY}")  # public, private, direct message


def is_user_id(value: str) -> bool:
    return USER_ID.fullmatch(value) is not None


def is_user_or_group_id(value: str) -> bool:
    return is_user_id(value) or GROUP_ID.fullmatch(value) is not None


def is_channel_id(value: str) -> bool:
    return CHANNEL_ID.fullmatch(value) is not None


def is_public_channel_id(value: str) -> bool:
    """A channel that ``<#…>`` can link to: a direct message (D…) has no link."""
    return is_channel_id(value) and not value.startswith("D")
