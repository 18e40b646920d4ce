"""The views' Block Kit shapes are slack_sdk's: the same JSON, and refused where its models
refuse, with the same error.

``handlers.views.blocks`` builds the dicts itself, for speed; slack_sdk's models are
the reference it must not drift from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from handlers.views.blocks import actions, button, context, section
from handlers.views.reply import MAX_SECTION_TEXT, fit_lines


def sdk_text(text: str, limit: int = MAX_SECTION_TEXT) -> MarkdownTextObject:
    return MarkdownTextObject(text=fit_lines(text, limit), verbatim=True)


def sdk_section(text: str, fields: list[str] | None = None) -> dict[str, Any]:
    block = SectionBlock(
        text=sdk_text(text), fields=[sdk_text(f, 2000) for f in fields] if fields else None
    )
    result: dict[str, Any] = block.to_dict()
    return result


def sdk_button(label: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=label, action_id=action_id, value=value, style=style)


def sdk_actions(*buttons: ButtonElement) -> dict[str, Any]:
    result: dict[str, Any] = ActionsBlock(elements=list(buttons)).to_dict()
    return result


def sdk_context(*texts: str) -> dict[str, Any]:
    result: dict[str, Any] = ContextBlock(elements=[sdk_text(t) for t in texts]).to_dict()
    return result


LONG = "\n".join(f"• member{i}@example.com · `view`" for i in range(200))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        pytest.param(
            lambda: section("*Acme* · 3"), lambda: sdk_section("*Acme* · 3"), id="section"
        ),
        pytest.param(lambda: section(LONG), lambda: sdk_section(LONG), id="long section"),
        pytest.param(
            lambda: section("said", fields=["*Role*\n`view`", LONG]),
            lambda: sdk_section("said", ["*Role*\n`view`", LONG]),
            id="fields",
        ),
        pytest.param(lambda: context("a", "b"), lambda: sdk_context("a", "b"), id="context"),
        pytest.param(
            lambda: actions(button("Prev", "members_prev", "v1"), button("Next", "n", "v2")),
            lambda: sdk_actions(
                sdk_button("Prev", "members_prev", "v1"), sdk_button("Next", "n", "v2")
            ),
            id="buttons",
        ),
        pytest.param(
            lambda: actions(
                button("Remove", "c", "t", style="danger"), button("Add", "c", "t", style="primary")
            ),
            lambda: sdk_actions(
                sdk_button("Remove", "c", "t", "danger"), sdk_button("Add", "c", "t", "primary")
            ),
            id="styled buttons",
        ),
    ],
)
def test_the_json_is_slack_sdks(
    ours: Callable[[], dict[str, Any]], theirs: Callable[[], dict[str, Any]]
) -> None:
    assert theirs() == ours()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        pytest.param(
            lambda: section("x", fields=["f"] * 11),
            lambda: sdk_section("x", ["f"] * 11),
            id="fields",
        ),
        pytest.param(
            lambda: context(*"abcdefghijk"), lambda: sdk_context(*"abcdefghijk"), id="context"
        ),
        pytest.param(
            lambda: button("L" * 76, "a", "v"),
            lambda: sdk_actions(sdk_button("L" * 76, "a", "v")),
            id="label",
        ),
        pytest.param(
            lambda: button("L", "a" * 256, "v"),
            lambda: sdk_actions(sdk_button("L", "a" * 256, "v")),
            id="action_id",
        ),
        pytest.param(
            lambda: button("L", "a", "v" * 2001),
            lambda: sdk_actions(sdk_button("L", "a", "v" * 2001)),
            id="value",
        ),
        pytest.param(
            lambda: button("L", "a", "v", style=cast(Any, "loud")),
            lambda: sdk_actions(sdk_button("L", "a", "v", "loud")),
            id="style",
        ),
        pytest.param(
            lambda: actions(*[button("L", f"a{i}", "v") for i in range(26)]),
            lambda: sdk_actions(*[sdk_button("L", f"a{i}", "v") for i in range(26)]),
            id="buttons",
        ),
    ],
)
def test_what_slack_sdk_refuses_is_refused_alike(
    ours: Callable[[], object], theirs: Callable[[], object]
) -> None:
    with pytest.raises(SlackObjectFormationError):
        theirs()
    with pytest.raises(SlackObjectFormationError):
        ours()
