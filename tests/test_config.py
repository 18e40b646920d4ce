"""Settings: names, defaults, parsing, validation, and how a bad setup is reported."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Mode, Settings, SettingsError, load_settings, parse_id_list

INSTANCE_ID = "5f0c2a1b3c4d5e6f7a8b9c0d"
BOT_TOKEN = "xoxb-1111-2222-bottokensecret"
APP_TOKEN = "xapp-1-A111-3333-apptokensecret"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
LOSANT_TOKEN = "eyJhbGciOiJIUzI1NiJ9.losant-token-secret.sig"
SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, LOSANT_TOKEN)

HTTP_MODE = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "LOSANT_API_TOKEN": LOSANT_TOKEN,
    "LOSANT_INSTANCE_ID": INSTANCE_ID,
}
CONSOLE = {"LOSANT_API_TOKEN": LOSANT_TOKEN, "LOSANT_INSTANCE_ID": INSTANCE_ID}

NEED_BOT_TOKEN = "SLACK_BOT_TOKEN is required (the bot token, xoxb-…)"
NEED_SIGNING_SECRET = (
    "SLACK_SIGNING_SECRET is required to receive requests over HTTP"
    " (or set SLACK_APP_TOKEN, xapp-…, to use Socket Mode)"
)
NEED_LOSANT_TOKEN = "LOSANT_API_TOKEN is required (a Losant API token for the instance)"
NEED_INSTANCE_ID = "LOSANT_INSTANCE_ID is required (the instance's 24-hex ID)"


def problems(environ: dict[str, str], mode: Any = "serve") -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, mode=mode)
    return str(caught.value).splitlines()


def test_defaults() -> None:
    """With only the required settings, every other setting has ARCHITECTURE.md §3's default."""
    settings = load_settings(HTTP_MODE)

    expected = {
        "slack_app_token": None,
        "slack_api_url": "https://slack.com/api/",
        "port": 3000,
        "losant_api_url": "https://api.losant.com",
        "losant_default_org": None,
        "members_writers": (),
        "members_readers": (),
        "members_channels": (),
        "members_audit_channel": None,
        "members_group_cache_s": 60,
        "members_confirm_ttl_s": 600,
        "losant_timeout_s": 10,
        "losant_retry_budget_s": 20,
        "database_url": None,
        "members_approvers": None,
        "members_requesters": None,
        "members_approval_channel": None,
        "members_grant_limits": "min=5m admin=4h edit=1d collaborate=7d view=30d none=30d",
        "members_request_ttl_s": 28800,
        "members_sweep_s": 30,
        "members_fanout": 8,
        "log_level": "info",
        "log_format": "json",
    }
    required = {"slack_bot_token", "slack_signing_secret", "losant_api_token", "losant_instance_id"}

    assert expected == settings.model_dump(exclude=required)


@pytest.mark.parametrize(
    ("name", "text", "field", "expected"),
    [
        pytest.param(
            "SLACK_API_URL",
            "http://127.0.0.1:8080/api/",
            "slack_api_url",
            "http://127.0.0.1:8080/api/",
            id="slack-url",
        ),
        pytest.param(
            "SLACK_API_URL",
            "http://127.0.0.1:8080/api",
            "slack_api_url",
            "http://127.0.0.1:8080/api/",
            id="slack-url-gets-slash",
        ),
        pytest.param("PORT", "8080", "port", 8080, id="port"),
        pytest.param(
            "LOSANT_INSTANCE_ID",
            INSTANCE_ID.upper(),
            "losant_instance_id",
            INSTANCE_ID,
            id="instance-id-lowercased",
        ),
        pytest.param(
            "LOSANT_API_URL",
            "http://localhost:9000",
            "losant_api_url",
            "http://localhost:9000",
            id="losant-url",
        ),
        pytest.param(
            "LOSANT_DEFAULT_ORG", "My Org", "losant_default_org", "My Org", id="default-org"
        ),
        pytest.param(
            "MEMBERS_WRITERS",
            "U01ABC,S02DEF",
            "members_writers",
            ("U01ABC", "S02DEF"),
            id="writers-commas",
        ),
        pytest.param(
            "MEMBERS_READERS",
            "U01ABC W02DEF",
            "members_readers",
            ("U01ABC", "W02DEF"),
            id="readers-spaces",
        ),
        pytest.param(
            "MEMBERS_CHANNELS",
            " C01, G02\tD03 ,, ",
            "members_channels",
            ("C01", "G02", "D03"),
            id="channels-mixed",
        ),
        pytest.param(
            "MEMBERS_AUDIT_CHANNEL",
            "C0AUDIT",
            "members_audit_channel",
            "C0AUDIT",
            id="audit-channel",
        ),
        pytest.param("MEMBERS_GROUP_CACHE_S", "0", "members_group_cache_s", 0, id="cache-off"),
        pytest.param(
            "MEMBERS_GROUP_CACHE_S", "2.5", "members_group_cache_s", 2.5, id="cache-fraction"
        ),
        pytest.param(
            "MEMBERS_CONFIRM_TTL_S", "120", "members_confirm_ttl_s", 120, id="confirm-ttl"
        ),
        pytest.param("LOSANT_TIMEOUT_S", "0.5", "losant_timeout_s", 0.5, id="timeout"),
        pytest.param("LOSANT_RETRY_BUDGET_S", "0", "losant_retry_budget_s", 0, id="no-retries"),
        pytest.param("LOG_LEVEL", "DEBUG", "log_level", "debug", id="level-any-case"),
        pytest.param("LOG_FORMAT", "text", "log_format", "text", id="format-text"),
        pytest.param("PORT", "  8080 ", "port", 8080, id="surrounding-space"),
        pytest.param("LOG_LEVEL", "", "log_level", "info", id="empty-means-unset"),
    ],
)
def test_each_setting_is_read(name: str, text: str, field: str, expected: object) -> None:
    """Each environment variable lands, parsed, in its field."""
    settings = load_settings({**HTTP_MODE, name: text})

    assert expected == getattr(settings, field)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", (), id="empty"),
        pytest.param("U1", ("U1",), id="one"),
        pytest.param("U1,U2", ("U1", "U2"), id="commas"),
        pytest.param("U1 U2", ("U1", "U2"), id="spaces"),
        pytest.param(" U1 ,\n U2\t,,S3 ", ("U1", "U2", "S3"), id="mixed-and-blank"),
    ],
)
def test_parse_id_list(text: str, expected: tuple[str, ...]) -> None:
    """ID lists split on commas and/or any whitespace, keeping order and dropping blanks."""
    assert expected == parse_id_list(text)


@pytest.mark.parametrize(
    ("name", "text", "complaint"),
    [
        pytest.param(
            "LOSANT_INSTANCE_ID", "5f0c2a1b3c4d", "must be 24 hex characters", id="instance-short"
        ),
        pytest.param(
            "LOSANT_INSTANCE_ID", "z" * 24, "must be 24 hex characters", id="instance-not-hex"
        ),
        pytest.param(
            "SLACK_BOT_TOKEN",
            "xoxp-user-token",
            "must start with xoxb- (the bot token)",
            id="user-token",
        ),
        pytest.param(
            "SLACK_APP_TOKEN",
            "xoxb-wrong",
            "must start with xapp- (an app-level token)",
            id="app-token",
        ),
        pytest.param(
            "SLACK_API_URL",
            "slack.com/api",
            "must be an http:// or https:// URL with a host",
            id="url-no-scheme",
        ),
        pytest.param(
            "LOSANT_API_URL",
            "ftp://api.losant.com",
            "must be an http:// or https:// URL with a host",
            id="url-ftp",
        ),
        pytest.param(
            "LOSANT_API_URL",
            "https://",
            "must be an http:// or https:// URL with a host",
            id="url-no-host",
        ),
        pytest.param("PORT", "http", "must be a whole number", id="port-word"),
        pytest.param("PORT", "0", "must be 1 or more", id="port-zero"),
        pytest.param("PORT", "70000", "must be 65535 or less", id="port-high"),
        pytest.param(
            "MEMBERS_WRITERS",
            "U01, Sam,u02",
            "has entries that are not user or group IDs (U…, W… or S…): 'Sam', 'u02'",
            id="writers",
        ),
        pytest.param(
            "MEMBERS_READERS",
            "C01",
            "has entries that are not user or group IDs (U…, W… or S…): 'C01'",
            id="readers-channel",
        ),
        pytest.param(
            "MEMBERS_CHANNELS",
            "C01 #general",
            "has entries that are not channel IDs (C…, G… or D…): '#general'",
            id="channels",
        ),
        pytest.param(
            "MEMBERS_AUDIT_CHANNEL",
            "U01",
            "must be a channel ID (C…, G… or D…), not 'U01'",
            id="audit",
        ),
        pytest.param("MEMBERS_GROUP_CACHE_S", "1m", "must be a number", id="cache-unit"),
        pytest.param("MEMBERS_GROUP_CACHE_S", "-1", "must be 0 or more", id="cache-negative"),
        pytest.param("MEMBERS_GROUP_CACHE_S", "nan", "must be a number", id="cache-nan"),
        pytest.param("MEMBERS_CONFIRM_TTL_S", "1.5", "must be a whole number", id="ttl-fraction"),
        pytest.param("MEMBERS_CONFIRM_TTL_S", "0", "must be 1 or more", id="ttl-zero"),
        pytest.param("LOSANT_TIMEOUT_S", "0", "must be more than 0", id="timeout-zero"),
        pytest.param("LOSANT_RETRY_BUDGET_S", "-5", "must be 0 or more", id="budget-negative"),
        pytest.param(
            "LOG_LEVEL",
            "verbose",
            "must be one of 'debug', 'info', 'warning' or 'error'",
            id="level",
        ),
        pytest.param("LOG_FORMAT", "xml", "must be one of 'json' or 'text'", id="format"),
    ],
)
def test_malformed_setting(name: str, text: str, complaint: str) -> None:
    """A malformed setting is named with what it should be, in one plain sentence."""
    expected = [f"{name} {complaint}"]

    assert expected == problems({**HTTP_MODE, name: text})


@pytest.mark.parametrize(
    ("environ", "mode", "expected"),
    [
        pytest.param(
            {},
            "serve",
            [
                NEED_BOT_TOKEN,
                NEED_SIGNING_SECRET,
                NEED_LOSANT_TOKEN,
                NEED_INSTANCE_ID,
            ],
            id="serve-nothing",
        ),
        pytest.param(
            {**CONSOLE, "SLACK_APP_TOKEN": APP_TOKEN},
            "serve",
            [
                NEED_BOT_TOKEN,
            ],
            id="socket-mode-needs-no-signing-secret",
        ),
        pytest.param(
            {**HTTP_MODE, "SLACK_SIGNING_SECRET": "  "},
            "serve",
            [
                NEED_SIGNING_SECRET,
            ],
            id="blank-is-missing",
        ),
        pytest.param(
            {},
            "console",
            [
                NEED_LOSANT_TOKEN,
                NEED_INSTANCE_ID,
            ],
            id="console-nothing",
        ),
    ],
)
def test_required_settings_depend_on_mode(
    environ: dict[str, str], mode: str, expected: list[str]
) -> None:
    """Serving needs Slack's tokens (the signing secret only over HTTP); the console doesn't."""
    assert expected == problems(environ, mode)


@pytest.mark.parametrize(
    "environ",
    [
        pytest.param(CONSOLE, id="console-settings"),
        pytest.param(
            {**CONSOLE, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN},
            id="socket-mode",
        ),
    ],
)
def test_valid_setups_load(environ: dict[str, str]) -> None:
    """Enough settings for the mode load without complaint."""
    mode: Mode = "console" if environ is CONSOLE else "serve"
    expected = INSTANCE_ID

    assert expected == load_settings(environ, mode=mode).losant_instance_id


def test_every_problem_is_named_at_once_in_variable_order() -> None:
    """One error names every problem, one per line, in the order of ARCHITECTURE.md §3's table."""
    environ = {
        "SLACK_BOT_TOKEN": "xoxp-" + BOT_TOKEN,
        "PORT": "web",
        "LOSANT_INSTANCE_ID": "nope",
        "MEMBERS_CHANNELS": "general",
        "LOG_FORMAT": "yaml",
    }

    expected = [
        "SLACK_BOT_TOKEN must start with xoxb- (the bot token)",
        NEED_SIGNING_SECRET,
        "PORT must be a whole number",
        NEED_LOSANT_TOKEN,
        "LOSANT_INSTANCE_ID must be 24 hex characters",
        "MEMBERS_CHANNELS has entries that are not channel IDs (C…, G… or D…): 'general'",
        "LOG_FORMAT must be one of 'json' or 'text'",
    ]

    assert expected == problems(environ)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("SLACK_BOT_TOKEN", "xoxp-" + BOT_TOKEN, id="malformed-bot-token"),
        pytest.param("SLACK_APP_TOKEN", "xoxb-" + APP_TOKEN, id="malformed-app-token"),
        pytest.param("MEMBERS_WRITERS", f"U01 {SIGNING_SECRET}", id="secret-in-a-list"),
        pytest.param("MEMBERS_AUDIT_CHANNEL", LOSANT_TOKEN, id="secret-as-a-channel"),
        pytest.param("LOSANT_INSTANCE_ID", LOSANT_TOKEN, id="secret-as-instance"),
    ],
)
def test_errors_never_show_a_secret(name: str, text: str) -> None:
    """Whatever is wrong, the message holds no secret, not even one in the wrong variable."""
    environ = {**HTTP_MODE, "SLACK_APP_TOKEN": APP_TOKEN, name: text}

    message = "\n".join(problems(environ))

    assert (name, []) == (
        message.split(" ")[0],
        [secret for secret in (*SECRETS, text) if secret in message],
    )


def test_repr_and_str_hide_secrets() -> None:
    """Printing or logging the settings shows no token or signing secret."""
    settings = load_settings({**HTTP_MODE, "SLACK_APP_TOKEN": APP_TOKEN})

    shown = repr(settings) + str(settings)
    expected: tuple[str, list[str]] = ("**********", [])

    assert expected == (
        str(settings.slack_bot_token),
        [secret for secret in SECRETS if secret in shown],
    )


@pytest.mark.parametrize(
    ("environ", "mode", "expected"),
    [
        pytest.param(CONSOLE, "console", (LOSANT_TOKEN,), id="console"),
        pytest.param(
            {**HTTP_MODE, "SLACK_APP_TOKEN": APP_TOKEN},
            "serve",
            (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, LOSANT_TOKEN),
            id="everything",
        ),
    ],
)
def test_secret_values(environ: dict[str, str], mode: Any, expected: tuple[str, ...]) -> None:
    """secret_values() hands the log filter every secret that is set, and nothing else."""
    assert expected == load_settings(environ, mode=mode).secret_values()


@pytest.mark.parametrize(
    ("extra", "socket_mode", "key"),
    [
        pytest.param({}, False, SIGNING_SECRET, id="http"),
        pytest.param({"SLACK_APP_TOKEN": APP_TOKEN}, True, SIGNING_SECRET, id="both"),
        pytest.param(
            {"SLACK_APP_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": ""}, True, APP_TOKEN, id="socket"
        ),
    ],
)
def test_mode_and_signing_key(extra: dict[str, str], socket_mode: bool, key: str) -> None:
    """An app token means Socket Mode; confirms are signed with the signing secret, else with it."""
    settings = load_settings({**HTTP_MODE, **extra})

    assert (socket_mode, key.encode()) == (settings.socket_mode, settings.action_signing_key)


def test_console_signing_key_is_random_but_stable() -> None:
    """Without Slack secrets, one process's key stays the same and another's differs."""
    first, second = load_settings(CONSOLE, mode="console"), load_settings(CONSOLE, mode="console")
    keys = [first.action_signing_key, first.action_signing_key, second.action_signing_key]
    expected = (32, 2)  # 256-bit keys; the first settings' twice, the second's once

    assert expected == (len(keys[0]), len(set(keys)))


def test_unrelated_and_misspelled_variables_are_ignored() -> None:
    """Only the exact upper-case names of ARCHITECTURE.md §3 are read; nothing else counts."""
    environ = {**CONSOLE, "PATH": "/bin", "port": "1", "LOG_LEVEL_X": "x", "slack_bot_token": "x"}

    settings = load_settings(environ, mode="console")

    expected = (3000, None)

    assert expected == (settings.port, settings.slack_bot_token)


def test_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a mapping, the settings come from os.environ."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in {**CONSOLE, "PORT": "4242"}.items():
        monkeypatch.setenv(name, value)

    expected = 4242

    assert expected == load_settings(mode="console").port


def test_settings_are_immutable() -> None:
    """Settings are built once and never changed afterwards."""
    settings = load_settings(CONSOLE, mode="console")

    with pytest.raises(ValueError, match="frozen"):
        settings.port = 1  # type: ignore[misc]
