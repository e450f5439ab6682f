"""Reliability: a killed `assistant index` loses nothing, writers exclude each other, readers move
to a new index when it is complete, and a damaged index is detected with a one-command repair.

The crash tests run the real `assistant index` command in a subprocess, pause it at a named stage
(``ASSISTANT_FAULT_PAUSE``, a hook that does nothing unless set) and SIGKILL it there.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import Assistant, Settings
from assistant.cli import cli
from assistant.index.faults import FAULT_ENV
from assistant.index.generations import CURRENT_FILE, current_generation
from assistant.index.knowledge import IndexBusyError, IndexCorruptError, KnowledgeIndex
from tests.conftest import CORPUS

ASSISTANT_BIN = Path(sys.executable).parent / "assistant"
TOTAL = 29
OLD = "sub-therapeutic level"
NEW = "sub-therapeutic amount"


def product2(settings: Settings) -> Path:
    return next((settings.corpus_dir / "vitamin-k2" / "products").glob("02-*.md"))


@pytest.fixture()
def built(tmp_path: Path, embeddings) -> Settings:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    s = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    KnowledgeIndex(s, embeddings).sync()
    return s


def run_index_until(settings: Settings, stage: str, *args: str, extra_env: dict[str, str] | None = None,
                    timeout: float = 180.0) -> None:
    """Run `assistant index` until it reaches ``stage``, then SIGKILL it."""
    env = {**os.environ, FAULT_ENV: stage, **(extra_env or {})}
    cmd = [str(ASSISTANT_BIN), "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir),
           "index", "--json", *args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    seen = []
    try:
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith(f"FAULT-POINT {stage}"):
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                return
        raise AssertionError(f"`assistant index` never reached {stage}: {''.join(seen)[-2000:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def served_texts(settings: Settings, embeddings) -> list[str]:
    idx = KnowledgeIndex(settings, embeddings)  # a reader: raises if damaged
    return [str(d.metadata["text"]) for d in idx.stored_chunks()]


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["cloned", "synced", "committed"])
def test_killed_index_loses_nothing(built: Settings, embeddings, stage: str) -> None:
    path = product2(built)
    path.write_text(path.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    run_index_until(built, stage)

    texts = served_texts(built, embeddings)
    assert len(texts) == TOTAL and len(set(texts)) == TOTAL  # exact: no duplicates, nothing lost
    joined = " ".join(texts)
    if stage == "committed":
        assert NEW in joined and OLD not in joined
    else:
        assert OLD in joined and NEW not in joined  # the previous index still serves
    ans = Assistant(built, embeddings=embeddings, sync=False).ask(
        "What dose of MK-4 was used in women with osteoporosis?")
    assert "45 mg/day" in ans.text

    result = KnowledgeIndex(built, embeddings, check=False).sync()  # the next run completes
    texts = served_texts(built, embeddings)
    assert len(texts) == TOTAL and len(set(texts)) == TOTAL
    assert NEW in " ".join(texts) and OLD not in " ".join(texts)
    assert result.num_added in (0, 1)
    assert len(list(built.index_dir.glob("gen-*"))) <= 2


@pytest.mark.slow
def test_killed_rebuild_mid_embedding_keeps_the_old_index(built: Settings, embeddings) -> None:
    before = current_generation(built.index_dir)
    run_index_until(built, "embedding", "--rebuild", extra_env={"ASSISTANT_INDEX_BATCH_SIZE": "5"})
    assert current_generation(built.index_dir) == before
    assert len(served_texts(built, embeddings)) == TOTAL
    r = CliRunner().invoke(cli, ["--corpus", str(built.corpus_dir), "--index", str(built.index_dir),
                                 "index", "--json"])
    assert r.exit_code == 0, r.output
    assert len(served_texts(built, embeddings)) == TOTAL


def test_second_writer_is_refused_clearly(built: Settings, embeddings) -> None:
    holder = KnowledgeIndex(built, embeddings)
    with holder.writer_lock():
        with pytest.raises(IndexBusyError, match="being updated"):
            KnowledgeIndex(built, embeddings).sync()
        r = CliRunner().invoke(cli, ["--corpus", str(built.corpus_dir), "--index", str(built.index_dir),
                                     "index", "--json"])
        assert r.exit_code == 1 and "being updated" in r.output
        # a reader starting meanwhile serves the current index instead of waiting
        a = Assistant(built, embeddings=embeddings)
        assert a.ask("Does K2 interfere with Coumadin?").cautions


def test_reader_moves_to_the_new_index(built: Settings, embeddings) -> None:
    reader = Assistant(built, embeddings=embeddings, sync=False)
    q = "What does the 45 mcg product say about its K2 level?"
    assert OLD in " ".join(c.snippet for c in reader.ask(q).citations)
    path = product2(built)
    path.write_text(path.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    r = CliRunner().invoke(cli, ["--corpus", str(built.corpus_dir), "--index", str(built.index_dir),
                                 "index", "--json"])
    assert r.exit_code == 0, r.output
    assert reader.index.is_stale()
    ans = reader.ask(q)
    assert NEW in " ".join(c.snippet for c in ans.citations)
    assert not reader.index.is_stale()


def test_damaged_index_is_detected_and_rebuilt(built: Settings, embeddings) -> None:
    (built.index_dir / CURRENT_FILE).write_text("gen-missing\n", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="assistant index --rebuild"):
        Assistant(built, embeddings=embeddings)
    r = CliRunner().invoke(cli, ["--corpus", str(built.corpus_dir), "--index", str(built.index_dir),
                                 "ask", "RDA of K2?"])
    assert r.exit_code == 1 and "--rebuild" in r.output
    r = CliRunner().invoke(cli, ["--corpus", str(built.corpus_dir), "--index", str(built.index_dir),
                                 "index", "--rebuild", "--json"])
    assert r.exit_code == 0, r.output
    assert len(served_texts(built, embeddings)) == TOTAL


def test_half_written_generation_is_detected(built: Settings, embeddings) -> None:
    gen = current_generation(built.index_dir)
    assert gen is not None
    idx = KnowledgeIndex(built, embeddings)
    idx.store.delete([str(d.id) for d in idx.store.where(limit=3)])
    with pytest.raises(IndexCorruptError, match="26 chunks stored, 29 recorded"):
        Assistant(built, embeddings=embeddings)
    assert KnowledgeIndex(built, embeddings, check=False).rebuild().num_added == TOTAL
    assert len(served_texts(built, embeddings)) == TOTAL
