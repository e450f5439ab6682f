"""Eval metrics: pure functions over cases, ranked passages and answers (no model, no I/O).

Retrieval
    A ranked list of :class:`Passage` labels is judged against a case's gold: a passage is
    relevant when it carries one of the case's ``gold_refs`` (finding number),
    ``gold_products`` (product id) or ``gold_fields`` (Dosage Guide field); a passage of another
    of its ``gold_sections`` (one without item-level gold, e.g. the Overview beside gold
    findings) counts as a whole. ``hit@k``,
    ``P@k``, ``R@k`` and ``RR@k`` follow the trec_eval definitions (checked against
    ``ir_measures`` in ``tests/test_eval_metrics.py``).

Answers
    ``must_include`` / ``must_not_include`` are ``re.search(rx, text, re.IGNORECASE)``.
    Citation validity: every ``[n]`` of the text names a citation, and every number of each
    segment (text up to and including a run of ``[n]`` markers) stands in the snippet(s) the run
    cites (:func:`assistant.doses.unsupported_numbers`). Text after the last marker cites
    nothing, so any number in it is unsupported.

An error while answering a case counts against every check of that case (it never makes a rate
look better and it is never skipped).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.domain.page_format import DOSAGE_GUIDE, RESEARCH
from assistant.doses import unsupported_numbers

CASE_KEYS = ("id", "category", "question", "history", "must_include", "must_not_include",
             "gold_sections", "gold_refs", "gold_products", "gold_fields", "must_caution",
             "must_abstain", "supplement", "split", "must_caution_kinds", "scope")
#: the splits of the eval set: tune on dev; test is written first and never tuned on
SPLITS = ("dev", "test")


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """One line of ``evals/cases.jsonl`` (schema in ``evals/README_cases.md``)."""

    id: str
    category: str
    question: str
    history: tuple[dict[str, str], ...] = ()
    must_include: tuple[str, ...] = ()
    must_not_include: tuple[str, ...] = ()
    gold_sections: tuple[str, ...] = ()
    gold_refs: tuple[int, ...] = ()
    gold_products: tuple[str, ...] = ()
    gold_fields: tuple[str, ...] = ()
    must_caution: bool = False
    must_abstain: bool = False
    #: the monograph the case is about ("cross": several)
    supplement: str = ""
    split: str = "dev"
    #: the interaction classes whose cautions the answer must carry
    must_caution_kinds: tuple[str, ...] = ()
    #: the monograph the conversation is limited to (the web chat's selector), or None: all
    scope: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Case:
        missing = [k for k in ("id", "category", "question") if k not in d]
        if missing:
            raise ValueError(f"case {d.get('id', '?')!r} lacks {missing}")
        unknown = sorted(set(d) - set(CASE_KEYS))
        if unknown:
            raise ValueError(f"case {d['id']!r} has unknown keys {unknown}")
        for rx in [*d.get("must_include", []), *d.get("must_not_include", [])]:
            try:
                re.compile(rx, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"case {d['id']!r}: bad regex {rx!r}: {exc}") from exc
        return cls(
            id=str(d["id"]), category=str(d["category"]), question=str(d["question"]),
            history=tuple({"role": str(t["role"]), "content": str(t["content"])}
                          for t in d.get("history", [])),
            must_include=tuple(d.get("must_include", [])),
            must_not_include=tuple(d.get("must_not_include", [])),
            gold_sections=tuple(d.get("gold_sections", [])),
            gold_refs=tuple(int(r) for r in d.get("gold_refs", [])),
            gold_products=tuple(d.get("gold_products", [])),
            gold_fields=tuple(d.get("gold_fields", [])),
            must_caution=bool(d.get("must_caution", False)) or bool(d.get("must_caution_kinds")),
            must_abstain=bool(d.get("must_abstain", False)),
            supplement=str(d.get("supplement", "")),
            split=_split(d),
            must_caution_kinds=tuple(str(k) for k in d.get("must_caution_kinds", [])),
            scope=str(d["scope"]) if d.get("scope") else None,
        )

    @property
    def has_specific_gold(self) -> bool:
        return bool(self.gold_refs or self.gold_products or self.gold_fields)

    @property
    def has_gold(self) -> bool:
        return self.has_specific_gold or bool(self.gold_sections)


def _split(d: Mapping[str, Any]) -> str:
    split = str(d.get("split", "dev"))
    if split not in SPLITS:
        raise ValueError(f"case {d['id']!r}: split must be one of {SPLITS}, not {split!r}")
    return split


# --------------------------------------------------------------------------- retrieval


@dataclass(frozen=True)
class Passage:
    """What a retrieved passage is about: its section(s), finding(s), product(s), field(s).

    A chunk of the assistant's index has one of each at most; a chunk of the baseline's raw
    page can span several (it is labelled by the index chunks it covers).
    """

    id: str
    supplement: str = ""
    sections: frozenset[str] = frozenset()
    refs: frozenset[int] = frozenset()
    products: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()

    @classmethod
    def from_metadata(cls, pid: str, meta: Mapping[str, Any]) -> Passage:
        """From chunk metadata (``section``, ``ref``, ``product_id``, ``subsection``, ``title``)."""
        section = meta.get("section")
        ref = meta.get("ref")
        product = meta.get("product_id")
        fields: set[str] = set()
        if section == DOSAGE_GUIDE:
            fields = {str(v) for v in (meta.get("subsection"), meta.get("title")) if v}
        return cls(
            id=pid,
            supplement=str(meta.get("supplement", "")),
            sections=frozenset({str(section)} if section else set()),
            refs=frozenset({int(ref)} if ref not in (None, "") else set()),
            products=frozenset({str(product)} if product else set()),
            fields=frozenset(fields),
        )

    @classmethod
    def merge(cls, pid: str, parts: Iterable[Passage]) -> Passage:
        parts = list(parts)
        return cls(
            id=pid,
            supplement=next((p.supplement for p in parts if p.supplement), ""),
            sections=frozenset().union(*(p.sections for p in parts)),
            refs=frozenset().union(*(p.refs for p in parts)),
            products=frozenset().union(*(p.products for p in parts)),
            fields=frozenset().union(*(p.fields for p in parts)),
        )


def _specific_section(section: str, case: Case) -> bool:
    """Is ``section`` one whose gold the case names item by item (findings, fields, products)?"""
    return bool((case.gold_refs and section == RESEARCH)
                or (case.gold_fields and section == DOSAGE_GUIDE)
                or (case.gold_products and section.startswith("Products")))


def is_relevant(passage: Passage, case: Case) -> bool:
    """Gold findings, fields and products decide within their own sections; any other section
    the case names as holding its answer counts as a whole; all of it within the monograph the
    case is about (sections compared without regard to case: pages write them variously)."""
    if case.supplement not in ("", "cross") and passage.supplement and passage.supplement != case.supplement:
        return False
    if (passage.refs & set(case.gold_refs) or passage.products & set(case.gold_products)
            or passage.fields & set(case.gold_fields)):
        return True
    gold = {g.casefold() for g in case.gold_sections}
    return any(sec.casefold() in gold and not _specific_section(sec, case) for sec in passage.sections)


def relevance(passages: Sequence[Passage], case: Case) -> list[bool]:
    """Relevance of each ranked passage (duplicates by id count once, at their first rank)."""
    seen: set[str] = set()
    out: list[bool] = []
    for p in passages:
        if p.id in seen:
            continue
        seen.add(p.id)
        out.append(is_relevant(p, case))
    return out


def hit_at_k(rels: Sequence[bool], k: int) -> float:
    """1.0 when a relevant passage is in the top k (trec_eval ``success@k``)."""
    return 1.0 if any(rels[:k]) else 0.0


def precision_at_k(rels: Sequence[bool], k: int) -> float:
    """Relevant share of the top k, with k as the denominator even when fewer were returned."""
    return sum(rels[:k]) / k if k > 0 else 0.0


def recall_at_k(rels: Sequence[bool], n_relevant: int, k: int) -> float:
    """Relevant passages in the top k over all relevant passages of the collection."""
    return min(1.0, sum(rels[:k]) / n_relevant) if n_relevant > 0 else 0.0


def reciprocal_rank(rels: Sequence[bool], k: int) -> float:
    """1 / rank of the first relevant passage in the top k, 0 when there is none."""
    for i, r in enumerate(rels[:k]):
        if r:
            return 1.0 / (i + 1)
    return 0.0


def locate(passage_text: str, page: str) -> list[tuple[int, int]]:
    """Where the lines of ``passage_text`` stand in ``page``: ``(start, end)`` of each line found.

    Used to label the baseline's raw-page chunks with the index passages they hold: index
    passages are verbatim text of the page, line by line (a line the importer added, such as
    "No value is listed...", is not on the page and is left out).
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in passage_text.splitlines():
        line = line.strip()
        if not line:
            continue
        at = page.find(line, pos)
        if at < 0:
            at = page.find(line)
        if at < 0:
            continue
        spans.append((at, at + len(line)))
        pos = at + len(line)
    return spans


def coverage(spans: Sequence[tuple[int, int]], start: int, end: int) -> float:
    """Share of the characters of ``spans`` that fall inside ``[start, end)``."""
    total = sum(e - s for s, e in spans)
    if total <= 0:
        return 0.0
    inside = sum(max(0, min(e, end) - max(s, start)) for s, e in spans)
    return inside / total


# --------------------------------------------------------------------------- answer checks


def missing_includes(case: Case, text: str) -> list[str]:
    """The ``must_include`` regexes that do not match the text."""
    return [rx for rx in case.must_include if not re.search(rx, text, re.IGNORECASE)]


def forbidden_matches(case: Case, text: str) -> list[str]:
    """``"regex -> matched text"`` for each ``must_not_include`` regex that matches."""
    out: list[str] = []
    for rx in case.must_not_include:
        m = re.search(rx, text, re.IGNORECASE)
        if m:
            out.append(f"{rx} -> {m.group(0)!r}")
    return out


_MARKER = re.compile(r"\[(\d+)\]")
_MARKER_RUN = re.compile(r"(?:\s*\[\d+\])+")


def split_segments(text: str) -> list[tuple[str, list[int]]]:
    """``(segment text without markers, markers it cites)``, in order.

    A segment is the text up to and including a run of ``[n]`` markers; text after the last
    run is a segment that cites nothing (``[]``).
    """
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for m in _MARKER_RUN.finditer(text):
        out.append((text[pos:m.start()].strip(), [int(n) for n in _MARKER.findall(m.group(0))]))
        pos = m.end()
    tail = text[pos:].strip()
    if tail:
        out.append((tail, []))
    return out


@dataclass
class CitationCheck:
    """The outcome of :func:`check_citations`."""

    unresolved: list[int] = field(default_factory=list)
    unsupported: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def has_unsupported(self) -> bool:
        return bool(self.unsupported)

    @property
    def valid(self) -> bool:
        return not self.unresolved and not self.unsupported

    def reasons(self) -> list[str]:
        out = [f"[{n}] resolves to no citation" for n in self.unresolved]
        for seg, nums in self.unsupported:
            short = seg if len(seg) <= 90 else seg[:87] + "..."
            out.append(f"numbers {nums} not in the cited snippet(s) of {short!r}")
        return out


def check_citations(text: str, snippets: Mapping[int, str]) -> CitationCheck:
    """Check every ``[n]`` resolves (``snippets`` maps marker -> snippet) and every number of each
    segment stands in the snippets its markers cite."""
    result = CitationCheck()
    for seg, markers in split_segments(text):
        unresolved = [n for n in markers if n not in snippets]
        result.unresolved.extend(n for n in unresolved if n not in result.unresolved)
        passage = "\n\n".join(snippets[n] for n in markers if n in snippets)
        missing = unsupported_numbers(seg, passage)
        if missing:
            result.unsupported.append((seg, missing))
    return result


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", _MARKER.sub(" ", text)))


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation (numpy's default); None if empty."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# --------------------------------------------------------------------------- one case


@dataclass
class Outcome:
    """What one system did on one case (the inputs of every metric)."""

    case: Case
    error: str | None = None
    text: str = ""
    abstained: bool = False
    n_cautions: int = 0
    caution_kinds: frozenset[str] = frozenset()
    citations: CitationCheck = field(default_factory=CitationCheck)
    latency_ms: float | None = None
    rels: list[bool] = field(default_factory=list)
    n_relevant: int = 0
    retrieved: list[str] = field(default_factory=list)
    retrieval_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def includes_ok(self) -> bool:
        return self.ok and not missing_includes(self.case, self.text)

    @property
    def forbidden(self) -> bool:
        return not self.ok or bool(forbidden_matches(self.case, self.text))

    @property
    def citations_valid(self) -> bool:
        return self.ok and self.citations.valid

    @property
    def unsupported(self) -> bool:
        return not self.ok or self.citations.has_unsupported

    @property
    def cautioned(self) -> bool:
        """Cautioned, with a caution of every class the case requires."""
        return self.ok and self.n_cautions > 0 and set(self.case.must_caution_kinds) <= self.caution_kinds

    @property
    def abstention_ok(self) -> bool:
        return self.ok and self.abstained == self.case.must_abstain

    def reasons(self) -> list[str]:
        """Why the case fails ([] when it passes)."""
        if self.error is not None:
            return [f"error: {self.error}"]
        out: list[str] = []
        if self.case.must_abstain and not self.abstained:
            out.append("answered an out-of-scope question (must abstain)")
        if not self.case.must_abstain and self.abstained:
            out.append("abstained on an in-scope question")
        out.extend(f"missing must_include /{rx}/" for rx in missing_includes(self.case, self.text))
        out.extend(f"forbidden /{m}" for m in forbidden_matches(self.case, self.text))
        out.extend(self.citations.reasons())
        if self.case.must_caution and self.n_cautions == 0:
            out.append("no caution (must_caution)")
        elif missing := sorted(set(self.case.must_caution_kinds) - self.caution_kinds):
            out.append(f"no caution of {', '.join(missing)}")
        return out

    @property
    def passed(self) -> bool:
        return not self.reasons()


# --------------------------------------------------------------------------- aggregates


def _share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def retrieval_metrics(outcomes: Sequence[Outcome], cutoffs: Iterable[int]) -> dict[str, float | None]:
    """Mean hit@k, recall@k and MRR@k over the cases with gold passages in the collection."""
    judged = [o for o in outcomes if o.case.has_gold and not o.case.must_abstain and o.n_relevant > 0]
    out: dict[str, float | None] = {}
    for k in sorted(set(cutoffs)):
        n = len(judged)
        out[f"hit_at_{k}"] = sum(hit_at_k(o.rels, k) for o in judged) / n if n else None
        out[f"recall_at_{k}"] = sum(recall_at_k(o.rels, o.n_relevant, k) for o in judged) / n if n else None
        out[f"mrr_at_{k}"] = sum(reciprocal_rank(o.rels, k) for o in judged) / n if n else None
    return out


def answer_metrics(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    in_scope = [o for o in outcomes if not o.case.must_abstain]
    answered = [o for o in outcomes if o.ok and not o.abstained]
    return {
        "fact_recall": _share([o.includes_ok for o in in_scope]),
        "forbidden_rate": _share([o.forbidden for o in outcomes]),
        "citation_validity": _share([o.citations_valid for o in outcomes]),
        "unsupported_number_rate": _share([o.unsupported for o in outcomes]),
        "mean_answer_words": (sum(word_count(o.text) for o in answered) / len(answered)
                              if answered else None),
    }


def safety_metrics(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    cautioned = [o for o in outcomes if o.cautioned]
    return {
        "caution_recall": _share([o.cautioned for o in outcomes if o.case.must_caution]),
        "caution_precision": _share([o.case.must_caution for o in cautioned]),
        "abstention_accuracy": _share([o.abstention_ok for o in outcomes]),
        "abstain_recall": _share([o.ok and o.abstained for o in outcomes if o.case.must_abstain]),
        "answer_recall": _share([o.ok and not o.abstained for o in outcomes if not o.case.must_abstain]),
    }


def speed_metrics(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    times = [o.latency_ms for o in outcomes if o.latency_ms is not None]
    return {"latency_p50_ms": percentile(times, 50), "latency_p95_ms": percentile(times, 95)}


def pass_rates_by_category(outcomes: Sequence[Outcome]) -> dict[str, float]:
    cats: dict[str, list[bool]] = {}
    for o in outcomes:
        cats.setdefault(o.case.category, []).append(o.passed)
    return {c: sum(v) / len(v) for c, v in cats.items()}


def all_metrics(outcomes: Sequence[Outcome], cutoffs: Iterable[int]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    out.update(retrieval_metrics(outcomes, cutoffs))
    out.update(answer_metrics(outcomes))
    out.update(safety_metrics(outcomes))
    out.update(speed_metrics(outcomes))
    out["pass_rate"] = _share([o.passed for o in outcomes])
    out["errors"] = float(sum(not o.ok for o in outcomes))
    out["cases"] = float(len(outcomes))
    return out


# --------------------------------------------------------------------------- gates


def check_thresholds(metrics: Mapping[str, float | None],
                     thresholds: Mapping[str, Mapping[str, float]]) -> list[str]:
    """One message per missed threshold; a metric that was not measured misses its threshold."""
    missed: list[str] = []
    for name, bound in thresholds.items():
        value = metrics.get(name)
        if not {"min", "max"} & set(bound):
            raise ValueError(f"threshold {name!r} needs 'min' or 'max': {dict(bound)}")
        if value is None:
            missed.append(f"{name}: not measured")
            continue
        if "min" in bound and value < bound["min"] - 1e-12:
            missed.append(f"{name}: {value:.4g} < min {bound['min']:g}")
        if "max" in bound and value > bound["max"] + 1e-12:
            missed.append(f"{name}: {value:.4g} > max {bound['max']:g}")
    return missed


#: metric -> (direction, best possible value). The assistant must beat the baseline on each:
#: strictly better, except that a tie at the best possible value counts as a win and
#: ``unsupported_number_rate`` may tie (the baseline quotes whole chunks, so it is 0 by
#: construction).
BEAT_BASELINE: dict[str, tuple[str, float]] = {
    "fact_recall": ("higher", 1.0),
    "forbidden_rate": ("lower", 0.0),
    "citation_validity": ("higher", 1.0),
    "unsupported_number_rate": ("lower_or_equal", 0.0),
    "caution_recall": ("higher", 1.0),
    "abstention_accuracy": ("higher", 1.0),
}


def compare_to_baseline(ours: Mapping[str, float | None],
                        baseline: Mapping[str, float | None]) -> list[str]:
    """One message per metric of :data:`BEAT_BASELINE` on which the assistant does not win."""
    lost: list[str] = []
    for name, (direction, best) in BEAT_BASELINE.items():
        a, b = ours.get(name), baseline.get(name)
        if a is None or b is None:
            lost.append(f"{name}: not measured (assistant {a}, baseline {b})")
            continue
        tie_at_best = math.isclose(a, best) and math.isclose(b, best)
        if direction == "higher":
            ok = a > b or tie_at_best
        elif direction == "lower":
            ok = a < b or tie_at_best
        else:
            ok = a <= b + 1e-12
        if not ok:
            must = direction.replace("_", " ")
            lost.append(f"{name}: assistant {a:.4g} vs baseline {b:.4g} (must be {must})")
    return lost


# --------------------------------------------------------------------------- generated answers (--llm)


@dataclass(frozen=True)
class Generation:
    """What the chat model did for one case: the answer's mode, the generated sentences the gate
    kept (as shown, markers renumbered to the answer's citations), the checks that dropped the
    others, and the kept sentences that fail the gate when re-checked against the cited snippets
    (always expected to be none)."""

    mode: str
    kept: tuple[str, ...] = ()
    dropped_checks: tuple[str, ...] = ()
    recheck_failures: tuple[str, ...] = ()


def generation_metrics(records: Sequence[Generation]) -> dict[str, float | None]:
    """Share of answers that stayed generative, fell back, abstained (or were answered without the
    model: products); per-sentence support rate = generated sentences kept by the gate / all
    generated sentences (None when the model wrote nothing)."""
    n = len(records)
    kept = sum(len(r.kept) for r in records)
    written = kept + sum(len(r.dropped_checks) for r in records)

    def share(mode: str) -> float | None:
        return sum(r.mode == mode for r in records) / n if n else None

    return {
        "generative_share": share("generative"),
        "fallback_share": share("fallback"),
        "abstained_share": share("abstained"),
        "extractive_share": share("extractive"),
        "support_rate": kept / written if written else None,
        "generated_sentences": float(written),
        "kept_sentences": float(kept),
        "recheck_failures": float(sum(len(r.recheck_failures) for r in records)),
    }


def dropped_by_check(records: Sequence[Generation]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in records:
        for c in r.dropped_checks:
            out[c] = out.get(c, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))
