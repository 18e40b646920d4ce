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


class SlackDirectory:
    """Looks people and user groups up in the Slack workspace."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def email_of(self, user_id: str) -> str:
        """The email on a Slack user's profile (needs the ``users:read.email`` scope)."""
        user = await self._call("users_info", user=user_id)
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
