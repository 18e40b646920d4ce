"""Large instances for the simulator: many generated orgs, people in many orgs, one huge org.

The demo orgs (``seed``) show one org at a time; cross-org work (finding everyone's
orgs, offboarding a person, scanning an instance for an email) only shows its cost
and its corner cases on an instance with hundreds of orgs, where one person belongs
to several of them. Everything here is added after the demo orgs, so their IDs stay
what tests and demos expect, and it is the same on every run (fixed random seed,
fixed dates). The well-known people, each there for a case ``find``/``offboard``
must handle:

* ``bo@acme.io`` (already in Acme, Acme Staging and Umbrella) is also in the first
  generated orgs, and the *only* admin of the first one: offboarding must keep them
  there, as Losant refuses to remove an org's last admin;
* ``auditor@example.org`` views every 5th generated org: more orgs than one page of
  the org list holds, once there are more than 500 of them;
* ``gone@acme.io`` is a Losant user who belongs to no org at all.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.edges.losant.models import Role
from bot.sandbox.simulator.records import Org, User
from bot.sandbox.simulator.state import SimulatorState

BO = "bo@acme.io"
AUDITOR = "auditor@example.org"
NOBODYS = "gone@acme.io"
BIG_ORG = "Massive Dynamic"
# Generated orgs that bo belongs to, and bo's role in each: only admin of the first.
_BO_ROLES: tuple[Role, ...] = ("admin", "edit", "view", "collaborate")
_AUDITOR_EVERY = 5
_PEOPLE_PER_ORG = 3  # the pool's size, per generated org
_EPOCH = datetime(2022, 1, 10, 8, 0, tzinfo=UTC)

# Word lists read better as prose than as dozens of quoted strings.
_BRANDS = (  # noqa: SIM905
    "Northwind Contoso Fabrikam Tailspin Wingtip Litware Proseware Lamna Woodgrove Fourth "
    "Coffee Trey Wide Alpine Blue Yonder Relecloud Margie Munson Nod Liberty Vandelay Kramerica "
    "Soylent Tyrell Cyberdyne Wonka Stark Wayne Oscorp Gringotts Monarch Dunder Bluth Pied"
).split()
_KINDS = (  # noqa: SIM905
    "Labs Logistics Energy Farms Health Retail Mining Water Transit Robotics Media Foods"
).split()
_FIRST = (  # noqa: SIM905
    "olivia liam emma noah ava oliver sophia elijah isabella lucas mia mason amelia ethan "
    "harper logan evelyn james abigail aiden ella jackson chloe sebastian nora mateo lily"
).split()
_LAST = (  # noqa: SIM905
    "nguyen patel kim silva novak rossi muller dubois tanaka okafor ivanova larsen "
    "kowalski haddad costa jensen moreau fischer sato mendes"
).split()
_DOMAINS = ("mail.example", "corp.example", "field.example", "partners.example")
# Roles weighted as in a real instance: mostly viewers, few admins.
_ROLES: tuple[Role, ...] = ("view",) * 8 + ("collaborate",) * 4 + ("edit",) * 4 + ("none", "admin")
# How many orgs a pooled person belongs to: most a few, some many.
_ORGS_PER_PERSON = (1, 1, 1, 2, 2, 2, 3, 3, 4, 6)


def seed_many_orgs(state: SimulatorState, count: int) -> list[Org]:
    """Add ``count`` generated orgs, their people and the well-known people; return the orgs."""
    if count <= 0:
        return []
    rng = random.Random(2022)  # noqa: S311 (demo data must be repeatable, not secret)
    orgs = [_add_org(state, n) for n in range(count)]
    for n in range(count * _PEOPLE_PER_ORG):
        person = _add_user(state, rng, n)
        if n < count:  # the first people found one org each, so every org has an admin
            orgs[n].roles[person.id] = "admin"
        for org in rng.sample(orgs, min(rng.choice(_ORGS_PER_PERSON), count)):
            org.roles.setdefault(person.id, rng.choice(_ROLES))
    bo = state.user_by_email(BO) or state.add_user(BO, first_name="Bo", last_name="Diddley")
    for org, role in zip(orgs, _BO_ROLES, strict=False):
        org.roles[bo.id] = role
    # bo alone administers the first org: the others there become editors.
    first = orgs[0]
    for user_id, role in first.roles.items():
        if role == "admin" and user_id != bo.id:
            first.roles[user_id] = "edit"
    auditor = state.add_user(AUDITOR, first_name="Audrey", last_name="Auditor")
    for org in orgs[_AUDITOR_EVERY - 1 :: _AUDITOR_EVERY]:
        org.roles[auditor.id] = "view"
    state.add_user(NOBODYS, first_name="Gone", last_name="Elsewhere")
    return orgs


def add_big_org(state: SimulatorState, size: int, *, name: str = BIG_ORG) -> Org:
    """Add one org with ``size`` members (every 100th an admin) whose people are its own."""
    rng = random.Random(size)  # noqa: S311 (demo data must be repeatable, not secret)
    org = state.add_org(name, description=f"{size:,} members", created=_EPOCH)
    org.member_limit = max(org.member_limit, size)
    for n in range(size):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        user = state.add_user(
            f"{first}.{last}{n}@massive-dynamic.example",
            first_name=first.title(),
            last_name=last.title(),
        )
        org.roles[user.id] = "admin" if n % 100 == 0 else rng.choice(_ROLES)
    return org


def _add_org(state: SimulatorState, n: int) -> Org:
    brand, kind = _BRANDS[n % len(_BRANDS)], _KINDS[(n // len(_BRANDS)) % len(_KINDS)]
    # The number keeps names unique, so each can be named in a command.
    return state.add_org(
        f"{brand} {kind} {n + 1:04d}",
        description=f"Generated org {n + 1}",
        created=_EPOCH + timedelta(hours=n * 7),
    )


def _add_user(state: SimulatorState, rng: random.Random, n: int) -> User:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    email = f"{first}.{last}{n}@{_DOMAINS[n % len(_DOMAINS)]}"
    return state.add_user(email, first_name=first.title(), last_name=last.title())
