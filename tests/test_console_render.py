"""The console's renderer: Slack messages as the plain text a terminal shows (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.console.render import Button, buttons, mrkdwn_to_text, to_text


def section(text: str, *, fields: list[str] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if fields is not None:
        block["fields"] = [{"type": "mrkdwn", "text": field} for field in fields]
    return block


def context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in texts]}


def actions(*labels: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": label},
                "action_id": f"members_{label.lower()}",
                "value": f"value-of-{label.lower()}",
            }
            for label in labels
        ],
    }


@pytest.mark.parametrize(
    ("mrkdwn", "expected"),
    [
        pytest.param("plain words", "plain words", id="plain"),
        pytest.param("R&amp;D &lt;Labs&gt;", "R&D <Labs>", id="entities"),
        pytest.param("<@U0BO|bo> and <@U0ADA>", "@bo and @U0ADA", id="user-mentions"),
        pytest.param("<!channel> <!here>", "@channel @here", id="broadcasts"),
        pytest.param("<!subteam^S1|@admins>", "@admins", id="user-group"),
        pytest.param("<#C1|general> <#C2>", "#general #C2", id="channels"),
        pytest.param("<mailto:a@b.co|a@b.co> <mailto:c@d.co>", "a@b.co c@d.co", id="mailto"),
        pytest.param(
            "<https://x.io|docs> <https://x.io>", "docs (https://x.io) https://x.io", id="links"
        ),
        pytest.param(
            "expires <!date^1700000000^{date_short} {time}|2023-11-14 22:13 UTC>.",
            "expires 2023-11-14 22:13 UTC.",
            id="date-shows-its-fallback",
        ),
        pytest.param("*Members of Acme* · 12", "Members of Acme · 12", id="bold"),
        pytest.param("`*a*` and *b*", "`*a*` and b", id="no-bold-inside-code"),
        pytest.param("2*3*4 and * spaced * out", "2*3*4 and * spaced * out", id="not-bold"),
        pytest.param(":warning: careful", "⚠️ careful", id="emoji"),
        pytest.param(
            ":white_check_mark: :no_entry: :x: :grey_question: :hourglass_flowing_sand:",
            "✅ ⛔ ❌ ❔ ⏳",
            id="every-emoji-the-bot-uses",
        ),
        pytest.param(":tada: at 12:30:45", ":tada: at 12:30:45", id="unknown-emoji-and-times"),
        pytest.param("`:warning:`", "`:warning:`", id="no-emoji-inside-code"),
        pytest.param(
            "&lt;!channel&gt; &lt;@U1&gt; *&lt;b&gt;*",
            "<!channel> <@U1> <b>",
            id="escaped-markup-stays-literal",
        ),
    ],
)
def test_mrkdwn_reads_as_slack_shows_it(mrkdwn: str, expected: str) -> None:
    """Links, mentions, entities, bold and emoji read as Slack shows them; code stays as typed."""
    assert expected == mrkdwn_to_text(mrkdwn)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            {"text": "Fallback &amp; only"},
            "Fallback & only",
            id="text-without-blocks",
        ),
        pytest.param(
            {"text": "fallback", "blocks": [section("*Members of Acme* · 12 members")]},
            "Members of Acme · 12 members",
            id="blocks-win-over-fallback",
        ),
        pytest.param(
            {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "R&amp;D"}}]},
            "R&D\n===",
            id="header-underlined",
        ),
        pytest.param(
            {
                "blocks": [
                    section("bo@acme.io is a member of *Acme*.", fields=["*Role*\n`admin`"]),
                    section("", fields=["*Name*\nBo  Diddley", "*SSO*\n", "just text"]),
                ]
            },
            "bo@acme.io is a member of Acme.\n"
            "  Role: `admin`\n"
            "  Name: Bo Diddley\n"
            "  SSO\n"
            "  just text",
            id="fields-as-label-value",
        ),
        pytest.param(
            {
                "blocks": [
                    section("*Members of Globex* · 2,600 members"),
                    {"type": "divider"},
                    context("Page 1 of 130", "members 1-20"),
                    {"type": "context", "elements": [{"type": "image", "image_url": "x"}]},
                ]
            },
            "Members of Globex · 2,600 members\n" + "-" * 20 + "\n  Page 1 of 130\n  members 1-20",
            id="divider-and-context",
        ),
        pytest.param(
            {"blocks": [section("Remove ada@acme.io?"), actions("Prev", "Next"), actions("Go")]},
            "Remove ada@acme.io?\n[1] Prev  [2] Next\n[3] Go",
            id="buttons-numbered-across-blocks",
        ),
        pytest.param(
            {"blocks": [{"type": "image", "image_url": "x", "alt_text": "y"}, section("after")]},
            "after",
            id="unknown-blocks-skipped",
        ),
    ],
)
def test_to_text_shows_each_kind_of_block(message: dict[str, Any], expected: str) -> None:
    """Headers, sections, fields, dividers, context and numbered buttons, as plain lines."""
    assert expected == to_text(message)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        pytest.param(
            "• `/members list org=&lt;org&gt;`: an org's members, 20 a page",
            30,
            "• `/members list org=<org>`:\n  an org's members, 20 a page",
            id="bullet-hangs",
        ),
        pytest.param(
            "see first-last.person@very-long-domain.example now",
            20,
            "see\nfirst-last.person@very-long-domain.example\nnow",
            id="email-never-split",
        ),
        pytest.param("line one\n\nline three", 80, "line one\n\nline three", id="blank-lines-kept"),
    ],
)
def test_long_lines_wrap_readably(text: str, width: int, expected: str) -> None:
    """Wrapping keeps bullets' text aligned and never splits an address or ID."""
    assert expected == to_text({"blocks": [section(text)]}, width=width)


def test_context_lines_wrap_with_their_indent() -> None:
    """A wrapped context line keeps its two-space indent on every line."""
    message = {"blocks": [context("To change org membership, ask an admin of this bot")]}

    assert "  To change org\n  membership, ask an\n  admin of this bot" == to_text(
        message, width=20
    )


def test_buttons_are_listed_in_the_order_they_are_numbered() -> None:
    """``buttons`` returns what ``[n]`` in ``to_text`` refers to, with each button's value."""
    message = {"blocks": [actions("Prev", "Next"), section("x"), actions("Confirm")]}

    expected = [
        Button("Prev", "members_prev", "value-of-prev"),
        Button("Next", "members_next", "value-of-next"),
        Button("Confirm", "members_confirm", "value-of-confirm"),
    ]
    assert expected == buttons(message)


@pytest.mark.parametrize(
    "message",
    [
        pytest.param({"text": "no blocks"}, id="no-blocks"),
        pytest.param({"blocks": [section("x")]}, id="no-actions"),
        pytest.param(
            {"blocks": [{"type": "actions", "elements": [{"type": "static_select"}]}]},
            id="not-a-button",
        ),
    ],
)
def test_messages_without_buttons_have_none(message: dict[str, Any]) -> None:
    """Only button elements of actions blocks count as buttons."""
    assert [] == buttons(message)
