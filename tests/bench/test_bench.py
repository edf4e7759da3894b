"""The benchmark's own machinery: reproducible data, honest answers, well-formed rows."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from bench import report
from bench.__main__ import main as bench_main
from bench.engines import Fts5Engine, read_raw
from bench.generate import files_hash, generate
from bench.queries import KINDS, build_queries, transpose, typo
from bench.worker import percentile

SIZE = 200


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bench")
    world = generate(SIZE, 8, root / "a")
    return root, world


def test_same_seed_writes_identical_files_and_another_seed_does_not(generated) -> None:
    root, _world = generated
    generate(SIZE, 8, root / "b")
    generate(SIZE, 9, root / "c")
    assert files_hash(root / "a") == files_hash(root / "b")
    assert files_hash(root / "a") != files_hash(root / "c")


def test_files_are_a_claim_set_whose_quotes_are_in_their_articles(generated) -> None:
    root, world = generated
    data = root / "a"
    assert (data / "claimset.toml").exists()
    sources = tomllib.loads((data / "sources" / "sources.toml").read_text())["sources"]
    texts = {s["id"]: (data / "sources" / s["file"]).read_text() for s in sources}
    claims = [c for p in sorted((data / "claims").glob("*.toml"))
              for c in tomllib.loads(p.read_text())["claims"]]
    assert [c["id"] for c in claims] == world.claim_ids
    assert len(claims) == SIZE
    for c in claims:
        for a in c["attributions"]:
            assert a["quote"] in texts[a["source"]], (c["id"], a["quote"])
    speakers = tomllib.loads((data / "speakers.toml").read_text())["speakers"]
    assert any(len(s["aliases"]) >= 2 for s in speakers)


def test_real_loader_accepts_the_generated_set(generated) -> None:
    loader = pytest.importorskip("bot.claimset.loader")
    root, _world = generated
    claimset = loader.load_claimset(root / "a")
    assert claimset.counts()["claims"] == SIZE


def test_every_query_has_right_answers_that_exist(generated) -> None:
    _root, world = generated
    spec = build_queries(world, per_kind=6, seed=8, complete_inputs=30)
    queries = spec["queries"]
    assert {q["kind"] for q in queries} == set(KINDS)
    ids = set(world.claim_ids)
    by_id = dict(zip(world.claim_ids, world.statements, strict=True))
    for q in queries:
        assert 1 <= len(q["answers"]) <= 3
        assert set(q["answers"]) <= ids
        if q["kind"] == "exact":  # the phrase is in every answer's statement
            assert all(q["text"].lower() in by_id[a].lower() for a in q["answers"])
        else:  # the claim the query was made from is a right answer
            assert q["target"] in q["answers"]
    assert len(spec["complete_inputs"]) == 30
    assert build_queries(world, per_kind=6, seed=8, complete_inputs=30) == spec


def test_typo_and_transpose_change_the_word_but_not_its_first_letter() -> None:
    import random

    rng = random.Random(1)
    for word in ("Tokayev", "Zharkent", "detained"):
        for _ in range(50):
            for broken in (typo(word, rng), transpose(word, rng)):
                assert broken != word and broken[0] == word[0]


def test_fts5_finds_an_exact_statement(generated) -> None:
    root, world = generated
    engine = Fts5Engine()
    engine.load(root / "a")
    engine.build()
    assert world.claim_ids[5] in engine.search(world.statements[5], 3)
    assert engine.search("ab") == []  # too short for trigrams: no match, no error
    assert len(read_raw(root / "a")) == SIZE


def test_percentile_is_nearest_rank() -> None:
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 99) == 99.0
    assert percentile([3.0], 99) == 3.0


def test_harness_writes_well_formed_rows_and_markdown(tmp_path: Path) -> None:
    md = tmp_path / "BENCH.md"
    md.write_text("# Benchmarks\n\nProse kept.\n")
    code = bench_main([
        "--sizes", str(SIZE), "--engines", "fts5,naive", "--per-kind", "4",
        "--complete-inputs", "20", "--out", str(tmp_path / "out"), "--markdown", str(md),
    ])
    assert code == 0
    rows = json.loads((tmp_path / "out" / "results.json").read_text())
    assert rows and all(set(r) == {"engine", "size", "metric", "value"} for r in rows)
    got = report.index(rows)
    for engine in ("fts5", "naive"):
        assert got[(engine, SIZE, "status")] == "ok"
        for metric in ("search_p50_ms", "search_p99_ms", "complete_p99_ms", "load_index_s",
                       "peak_rss_mb", "search_top3_pct", "search_top3_pct[typo]"):
            value = got[(engine, SIZE, metric)]
            assert isinstance(value, int | float) and value >= 0
        assert got[(engine, SIZE, "search_p50_ms")] <= got[(engine, SIZE, "search_p99_ms")]
        assert 0 <= got[(engine, SIZE, "search_top1_pct")] <= got[(engine, SIZE,
                                                                     "search_top3_pct")] <= 100
    assert got[("data", SIZE, "claims")] == SIZE
    text = md.read_text()
    assert "Prose kept." in text and report.BEGIN in text and "| search p99 (ms) |" in text
    # a second run replaces the generated section instead of appending another
    bench_main(["--sizes", str(SIZE), "--engines", "fts5", "--per-kind", "2",
                "--complete-inputs", "5", "--out", str(tmp_path / "out"), "--markdown", str(md)])
    assert md.read_text().count(report.BEGIN) == 1


def test_factdesk_adapter_answers_with_claim_ids(generated) -> None:
    pytest.importorskip("bot.answers.engine")
    from bench.engines import FactdeskEngine

    root, world = generated
    engine = FactdeskEngine()
    engine.load(root / "a")
    engine.build()
    assert world.claim_ids[7] in engine.search(world.statements[7])[:3]
    assert set(engine.complete(world.statements[7][:12])) <= set(world.claim_ids)
    handler = engine.handler()
    assert handler is not None and handler(world.statements[7])


def test_stories_bench_unloading_gives_the_heap_back(capsys):
    from bench import stories

    assert stories.main(["--stories", "2", "--size", "200", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["unloaded"] == 1
    assert result["heap_all_mb"] > result["heap_after_unload_mb"]
