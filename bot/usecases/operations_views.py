"""What the forms and the Home tab ask of the operations, beside the commands' own methods.

The org typeahead, someone's access for their Home tab, and the signed values forms and
Home buttons carry. They share the operations' Losant client, key and clock, so they
are ``Operations`` methods; they live here to keep each module about one thing.
Handlers call them and never hold the key or the clock themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.edges.losant.models import Org
from bot.usecases.commands import MemberRef
from bot.usecases.find import Finder
from bot.usecases.org_choices import OrgChoices
from bot.usecases.progress import unwatched
from bot.usecases.results_runs import Found
from bot.usecases.sealed_views import (
    FORM_TTL_S,
    FormKind,
    FormMeta,
    SealedRef,
    seal_form,
    unseal_form,
    unseal_ref,
)


class FormsAndHome:
    """``Operations``' methods for forms and the Home tab; ``Operations`` sets the attributes."""

    _key: bytes
    _clock: Callable[[], float]
    _finder: Finder
    _org_choices: OrgChoices

    async def suggest_orgs(self, text: str) -> list[Org]:
        """The org typeahead's matches for ``text``, from a list read at most once a minute."""
        return await self._org_choices.matching(text)

    async def access_of(self, person: MemberRef, *, roles_for: int) -> Found:
        """Every org ``person`` is in; roles read for the first ``roles_for`` orgs by name."""
        return await self._finder.find(person, unwatched(), roles_for=roles_for)

    def form_metadata(self, form: FormKind, *, actor: str, channel: str, response_url: str) -> str:
        """The signed ``private_metadata`` of a form drawn now for ``actor``."""
        expires_at = int(self._clock()) + FORM_TTL_S
        return seal_form(FormMeta(form, actor, channel, response_url, expires_at), self._key)

    def form_opened(self, value: str) -> FormMeta:
        """The form a submission's ``private_metadata`` describes; ``InvalidConfirmation`` (or
        ``ExpiredValue``) when it is not authentic or too old."""
        return unseal_form(value, self._key, now=self._clock())

    def ref_opened(self, value: str) -> SealedRef:
        """The record a button value names, if this bot signed it and it is not too old."""
        return unseal_ref(value, self._key, now=self._clock())
