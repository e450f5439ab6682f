"""The extractive answer: sentences of the retrieved passages, each with its [n] citation.

Pure logic over retrieved hits: choose the sentences that answer the question and answer blank
Dosage Guide fields as blank. Every sentence of an answer is either verbatim source text or a fixed
template filled only with text of the passage it cites, so a number in an answer always stands in
its cited snippet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from langchain_core.documents import Document

from assistant import messages as msg
from assistant.answer.cautions import is_injection
from assistant.answer.citations import CitationBook
from assistant.chunking import chunk_sentences
from assistant.domain.page_format import one_line, value_lines
from assistant.doses import parse_doses
from assistant.normalize import fold, tokens, word_root
from assistant.nutrients import read_nutrients
from assistant.retrieval import Hit

# --------------------------------------------------------------------------- sentence choice


@dataclass
class Candidate:
    hit: Hit
    start: int
    end: int
    text: str
    score: float


def score_sentences(question_terms: Sequence[str], hits: Sequence[Hit], idf: Mapping[str, float],
                    default_idf: float) -> list[Candidate]:
    """Every sentence of the hits, scored by IDF-weighted term coverage and the passage's score."""
    q = list(dict.fromkeys(question_terms))
    weights = {t: idf.get(t, default_idf) for t in q}
    total = sum(weights.values()) or 1.0
    best_dense = max((h.dense_score for h in hits), default=1.0) or 1.0
    seen_spans: set[tuple[str, int, int]] = set()
    out: list[Candidate] = []
    for rank, h in enumerate(hits):
        meta = h.document.metadata
        text = str(meta.get("text", h.document.page_content))
        base = int(meta.get("start", 0))
        for s, e in chunk_sentences(text, str(meta.get("kind", ""))):
            key = (str(meta.get("source")), base + s, base + e)
            if key in seen_spans:
                continue
            seen_spans.add(key)
            sent_terms = set(tokens(text[s:e]))
            if meta.get("kind") in {"field", "product"}:
                sent_terms |= set(tokens(str(meta.get("title", ""))))
            if missing := [t for t in q if t not in sent_terms]:  # "lowered" says the question's "lower"
                roots = {word_root(t) for t in sent_terms}
                sent_terms |= {t for t in missing if word_root(t) in roots}
            cov = sum(w for t, w in weights.items() if t in sent_terms) / total
            dense = max(0.0, h.dense_score) / best_dense
            score = 0.55 * cov + 0.35 * dense + 0.10 / (1 + rank)
            out.append(Candidate(h, s, e, text[s:e], score))
    out.sort(key=lambda c: c.score, reverse=True)
    return out


def choose_sentences(cands: Sequence[Candidate], limit: int, ratio: float = 0.8) -> list[Candidate]:
    """The best sentence and those close to it (at most ``limit``), in source order per passage."""
    if not cands:
        return []
    best = cands[0].score
    chosen = [c for c in cands if c.score >= ratio * best][:limit]
    return chosen


def is_blank_field(doc: Document) -> bool:
    return doc.metadata.get("kind") == "field" and bool(doc.metadata.get("blank"))


def blank_field_sentence(doc: Document) -> str:
    text = str(doc.metadata.get("text", ""))
    subtitle = text.split("\n", 1)[0].strip()
    return msg.BLANK_TEMPLATE.format(field=doc.metadata.get("title", "field"), subtitle=subtitle)


_SOURCE_REF = re.compile(r"\[(\d+)\]")


def render_field(doc: Document, question: str = "") -> str:
    """A Dosage Guide field in one line: 'Field (subtitle): value lines' (verbatim parts); with a
    question that names a population ("women 19-50", "over 70"), only the values for it."""
    if is_blank_field(doc):
        return blank_field_sentence(doc)
    text = str(doc.metadata.get("text", ""))
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    named = _values_for_people(doc, question) if len(lines) > 1 else None
    if named is not None:  # the people the question names, read as the Dosage Guide reads them
        subtitle, values = lines[0], named
    elif len(lines) > 1:  # a value over two lines (the second in lower case) is one, chosen by its first
        spans = value_lines(text)
        firsts = [text[s:e].split("\n", 1)[0].strip() for s, e in spans]
        chosen = set(values_for(question, firsts))
        subtitle = lines[0]
        values = [one_line(text[s:e]) for (s, e), f in zip(spans, firsts, strict=True) if f in chosen]
    else:
        subtitle, values = "", lines
    head = f"{doc.metadata.get('title')}" + (f" ({subtitle})" if subtitle else "")
    from assistant.answer.dosage import asks_forms, unnamed_note  # (imports this)

    note = unnamed_note(str(doc.metadata.get("title", "")), values, asks_forms(question))
    return f"{head}: " + "; ".join(v.rstrip(".") for v in values) + "." + note


def cited_field(doc: Document, question: str, book: CitationBook, score: float = 0.0) -> str:
    """A Dosage Guide field quoted whole in one line (:func:`render_field`), cited."""
    marker = book.cite(doc, (0, len(str(doc.metadata.get("text", "")))), score)
    return f"{render_field(doc, question)} [{marker}]"


_POPULATION_SPLIT = re.compile(r"\s[—–-]\s|\s[—–]|[—–]\s")


def _values_for_people(doc: Document, question: str) -> list[str] | None:
    """The field's values that fit the people the question names, as the Dosage Guide cues read
    people (ages, groups), narrowed by the words they share with it; every value when none fits
    them; None when it names no people."""
    from assistant.answer.dosage import field_from_doc, match_score, people_in  # (imports this)

    people = people_in(question)
    if not people.named:
        return None
    values = field_from_doc(doc).values
    fit = [v for v in values if (score := match_score(people, v.people)) is not None and score >= 0]
    text = str(doc.metadata.get("text", ""))
    if not fit:
        return [one_line(text[v.start:v.end]) for v in values]
    # among those that fit, the ones whose people share the most words with the question
    firsts = {text[v.start:v.end].split("\n", 1)[0].strip(): v for v in fit}
    return [one_line(text[firsts[f].start:firsts[f].end]) for f in values_for(question, list(firsts))]


def _in_people_asked(question: str, scored: list[Candidate]) -> list[Candidate]:
    """Without the findings in people in a state the ones the question names are not said to be in
    ("my gran is 85, ...": not a finding in pregnancy), read from the finding's population; a finding
    of harm always stays (it may be the caution the question needs)."""
    from assistant.answer.dosage import in_another_state, people_in  # (imports this)
    from assistant.followup import about_a_study
    from assistant.normalize import without_negated_mentions

    asked = people_in(without_negated_mentions(question))
    if not asked.named or about_a_study(question):  # "he wants what the <...> trial gave": its people
        return scored
    out = []
    for c in scored:
        doc = c.hit.document
        if doc.metadata.get("kind") == "finding":
            result, population = _finding_people(str(doc.metadata.get("text") or doc.page_content),
                                                 str(doc.metadata.get("supplement") or ""))
            if result != "harm" and population and in_another_state(asked, people_in(population)):
                continue
        out.append(c)
    return out


@functools.lru_cache(maxsize=4096)
def _finding_people(text: str, supplement: str) -> tuple[str, str | None]:
    """A finding sentence's result and population, read once per sentence."""
    from assistant.answer.studies import record_from_text

    r = record_from_text(text, supplement, None, "")
    return r.result, r.population


def values_for(question: str, values: Sequence[str]) -> list[str]:
    """The value lines whose population (the part after the dash: "18 mg — women 19–50") shares
    the most words and numbers with the question; every line when none shares any."""
    asked = set(tokens(question))
    if not asked or len(values) < 2:
        return list(values)
    scored = []
    for v in values:
        parts = _POPULATION_SPLIT.split(v, maxsplit=1)
        population = set(tokens(parts[1])) if len(parts) > 1 else set()
        scored.append(len(asked & population))
    best = max(scored)
    return [v for v, sc in zip(values, scored, strict=True) if sc == best] if best else list(values)


#: a page's reference marker as :func:`render_sentence` writes it ("(ref. 5)", "(ref. 5; ref. 4)"),
#: an answer's citation marker ("[1]"), and a figure: a number that is no part of a name (a form's)
_RENDERED_REF = re.compile(r"\(ref\.[^)]*\)|\[\d+\]")
_FIGURE = re.compile(r"(?<![\w.,-])\d")


def states_figure(line: str, kind: re.Pattern[str] | None = None) -> bool:
    """Does an answer line state a figure (of ``kind``, a pattern over the folded line, if given;
    its reference and citation markers aside)?"""
    text = _RENDERED_REF.sub("", line)
    return (kind.search(fold(text)) if kind is not None else _FIGURE.search(text)) is not None


def render_sentence(cand: Candidate) -> str:
    """A product sentence is prefixed by the product's title so 'This supplement' has a referent.

    The page's own reference markers ("[5]") become "(ref. 5)" so they never read as citations.
    """
    meta = cand.hit.document.metadata
    text = _SOURCE_REF.sub(r"(ref. \1)", cand.text.strip()).replace(")(ref.", "; ref.")
    if meta.get("kind") == "product" and not text.startswith(str(meta.get("title", ""))):
        return f"{meta.get('title')} — {text}"
    if meta.get("kind") == "field":
        return f"{meta.get('title')}: {text}"
    return text


_AMOUNT_FIELD = re.compile(r"\b(?:allowance|dose|doses|dosage|limit|intake|amount)\b", re.IGNORECASE)
_DOSE_INTENT = re.compile(r"\b(how much|how many|dose|doses|dosage|amount|mg|mcg|µg|μg|ug|micrograms?|"
                          r"milligrams?|iu|per day|daily)\b")
_DOSE_SUPERLATIVE = re.compile(r"\b(highest|largest|biggest|maximum|lowest|smallest|minimum)\b")


def boost_candidates(question: str, cands: list[Candidate]) -> list[Candidate]:
    """Question-shape priors: a dose question prefers sentences that state a dose; an amount
    named in the question prefers the passages that state that same amount (units normalised)."""
    q = fold(question)
    dose_intent = bool(_DOSE_INTENT.search(q))
    keys = {d.key() for d in parse_doses(question)}
    for c in cands:
        doses = parse_doses(c.text)
        if dose_intent and doses:
            c.score += 0.15
        if keys and any(d.key() in keys for d in doses):
            c.score += 0.3
    cands.sort(key=lambda c: c.score, reverse=True)
    return cands


def dose_extreme(question: str, cands: Sequence[Candidate]) -> list[Candidate]:
    """'The highest/lowest dose in the research': the sentence holding the extreme dose in µg."""
    q = fold(question)
    m = _DOSE_SUPERLATIVE.search(q)
    if not m or not re.search(r"\bdos(?:e|es|age|ing)\b", q):
        return []
    want_max = m.group(1) in {"highest", "largest", "biggest", "maximum"}
    scoped = [c for c in cands if c.hit.document.metadata.get("kind") in {"finding", "prose", "note"}]
    asked = {n.nutrient.casefold() for n in read_nutrients(question)}
    if asked:  # a nutrient named: its own doses only (its forms count; a sibling nutrient's do not)
        scoped = [c for c in scoped if asked & {n.nutrient.casefold() for n in read_nutrients(c.text)}]
    best: tuple[float, Candidate] | None = None
    for c in scoped:
        for d in parse_doses(c.text):
            ug = d.micrograms
            if ug is None:
                continue
            if best is None or (ug > best[0] if want_max else ug < best[0]):
                best = (ug, c)
    return [best[1]] if best else []


def compose_extractive(question: str, question_terms: Sequence[str], hits: Sequence[Hit],
                       idf: Mapping[str, float], default_idf: float, limit: int, book: CitationBook,
                       exclude_numbers: bool = False, skip_chunks: frozenset[str] = frozenset(),
                       skipped_set_bar: bool = True, people_question: str | None = None) -> list[str]:
    """Sentences with their [n] markers.

    ``exclude_numbers`` drops sentences that hold a number (a personal-dose request);
    ``skip_chunks`` are passages already shown (cautions): they still set the bar the other
    sentences must reach, so a caution question does not pull in weak extras (unless
    ``skipped_set_bar`` is false: the cautions came with the conversation, the turn asks another thing);
    ``people_question``: the words a field's values are chosen by for the people they name, when not
    the question's (a follow-up naming its own people: "what about women over 50?").
    """
    scored = boost_candidates(question, score_sentences(question_terms, hits, idf, default_idf))
    scored = _in_people_asked(question, scored)
    cands = [c for c in scored if c.hit.chunk_id not in skip_chunks and not is_injection(c.text)]
    setting = scored if skipped_set_bar else cands  # the candidates whose best sets the bar
    bar = setting[0].score if setting else 0.0
    if exclude_numbers:  # a field is quoted whole: none of it may hold a number either
        cands = [c for c in cands if not re.search(r"\d", c.text) and not (
            c.hit.document.metadata.get("kind") == "field"
            and re.search(r"\d", render_field(c.hit.document)))]
    if not cands or cands[0].score < 0.8 * bar:
        return []
    chosen = dose_extreme(question, cands) or choose_sentences(cands, limit)
    top = chosen[0].hit.document
    if top.metadata.get("kind") == "field" and not is_blank_field(top):
        # a field quotes the page's terse wording: add the best passage of another section
        others = [c for c in cands if c.hit.document.metadata.get("section") != top.metadata.get("section")
                  and c not in chosen and c.score >= 0.5 * chosen[0].score]
        # beside an amount field (an allowance, a dose, a limit) only a passage without a dose, so a
        # study dose never reads as the field's value; beside other fields the best passage
        amount_field = bool(_AMOUNT_FIELD.search(str(top.metadata.get("title", ""))))
        other = next((c for c in others if not (amount_field and parse_doses(c.text))), None)
        if other is not None:
            chosen = [*chosen[: max(1, limit - 1)], other]
    if is_blank_field(top):
        # the monograph gives no recommended amount: study doses would read as one
        chosen = [c for c in chosen if not parse_doses(c.text)]
    lines: list[str] = []
    fields_done: set[str] = set()
    for c in chosen:
        doc = c.hit.document
        if doc.metadata.get("kind") == "field":  # a Dosage Guide field is quoted whole, once
            if c.hit.chunk_id in fields_done:
                continue
            fields_done.add(c.hit.chunk_id)
            lines.append(cited_field(doc, people_question or question, book, c.hit.dense_score))
            continue
        marker = book.cite(doc, (c.start, c.end), c.hit.dense_score)
        lines.append(f"{render_sentence(c)} [{marker}]")
    return lines
