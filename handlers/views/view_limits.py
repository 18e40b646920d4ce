"""Slack's limits on a modal or a Home tab, checked independently of how the view was built.

A view over a limit is refused whole by ``views.open`` / ``views.publish``, and the
person sees nothing (or an error inside the modal). slack_sdk checks some limits when
a view is built from its models, but not what the bot puts in as data (option lists
from Losant, metadata, plain dict blocks); this is the check tests run on every view,
next to the message limits of ``check_limits``.
"""

from __future__ import annotations

from typing import Any

from handlers.views.reply import _block_problems

MAX_VIEW_BLOCKS = 100
MAX_TITLE = 24  # title, submit and close
MAX_METADATA = 3000
MAX_CALLBACK_ID = 255
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_LABEL = 2000
MAX_PLACEHOLDER = 150


def check_view(view: dict[str, Any]) -> list[str]:
    """Every Slack limit ``view`` breaks, as readable problems; empty when Slack takes it."""
    problems: list[str] = []
    if view.get("type") not in ("modal", "home"):
        problems.append(f"type is {view.get('type')!r}, not modal or home")
    for name in ("title", "submit", "close"):
        problems += _over(name, _text(view.get(name)), MAX_TITLE)
    if view.get("type") == "modal" and not _text(view.get("title")):
        problems.append("a modal has no title")
    problems += _over("private_metadata", str(view.get("private_metadata", "")), MAX_METADATA)
    problems += _over("callback_id", str(view.get("callback_id", "")), MAX_CALLBACK_ID)
    blocks = view.get("blocks") or []
    if not blocks:
        problems.append("no blocks")
    if len(blocks) > MAX_VIEW_BLOCKS:
        problems.append(f"{len(blocks)} > {MAX_VIEW_BLOCKS} blocks")
    has_inputs = False
    for index, block in enumerate(blocks):
        found = _block_problems(block)
        if block.get("type") == "input":
            has_inputs = True
            found += _input_problems(block)
        if isinstance(block.get("accessory"), dict):
            found += _element_problems(block["accessory"])
        problems += [f"block {index}: {p}" for p in found]
    if has_inputs and not view.get("submit"):
        problems.append("input blocks without a submit button")
    return problems


def check_options(options: list[dict[str, Any]]) -> list[str]:
    """Slack's limits on a typeahead's answer: at most 100 options, each within bounds."""
    problems = [f"{len(options)} > {MAX_OPTIONS} options"] if len(options) > MAX_OPTIONS else []
    for index, option in enumerate(options):
        problems += [f"option {index}: {p}" for p in _option_problems(option)]
    return problems


def _input_problems(block: dict[str, Any]) -> list[str]:
    problems = _over("label", _text(block.get("label")), MAX_LABEL)
    problems += _over("hint", _text(block.get("hint")), MAX_LABEL)
    element = block.get("element")
    if not isinstance(element, dict):
        return [*problems, "an input block without an element"]
    return problems + _element_problems(element)


def _element_problems(element: dict[str, Any]) -> list[str]:
    problems = _over("placeholder", _text(element.get("placeholder")), MAX_PLACEHOLDER)
    options = element.get("options")
    if isinstance(options, list):
        problems += check_options(options)
    initial = element.get("initial_option")
    if isinstance(initial, dict):
        problems += [f"initial option: {p}" for p in _option_problems(initial)]
    return problems


def _option_problems(option: dict[str, Any]) -> list[str]:
    return _over("option text", _text(option.get("text")), MAX_OPTION_TEXT) + _over(
        "option value", str(option.get("value", "")), MAX_OPTION_VALUE
    )


def _text(obj: Any) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _over(what: str, value: str, limit: int) -> list[str]:
    return [f"{what} has {len(value)} > {limit} chars"] if len(value) > limit else []
