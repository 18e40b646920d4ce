"""Signed form metadata and Home button values: made by the bot, read back only if untouched."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.usecases.sealed import ExpiredValue, PendingChange, TamperedValue, seal
from bot.usecases.sealed_views import (
    FORM_TTL_S,
    MAX_METADATA_CHARS,
    RESPONSE_URL_S,
    FormMeta,
    SealedRef,
    seal_form,
    seal_ref,
    unseal_form,
    unseal_ref,
)

KEY = b"k" * 32
NOW = 1_700_000_000
URL = "https://hooks.slack.com/commands/T1/123/abc"
META = FormMeta("add", "U0BO", "C0GENERAL", URL, NOW + FORM_TTL_S)


def test_a_form_reads_back_as_sealed() -> None:
    """What the form was drawn for comes back whole from its private_metadata."""
    assert META == unseal_form(seal_form(META, KEY), KEY, now=NOW)


def test_a_form_opened_from_a_shortcut_has_no_channel_or_url() -> None:
    """A form with nowhere to answer but a DM seals and reads back as such."""
    meta = FormMeta("request", "U0BO", "", "", NOW + FORM_TTL_S)

    assert meta == unseal_form(seal_form(meta, KEY), KEY, now=NOW)


def test_late_submissions_are_answered_in_a_dm() -> None:
    """Past the response_url's life, the form's answer goes to a direct message instead."""
    late = unseal_form(seal_form(META, KEY), KEY, now=NOW + RESPONSE_URL_S + 1)

    assert ("", "C0GENERAL") == (late.response_url, late.channel)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"), id="mac-changed"),
        pytest.param(lambda v: "x" + v, id="body-changed"),
        pytest.param(lambda v: v.partition(".")[0], id="mac-cut-off"),
        pytest.param(lambda v: v + "é", id="not-ascii"),
        pytest.param(lambda v: "", id="empty"),
    ],
)
def test_an_edited_form_is_refused(edit: Callable[[str], str]) -> None:
    """Any change to the metadata makes it a value the bot did not make."""
    value = seal_form(META, KEY)

    with pytest.raises(TamperedValue):
        unseal_form(edit(value), KEY, now=NOW)


def test_a_form_open_too_long_is_refused() -> None:
    """A form submitted after its time says so, rather than acting on old metadata."""
    with pytest.raises(ExpiredValue):
        unseal_form(seal_form(META, KEY), KEY, now=META.expires_at + 1)


def test_values_of_one_kind_never_pass_for_another() -> None:
    """A confirm value, a form and a button reference are each refused as the others."""
    confirm = seal(PendingChange("remove", "5f" * 12, "bo@acme.io", None, "U0BO", NOW + 60), KEY)
    ref = seal_ref(SealedRef("request", "ab" * 16, NOW + 60), KEY)
    form = seal_form(META, KEY)

    for wrong in (confirm, ref):
        with pytest.raises(TamperedValue):
            unseal_form(wrong, KEY, now=NOW)
    for wrong in (confirm, form):
        with pytest.raises(TamperedValue):
            unseal_ref(wrong, KEY, now=NOW)


def test_a_reference_reads_back_and_expires() -> None:
    """A Home button names its request until it is out of date."""
    ref = SealedRef("grant", "0123456789abcdef" * 2, NOW + 60)
    value = seal_ref(ref, KEY)

    assert ref == unseal_ref(value, KEY, now=NOW)
    with pytest.raises(ExpiredValue):
        unseal_ref(value, KEY, now=NOW + 61)


@pytest.mark.parametrize(
    "meta",
    [
        pytest.param(FormMeta("add", "bo", "C1", URL, NOW), id="not-a-user-id"),
        pytest.param(FormMeta("add", "U0BO", "#general", URL, NOW), id="not-a-channel-id"),
        pytest.param(FormMeta("add", "U0BO", "C1", "javascript:x", NOW), id="not-a-url"),
    ],
)
def test_the_bot_never_seals_a_form_it_would_refuse(meta: FormMeta) -> None:
    """Sealing checks what unsealing will check, so a bad value fails where it is made."""
    with pytest.raises(ValueError, match="not a valid form"):
        seal_form(meta, KEY)


def test_the_longest_form_fits_in_private_metadata() -> None:
    """The largest metadata the bot can make stays inside Slack's 3,000 characters."""
    longest = FormMeta(
        "request", "W" + "9" * 31, "C" + "9" * 31, "https://" + "x" * 500, 10**11 - 1
    )

    assert MAX_METADATA_CHARS >= len(seal_form(longest, KEY))
