"""The part of Slack's Web API that members-bot calls, answered from in-memory data.

The app's ``AsyncWebClient`` is pointed here through ``SLACK_API_URL``, so every
directory lookup, audit message and Socket Mode connection request of an end-to-end
test lands on this class instead of slack.com. It answers the way Slack does where the
bot can notice: the bearer token is checked (bot token for everything, app-level token
for ``apps.connections.open``), errors come back as ``{"ok": false, "error": ...}``
with HTTP 200, and unknown IDs get Slack's own error codes. A method given a rate
limit answers calls beyond it as Slack does: HTTP 429, ``Retry-After`` in whole
seconds, and ``{"ok": false, "error": "ratelimited"}``; that holds for every method
served, including the messaging (``web_chat.py``) and view (``web_views.py``) ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.sandbox.fake_slack.arrivals import Arrivals
from bot.sandbox.fake_slack.conversations import BOT_ID, BOT_USER_ID, Conversations
from bot.sandbox.fake_slack.faults import Fault, FaultPlan, RateLimit
from bot.sandbox.fake_slack.triggers import TriggerIds
from bot.sandbox.fake_slack.views import ViewStore
from bot.sandbox.fake_slack.web_answers import Answer, Method, answering_refusals, missing
from bot.sandbox.fake_slack.web_chat import ChatMethods
from bot.sandbox.fake_slack.web_views import ViewMethods

TEAM_ID = "T1"
TEAM_NAME = "Test"
APP_CONNECTIONS_OPEN = "apps.connections.open"


@dataclass(frozen=True)
class ApiCall:
    """One Web API request as the fake received it."""

    method: str
    args: dict[str, Any]
    token: str | None


class FakeWebApi:
    """Slack's Web API methods, the directory behind them, and a record of every call."""

    def __init__(
        self,
        *,
        bot_token: str,
        app_token: str,
        stopping: asyncio.Event,
        conversations: Conversations,
        views: ViewStore,
        triggers: TriggerIds,
    ) -> None:
        self._bot_token = bot_token
        self._app_token = app_token
        # Known only once the server has its port; FakeSlack.start() sets it.
        self.root_url = ""
        self._stopping = stopping
        self._users: dict[str, Answer] = {}
        self._groups: dict[str, list[str]] = {}
        self._conversations = conversations
        self._faults = FaultPlan()
        self._limits: dict[str, RateLimit] = {}
        self.calls: Arrivals[ApiCall] = Arrivals("Web API calls")
        self.messages: Arrivals[dict[str, Any]] = Arrivals("chat.postMessage messages")
        self.rate_limited: Arrivals[ApiCall] = Arrivals("rate-limited Web API calls")
        self._methods: dict[str, Method] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": answering_refusals(self._users_lookup_by_email),
            "usergroups.users.list": self._usergroups_users_list,
            APP_CONNECTIONS_OPEN: self._apps_connections_open,
            **ChatMethods(conversations, knows_user=self._users.__contains__).methods(),
            **ViewMethods(views, triggers).methods(),
        }

    def add_user(self, user_id: str, *, email: str | None, name: str = "") -> None:
        """A workspace member; ``email=None`` is a profile without an email."""
        profile: Answer = {"real_name": name, "display_name": name}
        if email is not None:
            profile["email"] = email
        self._users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": name,
            "deleted": False,
            "is_bot": False,
            "profile": profile,
        }

    def add_group(self, group_id: str, members: list[str]) -> None:
        """A user group (``S…``) and its members' user IDs."""
        self._groups[group_id] = list(members)

    def remove_channel(self, channel_id: str) -> None:
        """Make posts to this channel answer ``channel_not_found``."""
        self._conversations.missing_channels.add(channel_id)

    def fail(self, method: str, fault: Fault, *, times: int) -> None:
        """Make the next ``times`` calls to ``method`` suffer ``fault``."""
        self._faults.add(method, fault, times=times)

    def rate_limit(self, method: str, limit: RateLimit | None) -> None:
        """Hold ``method`` to ``limit`` (per channel, for a call naming one); None lifts it."""
        if limit is None:
            self._limits.pop(method, None)
        else:
            self._limits[method] = limit

    async def handle(self, request: web.Request) -> web.Response:
        """Serve ``/api/<method>``: GET with a query, or POST with a form or JSON body."""
        method = request.match_info["method"]
        token = _bearer_token(request)
        args = await _read_args(request)
        call = ApiCall(method=method, args=args, token=token)
        await self.calls.add(call)

        fault = self._faults.take(method)
        if fault is not None:
            await fault.delay(self._stopping)
            if fault.error is not None:
                return _answer({"ok": False, "error": fault.error}, status=fault.status)

        serve = self._methods.get(method)
        if serve is None:
            return _answer({"ok": False, "error": "unknown_method", "req_method": method})
        auth_error = self._auth_error(method, token)
        if auth_error is not None:
            return _answer({"ok": False, "error": auth_error})
        limit = self._limits.get(method)
        # Slack's per-channel limits key on the channel; the fake keys the rest on the user.
        key = str(args.get("channel") or args.get("user_id") or "")
        wait_s = limit.retry_after(key) if limit is not None else None
        if wait_s is not None:
            await self.rate_limited.add(call)
            return _answer(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(wait_s)},
            )
        answer = serve(args)
        if method == "chat.postMessage" and answer["ok"]:
            await self.messages.add(args)
        return _answer(answer)

    def _auth_error(self, method: str, token: str | None) -> str | None:
        expected = self._app_token if method == APP_CONNECTIONS_OPEN else self._bot_token
        if not token:
            return "not_authed"
        if token == expected:
            return None
        if token in (self._bot_token, self._app_token):
            return "not_allowed_token_type"
        return "invalid_auth"

    def _auth_test(self, _args: dict[str, Any]) -> Answer:
        return {
            "ok": True,
            "url": self.root_url,
            "team": TEAM_NAME,
            "user": "members-bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: dict[str, Any]) -> Answer:
        user = self._users.get(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _users_lookup_by_email(self, args: dict[str, Any]) -> Answer:
        email = str(args.get("email", "")).strip().lower()
        if not email:
            raise missing("email")
        for user in self._users.values():
            if str(user["profile"].get("email", "")).lower() == email:
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def _usergroups_users_list(self, args: dict[str, Any]) -> Answer:
        members = self._groups.get(str(args.get("usergroup", "")))
        if members is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(members)}

    def _apps_connections_open(self, _args: dict[str, Any]) -> Answer:
        socket_url = self.root_url.replace("http://", "ws://", 1) + "socket"
        return {"ok": True, "url": socket_url}


def _bearer_token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


async def _read_args(request: web.Request) -> dict[str, Any]:
    """Query parameters merged with the body, as Slack reads both."""
    args: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return args
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            args.update(body)
    else:
        form = await request.post()
        args.update({key: value for key, value in form.items() if isinstance(value, str)})
    return args


def _answer(
    body: Answer, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(body, status=status, headers=headers)
