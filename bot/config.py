"""The bot's settings: read from the environment once, checked all at once.

An operator who gets a setting wrong should learn everything that is wrong in one
start-up attempt, in their own terms (the environment variable names of ARCHITECTURE.md §3),
without a stack trace and without a secret echoed into a log drain. So
``load_settings`` is the only way in: it reads the mapping it is given (``os.environ``
by default, so tests and the entry point take the same path), leaves out empty values,
lets pydantic validate, and turns every complaint into one sentence in
``SettingsError``. Which settings are required depends on how the bot runs: serving
Slack needs Slack's tokens, the local console does not.

Nothing here reads ``.env`` files or secrets directories: Heroku and the operator's
shell already put settings in the environment, and a stray file silently overriding
them is harder to debug than a clear "X is required".
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, HttpUrl, PrivateAttr, SecretStr
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.edges.losant.models import is_object_id
from bot.slack_ids import is_channel_id, is_user_or_group_id
from bot.usecases.durations import DEFAULT_GRANT_LIMITS, GrantLimits

Mode = Literal["serve", "console"]

_SEPARATORS = re.compile(r"[,\s]+")


class SettingsError(Exception):
    """The settings cannot be used; ``str()`` names every problem, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


def parse_id_list(text: str) -> tuple[str, ...]:
    """Split a list of Slack IDs written with commas and/or spaces, in order, no blanks."""
    return tuple(item for item in _SEPARATORS.split(text) if item)


def _shown(value: str) -> str:
    # Slack IDs are short; anything long may be a token pasted into the wrong variable,
    # and must not end up in a log.
    return repr(value) if len(value) <= 24 else f"a {len(value)}-character value"


def _ids(valid: Callable[[str], bool], kind: str) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    def check(ids: tuple[str, ...]) -> tuple[str, ...]:
        bad = [_shown(item) for item in ids if not valid(item)]
        if bad:
            raise ValueError(f"has entries that are not {kind}: {', '.join(bad)}")
        return ids

    return check


def _channel_id(value: str) -> str:
    if not is_channel_id(value):
        raise ValueError(f"must be a channel ID (C…, G… or D…), not {_shown(value)}")
    return value


def _split(value: object) -> object:
    return parse_id_list(value) if isinstance(value, str) else value


def _instance_id(value: str) -> str:
    if not is_object_id(value):
        raise ValueError("must be 24 hex characters")
    return value.lower()


def _prefixed(prefix: str, what: str) -> Callable[[SecretStr], SecretStr]:
    def check(value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith(prefix):
            raise ValueError(f"must start with {prefix} ({what})")
        return value

    return check


def _http_url(value: str) -> str:
    try:
        HttpUrl(value)
    except PydanticValidationError:
        raise ValueError("must be an http:// or https:// URL with a host") from None
    return value


def _with_trailing_slash(value: str) -> str:
    # slack_sdk joins method names onto the base URL: without the slash, ".../api"
    # would lose its last segment.
    return value if value.endswith("/") else value + "/"


def _lowercase(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


UserOrGroupIds = Annotated[
    tuple[str, ...],
    BeforeValidator(_split),
    AfterValidator(_ids(is_user_or_group_id, "user or group IDs (U…, W… or S…)")),
]
ChannelIds = Annotated[
    tuple[str, ...],
    BeforeValidator(_split),
    AfterValidator(_ids(is_channel_id, "channel IDs (C…, G… or D…)")),
]
Url = Annotated[str, AfterValidator(_http_url)]
Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]

ANYONE = "*"


def _grant_limits(value: str) -> str:
    GrantLimits.parse(value)  # raises ValueError naming every problem
    return value


def _requesters(ids: tuple[str, ...]) -> tuple[str, ...]:
    """``*`` (anyone in the workspace) alone, or user and group IDs."""
    if ANYONE in ids:
        if len(ids) > 1:
            raise ValueError("is `*` (anyone) or a list of IDs, not both")
        return ids
    return _ids(is_user_or_group_id, "user or group IDs (U…, W… or S…), or *")(ids)


_REQUIRED: dict[str, str] = {
    "SLACK_BOT_TOKEN": "SLACK_BOT_TOKEN is required (the bot token, xoxb-…)",
    "SLACK_SIGNING_SECRET": (
        "SLACK_SIGNING_SECRET is required to receive requests over HTTP "
        "(or set SLACK_APP_TOKEN, xapp-…, to use Socket Mode)"
    ),
    "LOSANT_API_TOKEN": "LOSANT_API_TOKEN is required (a Losant API token for the instance)",
    "LOSANT_INSTANCE_ID": "LOSANT_INSTANCE_ID is required (the instance's 24-hex ID)",
}


class Settings(BaseSettings):
    """Every setting (ARCHITECTURE.md §3). Build it with ``load_settings``, once, at entry."""

    model_config = SettingsConfigDict(
        alias_generator=str.upper,
        validate_by_alias=True,
        validate_by_name=True,
        frozen=True,
        extra="ignore",
    )

    slack_bot_token: (
        Annotated[SecretStr, AfterValidator(_prefixed("xoxb-", "the bot token"))] | None
    ) = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: (
        Annotated[SecretStr, AfterValidator(_prefixed("xapp-", "an app-level token"))] | None
    ) = None
    slack_api_url: Annotated[Url, AfterValidator(_with_trailing_slash)] = "https://slack.com/api/"
    port: Annotated[int, Field(ge=1, le=65535)] = 3000
    losant_api_token: SecretStr
    losant_instance_id: Annotated[str, AfterValidator(_instance_id)]
    losant_api_url: Url = "https://api.losant.com"
    losant_default_org: str | None = None
    members_writers: UserOrGroupIds = ()
    members_readers: UserOrGroupIds = ()
    members_channels: ChannelIds = ()
    members_audit_channel: Annotated[str, AfterValidator(_channel_id)] | None = None
    members_group_cache_s: Seconds = 60
    members_confirm_ttl_s: Annotated[int, Field(ge=1)] = 600
    losant_timeout_s: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 10
    losant_retry_budget_s: Seconds = 20
    database_url: SecretStr | None = None  # may hold a password: a secret like the tokens
    members_approvers: UserOrGroupIds | None = None
    members_requesters: (
        Annotated[tuple[str, ...], BeforeValidator(_split), AfterValidator(_requesters)] | None
    ) = None
    members_approval_channel: Annotated[str, AfterValidator(_channel_id)] | None = None
    members_grant_limits: Annotated[str, AfterValidator(_grant_limits)] = DEFAULT_GRANT_LIMITS
    members_request_ttl_s: Annotated[int, Field(ge=60)] = 28800
    members_sweep_s: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 30
    members_fanout: Annotated[int, Field(ge=1, le=50)] = 8
    log_level: Annotated[
        Literal["debug", "info", "warning", "error"], BeforeValidator(_lowercase)
    ] = "info"
    log_format: Annotated[Literal["json", "text"], BeforeValidator(_lowercase)] = "json"

    # Only used when neither Slack secret is set (the console): confirms then work
    # within this one process, which is all the console has.
    _fallback_key: bytes = PrivateAttr(default_factory=lambda: secrets.token_bytes(32))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # load_settings hands over the environment itself, so an explicit mapping is
        # never mixed with whatever happens to be in os.environ or a .env file.
        return (init_settings,)

    @property
    def socket_mode(self) -> bool:
        """True when an app-level token is set: Slack is reached over Socket Mode, not HTTP."""
        return self.slack_app_token is not None

    def secret_values(self) -> tuple[str, ...]:
        """Every secret that is set, in clear: for the log filter that blots them out."""
        held = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.losant_api_token,
            self.database_url,
        )
        return tuple(s.get_secret_value() for s in held if s is not None)

    @property
    def grant_limits(self) -> GrantLimits:
        return GrantLimits.parse(self.members_grant_limits)

    @property
    def approvers(self) -> tuple[str, ...]:
        """Who may approve or deny access requests: ``MEMBERS_APPROVERS``, else the writers."""
        return self.members_writers if self.members_approvers is None else self.members_approvers

    @property
    def requesters(self) -> tuple[str, ...]:
        """Who may ask for access: ``MEMBERS_REQUESTERS`` (``*``: anyone), else readers and
        writers."""
        if self.members_requesters is None:
            return self.members_writers + self.members_readers
        return self.members_requesters

    @property
    def approval_channel(self) -> str | None:
        """Where request cards go: ``MEMBERS_APPROVAL_CHANNEL``, else the audit channel."""
        return self.members_approval_channel or self.members_audit_channel

    @property
    def action_signing_key(self) -> bytes:
        """The HMAC key for Confirm button values: a secret every process of the bot shares."""
        for secret in (self.slack_signing_secret, self.slack_app_token):
            if secret is not None:
                return secret.get_secret_value().encode()
        return self._fallback_key


def load_settings(environ: Mapping[str, str] | None = None, *, mode: Mode = "serve") -> Settings:
    """Read and check the settings ``mode`` needs; raise ``SettingsError`` naming every problem."""
    source = os.environ if environ is None else environ
    names = [name.upper() for name in Settings.model_fields]
    values: dict[str, Any] = {
        name: source[name].strip() for name in names if source.get(name, "").strip()
    }

    problems: dict[str, str] = {}
    for name in _required(values, mode):
        problems[name] = _REQUIRED[name]
    try:
        settings = Settings(**values)
    except PydanticValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            name = str(error["loc"][0]) if error["loc"] else "settings"
            problems.setdefault(name, f"{name} {_sentence(error)}")
    else:
        if mode == "serve" and (heroku := _sqlite_on_heroku(settings, source)):
            problems["DATABASE_URL"] = heroku
    if problems:
        raise SettingsError([problems[name] for name in names if name in problems])
    return settings


def _sqlite_on_heroku(settings: Settings, environ: Mapping[str, str]) -> str | None:
    # Heroku wipes a dyno's disk at every restart: grants kept in a SQLite file there
    # would be forgotten, and nothing would ever revert them.
    from bot.edges.store.engine import database_url, refuse_sqlite_on_heroku

    raw = settings.database_url.get_secret_value() if settings.database_url else None
    return refuse_sqlite_on_heroku(database_url(raw, cwd=Path.cwd()), environ)


def _required(values: Mapping[str, str], mode: Mode) -> list[str]:
    needed = ["LOSANT_API_TOKEN", "LOSANT_INSTANCE_ID"]
    if mode == "serve":
        needed.append("SLACK_BOT_TOKEN")
        if "SLACK_APP_TOKEN" not in values:
            needed.append("SLACK_SIGNING_SECRET")
    return [name for name in needed if name not in values]


def _sentence(error: Any) -> str:
    """One pydantic complaint as the end of a sentence that starts with the variable name."""
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "value_error":
        return str(ctx["error"])
    if kind in ("int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_parsing", "finite_number"):
        return "must be a number"
    if kind == "greater_than_equal":
        return f"must be {ctx['ge']:g} or more"
    if kind == "greater_than":
        return f"must be more than {ctx['gt']:g}"
    if kind == "less_than_equal":
        return f"must be {ctx['le']:g} or less"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    return f"is invalid ({error['msg']})"
