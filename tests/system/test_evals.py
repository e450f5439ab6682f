"""The answer-quality eval gate (CI): every threshold of evals/thresholds.json must hold, and the
assistant must beat the LangChain RAG-tutorial baseline on every answer and safety metric.

One eval run (assistant and baseline, all cases) per module, on an Assistant over a copy of the
whole corpus (every monograph: the cases span them), sharing the session's embedding model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from assistant.config import REPO_ROOT
from evals.runner import Report, format_failures, load_cases, render_markdown, run_eval, write_outputs


@pytest.fixture(scope="module")
def eval_report(catalogue: Assistant) -> Report:
    return run_eval(catalogue, k=5, baseline=True)


@pytest.mark.eval
@pytest.mark.slow
def test_eval_gate(eval_report: Report) -> None:
    """Every threshold holds; the message lists the missed thresholds and every failing case."""
    ours = eval_report.assistant
    errors = [o for o in ours.outcomes if o.error]
    assert not eval_report.missed and not errors, (
        "eval gate failed\nmissed thresholds: " + "; ".join(eval_report.missed)
        + f"\ncases that raised: {[o.case.id for o in errors]}\n" + format_failures(ours)
    )


@pytest.mark.eval
@pytest.mark.slow
def test_assistant_beats_baseline(eval_report: Report) -> None:
    assert eval_report.baseline is not None
    assert eval_report.baseline_losses == [], (
        "the assistant does not beat the RAG-tutorial baseline on: "
        + "; ".join(eval_report.baseline_losses or []) + "\n\n" + render_markdown(eval_report)
    )


@pytest.mark.eval
@pytest.mark.slow
def test_every_case_ran_and_reports_are_written(eval_report: Report, tmp_path: Path) -> None:
    n = len(load_cases())
    assert len(eval_report.assistant.outcomes) == n
    assert eval_report.baseline is not None and len(eval_report.baseline.outcomes) == n
    paths = write_outputs(eval_report, tmp_path)
    assert all(p.stat().st_size > 0 for p in paths.values())
    assert "| metric | assistant | baseline | threshold |" in paths["md"].read_text(encoding="utf-8")


@pytest.mark.eval
def test_no_eval_question_in_assistant_code() -> None:
    """The cases are the monograph's, the mechanism is general: no question of the eval set
    (of 20 characters or more) may appear, lowercased, in any file under assistant/."""
    questions = {c.id: c.question.lower() for c in load_cases() if len(c.question) >= 20}
    assert questions
    leaks: list[str] = []
    for path in sorted((REPO_ROOT / "assistant").rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore").lower()
        leaks.extend(f"{cid} in {path.relative_to(REPO_ROOT)}" for cid, q in questions.items() if q in text)
    assert not leaks, "eval questions copied into the assistant: " + ", ".join(leaks)
