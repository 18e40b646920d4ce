"""Building the Bolt app from settings and collaborators, and the web server around it.

``build_deps`` takes everything with I/O from outside (the Losant client, the response
sender, the in-flight tracker, the auditor, the database) and wires what the listeners
and the sweep share; ``create_app`` registers the listeners on a Bolt app. The entry
point, the console and the tests all build the same real app. ``web_app`` adds
``GET /healthz`` next to Bolt's signed ``POST /slack/events``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.edges.losant.client import LosantClient
from bot.edges.slack.directory import SlackDirectory
from bot.edges.slack.notifier import SlackNotifier
from bot.edges.slack.responder import Responder
from bot.edges.slack.surfaces import Surfaces
from bot.edges.store import Store
from bot.serving.inflight import InFlight
from bot.serving.logs import request_id_var
from bot.usecases.access import AccessPolicy, GroupDirectory
from bot.usecases.audit import Auditor
from bot.usecases.home import HomeTab
from bot.usecases.lifecycle_parts import LifecycleParts
from bot.usecases.operations import Operations
from handlers.button_seals import key_sealer
from handlers.deps import Deps
from handlers.home import home_publisher
from handlers.listeners import register
from handlers.notices import SlackNotices
from handlers.views import render_internal_error

log = logging.getLogger("bot.app")

EVENTS_PATH = "/slack/events"
Authorize = Callable[..., Awaitable[AuthorizeResult]]


def web_client(settings: Settings) -> AsyncWebClient:
    """The Web API client with the bot token, at ``SLACK_API_URL`` (a fake's, in tests)."""
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(token=bot_token, base_url=settings.slack_api_url)


def build_deps(
    settings: Settings,
    losant: LosantClient,
    *,
    responder: Responder,
    inflight: InFlight,
    auditor: Auditor,
    slack_client: AsyncWebClient,
    store: Store,
    owner: str,
    clock: Callable[[], float] = time.time,
) -> Deps:
    """Everything the listeners (and the sweep) use, built once from the settings."""
    directory = SlackDirectory(slack_client)
    access = AccessPolicy(
        writers=settings.members_writers,
        readers=settings.members_readers,
        channels=settings.members_channels,
        groups=GroupDirectory(directory.group_members, ttl_s=settings.members_group_cache_s),
        approvers=settings.approvers,
        requesters=settings.requesters,
    )
    # Grant and request buttons are signed on every way out (replies, cards, DMs, Home).
    seal = key_sealer(settings.action_signing_key, clock)
    notices = SlackNotices(SlackNotifier(slack_client), settings.approval_channel, seal)
    lifecycle = LifecycleParts(
        store=store,
        notices=notices,
        limits=settings.grant_limits,
        approval_channel=settings.approval_channel,
        request_ttl_s=settings.members_request_ttl_s,
        owner=owner,
    )
    operations = Operations(
        losant,
        directory.email_of,
        signing_key=settings.action_signing_key,
        confirm_ttl_s=settings.members_confirm_ttl_s,
        fanout=settings.members_fanout,
        clock=clock,
        lifecycle=lifecycle,
    )
    surfaces = Surfaces(slack_client)
    return Deps(
        operations=operations,
        access=access,
        auditor=auditor,
        responder=responder,
        inflight=inflight,
        default_org=settings.losant_default_org,
        store=store,
        surfaces=surfaces,
        seal=seal,
        home=HomeTab(
            operations=operations,
            store=store,
            access=access,
            is_approver=access.is_approver,
            email_of=directory.email_of,
            publish=home_publisher(surfaces, seal),
            clock=clock,
        ),
        grant_limits=settings.grant_limits,
    )


def create_app(
    settings: Settings,
    deps: Deps,
    *,
    slack_client: AsyncWebClient,
    authorize: Authorize | None = None,
) -> AsyncApp:
    """The Bolt app with the ``/members`` listeners registered; nothing global."""
    app = AsyncApp(
        client=slack_client,
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else ""
        ),
        # Socket Mode requests come over an authenticated websocket and carry no signature.
        request_verification_enabled=not settings.socket_mode,
        authorize=authorize,
        process_before_response=False,
        # The bot has no Slack workflow functions: no function token to look for.
        attaching_function_token_enabled=False,
        logger=logging.getLogger("slack_bolt"),
    )
    register(app, deps)
    responder = deps.responder

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        # A bug, not a Losant or usage problem: log it whole, tell the person only an ID.
        request_id = request_id_var.get()
        log.error("unhandled error serving a request", exc_info=error)
        url = body.get("response_url") if isinstance(body, dict) else None
        if isinstance(url, str) and url:
            await responder.send(url, render_internal_error(request_id).to_dict())

    return app


def web_app(app: AsyncApp) -> web.Application:
    """Bolt's aiohttp application (``POST /slack/events``) plus ``GET /healthz``."""
    application: web.Application = app.web_app(path=EVENTS_PATH)
    application.middlewares.append(_refuse_what_slack_never_sends)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    application.router.add_get("/healthz", healthz)
    return application


@web.middleware
async def _refuse_what_slack_never_sends(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Bolt answers a timestamp that is not a number, or a ``payload`` that is not JSON,
    with a 500 and a traceback in the log, before or instead of checking the signature:
    anyone could do that at will. Slack never sends either, so refuse them plainly."""
    if request.path != EVENTS_PATH:
        return await handler(request)
    stamp = request.headers.get("X-Slack-Request-Timestamp")
    if stamp is not None and not (stamp.isascii() and stamp.isdigit()):
        return web.Response(status=401, text="invalid request")
    try:
        return await handler(request)
    except ValueError:  # Bolt could not parse the body; its listeners' errors never get here
        log.info("refused a request whose body Bolt could not parse")
        return web.Response(status=400, text="invalid request")
