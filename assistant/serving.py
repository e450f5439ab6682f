"""What questions need from an index generation, built once with it and kept in it.

A whole generation keeps the parsed corpus it was made from (``corpus.pickle``, used while the
corpus folder's files keep their paths, sizes and times) and, in ``<generation>/serving/``: the
lexical index (bm25s's files, memory-mapped on load, and its term statistics, caution and product
ids) and the corpus's words (their counts for the spelling corrector, each stem's surface form,
which supplement uses which stem, and the surface forms' embeddings for the scope judge's synonym
check, a float32 array).
They are made in one pass over the generation's chunks by the writer, before the generation is
committed (:meth:`KnowledgeIndex._derive`), reusing the serving generation's word vectors and the
machine's word-vector cache (:class:`WordVectorCache`), so only words never embedded before are.
A process starting on the generation loads them instead of recomputing.

A layered generation (:mod:`assistant.index.layers`) keeps nothing of its own: its base's are
loaded and its delta's few chunks laid over them (:meth:`LexicalIndex.with_delta`,
:meth:`CorpusWords.with_delta`). A generation made before this existed gets them built in memory
on load, and saved when the loader can (a reader never fails for want of them). Words of chunks a
layered generation removed stay in its base's counts until the next compaction (they only make a
word count as known).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.catalog import CATALOG_FORMAT, Catalog
from assistant.config import Settings
from assistant.corpus import Corpus, stat_digest
from assistant.domain.vocabulary import vocabulary_digest
from assistant.index import generations
from assistant.index.embeddings import embed_words
from assistant.normalize import surface_forms
from assistant.retrieval import LexicalIndex
from assistant.spelling import words as speller_words

if TYPE_CHECKING:
    from assistant.index.knowledge import KnowledgeIndex

log = logging.getLogger(__name__)

SERVING_DIR = "serving"
#: the saved shape; a generation saved with another is rebuilt in memory on load
FORMAT = 3


@dataclass
class CorpusWords:
    """The corpus's words: counts (spelling), stem -> surface form, stems per supplement, and the
    surface forms' embeddings (the scope judge's synonym check), rows in ``stems`` order."""

    counts: Counter[str] = field(default_factory=Counter)
    forms: dict[str, str] = field(default_factory=dict)
    words_of: dict[str, set[str]] = field(default_factory=dict)
    stems: list[str] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def add(self, d: Document) -> None:
        self.counts.update(speller_words(d.page_content))
        found = surface_forms(str(d.metadata.get("text", d.page_content)))
        self.words_of.setdefault(str(d.metadata.get("supplement", "")), set()).update(found)
        for k, v in found.items():
            self.forms.setdefault(k, v)

    def embed(self, embeddings: Embeddings, known: CorpusWords | None = None,
              cache: WordVectorCache | None = None) -> None:
        """Give every stem a vector: ``known``'s where it has one, then ``cache``'s (by surface
        form), the model's for the rest (which then go into ``cache``)."""
        stems = sorted(self.forms)
        have: dict[str, np.ndarray] = {}
        if known is not None and known.stems:
            have = dict(zip(known.stems, known.vectors, strict=True))
        todo = [s for s in stems if s not in have]
        if todo and cache is not None:
            cached = cache.get([self.forms[s] for s in todo])
            have.update((s, cached[self.forms[s]]) for s in todo if self.forms[s] in cached)
            todo = [s for s in todo if s not in have]
        new: dict[str, np.ndarray] = {}
        if todo:
            texts = [self.forms[s] for s in todo]
            vecs = np.asarray(embed_words(embeddings, texts), dtype=np.float32)
            new.update(zip(todo, vecs, strict=True))
            if cache is not None:
                cache.put(texts, vecs)
        rows = [have[s] if s in have else new[s] for s in stems]
        self.stems = stems
        self.vectors = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)

    def with_delta(self, docs: Iterable[Document], embeddings: Embeddings,
                   cache: WordVectorCache | None = None) -> CorpusWords:
        """These words with a layered generation's delta chunks added (new stems embedded)."""
        out = CorpusWords(Counter(self.counts), dict(self.forms),
                          {k: set(v) for k, v in self.words_of.items()})
        for d in docs:
            out.add(d)
        out.embed(embeddings, known=self, cache=cache)
        return out

    def save(self, folder: Path) -> None:
        np.save(folder / "word_vectors.npy", self.vectors)
        data = {"counts": dict(self.counts), "forms": self.forms, "stems": self.stems,
                "words_of": {k: sorted(v) for k, v in self.words_of.items()}}
        (folder / "words.json").write_text(json.dumps(data), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> CorpusWords:
        data = json.loads((folder / "words.json").read_text(encoding="utf-8"))
        return cls(Counter(data["counts"]), dict(data["forms"]),
                   {k: set(v) for k, v in data["words_of"].items()}, list(data["stems"]),
                   np.load(folder / "word_vectors.npy"))


class WordVectorCache:
    """Word -> vector under one embedding model, kept across builds and indexes (a word's vector
    never changes while the model does not): a rebuild, a compaction or another corpus embeds
    only the words this machine has never embedded. One SQLite file per model, in the model cache
    folder; a cache that cannot be opened is simply not used."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS word (text TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    @classmethod
    def for_settings(cls, settings: Settings) -> WordVectorCache | None:
        key = hashlib.sha256(f"{settings.embedding_model}|{settings.embedding_backend}".encode()).hexdigest()
        try:
            return cls(settings.model_cache_dir / "word-vectors" / f"{key[:16]}.sqlite3")
        except (OSError, sqlite3.Error) as exc:
            log.info("no word-vector cache (%s)", exc)
            return None

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        try:
            for i in range(0, len(texts), 500):
                part = list(texts[i: i + 500])
                rows = self._db.execute(
                    f"SELECT text, vector FROM word WHERE text IN ({','.join('?' * len(part))})", part)
                out.update((t, np.frombuffer(v, dtype=np.float32)) for t, v in rows)
        except sqlite3.Error as exc:
            log.info("word-vector cache unreadable (%s)", exc)
        return out

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        try:
            with self._db:
                self._db.executemany("INSERT OR IGNORE INTO word (text, vector) VALUES (?, ?)",
                                     [(t, np.asarray(v, dtype=np.float32).tobytes())
                                      for t, v in zip(texts, vectors, strict=True)])
        except sqlite3.Error as exc:
            log.info("word-vector cache not written (%s)", exc)


@dataclass
class Serving:
    """What a question needs from one generation."""

    lexical: LexicalIndex
    words: CorpusWords


def gather(pages: Iterable[Sequence[Document]]) -> tuple[LexicalIndex, CorpusWords]:
    """The lexical index and the corpus's words (without vectors), in one pass over the pages."""
    words = CorpusWords()

    def tee() -> Iterator[Sequence[Document]]:
        for page in pages:
            for d in page:
                words.add(d)
            yield page

    return LexicalIndex(tee()), words


def _folder(gen: Path) -> Path:
    return gen / SERVING_DIR


def _readable(folder: Path) -> bool:
    """Is the saved serving data of this format, and made with the vocabulary in use? (A lexicon
    rewrite changes the words of every passage: data saved under another vocabulary is made anew.)"""
    try:
        saved = json.loads((folder / "format.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return saved.get("format") == FORMAT and saved.get("vocabulary") == vocabulary_digest()


def _save(gen: Path, lexical: LexicalIndex, words: CorpusWords) -> None:
    """Write the serving data into ``gen`` atomically (a temporary folder, then one rename)."""
    tmp = gen / f".{SERVING_DIR}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        lexical.save(tmp)
        words.save(tmp)
        (tmp / "format.json").write_text(json.dumps({"format": FORMAT, "vocabulary": vocabulary_digest()}),
                                         encoding="utf-8")
        final = _folder(gen)
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _previous_words(index: KnowledgeIndex) -> CorpusWords | None:
    """The words (with vectors) of the generation that serves now, or of its base."""
    try:
        gen = generations.current_generation(index.settings.index_dir)
    except Exception:  # a damaged CURRENT only means no vectors to reuse
        return None
    for candidate in (gen, _base_of(gen)):
        if candidate is not None and _readable(_folder(candidate)):
            return CorpusWords.load(_folder(candidate))
    return None


def _base_of(gen: Path | None) -> Path | None:
    if gen is None:
        return None
    try:
        name = json.loads((gen / generations.META_FILE).read_text(encoding="utf-8")).get("base")
    except (OSError, ValueError):
        return None
    return gen.parent / name if isinstance(name, str) and name else None


CORPUS_FILE = "corpus.pickle"


def _shape() -> tuple[tuple[str, ...], ...]:
    """The field names of the pickled classes: a snapshot taken by a version whose classes had
    other fields is parsed anew, not loaded half-filled."""
    from assistant import corpus as c

    return tuple(tuple(f.name for f in fields(k)) for k in (Catalog, c.Corpus, c.Monograph, c.Product,
                                                              c.Nutrient, c.Block))


def save_corpus(gen: Path, corpus: Corpus, catalog: Catalog | None = None) -> None:
    """Keep the parsed corpus (and its catalogue) with a generation, under its stat digest, so a
    process starting on an unchanged corpus folder loads it instead of parsing every file."""
    if corpus.stat is None:
        return
    tmp = gen / f".{CORPUS_FILE}-{uuid.uuid4().hex[:8]}"
    try:
        with open(tmp, "wb") as fh:
            pickle.dump({"format": FORMAT, "shape": _shape(), "stat": corpus.stat, "corpus": corpus,
                         "catalog": catalog or Catalog.of(corpus), "catalog_format": CATALOG_FORMAT,
                         "vocabulary": vocabulary_digest()},
                        fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, gen / CORPUS_FILE)
    finally:
        tmp.unlink(missing_ok=True)


def cached_corpus(index: KnowledgeIndex) -> tuple[Corpus, Catalog] | None:
    """The corpus (and catalogue) kept with the serving generation (or its base), if the corpus
    folder's files are still the ones it was parsed from (same paths, sizes and times)."""
    if index.settings.server_mode:
        return None
    now = stat_digest(index.settings.corpus_dir)
    for gen in (index.data_dir, index.base_dir):
        path = gen / CORPUS_FILE if gen is not None else None
        if now is None or path is None or not path.is_file():
            continue
        try:
            with open(path, "rb") as fh:  # written by this program into its own index folder
                data = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.info("cannot read %s (%s): parsing the corpus", path, exc)
            continue
        if (isinstance(data, dict) and data.get("format") == FORMAT and data.get("shape") == _shape()
                and data.get("catalog_format") == CATALOG_FORMAT
                and data.get("stat") == now and data.get("vocabulary") == vocabulary_digest()):
            return data["corpus"], data["catalog"]
    return None


def keep_corpus(index: KnowledgeIndex, corpus: Corpus, catalog: Catalog) -> None:
    """A reader's parse of an unchanged corpus, kept with the serving generation for the next start
    (best effort: a reader never fails for it)."""
    if index.settings.server_mode or not index.committed:
        return
    meta = index.read_meta() or {}
    if corpus.files_digest is None or meta.get("files_digest") != corpus.files_digest:
        return  # the index does not serve these files (yet): sync will make a new generation
    try:
        save_corpus(index.data_dir, corpus, catalog)
    except OSError as exc:
        log.info("cannot keep the parsed corpus in %s (%s)", index.data_dir.name, exc)


def build_and_save(index: KnowledgeIndex, corpus: Corpus | None = None) -> None:
    """Make and save the serving data of a whole generation the writer has just filled (a
    layered one has none of its own), and the parsed ``corpus`` it was made from, when whole."""
    if index.settings.server_mode or index.layered:
        return
    if corpus is not None:
        save_corpus(index.data_dir, corpus)
    lexical, words = gather(index.document_pages())
    words.embed(index.embeddings, known=_previous_words(index),
                cache=WordVectorCache.for_settings(index.settings))
    _save(index.data_dir, lexical, words)


def _base_serving(index: KnowledgeIndex,
                  embeddings: Embeddings | None) -> tuple[LexicalIndex, CorpusWords | None]:
    """The base (or whole) generation's saved data; built in memory when it has none (an index
    made before it existed, or a server's)."""
    base = index.base_dir or index.data_dir
    if not index.settings.server_mode and _readable(_folder(base)):
        return LexicalIndex.load(_folder(base)), CorpusWords.load(_folder(base))
    store = index.store
    pages = store.base.document_pages() if index.layered else store.document_pages()  # type: ignore[union-attr]
    lexical, words = gather(pages)
    if embeddings is None:
        return lexical, None
    words.embed(embeddings, cache=WordVectorCache.for_settings(index.settings))
    if not index.settings.server_mode:
        try:
            _save(base, lexical, words)
        except OSError as exc:
            log.info("cannot save the serving data of %s (%s): kept in memory", base.name, exc)
    return lexical, words


def _delta_docs(index: KnowledgeIndex) -> tuple[list[Document], set[str]]:
    from assistant.index.layers import LayeredStore

    store = index.store
    assert isinstance(store, LayeredStore)
    return [d for page in store.delta.document_pages() for d in page], set(store.removed)


def load(index: KnowledgeIndex, embeddings: Embeddings) -> Serving:
    """The serving data of the index's current generation."""
    lexical, words = _base_serving(index, embeddings)
    assert words is not None
    if index.layered:
        docs, removed = _delta_docs(index)
        lexical = lexical.with_delta(docs, removed)
        words = words.with_delta(docs, embeddings, WordVectorCache.for_settings(index.settings))
    return Serving(lexical, words)


def load_lexical(index: KnowledgeIndex) -> LexicalIndex:
    """The lexical index alone (no model needed)."""
    lexical, _ = _base_serving(index, None)
    if index.layered:
        docs, removed = _delta_docs(index)
        lexical = lexical.with_delta(docs, removed)
    return lexical


__all__ = ["CorpusWords", "Serving", "build_and_save", "cached_corpus", "gather", "keep_corpus", "load",
           "load_lexical"]
