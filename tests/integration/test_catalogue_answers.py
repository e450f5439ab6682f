"""Questions over a corpus of several monographs (the repository's whole corpus, real model and index):
which monograph answers, and what happens when a question names none of them."""

from __future__ import annotations

import re

from assistant import Assistant


def test_a_reference_number_with_no_monograph_named_is_answered_from_each(catalogue: Assistant) -> None:
    ans = catalogue.ask("tell me about reference number 1")
    titles = {m.title for m in catalogue.corpus.monographs if any(b.kind == "finding" and b.ref == 1 for b in m.blocks)}
    assert not ans.abstained and len(titles) > 1
    for title in titles:  # each monograph's part starts with its name
        assert re.search(rf"(?:^|\] ){re.escape(title)}: ", ans.text), title
    assert {c.supplement for c in ans.citations} == {m.slug for m in catalogue.corpus.monographs
                                                     if m.title in titles}


def test_a_reference_number_of_a_named_monograph_is_answered_from_it_alone(catalogue: Assistant) -> None:
    mono = catalogue.corpus.monographs[0]
    ans = catalogue.ask(f"what does {mono.title} reference 1 say?")
    assert not ans.abstained
    assert {c.supplement for c in ans.citations} == {mono.slug}
    assert not ans.text.startswith(f"{mono.title}: ")


def test_the_upper_limit_of_a_nutrient_without_a_monograph_is_not_answered(catalogue: Assistant) -> None:
    ans = catalogue.ask("what's the tolerable upper intake level for vitamin B6?")
    assert ans.abstained and not ans.citations


def test_a_question_that_asks_two_things_answers_both(catalogue: Assistant) -> None:
    ans = catalogue.ask("what is the upper intake limit for iron in adults, and which D3 product has the most D3?")
    assert not ans.abstained
    assert {c.supplement for c in ans.citations} == {"iron", "vitamin-d3"}
    assert re.search(r"45 mg", ans.text)
    assert [c.marker for c in ans.citations] == list(range(1, len(ans.citations) + 1))


def test_a_question_about_too_much_is_answered_with_the_toxicity_notes(catalogue: Assistant) -> None:
    ans = catalogue.ask("could way too much vitamin D3 make a person sick?")
    assert not ans.abstained
    assert "toxicity" in {c.kind for c in ans.cautions}
