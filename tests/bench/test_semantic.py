"""bench.semantic: without its optional model it says so in one line and exits 2."""

from __future__ import annotations

import importlib.util

import pytest

from bench import semantic


@pytest.mark.skipif(importlib.util.find_spec("wordllama") is not None,
                    reason="wordllama installed: the measurement itself runs")
def test_without_the_model_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert semantic.main([]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "wordllama" in err[0] and "pip install" in err[0]
