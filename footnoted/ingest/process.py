"""Starting a helper process: a fresh interpreter that runs this very copy of footnoted."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
"""The directory that holds the ``footnoted`` package this process imported."""


def python_command(code: str) -> list[str]:
    """``python -c code`` for a helper, with this copy of footnoted first on its path, so that it
    runs the same code even where footnoted is not installed (a checkout put on ``sys.path`` by a
    script). Not ``-m module``: the package imports its modules, so ``-m`` would run one twice."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {_ROOT!r}); {code}"]
