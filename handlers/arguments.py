"""The ``key=value`` arguments of one subcommand, and the checks every value goes through.

The parser's grammar (``handlers.parser``) says which keys each subcommand takes; this
module turns tokens into those keys and each raw value into its typed form — an org, a
member, a role, one of a fixed set of words — so every value is validated before
anything is sent anywhere, and every complaint names the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from bot.edges.losant.models import ROLES, Role, is_email, is_object_id
from bot.usecases.commands import MemberRef, NotValid, OrgRef, Subcommand, UsageError
from bot.usecases.durations import parse_duration
from handlers.people import MEMBER_FORMS, member_or_why
from handlers.tokenize import Token, echo

_Word = TypeVar("_Word", bound=str)

# The names Losant's own UI shows for each role: people type what they see there.
UI_ROLE_NAMES: dict[str, Role] = {
    "administrator": "admin",
    "editor": "edit",
    "collaborator": "collaborate",
    "viewer": "view",
}
# Words that are no Losant role but say plainly which one was meant; difflib would
# suggest `none` for "owner", the opposite of what was asked.
_ROLE_MEANT: dict[str, Role] = {
    "owner": "admin",
    "superuser": "admin",
    "manager": "admin",
    "write": "edit",
    "writer": "edit",
    "read": "view",
    "reader": "view",
    "readonly": "view",
    "read-only": "view",
    "member": "view",
}


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like ``word`` (ignoring case), or None when nothing is close."""
    by_lower = {option.lower(): option for option in options}
    # Long words are never close to a short option; cutting them keeps difflib cheap.
    matches = difflib.get_close_matches(word[:40].lower(), by_lower, n=1, cutoff=0.6)
    return by_lower[matches[0]] if matches else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` Did you mean `x`?`` when some option is close to ``word``, else nothing."""
    suggestion = closest(word, options)
    return f" Did you mean `{suggestion}`?" if suggestion else ""


@dataclass
class Arguments:
    """The tokens after the subcommand: keyed values by canonical key, and bare words."""

    subcommand: Subcommand
    accepted: frozenset[str]
    values: dict[str, Token] = field(default_factory=dict)
    words: list[Token] = field(default_factory=list)
    order: list[tuple[str | None, Token]] = field(default_factory=list)

    @classmethod
    def collect(
        cls,
        subcommand: Subcommand,
        tokens: Iterable[Token],
        keys: Mapping[str, str],
        *,
        repeatable: frozenset[str] = frozenset(),
        refused: Mapping[str, str] | None = None,
    ) -> Arguments:
        """Sort ``tokens`` into keys (``keys`` maps each accepted spelling, lower-cased,
        to its canonical key) and bare words, refusing unknown, repeated and empty keys.

        Keys in ``repeatable`` may be given more than once (``values`` holds the first;
        ``in_order`` has them all). ``refused`` maps a spelling this subcommand does not
        take to the reason why, said in place of "did you mean".
        """
        args = cls(subcommand, frozenset(keys.values()))
        for token in tokens:
            if token.key is None:
                args.words.append(token)
                args.order.append((None, token))
                continue
            canonical = keys.get(token.key.lower())
            if canonical is None:
                reason = (refused or {}).get(token.key.lower())
                raise args.error(reason or _unknown_key(subcommand, token.key, keys))
            if not token.value.strip():
                raise args.error(
                    f"`{echo(token.key)}=` has no value. Write the value right after `=`, "
                    'and quote it if it has spaces: `key="two words"`.'
                )
            args.order.append((canonical, token))
            earlier = args.values.setdefault(canonical, token)
            if earlier is not token and canonical not in repeatable:
                raise args.error(
                    f"`{echo(str(earlier))}` and `{echo(str(token))}` both set `{canonical}`. "
                    "Give it once."
                )
        return args

    def in_order(self, key: str) -> list[Token]:
        """Every value of ``key`` and every bare word, in the order they were typed."""
        return [token for canonical, token in self.order if canonical in (key, None)]

    def error(self, message: str) -> UsageError:
        """A UsageError about this subcommand, for the caller to raise."""
        return UsageError(message, subcommand=self.subcommand)

    def choice(self, key: str, options: tuple[_Word, ...]) -> _Word | None:
        """The value of ``key`` as one of ``options`` (ignoring case), or None if absent."""
        token = self.values.get(key)
        if token is None:
            return None
        lowered = token.value.lower()
        for option in options:
            if option == lowered:
                return option
        listed = ", ".join(f"`{option}`" for option in options)
        raise self.error(
            f"`{echo(token.value)}` is not a valid `{key}`.{did_you_mean(token.value, options)} "
            f"Use one of {listed}."
        )

    def role(self) -> Role | None:
        """The value of ``role=``, or None if absent; Losant's UI names are accepted too."""
        token = self.values.get("role")
        if token is not None:
            word = token.value.lower()
            if word in UI_ROLE_NAMES:
                return UI_ROLE_NAMES[word]
            if word in _ROLE_MEANT:
                listed = ", ".join(f"`{option}`" for option in ROLES)
                raise self.error(
                    f"`{echo(token.value)}` is not a Losant role. Did you mean "
                    f"`{_ROLE_MEANT[word]}`? Use one of {listed}."
                )
        return self.choice("role", ROLES)

    def org(self, default_org: str | None) -> OrgRef:
        """The org named by ``org=``, else ``default_org``; one of them is required."""
        token = self.values.get("org")
        value = token.value if token else default_org
        if not value:
            raise self.error(
                "Say which org: `org=<name or ID>` (quote a name with spaces: "
                '`org="Acme Corp"`). Run `/members orgs` to find it.'
            )
        return _org_ref(value)

    def optional_org(self) -> OrgRef | None:
        """The org named by ``org=``, or None: for a subcommand that means "every org" then."""
        token = self.values.get("org")
        return _org_ref(token.value) if token else None

    def duration(self) -> int | None:
        """The seconds ``for=`` names, or None if absent; its limits are the use case's."""
        token = self.values.get("for")
        if token is None:
            return None
        try:
            return parse_duration(token.value)
        except ValueError as exc:
            raise self.error(f"`{echo(str(token))}`: {exc}") from None

    def member(self, token: Token) -> MemberRef:
        """The member ``token`` names: a Slack mention, a Losant user ID or an email."""
        named = member_or_why(token)
        if isinstance(named, NotValid):
            raise self.error(f"`{named.text}` is {named.why}.")
        return named

    def target(self) -> MemberRef | None:
        """The member named by ``user=`` or by one bare mention, email or user ID."""
        named = [self.values["user"]] if "user" in self.values else []
        named += self.member_words()
        if len(named) > 1:
            listed = ", ".join(f"`{echo(str(token))}`" for token in named)
            raise self.error(f"Name one member, not several ({listed}).")
        if not named:
            # A bare word where a member belongs was most likely meant as one.
            guess = next((w for w in self.words if not self._is_role_word(w.value)), None)
            if guess:
                raise self.error(f"`{echo(guess.value)}` is not {MEMBER_FORMS}.")
            return None
        if named[0] in self.words:
            self.words.remove(named[0])
        return self.member(named[0])

    def member_words(self) -> list[Token]:
        """The bare words meant as members: mentions, emails, user IDs and @names."""
        return [word for word in self.words if _names_member(word)]

    def _is_role_word(self, word: str) -> bool:
        return "role" in self.accepted and word.lower() in ROLES

    def reject_words(self, hint_keys: Iterable[str] = ("role", "org", "filter")) -> None:
        """Refuse bare words: this subcommand takes only ``key=value`` pairs.

        The error suggests the first of ``hint_keys`` that this subcommand takes, that
        is not yet given, and that the word could be a value of.
        """
        if not self.words:
            return
        word = self.words[0].value
        hints = (k for k in hint_keys if k in self.accepted and k not in self.values)
        hint = next((k for k in hints if _fits(k, word)), None)
        example = f" (did you mean `{echo(f'{hint}={word}')}`?)" if hint else ""
        raise self.error(
            f"Unexpected `{echo(word)}`{example}. "
            f"`{self.subcommand}` takes `key=value` pairs; run `/members help` for the form."
        )


def _org_ref(value: str) -> OrgRef:
    # Losant IDs are lower-case; names are matched ignoring case, so this is safe.
    return OrgRef(value.lower() if is_object_id(value) else value)


def _names_member(word: Token) -> bool:
    """Whether a bare word is meant as a member (and so is checked as one)."""
    value = word.value
    return bool(word.mention) or value.startswith("@") or is_email(value) or is_object_id(value)


def _fits(key: str, word: str) -> bool:
    """Whether a stray ``word`` could plausibly be meant as the value of ``key``."""
    return key != "role" or word.lower() in ROLES


def _unknown_key(subcommand: Subcommand, key: str, keys: Mapping[str, str]) -> str:
    canonical = list(dict.fromkeys(keys.values()))
    accepted = ", ".join(f"`{k}`" for k in canonical) if canonical else "no keys"
    return (
        f"`{subcommand}` has no key `{echo(key)}`.{did_you_mean(key, canonical)} "
        f"It takes {accepted}."
    )
