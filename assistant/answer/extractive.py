"""The extractive answer: sentences of the retrieved passages, each with its [n] citation.

Pure logic over retrieved hits: choose the sentences that answer the question, number the
citations (1-based, in order of first use), answer blank Dosage Guide fields as blank, and
answer questions across products from their structured amounts. Every sentence of an answer is
either verbatim source text or a fixed template filled only with text of the passage it cites,
so a number in an answer always stands in its cited snippet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.answer.cautions import is_injection
from assistant.chunking import chunk_sentences
from assistant.corpus import Nutrient, Product
from assistant.doses import parse_doses
from assistant.normalize import content_tokens, fold, lexical_form, tokens
from assistant.retrieval import Hit
from assistant.types import Citation, ProductRow

#: The one abstention message (shared by code and tests). It holds no number.
ABSTAIN_MESSAGE = (
    "The monograph doesn't cover this question, so I can't answer it from the source. "
    "Please ask a doctor or pharmacist."
)
BLANK_TEMPLATE = "The monograph lists no value for the {field} ({subtitle})."


# --------------------------------------------------------------------------- citations


@dataclass
class CitationBook:
    """Numbers passages in order of first use and collects the highlighted sentences."""

    citations: list[Citation] = field(default_factory=list)
    _by_chunk: dict[str, int] = field(default_factory=dict)

    def cite(self, doc: Document, highlight: tuple[int, int] | None = None, score: float = 0.0) -> int:
        meta = doc.metadata
        cid = str(meta.get("chunk_id") or doc.id)
        if cid not in self._by_chunk:
            ref = meta.get("ref")
            self.citations.append(
                Citation(
                    marker=len(self.citations) + 1,
                    chunk_id=cid,
                    supplement=str(meta.get("supplement", "")),
                    section=str(meta.get("section", "")),
                    subsection=str(meta["subsection"]) if meta.get("subsection") is not None else None,
                    title=str(meta.get("title", "")),
                    source=str(meta.get("source", "")),
                    snippet=str(meta.get("text", doc.page_content)),
                    span=(int(meta.get("start", 0)), int(meta.get("end", 0))),
                    score=round(float(score), 4),
                    ref=int(ref) if ref is not None else None,
                    product_id=str(meta["product_id"]) if meta.get("product_id") else None,
                )
            )
            self._by_chunk[cid] = len(self.citations)
        marker = self._by_chunk[cid]
        if highlight is not None:
            c = self.citations[marker - 1]
            if highlight not in c.highlights:
                c.highlights.append(highlight)
        return marker


# --------------------------------------------------------------------------- sentence choice


@dataclass
class Candidate:
    hit: Hit
    start: int
    end: int
    text: str
    score: float


def score_sentences(question_terms: Sequence[str], hits: Sequence[Hit], idf: dict[str, float],
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
    return BLANK_TEMPLATE.format(field=doc.metadata.get("title", "field"), subtitle=subtitle)


_SOURCE_REF = re.compile(r"\[(\d+)\]")


def render_field(doc: Document) -> str:
    """A Dosage Guide field in one line: 'Field (subtitle): value lines' (verbatim parts)."""
    if is_blank_field(doc):
        return blank_field_sentence(doc)
    lines = [ln.strip() for ln in str(doc.metadata.get("text", "")).split("\n") if ln.strip()]
    subtitle, values = (lines[0], lines[1:]) if len(lines) > 1 else ("", lines)
    head = f"{doc.metadata.get('title')}" + (f" ({subtitle})" if subtitle else "")
    return f"{head}: " + "; ".join(v.rstrip(".") for v in values) + "."


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
    lex_q = lexical_form(question)
    scoped = [c for c in cands if c.hit.document.metadata.get("kind") in {"finding", "prose", "note"}]
    if re.search(r"\bk2\b", lex_q):  # vitamin K2 asked: K2 forms only, not K1
        scoped = [c for c in scoped if re.search(r"\b(k2|mk4|mk7)\b", lexical_form(c.text))]
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
                       idf: dict[str, float], default_idf: float, limit: int, book: CitationBook,
                       exclude_numbers: bool = False, skip_chunks: frozenset[str] = frozenset()) -> list[str]:
    """Sentences with their [n] markers.

    ``exclude_numbers`` drops sentences that hold a number (a personal-dose request);
    ``skip_chunks`` are passages already shown (cautions): they still set the bar the other
    sentences must reach, so a caution question does not pull in weak extras.
    """
    cands = boost_candidates(question, score_sentences(question_terms, hits, idf, default_idf))
    bar = cands[0].score if cands else 0.0
    cands = [c for c in cands if c.hit.chunk_id not in skip_chunks and not is_injection(c.text)]
    if exclude_numbers:
        cands = [c for c in cands if not re.search(r"\d", c.text)]
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
            text = str(doc.metadata.get("text", ""))
            marker = book.cite(doc, (0, len(text)), c.hit.dense_score)
            lines.append(f"{render_field(doc)} [{marker}]")
            continue
        marker = book.cite(doc, (c.start, c.end), c.hit.dense_score)
        lines.append(f"{render_sentence(c)} [{marker}]")
    return lines


# --------------------------------------------------------------------------- products

_SUPERLATIVE_MAX = re.compile(r"\b(most|highest|largest|biggest|strongest|max(?:imum)?|greatest|more)\b")
_SUPERLATIVE_MIN = re.compile(r"\b(least|lowest|smallest|weakest|min(?:imum)?|fewest|less)\b")
_PRODUCT_WORDS = re.compile(r"\b(products?|supplements?|brands?|which one|which ones|formulations?|"
                            r"options?|pills?|softgels?|capsules?|drops?|multivitamins?)\b")
_WHICH = re.compile(r"\b(which|any|list|all|every|compare|comparison|rank|how many)\b")


@dataclass
class ProductQuery:
    nutrient: str | None  # "vitamin K2", "vitamin D3", "zinc", ...
    form: str | None  # "MK-7"
    direction: str | None  # "max" | "min" | None (a filter)
    missing: bool = False  # "which products don't say how much K2"


def parse_product_query(question: str, nutrient_names: Sequence[str]) -> ProductQuery | None:
    """A question across products ('which has the most K2', 'which one has zinc'), or None."""
    q = fold(question)
    direction = "max" if _SUPERLATIVE_MAX.search(q) else "min" if _SUPERLATIVE_MIN.search(q) else None
    if not _PRODUCT_WORDS.search(q) or not (_WHICH.search(q) or direction):
        return None
    if parse_doses(question):
        return None  # an amount names one product: a lookup, not a comparison
    lex = lexical_form(question)
    form = None
    for f in ("mk4", "mk7"):
        if re.search(rf"\b{f}\b", lex):
            form = f"MK-{f[-1]}"
    nutrient = None
    for name in nutrient_names:
        if name_in_question(name, lex):
            nutrient = name
            break
    if direction and nutrient is None:
        nutrient = next((n for n in nutrient_names if n.casefold().endswith("k2")), None)
    if nutrient is None and form is None:
        return None
    missing = bool(re.search(r"\b(?:don'?t|do not|doesn'?t|does not|without|no|lack\w*|missing)\b", q))
    return ProductQuery(nutrient, form, None if missing else direction, missing)


def name_in_question(name: str, lex_question: str) -> bool:
    """Is nutrient ``name`` ('vitamin K2', 'zinc', 'B-complex vitamins') named in the question?"""
    lex_name = lexical_form(name)
    toks = [t for t in content_tokens(lex_name)] or tokens(lex_name)
    key = toks[0] if toks else lex_name
    if re.search(rf"\b{re.escape(key)}\b", lex_question):
        return True
    short = key.replace("vitamin_", "")
    return bool(short and len(short) >= 2 and re.search(rf"\b{re.escape(short)}\b", lex_question))


def product_amount_text(product: Product, nutrient: str) -> tuple[str | None, str | None, str | None]:
    n = product.nutrient(nutrient)
    if n is None:
        return None, None, None
    return n.amount, n.unit, n.form


def compose_products(pq: ProductQuery, products: Sequence[Product], product_docs: dict[str, Document],
                     book: CitationBook) -> tuple[list[str], list[ProductRow]]:
    """Answer a question across products from their structured amounts; every product cited."""
    lines: list[str] = []
    rows: list[ProductRow] = []

    def cite(p: Product, amount: str | None) -> int:
        doc = product_docs[p.id]
        hl = None
        if amount and amount in p.text:
            s = p.text.index(amount)
            hl = (s, s + len(amount))
        return book.cite(doc, hl)

    def add_row(p: Product, nutrient: str, marker: int) -> None:
        amount, unit, form = product_amount_text(p, nutrient)
        rows.append(ProductRow(product=p.title, nutrient=nutrient, amount=amount, unit=unit, form=form,
                               marker=marker))

    if pq.direction and pq.nutrient:
        nutrient = pq.nutrient
        known = [(p, p.nutrient(nutrient)) for p in products]
        with_amount = [(p, n) for p, n in known if n is not None and n.micrograms is not None]
        without = [p for p, n in known if n is None or n.micrograms is None]
        if not with_amount:
            return [], []
        values = [n.micrograms for _, n in with_amount if n.micrograms is not None]
        target = max(values) if pq.direction == "max" else min(values)
        top = [(p, n) for p, n in with_amount if n.micrograms == target]
        word = "most" if pq.direction == "max" else "least"
        names = []
        for p, n in top:
            m = cite(p, n.amount)
            names.append(f"{p.title} ({nutrient} {n.amount}) [{m}]")
        lines.append(f"Of the products that state an amount, the {word} {nutrient} per serving is in: "
                     + "; ".join(names) + ".")
        for p, n in sorted(with_amount, key=lambda pn: pn[1].micrograms or 0.0,
                           reverse=pq.direction == "max"):
            add_row(p, nutrient, cite(p, n.amount))
        if without:
            marks = [f"{p.title} [{cite(p, None)}]" for p in without]
            lines.append(f"These do not state an amount of {nutrient}: " + "; ".join(marks) + ".")
        return lines, rows

    if pq.missing and pq.nutrient:
        nutrient = pq.nutrient
        lacking = [p for p in products if (p.nutrient(nutrient) or Nutrient(nutrient)).amount is None]
        if not lacking:
            lines.append(f"Every product description states an amount of {nutrient}.")
            return lines, rows
        parts = []
        for p in lacking:
            m = cite(p, None)
            parts.append(f"{p.title} [{m}]")
            add_row(p, nutrient, m)
        lines.append(f"These product descriptions state no amount of {nutrient}: " + "; ".join(parts) + ".")
        return lines, rows

    matching: list[Product] = []
    for p in products:
        if pq.nutrient and p.nutrient(pq.nutrient) is None:
            continue
        if pq.form:
            found = p.nutrient(pq.nutrient) if pq.nutrient else None
            forms = [x.form for x in ([found] if found else p.nutrients) if x and x.form]
            if pq.form not in forms:
                continue
        matching.append(p)
    what = " ".join(x for x in (pq.nutrient, f"as {pq.form}" if pq.form else None) if x)
    if not matching:
        lines.append(f"None of the product descriptions states {what}.")
        return lines, rows
    parts = []
    for p in matching:
        nutrient = pq.nutrient or next((x.nutrient for x in p.nutrients if x.form == pq.form), "")
        amount, _, form = product_amount_text(p, nutrient)
        m = cite(p, amount)
        detail = ", ".join(x for x in (amount, form) if x)
        parts.append(f"{p.title}" + (f" ({nutrient} {detail})" if detail else "") + f" [{m}]")
        add_row(p, nutrient, m)
    lines.append(f"Products whose description states {what}: " + "; ".join(parts) + ".")
    return lines, rows
