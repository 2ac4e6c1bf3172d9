"""The extwee oracle (npm): ``CROSSROADS_EXTWEE`` (set by ``.ci/setup-extwee.sh``) or a local
``node_modules``; without it the oracle tests skip with the reason, unless
``CROSSROADS_REQUIRE_EXTWEE=1`` (CI), where they fail."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "twee"


def extwee() -> list[str]:
    """The command that runs the extwee CLI; skip (or fail when required) without it."""
    found = os.environ.get("CROSSROADS_EXTWEE", "")
    if found and Path(found).exists():
        return [found]
    local = ROOT / "node_modules" / ".bin" / "extwee"
    if local.exists() and shutil.which("npx"):
        probe = subprocess.run(["npx", "--no-install", "extwee", "--help"], cwd=ROOT,
                               capture_output=True, timeout=60)
        if probe.returncode == 0:
            return ["npx", "--no-install", "extwee"]
    reason = ("extwee is not installed: run `eval \"$(bash .ci/setup-extwee.sh)\"` "
              "(sets CROSSROADS_EXTWEE)")
    if os.environ.get("CROSSROADS_REQUIRE_EXTWEE") == "1":
        pytest.fail(f"CROSSROADS_REQUIRE_EXTWEE=1 but {reason}")
    pytest.skip(reason)
    raise AssertionError("unreachable")
