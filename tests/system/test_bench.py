"""`assistant bench --quick --json` runs end to end and reports every key as a number.

The values are not checked: numbers belong to the benchmark, not to a timed test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from evals.bench.runner import ONNX_KEYS, main

KEYS = (
    "ingest_chunks_per_s", "encode_chunks_per_s", "ingest_ratio",
    "ask_p50_ms", "ask_p95_ms", "bare_search_p50_ms", "ask_vs_bare",
    "baseline_p50_ms", "ask_vs_baseline",
    "cold_start_s",
    "noop_reindex_s", "noop_reindex_embedded",
    "one_file_reindex_s",
)


@pytest.mark.slow
def test_quick_bench_json_is_complete(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MODEL_CACHE_DIR", str(tmp_path / "models"))  # the ONNX export
    assert main(["--quick", "--onnx", "--json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out)  # stdout is exactly one JSON object
    assert isinstance(report, dict)
    assert report["failed"] == []
    missing = [k for k in (*KEYS, *ONNX_KEYS) if k not in report]
    assert not missing, f"keys missing from the JSON: {missing}"
    bad = {k: report[k] for k in (*KEYS, *ONNX_KEYS)
           if isinstance(report[k], bool) or not isinstance(report[k], int | float) or not math.isfinite(report[k])}
    assert not bad, f"keys that are not finite numbers: {bad}"


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--server"]) == 2
    assert main(["--scale", "5"]) == 2
    assert "--scale" in capsys.readouterr().err


def test_synthetic_corpus_loads_and_has_the_chunks_it_claims(tmp_path: Path) -> None:
    from assistant.chunking import chunk_corpus
    from assistant.corpus import load_corpus
    from evals.bench.synthetic import generate_corpus

    info = generate_corpus(tmp_path / "corpus", 600, seed=3)
    corpus = load_corpus(info.root)  # every amount and form stands in its product text
    chunks = chunk_corpus(corpus)
    assert len(chunks) == info.chunks >= 600
    assert len(corpus.monographs) == info.monographs
    assert len(corpus.products) == info.products
    assert {"prose", "field", "note", "finding", "product"} <= {c.metadata["kind"] for c in chunks}
    assert len({c.id for c in chunks}) == len(chunks)
    again = generate_corpus(tmp_path / "again", 600, seed=3)
    first = (info.root / "synthetic-00002" / "monograph.md").read_text(encoding="utf-8")
    assert (again.root / "synthetic-00002" / "monograph.md").read_text(encoding="utf-8") == first
