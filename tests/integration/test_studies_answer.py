"""Questions across studies through the real Assistant (the K2 corpus, the real model and index)."""

from __future__ import annotations

import re

import pytest

from assistant import Answer, Assistant
from assistant.answer.studies import LIST_TEMPLATE
from assistant.doses import unsupported_numbers


def grounded(ans: Answer) -> None:
    """Not abstained; every [n] resolves; every number of a piece stands in the passage it cites."""
    assert not ans.abstained and ans.citations
    snippets = {c.marker: c.snippet for c in ans.citations}
    for piece, markers in re.findall(r"(.*?)((?:\s*\[\d+\])+)", ans.text, re.S):
        ids = [int(m) for m in re.findall(r"\d+", markers)]
        assert all(m in snippets for m in ids)
        assert unsupported_numbers(piece, "\n".join(snippets[m] for m in ids)) == [], piece


def test_the_findings_are_records_once_per_index(assistant: Assistant) -> None:
    assert sorted(r.ref or 0 for r in assistant.studies) == list(range(1, 9))
    assert {r.supplement for r in assistant.studies} == {"vitamin-k2"}


@pytest.mark.parametrize(("question", "refs", "must"), [
    ("which trials showed no benefit?", [2, 8], ["did not significantly"]),
    ("what was the biggest dose used in any study?", [5], ["45 mg/day", "MK-4"]),
    ("not counting the k1 ones, whats the smallest k2 dose used in any of the studies", [2], ["180 μg/day"]),
    ("whats reference 8 about", [8], ["CKD patients", "400 μg/day"]),
    ("which studies used MK-4", [5, 6], ["45 mg/day", "1.5 mg/day"]),
    ("which trials are ongoing?", [7], ["720 μg/day"]),
    ("which k2 trial was the shortest?", [6], ["for 4 weeks", "1.5 mg/day"]),
    ("what did the 8th study find", [8], ["CKD patients"]),
    ("which of the k2 studies used doses in mg rather than mcg?", [3, 5, 6], ["45 mg/day"]),
    ("were there any null results with mk-7", [2], ["180 μg/day"]),  # "were there", then what is asked
    ("any null outcomes for mk-7?", [2], ["180 μg/day"]),  # results of a kind: the findings'
])
def test_questions_across_studies(assistant: Assistant, question: str, refs: list[int], must: list[str]) -> None:
    ans = assistant.ask(question)
    grounded(ans)
    assert [c.ref for c in ans.citations] == refs
    assert all(c.section == "Research" for c in ans.citations)
    for text in must:
        assert text in ans.text


def test_a_question_about_one_study_keeps_the_extractive_answer(assistant: Assistant) -> None:
    ans = assistant.ask("How much MK-7 did the bone density trial use?")
    grounded(ans)
    assert "180" in ans.text
    assert not ans.text.startswith(LIST_TEMPLATE.split("{")[0])
    assert not ans.text.startswith("The lowest") and not ans.text.startswith("The highest")


def test_a_population_the_findings_lack_is_not_answered_from_them(assistant: Assistant) -> None:
    """K2's findings include women, none in pregnancy: no list of the women's studies."""
    ans = assistant.ask("were there any studies in pregnant women?")
    assert ans.abstained or not ans.text.startswith(LIST_TEMPLATE.split("{")[0])


def test_a_detail_one_finding_does_not_state_is_said_as_such(assistant: Assistant) -> None:
    ans = assistant.ask("how many people were in the 720 mcg heart trial")
    grounded(ans)
    assert [c.ref for c in ans.citations] == [7]
    assert "does not state" in ans.text


def test_a_follow_up_s_study_is_the_one_the_last_answer_stated(assistant: Assistant) -> None:
    # "the vascular stiffness study" named in the first turn; "how often" asked of it after
    first = assistant.ask("what did the k2 vascular stiffness study find?")
    history = [{"role": "user", "content": "what did the k2 vascular stiffness study find?"},
               {"role": "assistant", "content": first.text}]
    ans = assistant.ask("and how often did they take it?", history=history)
    grounded(ans)
    assert [c.ref for c in ans.citations] == [8] and "400 μg/day" in ans.text
