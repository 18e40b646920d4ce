"""``python -m bot console``: type ``/members …`` lines (or pipe them in) and read the replies.

With ``--simulator`` (what ``make demo`` runs) everything is local: the Losant
simulator with its demo orgs and a stand-in Slack, so it works on a fresh machine
with no settings at all. Without it, the LOSANT_* settings point it at a real
instance. ``press N`` (or ``press next``) clicks a button of the last reply, and
``@bo`` mentions a person as Slack would. ``--json`` prints, for each line, the raw
payloads (the ack, the response_url posts, the audit messages) as one JSON document.
Forms and the Home tab work too (``bot.sandbox.console.screens``): ``/members add``
opens a form shown as text, ``fill``/``suggest``/``submit`` use it, ``home`` shows
the Home tab. ``as ada`` types as someone else from then on (``as me`` comes back), and
``wait 2h`` moves the bot's clock and sweeps, so grants end and requests expire without
waiting; cards and DMs are shown, and their buttons pressed, like replies.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from typing import Any, TextIO

from pydantic import SecretStr

from bot.config import SettingsError, load_settings
from bot.sandbox.clock import ManualClock
from bot.sandbox.console.playing import act_as, clock_text, waited
from bot.sandbox.console.printing import say, show, show_home
from bot.sandbox.console.screens import WORDS, Screens
from bot.sandbox.console.session import ConsoleSession
from bot.sandbox.console.typed import as_slack_sends, pick_button
from bot.sandbox.fake_slack.slack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.serving import logs
from bot.serving.runtime import Runtime
from bot.slack_ids import is_channel_id, is_user_id

PROMPT = "members> "
DEMO_PEOPLE = {
    "U0BO": ("bo@acme.io", "bo"),
    "U0ADA": ("ada@acme.io", "ada"),
    "U0NEW": ("newcomer@acme.io", "newcomer"),
}
YOUR_EMAIL = "you@acme.io"
# Enough orgs that work across orgs (a person's orgs, a scan for an email) shows its
# cost and its paging, yet the console starts at once.
DEMO_ORGS = 200
INTRO = """members-bot console — you are {user} in channel {channel} ({access}).
Try:  help · list org=Acme · list org=Globex filter=*smith* · add org=Acme email=you@acme.io
      role org=Acme user=ada@acme.io role=view · remove org=Acme user=@ada · orgs
Mention people as in Slack: {people}.
      role org=Acme user=ada@acme.io role=admin for=2h · grants · wait 2h
      as ada · request org=Acme role=admin for=1h reason="release" · as me · requests
`press <n>` (or `press next`) clicks a button of the last reply; `as <name>` types as someone
else (`as me` comes back); `wait <duration>` moves time on and sweeps; `quit` leaves.
Forms:  add (or form request, shortcut) · suggest Ac · fill org=Acme emails=you@acme.io role=edit
        · submit          Home tab: home, then press <n>"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot console", description=__doc__)
    p.add_argument("--simulator", action="store_true", help="use the built-in Losant simulator")
    p.add_argument("--user", default="U0CONSOLE", help="your Slack user ID (default U0CONSOLE)")
    p.add_argument("--channel", default="C0CONSOLE", help="the channel ID you type in")
    p.add_argument(
        "--access",
        choices=("write", "read", "none"),
        default="write",
        help="with --simulator: what you may do (default write)",
    )
    p.add_argument("--latency", type=float, default=0.0, help="simulator latency in seconds")
    p.add_argument(
        "--orgs",
        type=int,
        default=DEMO_ORGS,
        metavar="N",
        help="with --simulator: generated orgs besides the demo ones (default %(default)s)",
    )
    p.add_argument(
        "--rate", type=float, default=None, metavar="N", help="simulator: N calls a second at most"
    )
    p.add_argument("--json", action="store_true", help="print the raw Slack payloads, as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    # Caught here, in the terms of the option typed, rather than later as a bad setting.
    if not is_user_id(args.user):
        parser.error(
            f"--user must be a Slack user ID such as U0CONSOLE (U… or W…), not {args.user!r}"
        )
    if not is_channel_id(args.channel):
        parser.error(
            f"--channel must be a channel ID such as C0CONSOLE (C…, G… or D…), not {args.channel!r}"
        )
    if args.latency < 0:
        parser.error("--latency must not be negative")
    if args.orgs < 0:
        parser.error("--orgs must not be negative")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Whoever read the output has gone (``| head``): stop quietly, as other tools
        # do, and keep Python from complaining about the unflushable stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


async def _run(args: argparse.Namespace) -> int:
    out = sys.stdout
    secret = ConsoleSession.new_secret()
    async with FakeSlack(bot_token="xoxb-console") as slack:  # noqa: S106 - a local stand-in
        for user_id, (email, name) in _people(args.user).items():
            slack.add_user(user_id, email=email, name=name)
        env = _environment(args, slack, secret)
        sim: Simulator | None = None
        if args.simulator:
            sim = Simulator(latency_s=args.latency, orgs=args.orgs, rate=args.rate)
            await sim.start()
            env.update(
                LOSANT_API_URL=sim.base_url,
                LOSANT_API_TOKEN=sim.token,
                LOSANT_INSTANCE_ID=sim.instance_id,
            )
        try:
            settings = load_settings(env, mode="console")
        except SettingsError as exc:
            hint = (
                ""
                if args.simulator
                else "\n(or add --simulator to try it against the built-in one)"
            )
            print(f"The console cannot start:\n{exc}{hint}", file=sys.stderr)
            if sim is not None:
                await sim.stop()
            return 2
        logs.configure("warning", "text", secrets=settings.secret_values())
        scratch = tempfile.TemporaryDirectory(prefix="members-bot-demo-")
        if settings.database_url is None:
            # A demo's grants and requests are its own: a fresh SQLite file, gone at exit.
            demo_db = SecretStr(f"sqlite:///{scratch.name}/demo.db")
            settings = settings.model_copy(update={"database_url": demo_db})
        try:
            clock = ManualClock()
            async with await Runtime.open(settings, clock=clock) as runtime:
                session = ConsoleSession(
                    runtime, slack, user=args.user, channel=args.channel, secret=secret
                )
                await _loop(session, args, out, clock)
        finally:
            scratch.cleanup()
            if sim is not None:
                await sim.stop()
    return 0


def _environment(args: argparse.Namespace, slack: FakeSlack, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.startswith(("LOSANT_", "MEMBERS_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-console",  # noqa: S106 - the stand-in Slack's token
        SLACK_SIGNING_SECRET=secret,
        SLACK_API_URL=slack.api_url,
        MEMBERS_AUDIT_CHANNEL=env.get("MEMBERS_AUDIT_CHANNEL", "C0AUDIT"),
        MEMBERS_APPROVAL_CHANNEL=env.get("MEMBERS_APPROVAL_CHANNEL", "C0APPROVALS"),
    )
    if args.simulator:
        env.update(
            MEMBERS_WRITERS=args.user if args.access == "write" else "",
            MEMBERS_READERS=args.user if args.access == "read" else "",
            # Anyone may ask for access in the demo, so `as ada` can make a request for you
            # (a writer, hence an approver) to decide.
            MEMBERS_REQUESTERS=env.get("MEMBERS_REQUESTERS", "*"),
        )
        env.pop("MEMBERS_CHANNELS", None)
    return env


async def _lines(interactive: bool) -> AsyncIterator[str]:
    while True:
        if interactive:
            try:
                line = await asyncio.to_thread(input, PROMPT)
            except EOFError:
                return
        else:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                return
        yield line.strip()


async def _loop(
    session: ConsoleSession, args: argparse.Namespace, out: TextIO, clock: ManualClock
) -> None:
    interactive = sys.stdin.isatty()
    people = _people(args.user)
    if interactive:
        known = ", ".join(f"@{name} ({email})" for email, name in DEMO_PEOPLE.values())
        print(
            INTRO.format(user=args.user, channel=args.channel, access=args.access, people=known),
            file=out,
        )
    screens = Screens(session, people)
    last: dict[str, Any] | None = None
    last_is_home = False
    async for line in _lines(interactive):
        if not line or line.startswith("#"):
            continue
        if line.lower() in ("quit", "exit"):
            break
        if not interactive and not args.json:
            print(f"{PROMPT}{line}", file=out)
        words = line.split()
        command = words[0].lower()
        if command == "as":
            say(line, act_as(session, words[1:], people, you=args.user), args.json, out)
            continue
        if command == "wait":
            seconds = waited(words[1:])
            if isinstance(seconds, str):
                say(line, seconds, args.json, out)
                continue
            clock.advance(seconds)
            exchange = await session.sweep()
            if not args.json:
                print(f"(the bot's clock is now {clock_text(clock())})", file=out)
        elif command == "press":
            button = pick_button(words[1:], last)
            if isinstance(button, str):
                say(line, button, args.json, out)
                continue
            assert last is not None  # a button was found on it
            if last_is_home:
                exchange = await screens.press_home(button)
            else:
                exchange = await session.press(button, last)
        elif command in WORDS:
            done = await screens.handle(command, line[len(words[0]) :])
            if isinstance(done, str):
                say(line, done, args.json, out)
                continue
            exchange = done
        else:
            text = line.removeprefix("/members").lstrip() if words[0] == "/members" else line
            exchange = screens.seen(await session.command(as_slack_sends(text, people)))
        if command == "home" and exchange.home is not None:
            last, last_is_home = exchange.home, True
        else:
            form = screens.shown_form(exchange, always=command in WORDS)
            shown = show(line, exchange, args.json, out, form=form)
            last, last_is_home = (shown, False) if shown else (last, last_is_home)
        if command == "home":
            show_home(line, exchange, args.json, out)
        out.flush()


def _people(you: str) -> dict[str, tuple[str, str]]:
    """Everyone the stand-in Slack knows, by user ID: (email, name)."""
    return {**DEMO_PEOPLE, you: (YOUR_EMAIL, "you")}
