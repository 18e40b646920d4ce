"""What the bot asks Slack about people: a mentioned user's email, a user group's members.

Both go through the app's ``AsyncWebClient`` (so ``SLACK_API_URL`` points them at a
fake in tests) and turn every Slack failure into ``SlackLookupError``: callers decide
whether that refuses access (groups: fail closed) or ends the command with a message.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.edges.losant.models import is_email
from bot.usecases.errors import SlackLookupError

# What users.info answers for an ID that names no one the bot can see.
_NO_SUCH_USER = frozenset({"user_not_found", "user_not_visible"})


def _slack_error(exc: SlackLookupError) -> str | None:
    cause = exc.__cause__
    if isinstance(cause, SlackApiError) and cause.response is not None:
        error = cause.response.get("error")
        return error if isinstance(error, str) else None
    return None


class SlackDirectory:
    """Looks people and user groups up in the Slack workspace."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def email_of(self, user_id: str) -> str:
        """The email on a Slack user's profile (needs the ``users:read.email`` scope)."""
        try:
            user = await self._call("users_info", user=user_id)
        except SlackLookupError as exc:
            if _slack_error(exc) not in _NO_SUCH_USER:
                raise
            # Not worth trying again: the mention names nobody this workspace knows.
            raise SlackLookupError(
                f"Slack knows no user {user_id} in this workspace.",
                hint="Pick the person from Slack's @ list, or name them by email: user=<email>.",
            ) from exc
        profile: dict[str, Any] = (user.get("user") or {}).get("profile") or {}
        email = profile.get("email")
        if not isinstance(email, str) or not is_email(email):
            raise SlackLookupError(
                f"Slack user {user_id} has no email address on their Slack profile.",
                hint="Name them by email instead: user=<email>.",
            )
        return email

    async def group_members(self, group_id: str) -> Collection[str]:
        """The user IDs in a Slack user group (``usergroups.users.list``)."""
        answer = await self._call("usergroups_users_list", usergroup=group_id)
        users = answer.get("users")
        if not isinstance(users, list):
            raise SlackLookupError(f"Slack sent no member list for user group {group_id}.")
        return [u for u in users if isinstance(u, str)]

    async def _call(self, method: str, **kwargs: str) -> dict[str, Any]:
        try:
            response = await getattr(self._client, method)(**kwargs)
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown_error") if exc.response else "no answer"
            raise SlackLookupError(
                f"Slack answered `{error}` to {method.replace('_', '.')}.",
                hint="Try again in a minute; if it persists, ask the bot's operator.",
            ) from exc
        except (SlackClientError, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SlackLookupError(
                f"Slack could not be reached for {method.replace('_', '.')}.",
                hint="Try again in a minute.",
            ) from exc
        data: dict[str, Any] = dict(response.data) if isinstance(response.data, dict) else {}
        return data
