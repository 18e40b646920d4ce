"""``python -m bot console``: type ``/members …`` lines (or pipe them in) and read the replies.

With ``--simulator`` (what ``make demo`` runs) everything is local: the Losant
simulator with its demo orgs and a stand-in Slack, so it works on a fresh machine
with no settings at all. Without it, the LOSANT_* settings point it at a real
instance. ``press N`` (or ``press next``) clicks a button of the last reply.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from typing import Any, TextIO

from bot import logs
from bot.config import SettingsError, load_settings
from bot.console.render import Button, buttons, to_text
from bot.console.session import ConsoleSession, Exchange
from bot.fakes.slack import FakeSlack
from bot.losant.simulator import Simulator
from bot.runtime import Runtime

PROMPT = "members> "
DEMO_PEOPLE = {
    "U0BO": ("bo@acme.io", "bo"),
    "U0ADA": ("ada@acme.io", "ada"),
    "U0NEW": ("newcomer@acme.io", "newcomer"),
}
INTRO = """members-bot console — you are {user} in channel {channel} ({access}).
Try:  help · list org=Acme · list org=Globex filter=*smith* · add org=Acme email=you@acme.io
      role org=Acme user=ada@acme.io role=view · remove org=Acme user=ada@acme.io · orgs
People to mention: {people}. `press <n>` clicks a button of the last reply; `quit` leaves."""


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
    p.add_argument("--json", action="store_true", help="print the raw Slack payloads")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return 130


async def _run(args: argparse.Namespace) -> int:
    out = sys.stdout
    secret = ConsoleSession.new_secret()
    async with FakeSlack(bot_token="xoxb-console") as slack:  # noqa: S106 - a local stand-in
        for user_id, (email, name) in DEMO_PEOPLE.items():
            slack.add_user(user_id, email=email, name=name)
        slack.add_user(args.user, email="you@acme.io", name="you")
        env = _environment(args, slack, secret)
        sim: Simulator | None = None
        if args.simulator:
            sim = Simulator(latency_s=args.latency)
            await sim.start()
            env.update(
                LOSANT_API_URL=sim.base_url,
                LOSANT_API_TOKEN=sim.token,
                LOSANT_INSTANCE_ID=sim.instance_id,
            )
        try:
            settings = load_settings(env, mode="console")
        except SettingsError as exc:
            print(f"The console cannot start:\n{exc}", file=sys.stderr)
            if sim is not None:
                await sim.stop()
            return 2
        logs.configure("warning", "text", secrets=settings.secret_values())
        try:
            async with Runtime(settings) as runtime:
                session = ConsoleSession(
                    runtime, slack, user=args.user, channel=args.channel, secret=secret
                )
                await _loop(session, args, out)
        finally:
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
    )
    if args.simulator:
        env.update(
            MEMBERS_WRITERS=args.user if args.access == "write" else "",
            MEMBERS_READERS=args.user if args.access == "read" else "",
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


async def _loop(session: ConsoleSession, args: argparse.Namespace, out: TextIO) -> None:
    interactive = sys.stdin.isatty()
    if interactive:
        people = ", ".join(f"<@{u}> ({e})" for u, (e, _) in DEMO_PEOPLE.items())
        print(
            INTRO.format(user=args.user, channel=args.channel, access=args.access, people=people),
            file=out,
        )
    last: dict[str, Any] | None = None
    async for line in _lines(interactive):
        if not line or line.startswith("#"):
            continue
        if line in ("quit", "exit"):
            break
        if not interactive:
            print(f"{PROMPT}{line}", file=out)
        if line.split()[0] == "press":
            button = _pick(line.split()[1:], last)
            if button is None or last is None:
                print("No such button on the last reply.", file=out)
                continue
            exchange = await session.press(button, last)
        else:
            text = line.removeprefix("/members").strip()
            exchange = await session.command(_mentions(text))
        last = _show(exchange, args.json, out) or last
        out.flush()


def _mentions(text: str) -> str:
    """Typed ``@U0BO`` becomes ``<@U0BO>``, as Slack's client sends a picked mention."""
    words = []
    for word in text.split(" "):
        key, eq, value = word.partition("=")
        target = value if eq else key
        if target.startswith("@") and target[1:] in DEMO_PEOPLE | {"U0CONSOLE": ("", "")}:
            target = f"<{target}|{DEMO_PEOPLE.get(target[1:], ('', 'you'))[1]}>"
            word = f"{key}={target}" if eq else target
        words.append(word)
    return " ".join(words)


def _pick(words: list[str], last: dict[str, Any] | None) -> Button | None:
    choices = buttons(last or {})
    if not words or not choices:
        return None
    wanted = words[0].lower()
    if wanted.isdigit() and 1 <= int(wanted) <= len(choices):
        return choices[int(wanted) - 1]
    for button in choices:
        if wanted in button.label.lower() or wanted in button.action_id:
            return button
    return None


def _show(exchange: Exchange, raw: bool, out: TextIO) -> dict[str, Any] | None:
    messages = ([exchange.ack] if exchange.ack else []) + exchange.replies
    for message in messages:
        print(json.dumps(message, indent=2) if raw else to_text(message), file=out)
        print(file=out)
    for line in exchange.audit:
        print(f"  [audit channel] {line}", file=out)
    if not messages:
        print("(no reply)", file=out)
    return messages[-1] if messages else None
