"""The demo console shows time-limited access without waiting: `wait` moves the bot's clock
and sweeps, and `as` plays a second person, so a grant ends and a request is approved."""

from __future__ import annotations

from tests.process import run

DEMO = (
    "role org=Acme user=ada@acme.io role=admin for=2h",
    "press 1",
    "wait 2h",
    "as newcomer",
    'request org=Acme role=view for=1h reason="onboarding"',
    "as me",
    "requests",
    "press approve",
    "wait 1h",
)


async def test_the_piped_demo_shows_a_grant_end_and_a_request_approved_by_someone_else() -> None:
    """The README's demo lines: granted, reverted after `wait`; requested as the newcomer,
    approved by the console's user, the newcomer told by DM, and removed an hour later."""
    finished = await run("console", "--simulator", env={}, stdin="\n".join(DEMO) + "\n")

    out = finished.stdout
    expected = [
        "Gave ada@acme.io `admin` in Acme",
        "ended ada@acme.io's `admin` in Acme: put back `edit`",
        "You are now newcomer (U0NEW).",
        "[card in #C0APPROVALS]",
        "Approved by @U0CONSOLE",
        "[DM to U0NEW]",
        "approved your request: you have `view` in Acme",
        "ended newcomer@acme.io's `view` in Acme: removed them",
        "Your `view` in Acme has ended: you are no longer a member.",
    ]
    assert (0, "") == (finished.status, finished.stderr)
    assert [] == [line for line in expected if line not in out]


async def test_wait_and_as_explain_themselves_when_misused() -> None:
    """A duration that is not one, or a person nobody knows, is said plainly."""
    finished = await run("console", "--simulator", env={}, stdin="wait soon\nas nobody\n")

    assert "wait how long?" in finished.stdout
    assert "No one called 'nobody'" in finished.stdout
