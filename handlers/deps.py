"""What the Slack listeners need, passed in once by ``bot.serving.app.create_app``.

Listeners get their collaborators from here instead of from globals, so tests
build the real app with fakes at the edges (simulator, fake Slack) and nothing is
patched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.edges.slack.responder import Responder
from bot.edges.slack.surfaces import Surfaces
from bot.edges.store import Store
from bot.serving.inflight import InFlight
from bot.usecases.access import AccessPolicy
from bot.usecases.audit import Auditor
from bot.usecases.durations import GrantLimits
from bot.usecases.home import HomeTab
from bot.usecases.operations import Operations
from handlers.button_seals import Seal


@dataclass(frozen=True)
class Deps:
    operations: Operations
    access: AccessPolicy
    auditor: Auditor
    responder: Responder
    inflight: InFlight
    store: Store
    # Forms, direct messages and the Home tab.
    surfaces: Surfaces
    # Signs the grant and request buttons of every message that leaves (button_seals).
    seal: Seal
    home: HomeTab | None = None
    grant_limits: GrantLimits = field(default_factory=lambda: GrantLimits.parse(""))
    default_org: str | None = None
    working_after_s: float = 1.5
    progress_every_s: float = 2.0
