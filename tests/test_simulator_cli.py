"""``python -m bot simulator``: it starts, prints how to reach it, serves, and stops on SIGTERM."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.simulator import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN
from bot.sandbox.simulator.cli import main
from tests.process import start, stdout_lines, stop


async def test_serves_until_sigterm() -> None:
    """The CLI prints URL, token and env lines, answers requests, and exits 0 on SIGTERM."""
    process = await start("simulator", "--port", "0", "--no-seed", env={})
    try:
        lines = await stdout_lines(process, 4)
        env = dict(line.split("=", 1) for line in lines[1:])
        async with httpx.AsyncClient(trust_env=False) as client:
            response = await client.get(
                f"{env['LOSANT_API_URL']}/instances/{DEFAULT_INSTANCE_ID}/orgs",
                headers={"Authorization": f"Bearer {env['LOSANT_API_TOKEN']}"},
            )
    finally:
        status = (await stop(process)).status
    assert lines[0].startswith(f"Losant simulator on {env['LOSANT_API_URL']}  token=")
    assert (DEFAULT_TOKEN, DEFAULT_INSTANCE_ID) == (
        env["LOSANT_API_TOKEN"],
        env["LOSANT_INSTANCE_ID"],
    )
    assert (200, 0, 0) == (response.status_code, response.json()["totalCount"], status)


def test_refuses_a_malformed_instance_id(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad --instance-id is a usage error (exit 2) that names the option."""
    with pytest.raises(SystemExit) as exited:
        main(["--instance-id", "acme"])
    assert 2 == exited.value.code
    assert "--instance-id must be 24 hexadecimal characters" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--orgs", "-1"], "--orgs and --big-org must not be negative", id="orgs"),
        pytest.param(["--big-org", "-5"], "--orgs and --big-org must not be negative", id="big"),
        pytest.param(["--rate", "0"], "--rate must be positive", id="rate"),
    ],
)
def test_refuses_impossible_sizes_and_rates(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A negative size or a rate of zero is a usage error (exit 2) that names the option."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert 2 == exited.value.code
    assert expected in capsys.readouterr().err
