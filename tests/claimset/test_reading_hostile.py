"""Only regular files inside the claim-set folder are read, each at most 16 MB: a FIFO, a
device, a huge file, a `..` glob or a symlink leading outside is refused in one line."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.claimset.loader import ClaimSetUnreadable, load_claimset
from bot.claimset.reading import MAX_FILE_BYTES

MINI = Path(__file__).parents[1] / "data" / "mini"



def validate(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot validate`, killed after 60 s: a hang fails the test, never the suite."""
    return subprocess.run([sys.executable, "-m", "bot", "validate", str(root), *extra],
                          capture_output=True, text=True, timeout=60, cwd=root)


@pytest.mark.parametrize("where", ["claims/zz_pipe.toml", "sources/002_beta.txt",
                                   "speakers.toml"])
def test_a_fifo_in_the_claim_set_is_refused_not_waited_on(mini: Path, where: str):
    fifo = mini / where
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    done = validate(mini)
    assert done.returncode == 2
    assert done.stderr == f"error: {where}: is a FIFO: only regular files are read\n"


def test_a_fifo_is_refused_with_the_cache_too(mini: Path, tmp_path: Path):
    os.mkfifo(mini / "claims" / "zz_pipe.toml")
    with pytest.raises(ClaimSetUnreadable, match=r"zz_pipe\.toml: is a FIFO"):
        load_claimset(mini, cache_dir=tmp_path / "cache")


def test_a_device_and_a_huge_file_are_refused(mini: Path):
    (mini / "claims" / "zz_dev.toml").symlink_to("/dev/zero")
    with pytest.raises(ClaimSetUnreadable, match="leads to /dev/zero, outside the claim-set"):
        load_claimset(mini)
    (mini / "claims" / "zz_dev.toml").unlink()
    huge = mini / "claims" / "zz_huge.toml"
    with huge.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ClaimSetUnreadable) as refused:
        load_claimset(mini)
    assert str(refused.value) == (
        "claims/zz_huge.toml: is 16.0 MB, over the 16 MB limit per file: split it into "
        "several files"
    )


def test_a_glob_with_dotdot_is_refused_naming_the_manifest(mini: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(mini / "claims" / "main.toml", outside / "main.toml")
    manifest = mini / "claimset.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('claims = ["claims/*.toml"]',
                                     'claims = ["../outside/*.toml"]'), encoding="utf-8")
    done = validate(mini)
    assert done.returncode == 2
    assert done.stderr == ("error: claimset.toml: glob '../outside/*.toml' reaches outside the "
                           "claim-set folder ('..' or an absolute path): refused\n")


def test_a_symlink_leading_outside_is_refused_naming_the_file(mini: Path, tmp_path: Path):
    outside = tmp_path / "outside.toml"
    (mini / "claims" / "main.toml").rename(outside)
    (mini / "claims" / "main.toml").symlink_to(outside)
    done = validate(mini)
    assert done.returncode == 2
    assert done.stderr == (f"error: claims/main.toml: leads to {outside}, outside the claim-set "
                           f"folder {mini}: refused\n")
    # A symlink that stays inside the folder is read as before.
    (mini / "claims" / "main.toml").unlink()
    shutil.move(outside, mini / "kept.toml")
    (mini / "claims" / "main.toml").symlink_to(mini / "kept.toml")
    assert validate(mini).returncode == 0


async def test_watch_sees_every_file_it_loads_and_a_fifo_does_not_stop_it(mini: Path):
    from bot.answers.engine import Factdesk
    from bot.desk import Desk
    from bot.desk.watch import watch_claimset
    from bot.settings import ClaimsetSettings, Settings

    manifest = mini / "claimset.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'figures = ["figures/*.toml"]', 'figures = ["figures/*.toml", "more/*.figs"]'),
        encoding="utf-8")
    (mini / "more").mkdir()
    shutil.move(mini / "figures" / "other.toml", mini / "more" / "other.figs")
    settings = Settings(claimset=ClaimsetSettings(path=mini))
    desk = Desk(settings, Factdesk(load_claimset(mini)))
    first = desk.engine
    task = asyncio.create_task(watch_claimset(desk, mini, interval=0.02))
    try:
        await asyncio.sleep(0.2)
        os.mkfifo(mini / "claims" / "zz_pipe.toml")  # refused by the reload, logged
        await asyncio.sleep(0.3)
        assert desk.engine is first and not task.done()
        (mini / "claims" / "zz_pipe.toml").unlink()
        figs = mini / "more" / "other.figs"
        figs.write_text(figs.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        for _ in range(250):
            if desk.engine is not first:
                break
            await asyncio.sleep(0.02)
        assert desk.engine is not first  # an edit of a .figs file it loads was seen
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
