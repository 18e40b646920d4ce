"""Believable demo data: the orgs and people a demo or an end-to-end test expects.

Each org is there to exercise something: a small org with every role (Acme), an org
too big to show in one Slack message (Globex, 2,600 members), two names that differ
only in case (Umbrella, umbrella) for ambiguity, a name with ``&`` and ``<`` for
escaping, a near-empty org, a read-only one, and a second "Acme…" for globs. Some
people belong to several orgs, as users are instance-wide. The data is the same on
every run (fixed random seed, fixed dates) and builds in a few milliseconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.edges.losant.models import Role
from bot.sandbox.simulator.records import User, iso
from bot.sandbox.simulator.scale import add_big_org, seed_many_orgs
from bot.sandbox.simulator.state import SimulatorState

DEFAULT_TOKEN = "sim-token"  # noqa: S105 (a well-known demo token, not a secret)
DEFAULT_INSTANCE_ID = "5f0c0c0c0c0c0c0c0c0c0c01"

ACME = "Acme"
ACME_STAGING = "Acme Staging"
GLOBEX = "Globex"
UMBRELLA = "Umbrella"
UMBRELLA_LOWER = "umbrella"
RND = "R&D <Labs>"
INITECH = "Initech Sandbox"
HOOLI = "Hooli (archived)"
GLOBEX_SIZE = 2_600

_EPOCH = datetime(2021, 3, 1, 9, 30, tzinfo=UTC)

# (email, first name, last name, role): Acme has every role and two admins.
_ACME_PEOPLE: tuple[tuple[str, str, str, Role], ...] = (
    ("bo@acme.io", "Bo", "Diddley", "admin"),
    ("wile.coyote@acme.io", "Wile E.", "Coyote", "admin"),
    ("ada@acme.io", "Ada", "Lovelace", "edit"),
    ("grace.hopper@acme.io", "Grace", "Hopper", "edit"),
    ("linus@acme.io", "Linus", "Torvalds", "collaborate"),
    ("margaret@acme.io", "Margaret", "Hamilton", "collaborate"),
    ("ken.thompson@acme.io", "Ken", "Thompson", "collaborate"),
    ("barbara@acme.io", "Barbara", "Liskov", "view"),
    ("dennis@acme.io", "Dennis", "Ritchie", "view"),
    ("edsger@acme.io", "Edsger", "Dijkstra", "view"),
    ("frances@acme.io", "Frances", "Allen", "view"),
    ("contractor@example.org", "Sam", "O'Neil", "none"),
)

# A word list reads better as prose than as dozens of quoted strings.
_FIRST = (  # noqa: SIM905
    "james mary robert patricia john jennifer michael linda david elizabeth william barbara "
    "richard susan joseph jessica thomas sarah charles karen chris nancy daniel lisa matthew "
    "betty anthony sandra mark ashley paul kim steven emily andrew donna joshua michelle"
).split()
_LAST = (  # noqa: SIM905
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez "
    "lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson "
    "white harris sanchez clark ramirez lewis robinson walker young allen king wright scott"
).split()
_GLOBEX_ROLES: tuple[Role, ...] = ("view",) * 14 + ("collaborate",) * 3 + ("edit", "none")


@dataclass(frozen=True, slots=True)
class Seeding:
    """What a simulator starts with (and returns to on reset): the demo orgs, if ``demo``;
    then ``orgs`` generated orgs and one org of ``big_org`` members, if asked for."""

    demo: bool = True
    orgs: int = 0
    big_org: int = 0

    def apply(self, state: SimulatorState) -> None:
        if self.demo:
            seed_demo_data(state)
        seed_many_orgs(state, self.orgs)
        if self.big_org:
            add_big_org(state, self.big_org)


def seed_demo_data(state: SimulatorState) -> None:
    """Fill ``state`` with the demo orgs and members (deterministically)."""
    rng = random.Random(1949)  # noqa: S311 (demo data must be repeatable, not secret)

    acme = state.add_org(ACME, description="Road runner traps since 1949", created=_day(0))
    for email, first_name, last_name, acme_role in _ACME_PEOPLE:
        state.add_member(
            acme.id, email=email, role=acme_role, first_name=first_name, last_name=last_name
        )
    bo = _user(state, "bo@acme.io")
    bo.avatar_url = "https://avatars.example.com/bo.png"
    bo.two_factor_auth_enabled = True
    _user(state, "grace.hopper@acme.io").sso_linked = True

    staging = state.add_org(ACME_STAGING, description="Acme's test bench", created=_day(40))
    state.add_member(staging.id, email="wile.coyote@acme.io", role="admin")
    state.add_member(staging.id, email="bo@acme.io", role="edit")
    state.add_member(staging.id, email="qa.bot@acme.io", role="collaborate")

    globex = state.add_org(GLOBEX, description="Globex Corporation", created=_day(75))
    globex.member_limit = 5_000
    state.add_member(
        globex.id, email="hank.scorpio@globex.example", role="admin", first_name="Hank",
        last_name="Scorpio",
    )  # fmt: skip
    for n in range(1, GLOBEX_SIZE):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        role: Role = "admin" if n % 500 == 0 else rng.choice(_GLOBEX_ROLES)
        state.add_member(
            globex.id,
            email=f"{first}.{last}{n}@globex.example",
            role=role,
            first_name=first.title(),
            last_name=last.title(),
        )

    umbrella = state.add_org(UMBRELLA, description="Umbrella Corporation", created=_day(120))
    state.add_member(umbrella.id, email="alice@umbrella.example", role="admin")
    state.add_member(umbrella.id, email="bo@acme.io", role="view")
    state.add_member(umbrella.id, email="albert.wesker@umbrella.example", role="edit")
    lower = state.add_org(UMBRELLA_LOWER, description="The other umbrella", created=_day(121))
    state.add_member(lower.id, email="carlos@umbrella.example", role="admin")
    state.add_member(lower.id, email="alice@umbrella.example", role="collaborate")

    rnd = state.add_org(RND, description="Research & <Development>", created=_day(200))
    state.add_member(rnd.id, email="tom&jerry@rnd.example", role="admin")
    state.add_member(rnd.id, email="ada@acme.io", role="view")

    initech = state.add_org(INITECH, description="Nothing here yet", created=_day(300))
    state.add_member(
        initech.id, email="peter.gibbons@initech.example", role="admin", first_name="Peter",
        last_name="Gibbons",
    )  # fmt: skip

    hooli = state.add_org(HOOLI, created=_day(400), is_read_only=True, icon_color="#888888")
    state.add_member(hooli.id, email="gavin@hooli.example", role="admin")

    # Adding members touched lastUpdated; pin it so every run serves the same bytes.
    for index, org in enumerate(state.orgs.values()):
        org.last_updated = iso(_day(500 + index))


def _user(state: SimulatorState, email: str) -> User:
    user = state.user_by_email(email)
    if user is None:
        raise LookupError(email)
    return user


def _day(offset: int) -> datetime:
    return _EPOCH + timedelta(days=offset, minutes=offset * 7)
