"""Layered generations and the serving data kept in a generation (real model, real embedded Chroma).

An edit writes a small generation over an immutable base; the base's files are never touched; a
delta past its limit is compacted into a new base; a process starting on a generation loads the
lexical index and the corpus's word vectors instead of recomputing them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import assistant.index.knowledge as knowledge
import assistant.pipeline as pipeline
from assistant.config import Settings
from assistant.index.knowledge import KnowledgeIndex
from assistant.index.layers import LayeredStore
from assistant.pipeline import Assistant
from assistant.retrieval import HybridRetriever
from assistant.serving import SERVING_DIR
from tests.integration.test_index import TOTAL, CachedEmbeddings, CountingEmbeddings, _product_file

OLD, NEW = "sub-therapeutic", "subtherapeutic"


@pytest.fixture()
def cached(embeddings: object) -> CachedEmbeddings:
    return CachedEmbeddings(embeddings)  # type: ignore[arg-type]


def _files(gen: Path) -> dict[str, str]:
    return {p.relative_to(gen).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(gen.rglob("*")) if p.is_file()}


def _size(gen: Path) -> int:
    return sum(p.stat().st_size for p in gen.rglob("*") if p.is_file())


def _edit(settings: Settings, prefix: str, old: str, new: str) -> None:
    path = _product_file(settings, prefix)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_lays_a_small_generation_over_an_untouched_base(fresh_settings: Settings,
                                                                cached: CachedEmbeddings) -> None:
    idx = KnowledgeIndex(fresh_settings, cached)
    idx.sync()
    base = idx.data_dir
    assert (base / SERVING_DIR / "lexical.json").is_file()  # built with the generation
    before = _files(base)

    _edit(fresh_settings, "02", OLD, NEW)
    counting = CountingEmbeddings(cached)
    idx = KnowledgeIndex(fresh_settings, counting)
    r = idx.sync()
    assert (r.num_added, r.num_deleted, counting.texts, counting.words) == (1, 1, 1, 0)
    meta = json.loads((idx.data_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["base"] == base.name and meta["chunks"] == TOTAL
    assert idx.layered and isinstance(idx.store, LayeredStore)
    assert _size(idx.data_dir) < _size(base) / 2  # the change, not a copy of the index

    # a new process serves the edit: the new text is found by words and by vector, the old is gone
    a = Assistant(fresh_settings, embeddings=cached, sync=False)
    assert a.index.layered and a.index.count() == TOTAL == a.index.recorded_count()
    texts = [str(m.get("text")) for m in (d.metadata for d in a.index.stored_chunks())]
    assert sum(NEW in t for t in texts) == 1 and not any(OLD in t for t in texts)
    found = a.retriever.lexical.search(NEW, 3)
    [doc] = a.index.documents([found[0][0]])
    assert NEW in str(doc.metadata["text"])
    assert not any(OLD in str(d.metadata["text"]) for d in a.index.documents([i for i, _ in
                                                                              a.retriever.lexical.search(OLD, 50)]))
    hits = HybridRetriever(index=a.index, k=3).search(f"product {NEW} K2 level").hits
    assert NEW in str(hits[0].document.metadata["text"])
    assert _files(base) == before, "the base generation was written to"


def test_a_second_edit_carries_the_delta_and_compaction_folds_it(
        fresh_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    KnowledgeIndex(fresh_settings, cached).sync()
    _edit(fresh_settings, "02", OLD, NEW)
    first = KnowledgeIndex(fresh_settings, cached)
    first.sync()
    base = first.base_dir
    assert base is not None

    _edit(fresh_settings, "05", "K2", "Vitamin K2")
    second = KnowledgeIndex(fresh_settings, cached)
    second.sync()
    assert second.base_dir == base and len(second.records.keys()) == 2  # both edits in the delta
    gens = {p.name for p in fresh_settings.index_dir.glob("gen-*")}
    assert gens == {base.name, first.data_dir.name, second.data_dir.name}

    monkeypatch.setattr(knowledge, "delta_limit", lambda base_chunks: 0)  # the next change compacts
    _edit(fresh_settings, "03", "K2", "vitamin K2")
    counting = CountingEmbeddings(cached)
    third = KnowledgeIndex(fresh_settings, counting)
    r = third.sync()
    assert (r.num_added, counting.texts) == (1, 1)  # the delta's chunks are copied, not re-embedded
    assert not third.layered and third.count() == TOTAL == third.recorded_count()
    assert (third.data_dir / SERVING_DIR / "lexical.json").is_file()
    texts = " ".join(str(d.metadata["text"]) for d in third.stored_chunks())
    assert NEW in texts and OLD not in texts
    # a compacted generation answers as the layered one did
    a = Assistant(fresh_settings, embeddings=cached, sync=False)
    assert a.ask("Does K2 interfere with Coumadin?").cautions
    assert len(list(fresh_settings.index_dir.glob("gen-*"))) <= 3


def test_start_up_loads_the_serving_data_instead_of_reading_every_chunk(
        fresh_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    KnowledgeIndex(fresh_settings, cached).sync()

    def no_pass(self: object, step: int = 1000) -> object:
        raise AssertionError("a pass over every chunk at start-up")

    monkeypatch.setattr(KnowledgeIndex, "document_pages", no_pass)
    monkeypatch.setattr(pipeline, "load_corpus", no_pass)  # the parsed corpus is kept with the index
    counting = CountingEmbeddings(cached)
    a = Assistant(fresh_settings, embeddings=counting, sync=False)
    assert [m.slug for m in a.corpus.monographs] == ["vitamin-k2"] and a.catalog.primary_of
    stems, vectors = a.scope.vocabulary()
    assert "warfarin" in stems and vectors.shape[0] == len(stems)
    assert counting.words == 0 and counting.texts == 0  # nothing embedded at start
    assert a.ask("Does K2 interfere with Coumadin?").cautions
    assert a.ask("Is vitamin K2 good for migraines?").abstained  # the synonym check, from saved vectors


def test_an_index_without_serving_data_still_serves(fresh_settings: Settings,
                                                    cached: CachedEmbeddings) -> None:
    """A generation made before the serving data existed: built in memory, saved for next time."""
    idx = KnowledgeIndex(fresh_settings, cached)
    idx.sync()
    shutil.rmtree(idx.data_dir / SERVING_DIR)
    a = Assistant(fresh_settings, embeddings=cached, sync=False)
    assert a.ask("Does K2 interfere with Coumadin?").cautions
    assert (idx.data_dir / SERVING_DIR / "lexical.json").is_file()


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The corpus folders the Assistant parses from now on (the real parser, each call recorded)."""
    parsed: list[Path] = []
    real = pipeline.load_corpus

    def counting(root: Path, **kwargs: object) -> object:
        parsed.append(Path(root))
        return real(root, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_corpus", counting)
    return parsed


def test_the_kept_corpus_is_used_only_while_the_files_are_unchanged(
        fresh_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    KnowledgeIndex(fresh_settings, cached).sync()
    parsed = _count_parses(monkeypatch)
    Assistant(fresh_settings, embeddings=cached, sync=False)
    assert parsed == []
    _edit(fresh_settings, "02", OLD, NEW)  # the files changed: the kept copy is stale
    a = Assistant(fresh_settings, embeddings=cached)  # parses, then syncs the edit
    assert parsed == [fresh_settings.corpus_dir]
    assert any(NEW in p.text for m in a.corpus.monographs for p in m.products)
    assert a.ask("Does K2 interfere with Coumadin?").cautions


def test_a_kept_corpus_of_other_classes_is_parsed_anew(
        fresh_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot pickled by a version whose catalogue had other fields is not loaded half-filled."""
    import pickle

    from assistant.serving import CORPUS_FILE

    idx = KnowledgeIndex(fresh_settings, cached)
    idx.sync()
    path = idx.data_dir / CORPUS_FILE
    data = pickle.loads(path.read_bytes())
    data["shape"] = (("an", "older", "catalogue"),)
    path.write_bytes(pickle.dumps(data))
    parsed = _count_parses(monkeypatch)
    a = Assistant(fresh_settings, embeddings=cached, sync=False)
    assert parsed == [fresh_settings.corpus_dir]
    assert a.catalog.own_nutrients


def test_a_kept_catalogue_built_by_another_reading_is_built_anew(
        fresh_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalogue kept by a version whose Catalog.of read the corpus otherwise (same fields) is not
    reused: its slot names would be that version's."""
    import pickle

    from assistant.serving import CORPUS_FILE

    idx = KnowledgeIndex(fresh_settings, cached)
    idx.sync()
    path = idx.data_dir / CORPUS_FILE
    data = pickle.loads(path.read_bytes())
    data["catalog_format"] = -1
    path.write_bytes(pickle.dumps(data))
    parsed = _count_parses(monkeypatch)
    Assistant(fresh_settings, embeddings=cached, sync=False)
    assert parsed == [fresh_settings.corpus_dir]
