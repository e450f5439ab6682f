"""The contradiction suite: every scripted sentence of tests/data/contradictions.jsonl through the
grounding gate that the pipeline runs (:func:`assistant.answer.gate.grounding_gate`).

Each line is a sentence a model might write, the passages it was given, and the verdict a careful
reviewer expects: ``drop`` (reversed findings, invented safety, certainty upgrades, changed numbers
and units, advice, unsupported claims, obeyed injections) or ``pass`` (faithful paraphrases).
Every ``drop`` must be dropped (recall 1.0); the faithful half must pass at 0.8 or more. The
precision and recall are printed (``pytest -rA`` or ``-s`` shows them; a line is also written at
the end of the run).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.answer.gate import CHECKS, GateResult, grounding_gate

SUITE = Path(__file__).resolve().parents[1] / "data" / "contradictions.jsonl"
KINDS = {"reversed_finding", "invented_safety", "certainty_upgrade", "changed_number", "changed_unit",
         "advice", "unsupported_claim", "injection", "faithful"}
MIN_FAITHFUL_PASS = 0.8


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    sentence: str
    passages: list[str]
    expect: str
    why: str


def load_suite() -> list[Case]:
    cases = []
    for n, line in enumerate(SUITE.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            raw = json.loads(line)
            assert set(raw) == {"id", "kind", "sentence", "passages", "expect", "why"}, f"line {n}"
            cases.append(Case(**raw))
    return cases


CASES = load_suite()
BAD = [c for c in CASES if c.expect == "drop"]
GOOD = [c for c in CASES if c.expect == "pass"]


def run(case: Case) -> GateResult:
    return grounding_gate(case.sentence, case.passages)


def test_suite_is_well_formed() -> None:
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.kind for c in CASES} == KINDS
    assert all(c.expect == ("pass" if c.kind == "faithful" else "drop") for c in CASES)
    assert len(GOOD) >= 0.4 * len(CASES)  # about as many faithful paraphrases as contradictions
    for c in CASES:
        assert c.passages and "[" in c.sentence, c.id


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_every_contradiction_is_dropped(case: Case) -> None:
    res = run(case)
    assert not res.kept, f"{case.id} ({case.why}) passed the gate: {case.sentence}"
    assert res.dropped[0].check in CHECKS and res.dropped[0].sentence == case.sentence


def test_faithful_paraphrases_pass() -> None:
    results = {c.id: run(c) for c in GOOD}
    blocked = {cid: r.dropped[0] for cid, r in results.items() if r.dropped}
    rate = 1 - len(blocked) / len(GOOD)
    for cid, d in blocked.items():
        print(f"faithful sentence dropped: {cid} by {d.check} ({d.reason})")
    assert rate >= MIN_FAITHFUL_PASS, f"only {rate:.3f} of the faithful sentences pass"


def test_precision_and_recall_are_reported(request: pytest.FixtureRequest) -> None:
    """Positive = dropped. Recall: share of the contradictions dropped; precision: share of the
    drops that were contradictions."""
    tp = sum(1 for c in BAD if run(c).dropped)
    fp = sum(1 for c in GOOD if run(c).dropped)
    recall = tp / len(BAD)
    precision = tp / (tp + fp) if tp + fp else 1.0
    by_check = Counter(run(c).dropped[0].check for c in BAD if run(c).dropped)
    line = (f"contradiction suite: {len(CASES)} sentences ({len(BAD)} contradictions, {len(GOOD)} faithful); "
            f"gate recall {recall:.3f}, precision {precision:.3f}, faithful pass rate "
            f"{1 - fp / len(GOOD):.3f}; drops by check: "
            + ", ".join(f"{k} {v}" for k, v in sorted(by_check.items())))
    print(line)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        request.config.add_cleanup(lambda: reporter.write_line(line))
    assert recall == 1.0
    assert precision >= len(BAD) / (len(BAD) + (1 - MIN_FAITHFUL_PASS) * len(GOOD))
