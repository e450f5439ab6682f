"""Serving data: the corpus's words and their vectors, the word-vector cache (pure; a counting FAKE
embedder stands in for the model, which the integration tests use for real)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.serving import CorpusWords, WordVectorCache


class FakeEmbeddings(Embeddings):
    """A FAKE embedder: a fixed vector per text (its length and first letter), counting texts."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += texts
        return [[float(len(t)), float(ord(t[0])), 1.0] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _words(*texts: str, supplement: str = "k2") -> CorpusWords:
    w = CorpusWords()
    for t in texts:
        w.add(Document(page_content=t, metadata={"text": t, "supplement": supplement}))
    return w


def test_words_counts_forms_and_vectors(tmp_path: Path) -> None:
    fake = FakeEmbeddings()
    w = _words("Warfarin lowers clotting", "Clotting factors")
    w.embed(fake)
    assert w.counts["clotting"] == 2 and "warfarin" in w.words_of["k2"]
    assert len(w.stems) == w.vectors.shape[0] == len(fake.texts)
    w.save(tmp_path)
    back = CorpusWords.load(tmp_path)
    assert back.stems == w.stems and np.array_equal(back.vectors, w.vectors) and back.counts == w.counts


def test_known_and_cached_words_are_not_embedded_again(tmp_path: Path) -> None:
    cache = WordVectorCache(tmp_path / "words.sqlite3")
    first = FakeEmbeddings()
    base = _words("Warfarin lowers clotting")
    base.embed(first, cache=cache)
    assert first.texts
    again = FakeEmbeddings()
    rebuilt = _words("Warfarin lowers clotting")
    rebuilt.embed(again, cache=WordVectorCache(tmp_path / "words.sqlite3"))  # another build, same machine
    assert again.texts == [] and np.array_equal(rebuilt.vectors, base.vectors)
    delta = FakeEmbeddings()
    grown = base.with_delta([Document(page_content="Warfarin and menaquinone", metadata={"supplement": "k2"})],
                            delta)
    assert "menaquinone" in delta.texts and "warfarin" not in [t.casefold() for t in delta.texts]
    assert any(stem.startswith("menaquinon") for stem in grown.stems)
    assert len(grown.stems) == grown.vectors.shape[0]


def test_supplement_vectors_are_fetched_once_and_bounded_by_rows() -> None:
    """DocumentCache.vectors_of over a stand-in store (a fake: it counts the fetches)."""
    import numpy as np

    from assistant.retrieval import DocumentCache

    class FakeStore:
        calls = 0

        def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
            FakeStore.calls += 1
            return {i: np.ones(3, dtype=np.float32) for i in ids}

    class FakeIndex:
        store = FakeStore()

    cache = DocumentCache(FakeIndex(), vector_rows=4)  # type: ignore[arg-type]
    ids, rows = cache.vectors_of("a", ["a1", "a2", "a3"])
    assert ids == ["a1", "a2", "a3"] and rows.shape == (3, 3)
    cache.vectors_of("a", ["a1", "a2", "a3"])
    assert FakeStore.calls == 1
    cache.vectors_of("b", ["b1", "b2"])  # 5 rows > 4: the oldest group goes
    cache.vectors_of("a", ["a1", "a2", "a3"])
    assert FakeStore.calls == 3


def test_serving_data_saved_under_another_vocabulary_is_made_anew(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A lexicon rewrite changes every passage's words: data saved with another vocabulary is stale."""
    import json

    from assistant.domain.vocabulary import vocabulary_digest
    from assistant.serving import FORMAT, _readable

    (tmp_path / "format.json").write_text(json.dumps({"format": FORMAT, "vocabulary": vocabulary_digest()}))
    assert _readable(tmp_path)
    (tmp_path / "format.json").write_text(json.dumps({"format": FORMAT, "vocabulary": "another"}))
    assert not _readable(tmp_path)
    (tmp_path / "format.json").write_text(json.dumps({"format": FORMAT}))  # saved before the digest
    assert not _readable(tmp_path)


def test_a_delta_chunk_scores_as_in_a_whole_build() -> None:
    """A chunk an edit brings in (a layered generation's delta, scored with the base's statistics)
    gets the score bm25s gives it in a whole build with the same statistics: an edited page's
    chunks do not outrank the others."""
    from assistant.retrieval import LexicalIndex

    texts = ["warfarin lowers clotting factors", "menaquinone supports bone density in women",
             "clotting tests for people on warfarin", "the softgel holds fish oil and vitamin d"]
    docs = [Document(id=f"c{i}", page_content=t, metadata={"supplement": "k2"}) for i, t in enumerate(texts)]
    whole = LexicalIndex([docs])
    layered = LexicalIndex([docs]).with_delta([docs[2]], ["c2"])  # the same chunk, re-added by an edit
    for query in ("warfarin clotting", "bone density", "fish oil softgel"):
        assert dict(layered.search(query, 4)) == pytest.approx(dict(whole.search(query, 4)))


def test_words_written_apart_find_the_page_word_that_joins_them() -> None:
    """A question's "fat soluble" meets a page's "fat-soluble"; words with digits are left alone."""
    from assistant.normalize import joined_pairs
    from assistant.retrieval import LexicalIndex

    docs = [Document(id="a", page_content="A fat-soluble vitamin made in the skin.", metadata={"supplement": "d"}),
            Document(id="b", page_content="Tablets taken with water.", metadata={"supplement": "d"})]
    assert [cid for cid, _ in LexicalIndex([docs]).search("is it fat soluble", 2)] == ["a"]
    assert joined_pairs("fat soluble, omega 3") == ["fat-soluble"]   # not across the comma, not with a digit


def test_words_a_page_joins_are_known_only_written_together() -> None:
    from assistant.answer.scope import joined_known

    vocab = frozenset({"fat-soluble", "yeast-derived", "fat", "soluble", "japan"})
    assert joined_known("is it fat soluble?", vocab) == {"fat", "soluble"}
    assert joined_known("is it safe with a yeast infection?", vocab) == frozenset()  # a part alone is not
