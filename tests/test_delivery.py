"""The delivery step's working notes, on its own: when a note is posted, how many, and in
what order beside the answer.

The end-to-end tests (test_e2e_working.py) show the note over a slow Losant or Slack;
these pin down the cases they cannot stage at will: work that ends while its note is
still being sent, progress on a card up to Slack's limit, and work that fails. Nothing
is timed: each case waits on events, with delays that only need to be short.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.edges.slack.responder import Responder
from bot.usecases.audit import Auditor
from handlers.caller import Caller
from handlers.delivery import MAX_NOTES, deliver
from handlers.deps import Deps
from handlers.outcome import Outcome
from handlers.views import Reply

ANSWER = Reply(text="the answer", blocks=[])
WORKING = "Working on it…"  # how every note starts, with or without progress


class Posts(Responder):
    """Records each post as it starts and ends; a note's post can be held open."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str]] = []  # ("start" | "end", text)
        self.hold_notes = asyncio.Event()
        self.hold_notes.set()
        self.note_started = asyncio.Event()

    async def send(self, url: str, payload: dict[str, Any]) -> bool:
        text = str(payload["text"])
        self.log.append(("start", text))
        if text.startswith(WORKING):
            self.note_started.set()
            await self.hold_notes.wait()
        self.log.append(("end", text))
        return True

    def texts(self) -> list[str]:
        return [text for kind, text in self.log if kind == "end"]


def deps_with(posts: Posts, *, working_after_s: float, progress_every_s: float = 0.01) -> Deps:
    unused: Any = None  # the delivery step touches none of these
    return Deps(
        operations=unused,
        access=unused,
        auditor=Auditor(),
        responder=posts,
        inflight=unused,
        surfaces=unused,
        seal=lambda kind, ref_id: f"signed:{ref_id}",
        store=unused,
        working_after_s=working_after_s,
        progress_every_s=progress_every_s,
    )


async def acked(**_: Any) -> None:
    pass


ACK = cast(AsyncAck, acked)


def caller() -> Caller:
    return Caller(user="U1", channel="C1", response_url="https://slack.invalid/respond")


async def test_work_done_in_time_gets_no_note() -> None:
    posts = Posts()

    async def work() -> Outcome:
        return Outcome(ANSWER)

    await deliver(ACK, deps_with(posts, working_after_s=30), caller(), work(), on_card=False)
    assert ["the answer"] == posts.texts()


async def test_a_command_gets_one_note_however_often_its_work_reports() -> None:
    posts = Posts()
    who = caller()

    async def work() -> Outcome:
        await posts.note_started.wait()
        for done in range(1, 6):
            who.progress.report(done, 5, "orgs scanned")
            await asyncio.sleep(0.02)  # several of the notes' turns
        return Outcome(ANSWER)

    await deliver(ACK, deps_with(posts, working_after_s=0.01), who, work(), on_card=False)
    texts = posts.texts()
    assert [True, "the answer"] == [texts[0].startswith(WORKING), texts[-1]]
    assert 2 == len(texts)


async def test_on_a_card_progress_updates_the_note_up_to_the_limit() -> None:
    posts = Posts()
    who = caller()

    async def work() -> Outcome:
        await posts.note_started.wait()
        for done in range(1, 3 * MAX_NOTES):
            who.progress.report(done, 3 * MAX_NOTES, "orgs scanned")
            await asyncio.sleep(0.02)
        return Outcome(ANSWER)

    await deliver(ACK, deps_with(posts, working_after_s=0.01), who, work(), on_card=True)
    texts = posts.texts()
    assert MAX_NOTES + 1 == len(texts)
    assert all(t.startswith(WORKING) for t in texts[:MAX_NOTES])
    assert "the answer" == texts[-1]


@pytest.mark.parametrize("on_card", [False, True])
async def test_work_that_ends_while_its_note_is_sent_is_answered_after_the_note(
    on_card: bool,
) -> None:
    posts = Posts()
    posts.hold_notes.clear()

    async def work() -> Outcome:
        await posts.note_started.wait()  # the note is on its way, and not there yet
        asyncio.get_running_loop().call_later(0.05, posts.hold_notes.set)
        return Outcome(ANSWER)

    await deliver(ACK, deps_with(posts, working_after_s=0.01), caller(), work(), on_card=on_card)
    assert [
        ("start", WORKING),
        ("end", WORKING),
        ("start", "the answer"),
        ("end", "the answer"),
    ] == [
        (kind, text[: len(WORKING)] if text.startswith(WORKING) else text)
        for kind, text in posts.log
    ]


async def test_work_that_fails_fails_the_request_and_posts_nothing_more() -> None:
    posts = Posts()

    async def work() -> Outcome:
        await posts.note_started.wait()
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        await deliver(ACK, deps_with(posts, working_after_s=0.01), caller(), work(), on_card=True)
    await asyncio.sleep(0.05)  # several of the notes' turns: none comes
    assert 1 == len(posts.texts())
