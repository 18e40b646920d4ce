"""The layout is the architecture: the serving path never imports the demo-and-test sandbox."""

from __future__ import annotations

import subprocess
import sys

from tests.process import REPO


def test_serving_never_imports_the_sandbox() -> None:
    """Everything ``python -m bot`` loads to serve leaves ``bot.sandbox`` (simulator, fake
    Slack, console) unimported, so none of it can run in production by accident."""
    probe = (
        "import sys, bot.__main__, bot.serving.serve, bot.serving.runtime;"
        "print(sorted(m for m in sys.modules if m.startswith('bot.sandbox')))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter, a fixed probe
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "[]" == done.stdout.strip()
