"""Where shipped files live, relative to the installed project (never the working directory)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_CLAIMSET = SEEDS_DIR / "claimset.toml"
