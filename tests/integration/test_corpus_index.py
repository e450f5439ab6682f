"""`assistant index` and sync on a broken corpus exit non-zero and leave the previous index serving."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from langchain_core.embeddings import Embeddings

from assistant.cli import cli
from assistant.config import Settings
from assistant.corpus import CorpusError
from assistant.index.knowledge import KnowledgeIndex
from tests.conftest import CORPUS
from tests.unit.test_corpus import (  # the corpus mutations and their fixture
    CASES,
    Mutation,
    amount_not_in_text,
    invalid_utf8,
)

MONO = "vitamin-k2/monograph.md"
PRODUCT = "vitamin-k2/products/03-ultra-k2-mk-7-plus-d3.md"


# --------------------------------------------------------------------------- `assistant index`


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings) -> Settings:
    """An index built from the good corpus; the bad runs below point at it."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(CORPUS, root / "corpus")
    s = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    idx = KnowledgeIndex(s, embeddings)
    assert idx.sync().num_added == 29
    return s


def _still_answers(s: Settings, embeddings: Embeddings) -> None:
    idx = KnowledgeIndex(s, embeddings)
    idx.check_fingerprint()
    assert idx.count() == 29
    docs = idx.store.langchain.similarity_search("MK-4 osteoporosis dose", k=3)
    assert any(d.metadata["section"] == "Research" and d.metadata.get("ref") == 5 for d in docs)


@pytest.mark.parametrize("mutate", CASES, ids=[c.__name__ for c in CASES])
def test_cli_index_on_bad_corpus_fails_and_keeps_the_index(
    built: Settings, embeddings: Embeddings, bad_root: Path, mutate: Mutation
) -> None:
    rel, line, _problem = mutate(bad_root)
    before = _digest(built.index_dir)
    result = CliRunner().invoke(cli, ["--corpus", str(bad_root), "--index", str(built.index_dir),
                                      "index", "--json"])
    assert result.exit_code != 0
    assert f"{rel}:{line}:" in result.output
    assert "the index was not changed" in result.output
    assert _digest(built.index_dir) == before
    _still_answers(built, embeddings)


def test_cli_index_rebuild_on_bad_corpus_keeps_the_index(built: Settings, embeddings: Embeddings,
                                                         bad_root: Path) -> None:
    rel, line, _ = amount_not_in_text(bad_root)
    before = _digest(built.index_dir)
    result = CliRunner().invoke(cli, ["--corpus", str(bad_root), "--index", str(built.index_dir),
                                      "index", "--rebuild"])
    assert result.exit_code != 0
    assert f"{rel}:{line}:" in result.output
    assert _digest(built.index_dir) == before
    _still_answers(built, embeddings)


def test_cli_index_on_empty_corpus_folder_keeps_the_index(built: Settings, embeddings: Embeddings,
                                                          tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["--corpus", str(empty), "--index", str(built.index_dir), "index"])
    assert result.exit_code != 0
    assert "no monographs" in result.output
    _still_answers(built, embeddings)


def test_sync_api_on_bad_corpus_raises_and_keeps_the_index(built: Settings, embeddings: Embeddings,
                                                           bad_root: Path) -> None:
    invalid_utf8(bad_root)
    s = built.model_copy(update={"corpus_dir": bad_root})
    idx = KnowledgeIndex(s, embeddings)
    with pytest.raises(CorpusError, match=r"vitamin-k2/monograph.md:\d+: invalid UTF-8"):
        idx.sync()
    with pytest.raises(CorpusError):
        idx.rebuild()
    _still_answers(built, embeddings)
