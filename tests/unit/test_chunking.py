"""Structure-aware chunks: never across a section, verbatim spans, stable unique ids."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from assistant.chunking import Chunk, chunk_corpus, chunk_sentences, split_sentences, stable_id
from assistant.config import ChunkingSettings
from assistant.corpus import Corpus, load_corpus
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def chunks(corpus: Corpus) -> list[Chunk]:
    return chunk_corpus(corpus)


def _by_section(chunks: list[Chunk], section: str) -> list[Chunk]:
    return [c for c in chunks if c.metadata["section"] == section]


def test_sections_and_counts(chunks: list[Chunk]) -> None:
    counts = Counter(c.metadata["section"] for c in chunks)
    assert counts == {"Overview": 6, "Dosage Guide": 4, "Clinical Notes": 4, "Research": 8,
                      "Products Containing Vitamin K2": 7}
    assert len(chunks) == 29


def test_research_one_chunk_per_finding(chunks: list[Chunk]) -> None:
    research = _by_section(chunks, "Research")
    assert [c.metadata["ref"] for c in research] == list(range(1, 9))
    assert [c.metadata["title"] for c in research] == [f"Research finding {i}" for i in range(1, 9)]
    assert all(c.metadata["kind"] == "finding" for c in research)
    assert "45 mg/day" in research[4].text and "720 μg/day" in research[6].text
    for c in research:
        assert len(split_sentences(c.text)) == 1


def test_clinical_notes_one_chunk_each(chunks: list[Chunk]) -> None:
    notes = _by_section(chunks, "Clinical Notes")
    assert len(notes) == 4
    assert notes[0].text.startswith("High-dose vitamin K2 (especially MK-4) may interfere")
    assert notes[1].text.startswith("Monitor INR closely")
    assert all(not c.text.startswith("- ") for c in notes)
    assert [c.metadata["title"] for c in notes] == [f"Clinical Notes {i}" for i in range(1, 5)]


def test_dosage_guide_one_chunk_per_field(chunks: list[Chunk]) -> None:
    fields = _by_section(chunks, "Dosage Guide")
    assert [c.metadata["subsection"] for c in fields] == [
        "Recommended Daily Allowance", "Therapeutic Doses", "Upper Intake Limit", "Special Forms"]
    assert fields[0].text.startswith("For generally healthy individuals")
    assert "No value is listed" in fields[0].text
    assert "High-dose therapy for osteoporosis" in fields[3].text
    assert "Longer half-life" in fields[3].text
    # a field's quotable units are its lines
    units = [fields[3].text[s:e] for s, e in chunk_sentences(fields[3].text, "field")]
    assert units == ["Alternative forms for specific needs",
                     "High-dose therapy for osteoporosis, especially in Japan",
                     "Longer half-life; commonly used in supplements for bone and cardiovascular support"]


def test_one_chunk_per_product(chunks: list[Chunk], corpus: Corpus) -> None:
    products = _by_section(chunks, "Products Containing Vitamin K2")
    assert len(products) == 7
    assert [c.metadata["product_id"] for c in products] == [f"vitamin-k2-p{i}" for i in range(1, 8)]
    assert [c.metadata["title"] for c in products] == [p.title for p in corpus.products]
    assert [c.text for c in products] == [p.text for p in corpus.products]
    assert len({c.metadata["source"] for c in products}) == 7


def test_overview_in_sentence_windows(chunks: list[Chunk], corpus: Corpus) -> None:
    overview = _by_section(chunks, "Overview")
    block = next(b for b in corpus.monographs[0].blocks if b.section == "Overview")
    sents = [block.text[s:e] for s, e in split_sentences(block.text)]
    assert len(sents) == 7
    assert len(overview) == 6  # window 2, stride 1
    for i, c in enumerate(overview):
        assert c.text == f"{sents[i]} {sents[i + 1]}"
        assert c.metadata["title"] == f"Overview (sentences {i + 1}–{i + 2})"
    # every sentence is in some window; markers stay with their sentence
    assert all(any(s in c.text for c in overview) for s in sents)
    assert any(c.text.endswith("[7].") for c in overview)


@pytest.mark.parametrize(("window", "stride", "expected"), [(1, 1, 7), (3, 1, 5), (3, 2, 3), (10, 1, 1),
                                                             (2, 3, 4)])
def test_overview_window_settings(corpus: Corpus, window: int, stride: int, expected: int) -> None:
    chunks = chunk_corpus(corpus, ChunkingSettings(overview_window=window, overview_stride=stride))
    overview = _by_section(chunks, "Overview")
    assert len(overview) == expected
    block = next(b for b in corpus.monographs[0].blocks if b.section == "Overview")
    sents = [block.text[s:e] for s, e in split_sentences(block.text)]
    covered = {s for s in sents if any(s in c.text for c in overview)}
    assert covered == set(sents)  # no sentence is lost, whatever the stride


def test_chunks_never_cross_a_section(chunks: list[Chunk]) -> None:
    for c in chunks:
        assert "\n## " not in c.text and not c.text.startswith("## ")
        assert "\n### " not in c.text
        assert "---" not in c.text
        if c.metadata["section"] != "Dosage Guide":
            assert "\n" not in c.text


def test_each_chunk_is_its_source_span(chunks: list[Chunk]) -> None:
    files: dict[str, str] = {}
    for c in chunks:
        m = c.metadata
        src = files.setdefault(m["source"], (CORPUS / m["source"]).read_text(encoding="utf-8"))
        assert src[m["start"] : m["end"]] == c.text
        assert c.embed_text.endswith(c.text)
        assert c.embed_text.startswith(f"Vitamin K2 — {m['section']}")


def test_metadata(chunks: list[Chunk]) -> None:
    for c in chunks:
        m = c.metadata
        assert m["chunk_id"] == c.id
        assert m["supplement"] == "vitamin-k2" and m["supplement_title"] == "Vitamin K2"
        assert {"section", "kind", "title", "source", "start", "end"} <= set(m)
        assert all(isinstance(v, str | int | float | bool) for v in m.values())  # Chroma-safe


def test_ids_unique_and_stable(corpus: Corpus, chunks: list[Chunk]) -> None:
    ids = [c.id for c in chunks]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    again = chunk_corpus(load_corpus(CORPUS))
    assert [c.id for c in again] == ids
    assert chunk_corpus(corpus) == chunks
    assert stable_id("a", 1) == stable_id("a", 1) != stable_id("a", 2)


def test_ids_do_not_depend_on_where_the_corpus_lives(tmp_path: Path, chunks: list[Chunk]) -> None:
    shutil.copytree(CORPUS, tmp_path / "elsewhere")
    assert [c.id for c in chunk_corpus(load_corpus(tmp_path / "elsewhere"))] == [c.id for c in chunks]


def test_editing_one_product_changes_only_its_chunk_id(tmp_path: Path, chunks: list[Chunk]) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    path = next((root / "vitamin-k2" / "products").glob("02-*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("sub-therapeutic", "subtherapeutic"),
                    encoding="utf-8")
    after = chunk_corpus(load_corpus(root))
    changed = [(a.metadata["title"]) for a, b in zip(chunks, after, strict=True) if a.id != b.id]
    assert changed == ["Supplement: vitamin D3 1,000 IU + vitamin K2 45 mcg"]


def test_repeated_text_keeps_both_chunks_with_distinct_ids(tmp_path: Path, chunks: list[Chunk]) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    mono = root / "vitamin-k2" / "monograph.md"
    note = "- Monitor INR closely if combining any vitamin K supplementation with anticoagulants\n"
    mono.write_text(mono.read_text(encoding="utf-8").replace(note, note + note), encoding="utf-8")
    after = chunk_corpus(load_corpus(root))
    notes = _by_section(after, "Clinical Notes")
    assert len(notes) == 5
    assert notes[1].text == notes[2].text and notes[1].id != notes[2].id
    assert len({c.id for c in after}) == len(after) == 30


# --------------------------------------------------------------------------- sentences


def test_split_sentences_keeps_eg_and_markers() -> None:
    text = ("High-dose vitamin K2 may interfere with anticoagulant therapy (e.g., warfarin); avoid it. "
            "Poor bone quality [5][4]. However, trials [2] were mixed. Dose 1.5 mg/day helps.")
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "High-dose vitamin K2 may interfere with anticoagulant therapy (e.g., warfarin); avoid it.",
        "Poor bone quality [5][4].",
        "However, trials [2] were mixed.",
        "Dose 1.5 mg/day helps.",
    ]


def test_split_sentences_on_the_overview(corpus: Corpus) -> None:
    block = next(b for b in corpus.monographs[0].blocks if b.section == "Overview")
    sents = [block.text[s:e] for s, e in split_sentences(block.text)]
    assert sents[2].endswith("poor bone quality [5][4].")
    assert sents[3].startswith("However,") and sents[3].endswith("[2].")
    assert [s[-4:] for s in sents[3:]] == ["[2].", "[4].", "[5].", "[7]."]


@pytest.mark.parametrize("text", ["Use e.g. Warfarin here.", "Compare MK-4 vs. MK-7 today.",
                                  "One sentence only", "  padded.  "])
def test_split_sentences_single(text: str) -> None:
    spans = split_sentences(text)
    assert len(spans) == 1
    s, e = spans[0]
    assert text[s:e] == text.strip()


def test_split_sentences_offsets_are_verbatim() -> None:
    text = "  First one.  Second [3]. Third!  "
    assert [text[s:e] for s, e in split_sentences(text)] == ["First one.", "Second [3].", "Third!"]
    assert split_sentences("") == []


def test_a_line_states_a_figure_only_outside_names_and_markers() -> None:
    from assistant.answer.extractive import states_figure

    assert not states_figure("MK-7 has a longer half-life than MK-4 (ref. 5; ref. 4) [1]")
    assert states_figure("Low-dose MK-4 (1.5 mg/day) for 4 weeks reduced it. [2]")
