"""A local, in-process stand-in for the Losant REST API (instance orgs and members).

Start one with ``async with Simulator() as sim:`` and point a client at
``sim.base_url``; seed data, state, recorded requests and injected faults are all
reachable from Python. ``python -m bot simulator`` serves one from the command line.
"""

from bot.sandbox.simulator.faults import FaultRule, Faults
from bot.sandbox.simulator.records import RecordedRequest
from bot.sandbox.simulator.seed import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN, seed_demo_data
from bot.sandbox.simulator.server import Simulator
from bot.sandbox.simulator.state import Member, Org, SimulatorError, SimulatorState, User

__all__ = [
    "DEFAULT_INSTANCE_ID",
    "DEFAULT_TOKEN",
    "FaultRule",
    "Faults",
    "Member",
    "Org",
    "RecordedRequest",
    "Simulator",
    "SimulatorError",
    "SimulatorState",
    "User",
    "seed_demo_data",
]
