"""The claim-set tests' shared fixture: a fresh copy of the mini claim set."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

log = logging.getLogger(__name__)

MINI = Path(__file__).parents[1] / "data" / "mini"


@pytest.fixture
def mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the mini claim set, as the working directory (short FILE names)."""
    root = tmp_path / "set"
    shutil.copytree(MINI, root)
    monkeypatch.chdir(root)
    return root
