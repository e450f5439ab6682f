"""Questions about Dosage Guide fields through the real Assistant (the K2 corpus, the real model and
index): a limit the page does not set, a unit asked for, people named for a blank field."""

from __future__ import annotations

import re

import pytest

from assistant import Answer, Assistant
from assistant import messages as msg
from assistant.doses import unsupported_numbers


def grounded(ans: Answer) -> None:
    """Not abstained; every [n] resolves; every number of a piece stands in the passage it cites;
    nothing after the last marker holds a number."""
    assert not ans.abstained and ans.citations
    snippets = {c.marker: c.snippet for c in ans.citations}
    for piece, markers in re.findall(r"(.*?)((?:\s*\[\d+\])+)", ans.text, re.S):
        ids = [int(m) for m in re.findall(r"\d+", markers)]
        assert all(m in snippets for m in ids)
        assert unsupported_numbers(piece, "\n".join(snippets[m] for m in ids)) == [], piece
    assert not re.search(r"\d", re.split(r"\[\d+\]", ans.text)[-1])


def test_over_a_limit_the_page_does_not_set(assistant: Assistant) -> None:
    ans = assistant.ask("would 300 mcg of vitamin K2 a day put me over the upper limit?")
    grounded(ans)
    assert msg.LIMIT_NONE_SET.format(field="Upper Intake Limit") in ans.text
    assert msg.FIELD_UNIT_ONLY.format(field="Upper Intake Limit", unit="mcg") in ans.text
    assert "300" not in ans.text  # the reader's amount is never repeated as a figure
    assert "doctor" in ans.text or "pharmacist" in ans.text
    assert ans.citations[0].subsection == "Upper Intake Limit"


def test_a_unit_asked_for_a_limit_line_without_a_number(assistant: Assistant) -> None:
    ans = assistant.ask("how many micrograms is the K2 upper intake limit?")
    grounded(ans)
    assert "No established Tolerable Upper Intake Level" in ans.text
    assert not re.search(r"\d\s*(?:mcg|µg|μg)", ans.text)


def test_people_named_for_a_blank_field(assistant: Assistant) -> None:
    ans = assistant.ask("what's the RDA of K2 for women past menopause?")
    grounded(ans)
    assert "lists no value" in ans.text and not re.search(r"\d", re.sub(r"\[\d+\]", "", ans.text))


@pytest.mark.parametrize("question", [
    "tell me the recommended daily allowance of vitamin B6 for men",
    "what is the maximum safe daily intake of selenium",
    "how many mg of copper should an adult take each day?",
])
def test_an_amount_of_a_nutrient_no_monograph_is_about_is_not_answered(assistant: Assistant,
                                                                       question: str) -> None:
    """A monograph's Dosage Guide is for its own nutrient: another nutrient's figures are not there."""
    ans = assistant.ask(question)
    assert ans.abstained and not ans.citations


def test_a_second_nutrient_the_passages_give_an_amount_for_is_answered(assistant: Assistant) -> None:
    """A question about another nutrient's amount in a passage of the monograph is answered from it."""
    ans = assistant.ask("in the three-year trial of postmenopausal women, how much phylloquinone was given daily?")
    grounded(ans)
    assert re.search(r"Vitamin K1 \(1 mg/day\)", ans.text)
