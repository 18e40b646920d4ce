"""``python -m bot simulator``: it starts, prints how to reach it, serves, and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys

import httpx
import pytest

from bot.losant.simulator import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN
from bot.losant.simulator.cli import main

START_TIMEOUT_S = 20.0


async def test_serves_until_sigterm() -> None:
    """The CLI prints URL, token and env lines, answers requests, and exits 0 on SIGTERM."""
    code = "from bot.losant.simulator.cli import main; raise SystemExit(main())"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, "--port", "0", "--no-seed",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        lines = [
            (await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT_S)).decode().strip()
            for _ in range(4)
        ]
        env = dict(line.split("=", 1) for line in lines[1:])
        async with httpx.AsyncClient() as client:
            response = await client.get(
                f"{env['LOSANT_API_URL']}/instances/{DEFAULT_INSTANCE_ID}/orgs",
                headers={"Authorization": f"Bearer {env['LOSANT_API_TOKEN']}"},
            )
    finally:
        process.send_signal(signal.SIGTERM)
        status = await asyncio.wait_for(process.wait(), START_TIMEOUT_S)
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
