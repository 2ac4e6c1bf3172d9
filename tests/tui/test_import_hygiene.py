"""The engine (and the plain player's logic) never pull in Textual or Rich."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.tui.helpers import ROOT


@pytest.mark.parametrize(
    "module",
    ["crossroads.engine", "crossroads.engine.runtime", "crossroads.engine.saves",
     "crossroads.engine.check", "crossroads.engine.records", "crossroads.tui.flow",
     "crossroads.tui.plain", "crossroads.tui.catalog", "crossroads.tui.cli"],
)
def test_module_does_not_import_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"{module} imported {out.stdout.strip()}"
