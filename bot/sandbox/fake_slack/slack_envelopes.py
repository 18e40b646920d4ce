"""``FakeSlack``'s Socket Mode side: envelopes to the app, and what its acks said.

Locally the bot takes commands, clicks, submissions and events over Socket Mode, so
tests drive it through here as Slack would: each payload goes out in the envelope type
Slack uses for it (``slash_commands``, ``interactive``, ``events_api``), the app's ack
comes back, and whatever the ack answered is handed to ``app_answered`` so what the
person sees follows, exactly as when a payload arrives over HTTP.
"""

# A timeout parameter with a default is the point of these waits: every wait is bounded.
# ruff: noqa: ASYNC109

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sandbox.fake_slack.slack_screen import ScreenMixin
from bot.sandbox.fake_slack.slack_socket import FakeSocketMode

# Slack lets the app answer these in the ack itself; other interactions get empty acks.
ANSWERED_IN_ACK = ("view_submission", "block_suggestion")


class EnvelopeMixin(ScreenMixin):
    """Socket Mode for ``FakeSlack``, which sets ``_socket``."""

    _socket: FakeSocketMode

    @property
    def socket_messages(self) -> list[dict[str, Any]]:
        """Every message the app sent over Socket Mode (acks), in arrival order."""
        return self._socket.received.items

    async def wait_for_socket(self, timeout: float = 5.0) -> None:
        """Return once the app has connected over Socket Mode and been sent ``hello``."""
        await self._socket.wait_for_connection(timeout)

    async def send_slash_command(
        self, payload: dict[str, str], *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Deliver a slash command over Socket Mode; return the ack's payload (``{}`` if none)."""
        return await self._deliver("slash_commands", payload, accepts=True, timeout=timeout)

    async def send_interactive(
        self, payload: dict[str, Any], *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Deliver an interaction (click, submission, typeahead, shortcut) over Socket Mode.

        Returns the ack's payload (``{}`` if none): Slack lets the app answer a view
        submission or a typeahead in its ack, and nothing else.
        """
        accepts = payload.get("type") in ANSWERED_IN_ACK
        return await self._deliver("interactive", payload, accepts=accepts, timeout=timeout)

    async def send_event(self, payload: dict[str, Any], *, timeout: float = 5.0) -> None:
        """Deliver an Events API ``event_callback`` (e.g. ``app_home_opened``) over Socket Mode."""
        await self._deliver("events_api", payload, accepts=False, timeout=timeout)

    async def _deliver(
        self, kind: str, payload: Mapping[str, Any], *, accepts: bool, timeout: float
    ) -> dict[str, Any]:
        ack = await self._socket.send_envelope(
            kind, dict(payload), accepts_response_payload=accepts, timeout=timeout
        )
        await self.app_answered(payload, ack)
        return ack
