"""The project is ruff-clean (the same check a developer runs: `ruff check .`)."""

import subprocess
import sys
from pathlib import Path


def test_ruff_clean():
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", str(root)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
