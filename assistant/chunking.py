"""Structure-aware chunks with stable ids (pure functions, no I/O).

A chunk never crosses a section: one per Research finding, per Clinical Note, per Dosage Guide field,
per product; prose (the Overview) in overlapping sentence windows. Each chunk's ``text`` is the
verbatim source at ``start:end`` of its file; ``embed_text`` adds the monograph, section and title
so that the embedding and BM25 see the context a reader sees.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.config import ChunkingSettings
from assistant.corpus import Block, Corpus, Monograph, Product
from assistant.domain.page_format import is_blank

# A sentence ends at . ! or ? (optionally followed by reference markers like [5][4]) before
# white space and an upper-case letter or digit. "e.g.," is not an end (a comma follows), and
# neither is the period of a few abbreviations that are followed by a name ("e.g. Name").
_SENTENCE_END = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bcf)(?<!\bDr)(?<!\bapprox)"
    r"[.!?](?:\[\d+\])*(?=\s+[A-Z0-9\"'(])"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text`` (trimmed, verbatim)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    spans.append((pos, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _split_lines(text: str) -> list[tuple[int, int]]:
    """Lines of a field block as sentence-like units (blank lines skipped)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            s = pos + len(line) - len(line.lstrip())
            out.append((s, pos + len(line.rstrip())))
        pos += len(line) + 1
    return out


def chunk_sentences(text: str, kind: str) -> list[tuple[int, int]]:
    """The quotable units of a chunk: lines for a Dosage Guide field, sentences otherwise."""
    if kind == "field":
        units: list[tuple[int, int]] = []
        for ls, le in _split_lines(text):
            units.extend((ls + s, ls + e) for s, e in split_sentences(text[ls:le]))
        return units
    return split_sentences(text)


@dataclass(frozen=True)
class Chunk:
    """One indexed passage. ``text`` is verbatim source; ``metadata`` goes into Chroma."""

    id: str
    text: str
    embed_text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def stable_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _make(mono: Monograph, section: str, text: str, start: int, end: int, source: str, kind: str,
          title: str, subsection: str | None = None, ref: int | None = None,
          product_id: str | None = None) -> Chunk:
    cid = stable_id(mono.slug, source, section, subsection or "", ref or "", product_id or "", text)
    heading = f"{mono.title} — {section}" + (f" — {title}" if title != section else "")
    meta: dict[str, Any] = {
        "chunk_id": cid,
        "supplement": mono.slug,
        "supplement_title": mono.title,
        "section": section,
        "kind": kind,
        "title": title,
        "source": source,
        "start": start,
        "end": end,
    }
    if subsection is not None:
        meta["subsection"] = subsection
    if ref is not None:
        meta["ref"] = ref
    if product_id is not None:
        meta["product_id"] = product_id
    return Chunk(cid, text, f"{heading}: {text}", meta)


def _block_title(block: Block, note_no: int) -> str:
    if block.kind == "finding":
        return f"Research finding {block.ref}"
    if block.kind == "field":
        return block.subsection or block.section
    if block.kind == "note":
        return f"{block.section} {note_no}"
    return block.section


def chunk_block(mono: Monograph, block: Block, settings: ChunkingSettings, note_no: int = 0) -> list[Chunk]:
    title = _block_title(block, note_no)
    if block.kind != "prose":
        chunk = _make(mono, block.section, block.text, block.start, block.end, block.source, block.kind,
                      title, subsection=block.subsection or (str(block.ref) if block.ref else None),
                      ref=block.ref)
        if block.kind == "field":  # the page gives no value: the answer says so, never a number
            chunk.metadata["blank"] = is_blank(block.text.split("\n")[1:])
        return [chunk]
    sents = split_sentences(block.text)
    w = settings.overview_window
    stride = min(settings.overview_stride, w)  # a stride past the window would skip sentences
    chunks: list[Chunk] = []
    starts = list(range(0, max(1, len(sents) - w + 1), stride))
    if starts[-1] + w < len(sents):
        starts.append(len(sents) - w)
    for i in starts:
        window = sents[i : i + w]
        s, e = window[0][0], window[-1][1]
        chunks.append(
            _make(mono, block.section, block.text[s:e], block.start + s, block.start + e,
                  block.source, "prose", f"{block.section} (sentences {i + 1}–{i + len(window)})")
        )
    return chunks


def chunk_product(mono: Monograph, product: Product) -> Chunk:
    return _make(mono, mono.products_section, product.text, product.start, product.end, product.source,
                 "product", product.title, subsection=product.id, product_id=product.id)


def chunk_monograph(mono: Monograph, settings: ChunkingSettings | None = None) -> list[Chunk]:
    settings = settings or ChunkingSettings()
    chunks: list[Chunk] = []
    notes: dict[str, int] = {}
    for block in mono.blocks:
        n = 0
        if block.kind == "note":
            notes[block.section] = n = notes.get(block.section, 0) + 1
        chunks.extend(chunk_block(mono, block, settings, n))
    chunks.extend(chunk_product(mono, p) for p in mono.products)
    return chunks


def chunk_corpus(corpus: Corpus, settings: ChunkingSettings | None = None) -> list[Chunk]:
    """Every chunk of the corpus, in reading order; ids are unique.

    The same text twice in one place (e.g. a note repeated) keeps both chunks: the second gets an
    id derived from the first and its occurrence number, so ids stay stable across runs.
    """
    return list(iter_chunks(corpus, settings))


def iter_chunks(corpus: Corpus, settings: ChunkingSettings | None = None) -> Iterator[Chunk]:
    """:func:`chunk_corpus` one chunk at a time (a large corpus never holds every chunk at once)."""
    seen: dict[str, int] = {}
    for mono in corpus.monographs:
        for c in chunk_monograph(mono, settings):
            n = seen.get(c.id, 0)
            seen[c.id] = n + 1
            if n:
                cid = stable_id(c.id, n)
                c = replace(c, id=cid, metadata={**c.metadata, "chunk_id": cid})
            yield c
