"""The audit channel's sentence (`describe`) for each decision, and its escaping."""

from __future__ import annotations

from typing import Any

import pytest

from bot.usecases.audit import AuditEvent, describe, org_as_named

ORG_ID = "5f0c0ffee0c0ffee0c0ffee0"


def event(**fields: Any) -> AuditEvent:
    base: dict[str, Any] = {
        "actor": "U01",
        "channel": "C1",
        "subcommand": "add",
        "decision": "done",
        "org": ORG_ID,
        "org_name": "Acme",
        "target": "bo@acme.io",
    }
    return AuditEvent(**{**base, **fields})


@pytest.mark.parametrize(
    ("audit", "expected"),
    [
        pytest.param(event(role="view"), "<@U01> added bo@acme.io to Acme as view", id="added"),
        pytest.param(
            event(subcommand="role", target="ada@acme.io", role="admin", previous_role="edit"),
            "<@U01> changed ada@acme.io's role in Acme from edit to admin",
            id="role-changed",
        ),
        pytest.param(
            event(subcommand="remove", target="ada@acme.io", previous_role="edit"),
            "<@U01> removed ada@acme.io from Acme (was edit)",
            id="removed",
        ),
        pytest.param(
            event(role="edit", already=True),
            "<@U01> asked to add bo@acme.io to Acme: already a member, as edit; nothing changed",
            id="already-member",
        ),
        pytest.param(
            event(subcommand="remove", already=True),
            "<@U01> asked to remove bo@acme.io from Acme: already not a member; nothing changed",
            id="already-removed",
        ),
        pytest.param(
            event(
                actor="U02",
                subcommand="remove",
                target="ada@acme.io",
                decision="refused",
                reason="not the invoker",
            ),
            "<@U02> was refused: remove ada@acme.io from Acme — not the invoker",
            id="refused",
        ),
        pytest.param(
            event(
                subcommand="confirm",
                decision="refused",
                org=None,
                org_name=None,
                target=None,
                reason="tampered confirmation value",
            ),
            "<@U01> was refused: confirm a change — tampered confirmation value",
            id="refused-tampered",
        ),
        pytest.param(
            event(
                subcommand="list",
                decision="refused",
                org=None,
                target=None,
                reason="not in MEMBERS_WRITERS or MEMBERS_READERS",
            ),
            "<@U01> was refused: list the members of Acme — not in MEMBERS_WRITERS or "
            "MEMBERS_READERS",
            id="refused-read",
        ),
        pytest.param(
            event(role="view", decision="failed", losant_status=400, reason="email is invalid"),
            "<@U01> tried to add bo@acme.io to Acme as view — failed: Losant 400: email is invalid",
            id="failed",
        ),
        pytest.param(
            event(subcommand="remove", decision="failed", reason="bo@acme.io is not a member"),
            "<@U01> tried to remove bo@acme.io from Acme — failed: bo@acme.io is not a member",
            id="failed-without-status",
        ),
        pytest.param(
            event(subcommand="remove", decision="unknown", reason="Losant did not answer"),
            "<@U01> tried to remove bo@acme.io from Acme — outcome unknown: Losant did not "
            f"answer; check with `/members show org={ORG_ID} user=bo@acme.io`",
            id="unknown",
        ),
        pytest.param(
            event(org_name=None, role="view"),
            f"<@U01> added bo@acme.io to {ORG_ID} as view",
            id="org-id-when-no-name",
        ),
    ],
)
def test_describe_reads_as_a_sentence(audit: AuditEvent, expected: str) -> None:
    """Each decision has its own wording: who did what to whom in which org, and how it ended."""
    assert expected == describe(audit)


def test_describe_escapes_every_untrusted_value() -> None:
    """Names, targets, reasons and a malformed actor are made inert: no mention, no link."""
    nasty = event(
        actor="<!channel>",
        subcommand="remove",
        decision="refused",
        org_name="R&D <Labs>",
        target="<@U999|boss>",
        reason="<https://evil.example|click>",
    )
    expected = (
        "&lt;!channel&gt; was refused: remove &lt;@U999|boss&gt; from R&amp;D &lt;Labs&gt; — "
        "&lt;https://evil.example|click&gt;"
    )
    assert expected == describe(nasty)


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        pytest.param(ORG_ID, {"org": ORG_ID, "org_name": None}, id="id"),
        pytest.param("Acme", {"org": None, "org_name": "Acme"}, id="name"),
        pytest.param(None, {"org": None, "org_name": None}, id="none"),
    ],
)
def test_org_key_only_ever_holds_an_id(named: str | None, expected: dict[str, Any]) -> None:
    """An org typed by name goes to ``org_name``; the log's ``org`` key is for IDs."""
    assert expected == org_as_named(named)
