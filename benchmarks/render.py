"""Rendering the first page of a 10,000-member org, in this process (the views are pure).

Losant returns every member of an org in one answer and the bot pages in Slack,
so a view that formatted the whole list before slicing it would cost in proportion
to the org. The figure is one render of the first page to the JSON that goes to
Slack (view, ``to_dict``, ``json.dumps``), median of repeated renders. The note
gives what decoding Losant's 10,000-member answer costs, for scale: that, not
rendering, is what a big org costs, both as the client does it (checked in slices,
models built only for the page shown) and as one ``list[Member]`` validation would.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Callable

from pydantic import BaseModel

from benchmarks.report import Row
from benchmarks.stats import Runs
from bot.edges.losant.member_list import decode_member_list
from bot.edges.losant.models import Member, Org
from bot.usecases.commands import ListCommand, OrgRef
from bot.usecases.results import MemberPage
from handlers.views import render_result

MEMBERS = 10_000
RUNS = 7
PER_RUN = 30
TARGET_MS = 20.0
_ORG_ID = "5f0c0c0c0c0c0c0c0c0c0c99"
_ROLES = ("admin", "edit", "collaborate", "view", "none")


def _losant_answer() -> bytes:
    """Losant's JSON for GET .../members of an org with ``MEMBERS`` members."""
    items = [
        {
            "userId": f"{n:024x}",
            "email": f"person.number{n}@big-customer.example",
            "firstName": "Person",
            "lastName": f"Number {n}",
            "role": _ROLES[n % len(_ROLES)],
            "orgId": _ORG_ID,
        }
        for n in range(MEMBERS)
    ]
    return json.dumps({"items": items, "count": MEMBERS, "orgId": _ORG_ID}).encode()


class _EveryModel(BaseModel):
    """The answer validated whole, a model per member: what the client did before slicing."""

    items: list[Member]


async def _decode_ms(answer: bytes) -> float:
    started = time.perf_counter()
    await decode_member_list(answer, asyncio.Lock())
    return (time.perf_counter() - started) * 1000


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


async def measure() -> Row:
    answer = _losant_answer()
    models_ms = min(_timed(lambda: _EveryModel.model_validate_json(answer)) for _ in range(3))
    decode_ms = min([await _decode_ms(answer) for _ in range(3)])
    members = (await decode_member_list(answer, asyncio.Lock())).items
    org = Org(id=_ORG_ID, name="Big Customer")
    page = MemberPage(org=org, query=ListCommand(org=OrgRef(_ORG_ID)), members=members)
    reply = render_result(page)
    assert f"{MEMBERS:,} members" in reply.text, reply.text

    def render() -> None:
        json.dumps(render_result(page).to_dict())

    runs = Runs.of([statistics.median(_timed(render) for _ in range(PER_RUN)) for _ in range(RUNS)])
    return Row(
        figure=f"rendering the first page of a {MEMBERS:,}-member org",
        measured=f"{runs.median:.2f} ms",
        reference="-",
        target=f"≤ {TARGET_MS:g} ms",
        met=runs.median <= TARGET_MS,
        spread=f"{RUNS} runs x {PER_RUN}; {runs.span('{:.2f}')} ms",
        notes=(
            f"for scale: decoding Losant's {MEMBERS:,}-member answer takes {decode_ms:.0f} ms "
            f"of CPU in slices (every item checked, no models); "
            f"{models_ms:.0f} ms as {MEMBERS:,} models",
        ),
        numbers={"render_ms": runs.median, "decode_ms": decode_ms, "models_ms": models_ms},
    )
