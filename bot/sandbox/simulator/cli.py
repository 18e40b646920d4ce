"""``python -m bot simulator``: run the Losant simulator as a standalone server.

For demos and manual testing: point the bot (or curl) at it with the printed
environment lines. It serves until SIGINT or SIGTERM and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from bot.edges.losant.models import is_object_id
from bot.sandbox.simulator.seed import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN
from bot.sandbox.simulator.server import Simulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot simulator",
        description="Serve a local stand-in for the Losant REST API (orgs and members).",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port (default %(default)s; 0 = any)"
    )
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="bearer token to accept")
    parser.add_argument("--read-only-token", default=None, help="a token that may only read")
    parser.add_argument("--instance-id", default=DEFAULT_INSTANCE_ID, help="24-hex instance ID")
    parser.add_argument("--latency", type=float, default=0.0, metavar="S", help="added seconds")
    parser.add_argument("--no-seed", action="store_true", help="leave out the demo orgs")
    parser.add_argument(
        "--orgs",
        type=int,
        default=0,
        metavar="N",
        help="add N generated orgs, with people in several orgs each (default 0)",
    )
    parser.add_argument(
        "--big-org", type=int, default=0, metavar="N", help="add one org of N members"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="N",
        help="allow N calls a second; beyond that answer 429 with Retry-After",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv``, serve until a stop signal, return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not is_object_id(args.instance_id):
        parser.error("--instance-id must be 24 hexadecimal characters")
    if args.latency < 0:
        parser.error("--latency must not be negative")
    if args.orgs < 0 or args.big_org < 0:
        parser.error("--orgs and --big-org must not be negative")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    simulator = Simulator(
        token=args.token,
        instance_id=args.instance_id,
        read_only_token=args.read_only_token,
        seed=not args.no_seed,
        latency_s=args.latency,
        orgs=args.orgs,
        big_org=args.big_org,
        rate=args.rate,
    )
    try:
        asyncio.run(_serve(simulator, args.host, args.port))
    except OSError as exc:  # typically the port is taken
        print(f"simulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


async def _serve(simulator: Simulator, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    base_url = await simulator.start(host, port)
    instance_id = simulator.state.instance_id
    print(f"Losant simulator on {base_url}  token={simulator.token}  instance={instance_id}")
    print(f"LOSANT_API_URL={base_url}")
    print(f"LOSANT_API_TOKEN={simulator.token}")
    print(f"LOSANT_INSTANCE_ID={instance_id}", flush=True)
    try:
        await stop.wait()
    finally:
        await simulator.stop()
