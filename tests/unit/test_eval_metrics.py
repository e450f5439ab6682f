"""Unit tests of the eval metrics and the runner's plumbing (no model, no index)."""

from __future__ import annotations

import json
from pathlib import Path

import ir_measures
import numpy as np
import pytest
from ir_measures import RR, P, R, Success

from assistant.types import Answer, Caution, Citation
from evals import runner
from evals.metrics import (
    BEAT_BASELINE,
    Case,
    CitationCheck,
    Outcome,
    Passage,
    all_metrics,
    check_citations,
    check_thresholds,
    compare_to_baseline,
    coverage,
    forbidden_matches,
    hit_at_k,
    is_relevant,
    locate,
    missing_includes,
    pass_rates_by_category,
    percentile,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    relevance,
    split_segments,
    word_count,
)


def case(**kw: object) -> Case:
    base: dict[str, object] = {"id": "t-01", "category": "dosing", "question": "q?"}
    base.update(kw)
    return Case.from_dict(base)


# --------------------------------------------------------------------------- retrieval


def test_rank_metrics_by_hand() -> None:
    rels = [False, True, False, True, False]
    assert hit_at_k(rels, 1) == 0.0
    assert hit_at_k(rels, 2) == 1.0
    assert precision_at_k(rels, 5) == pytest.approx(2 / 5)
    assert recall_at_k(rels, 4, 5) == pytest.approx(2 / 4)
    assert recall_at_k(rels, 2, 3) == pytest.approx(1 / 2)
    assert reciprocal_rank(rels, 5) == pytest.approx(1 / 2)
    assert reciprocal_rank(rels, 1) == 0.0
    assert recall_at_k([], 0, 5) == 0.0
    assert precision_at_k([True], 5) == pytest.approx(1 / 5)  # k is the denominator


def test_rank_metrics_agree_with_ir_measures() -> None:
    """Checked once against a maintained implementation (ir_measures / trec_eval)."""
    collection = [f"d{i}" for i in range(10)]
    relevant = {"q1": {"d1", "d3"}, "q2": {"d0"}, "q3": {"d7", "d8", "d9"}, "q4": {"d2"}}
    runs = {
        "q1": ["d0", "d1", "d2", "d3", "d4", "d5"],
        "q2": ["d0", "d5", "d6"],
        "q3": ["d1", "d2", "d3", "d4", "d9", "d8"],
        "q4": ["d5", "d6", "d7"],  # the relevant passage is not retrieved
    }
    qrels = {q: {d: int(d in rel) for d in collection} for q, rel in relevant.items()}
    run = {q: {d: float(len(ranked) - i) for i, d in enumerate(ranked)} for q, ranked in runs.items()}
    for k in (1, 3, 5):
        measures = ir_measures.calc_aggregate([P @ k, R @ k, RR @ k, Success @ k], qrels, run)
        ours = {
            "P": np.mean([precision_at_k([d in relevant[q] for d in runs[q]], k) for q in runs]),
            "R": np.mean([recall_at_k([d in relevant[q] for d in runs[q]], len(relevant[q]), k)
                          for q in runs]),
            "RR": np.mean([reciprocal_rank([d in relevant[q] for d in runs[q]], k) for q in runs]),
            "S": np.mean([hit_at_k([d in relevant[q] for d in runs[q]], k) for q in runs]),
        }
        assert ours["P"] == pytest.approx(measures[P @ k])
        assert ours["R"] == pytest.approx(measures[R @ k])
        assert ours["RR"] == pytest.approx(measures[RR @ k])
        assert ours["S"] == pytest.approx(measures[Success @ k])


def test_relevance_specific_gold_beats_sections() -> None:
    finding5 = Passage.from_metadata("a", {"section": "Research", "ref": 5, "title": "Research finding 5"})
    finding2 = Passage.from_metadata("b", {"section": "Research", "ref": 2})
    overview = Passage.from_metadata("c", {"section": "Overview", "title": "Overview (sentences 1–2)"})
    c = case(gold_sections=["Research", "Overview"], gold_refs=[5])
    assert [is_relevant(p, c) for p in (finding5, finding2, overview)] == [True, False, True]
    findings_only = case(gold_sections=["Research"], gold_refs=[5])
    assert [is_relevant(p, findings_only) for p in (finding5, finding2, overview)] == [True, False, False]
    sections_only = case(gold_sections=["Overview"])
    assert [is_relevant(p, sections_only) for p in (finding5, overview)] == [False, True]


def test_relevance_products_and_fields() -> None:
    p3 = Passage.from_metadata("p3", {"section": "Products Containing Vitamin K2",
                                      "product_id": "vitamin-k2-p3", "subsection": "vitamin-k2-p3"})
    rda = Passage.from_metadata("f", {"section": "Dosage Guide", "subsection": "Recommended Daily Allowance",
                                      "title": "Recommended Daily Allowance"})
    note = Passage.from_metadata("n", {"section": "Clinical Notes", "title": "Special Forms"})
    assert note.fields == frozenset()  # only Dosage Guide passages carry fields
    c = case(gold_sections=["Products Containing Vitamin K2"], gold_products=["vitamin-k2-p3"])
    assert is_relevant(p3, c) and not is_relevant(rda, c)
    f = case(gold_sections=["Dosage Guide"], gold_fields=["Recommended Daily Allowance"])
    assert is_relevant(rda, f) and not is_relevant(p3, f) and not is_relevant(note, f)


def test_relevance_counts_duplicates_once() -> None:
    a = Passage("x", refs=frozenset({1}))
    b = Passage("y")
    assert relevance([b, a, a, b], case(gold_sections=["Research"], gold_refs=[1])) == [False, True]


def test_merge_passages() -> None:
    m = Passage.merge("m", [Passage("a", refs=frozenset({1})), Passage("b", sections=frozenset({"X"}))])
    assert m.refs == {1} and m.sections == {"X"} and m.id == "m"


def test_locate_and_coverage() -> None:
    page = "Dosage Guide\nRecommended Daily Allowance\nFor generally healthy individuals\nTherapeutic Doses\n"
    passage = "For generally healthy individuals\n\nNo value is listed on the monograph page."
    spans = locate(passage, page)
    assert spans == [(page.index("For generally"), page.index("For generally") + 33)]
    assert coverage(spans, 0, len(page)) == 1.0
    assert coverage(spans, 0, page.index("For generally") + 10) == pytest.approx(10 / 33)
    assert coverage(locate("not on the page", page), 0, len(page)) == 0.0


# --------------------------------------------------------------------------- answers


def test_includes_and_forbidden_are_case_insensitive_regexes() -> None:
    c = case(must_include=[r"(?<![\d.,])45\s*(?:mg|milligrams?)", "MK-?4"],
             must_not_include=[r"(?<!not )(?<![\d.,])45\s*(?:μg|µg|mcg)"])
    assert missing_includes(c, "high-dose mk4 (45 MG/day)") == []
    assert missing_includes(c, "1.45 mg of MK-7") == [r"(?<![\d.,])45\s*(?:mg|milligrams?)", "MK-?4"]
    assert forbidden_matches(c, "It was 45 mg, not 45 µg.") == []
    hits = forbidden_matches(c, "It was 45 MCG.")
    assert len(hits) == 1 and "45 MCG" in hits[0]


def test_split_segments() -> None:
    text = "First fact 45 mg/day. [1] Second [2][3] Tail text 7 words."
    assert split_segments(text) == [("First fact 45 mg/day.", [1]), ("Second", [2, 3]),
                                    ("Tail text 7 words.", [])]
    assert split_segments("") == []
    assert split_segments("No markers.") == [("No markers.", [])]


SNIPPETS = {
    1: "High-dose MK-4 (45 mg/day) maximally reduced undercarboxylated osteocalcin.",
    2: "Reducing undercarboxylated osteocalcin (ucOC), a marker of poor bone quality [5][4].",
    3: "Three years of MK-7 supplementation (180 μg/day) did not significantly affect BMD.",
}


def test_citations_valid() -> None:
    text = ("High-dose MK-4 (45 mg/day) maximally reduced undercarboxylated osteocalcin. [1] "
            "Reducing ucOC, a marker of poor bone quality (ref. 5; ref. 4). [2] "
            "Three years of MK-7 (180 mcg/day) and 45,000 µg of MK-4. [3][1]")
    check = check_citations(text, SNIPPETS)
    assert check.valid and not check.has_unsupported and check.reasons() == []


def test_citations_unresolved_marker() -> None:
    check = check_citations("Something. [4]", SNIPPETS)
    assert not check.valid and check.unresolved == [4]
    assert "[4] resolves to no citation" in check.reasons()


def test_citations_number_must_be_in_the_cited_snippet() -> None:
    # 180 μg/day is in snippet 3, not in snippet 1 that this sentence cites
    check = check_citations("MK-7 at 180 μg/day. [1]", SNIPPETS)
    assert check.has_unsupported and not check.valid
    assert check.unsupported[0][1] == ["180 μg/day"]
    # the 1,000-fold unit error is unsupported even though the digits are there
    assert check_citations("MK-4 at 45 µg/day. [1]", SNIPPETS).has_unsupported
    # a number after the last marker cites nothing
    assert check_citations("Fine. [1] Take 2 a day.", SNIPPETS).has_unsupported
    # markers are stripped before checking: [3] is not the number 3
    assert check_citations("MK-7 did not affect BMD. [3]", SNIPPETS).valid


def test_word_count_ignores_markers() -> None:
    assert word_count("One two three. [1] Four [2][3]") == 4
    assert word_count("") == 0


def test_percentile_matches_numpy() -> None:
    xs = [12.0, 3.5, 40.0, 7.25, 100.0, 1.0, 55.0]
    for q in (0, 50, 95, 100):
        assert percentile(xs, q) == pytest.approx(float(np.percentile(xs, q)))
    assert percentile([], 50) is None


# --------------------------------------------------------------------------- outcomes and aggregates


def outcome(c: Case, text: str = "", *, abstained: bool = False, cautions: int = 0,
            error: str | None = None, latency: float | None = 10.0,
            check: CitationCheck | None = None) -> Outcome:
    return Outcome(case=c, error=error, text=text, abstained=abstained, n_cautions=cautions,
                   citations=check or CitationCheck(), latency_ms=None if error else latency)


def test_outcome_reasons() -> None:
    c = case(must_include=["warfarin"], must_not_include=["stop your warfarin"], must_caution=True)
    assert outcome(c, "warfarin note", cautions=1).passed
    reasons = outcome(c, "stop your warfarin now").reasons()
    assert any("forbidden" in r for r in reasons) and "no caution (must_caution)" in reasons
    oos = case(category="out_of_scope", must_abstain=True)
    assert outcome(oos, "declined", abstained=True).passed
    assert outcome(oos, "an answer").reasons() == ["answered an out-of-scope question (must abstain)"]
    assert "abstained on an in-scope question" in outcome(c, "x", abstained=True, cautions=1).reasons()
    err = outcome(c, error="RuntimeError: boom")
    assert err.reasons() == ["error: RuntimeError: boom"] and not err.passed


def test_aggregates() -> None:
    anti = case(id="a", category="anticoagulant", must_include=["INR"], must_caution=True)
    dose = case(id="d", category="dosing", must_include=["45 mg"], must_not_include=["45 µg"])
    oos = case(id="o", category="out_of_scope", must_abstain=True, must_not_include=[r"\d+ mg"])
    bad_numbers = CitationCheck(unsupported=[("x 9 mg", ["9 mg"])])
    outs = [
        outcome(anti, "Monitor INR. [1]", cautions=1, latency=10.0),
        outcome(dose, "It was 45 mg. [1]", cautions=1, latency=30.0),      # a caution it did not need
        outcome(oos, "Not covered.", abstained=True, latency=20.0),
        outcome(case(id="d2", category="dosing", must_include=["180"]), "x 9 mg", check=bad_numbers),
        outcome(case(id="o2", category="out_of_scope", must_abstain=True), error="ValueError: bad"),
    ]
    m = all_metrics(outs, [5])
    assert m["fact_recall"] == pytest.approx(2 / 3)
    assert m["forbidden_rate"] == pytest.approx(1 / 5)          # the error counts as a failure
    assert m["citation_validity"] == pytest.approx(3 / 5)
    assert m["unsupported_number_rate"] == pytest.approx(2 / 5)
    assert m["caution_recall"] == 1.0
    assert m["caution_precision"] == pytest.approx(1 / 2)
    assert m["abstention_accuracy"] == pytest.approx(4 / 5)
    assert m["abstain_recall"] == pytest.approx(1 / 2)
    assert m["answer_recall"] == 1.0
    assert m["errors"] == 1.0 and m["cases"] == 5.0
    assert m["pass_rate"] == pytest.approx(3 / 5)
    assert m["latency_p50_ms"] == pytest.approx(15.0)
    assert m["hit_at_5"] is None  # no case has gold passages here
    assert pass_rates_by_category(outs) == {"anticoagulant": 1.0, "dosing": 0.5, "out_of_scope": 0.5}


def test_retrieval_aggregate_skips_out_of_scope() -> None:
    g = case(gold_sections=["Research"], gold_refs=[2])
    o1 = Outcome(case=g, rels=[False, True], n_relevant=1)
    o2 = Outcome(case=g, rels=[False] * 5, n_relevant=1)
    o3 = Outcome(case=case(category="out_of_scope", must_abstain=True), rels=[], n_relevant=0)
    m = all_metrics([o1, o2, o3], [1, 5])
    assert m["hit_at_5"] == 0.5 and m["hit_at_1"] == 0.0
    assert m["mrr_at_5"] == pytest.approx(0.25) and m["recall_at_5"] == 0.5


def test_no_caution_given_means_precision_not_measured() -> None:
    m = all_metrics([outcome(case(), "x")], [5])
    assert m["caution_precision"] is None


# --------------------------------------------------------------------------- gates


def test_thresholds() -> None:
    th = {"fact_recall": {"min": 0.95}, "unsupported_number_rate": {"max": 0.0}, "hit_at_5": {"min": 0.95}}
    assert check_thresholds({"fact_recall": 0.95, "unsupported_number_rate": 0.0, "hit_at_5": 1.0}, th) == []
    missed = check_thresholds({"fact_recall": 0.9, "unsupported_number_rate": 0.01, "hit_at_5": None}, th)
    assert missed == ["fact_recall: 0.9 < min 0.95", "unsupported_number_rate: 0.01 > max 0",
                      "hit_at_5: not measured"]
    with pytest.raises(ValueError):
        check_thresholds({"x": 1.0}, {"x": {}})


def test_committed_thresholds_file() -> None:
    """The safety guarantees are absolute on every case and each split has its own bounds."""
    th = runner.load_thresholds()
    assert th["unsupported_number_rate"] == {"max": 0.0} and th["citation_validity"] == {"min": 1.0}
    assert th["dev:caution_recall"] == {"min": 1.0}
    assert {k.split(":")[0] for k in th if ":" in k} == {"dev", "test"}


def test_compare_to_baseline() -> None:
    ours = {"fact_recall": 0.97, "forbidden_rate": 0.0, "citation_validity": 1.0,
            "unsupported_number_rate": 0.0, "caution_recall": 1.0, "abstention_accuracy": 1.0}
    base = {"fact_recall": 0.77, "forbidden_rate": 0.2, "citation_validity": 1.0,
            "unsupported_number_rate": 0.0, "caution_recall": 0.0, "abstention_accuracy": 0.8}
    assert compare_to_baseline(ours, base) == []  # ties only at the best possible value
    worse = dict(ours, fact_recall=0.77, forbidden_rate=0.3, unsupported_number_rate=0.01)
    lost = compare_to_baseline(worse, base)
    assert [m.split(":")[0] for m in lost] == ["fact_recall", "forbidden_rate", "unsupported_number_rate"]
    assert set(BEAT_BASELINE) == set(ours)


# --------------------------------------------------------------------------- the eval set


def test_eval_set_loads() -> None:
    cases = runner.load_cases()
    assert len(cases) >= 100
    cats = {c.category for c in cases}
    assert {"dosing", "forms", "anticoagulant", "products", "research", "blank", "out_of_scope",
            "followup"} <= cats
    assert all(c.must_abstain == (c.category == "out_of_scope") for c in cases)
    assert all(c.has_gold for c in cases if not c.must_abstain)


def test_bad_case_file_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    line = {"id": "x", "category": "dosing", "question": "q", "must_include": ["("]}
    bad.write_text(json.dumps(line) + "\n")
    with pytest.raises(ValueError, match="bad regex"):
        runner.load_cases(bad)
    assert runner.main(["--cases", str(bad)]) == 2


# --------------------------------------------------------------------------- runner plumbing (fake systems)


def _cite(marker: int, snippet: str, **kw: object) -> Citation:
    fields: dict[str, object] = {"marker": marker, "chunk_id": f"c{marker}", "supplement": "s",
                                 "section": "Research", "title": "t", "source": "f", "snippet": snippet,
                                 "span": (0, len(snippet))}
    fields.update(kw)
    return Citation.model_validate(fields)


class FakeTarget:
    """Answers from a table; raises for one question; retrieves a fixed ranking."""

    name = "fake"

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers

    def ask(self, question: str, history: list[dict[str, str]], scope: str | None = None) -> Answer:
        if question == "boom?":
            raise RuntimeError("exploded")
        return self.answers[question]

    def ranked(self, case: Case, answer: Answer | None, depth: int) -> list[Passage]:
        return [Passage("x", sections=frozenset({"Overview"})), Passage("y", refs=frozenset({5})),
                Passage("z", sections=frozenset({"Clinical Notes"}))]

    def n_relevant(self, case: Case) -> int:
        return 1


def test_evaluate_and_write_outputs(tmp_path: Path) -> None:
    snippet = "High-dose MK-4 (45 mg/day) maximally reduced ucOC."
    cases = [
        case(id="d-01", question="dose?", gold_sections=["Research"], gold_refs=[5],
             must_include=[r"45\s*mg"]),
        case(id="a-01", category="anticoagulant", question="warfarin?", gold_sections=["Clinical Notes"],
             must_include=["INR"], must_caution=True),
        case(id="o-01", category="out_of_scope", question="boom?", must_abstain=True),
    ]
    answers = {
        "dose?": Answer(question="dose?", text=f"{snippet} [1]", citations=[_cite(1, snippet, ref=5)]),
        "warfarin?": Answer(question="warfarin?", text="Monitor INR. [1]",
                            citations=[_cite(1, "Monitor INR closely.", section="Clinical Notes")],
                            cautions=[Caution(text="Monitor INR closely.")]),
    }
    result = runner.evaluate(FakeTarget(answers), cases, k=5)
    assert [o.passed for o in result.outcomes] == [True, True, False]
    assert result.outcomes[2].reasons() == ["error: RuntimeError: exploded"]  # a failure, not a skip
    assert result.metrics["errors"] == 1.0
    assert result.metrics["hit_at_5"] == 1.0
    assert result.metrics["mrr_at_5"] == pytest.approx((1 / 2 + 1 / 3) / 2)
    assert result.metrics["abstention_accuracy"] == pytest.approx(2 / 3)

    report = runner.Report(k=5, cases_path="(test)", assistant=result, baseline=result,
                           thresholds=runner.load_thresholds(),
                           missed=runner.gate(result, runner.load_thresholds()),
                           baseline_losses=compare_to_baseline(result.metrics, result.metrics))
    assert "abstention_accuracy: 0.6667 < min 0.93" in report.missed
    assert "dev:abstention_accuracy: 0.6667 < min 0.95" in report.missed  # the cases are dev
    paths = runner.write_outputs(report, tmp_path / "out")
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["passed"] is False and data["assistant"]["failures"][0]["id"] == "o-01"
    md = paths["md"].read_text(encoding="utf-8")
    assert "| metric | assistant | baseline | threshold |" in md
    assert "| hit_at_5 | 1.000 | 1.000 |" in md and "| dev:hit_at_5 |" not in md
    assert "`o-01`" in md
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = runner.format_failures(result)
    assert "FAIL o-01 [out_of_scope]" in text and "exploded" in text
