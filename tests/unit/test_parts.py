"""A question that asks two things, split into its asks, and the answers joined (assistant/parts.py)."""

from __future__ import annotations

from assistant import messages as msg
from assistant.parts import merge_answers, split_asks
from assistant.types import Answer, Caution, Citation


def test_two_asks_joined_by_and_or_a_question_mark_are_split() -> None:
    assert split_asks("what is the daily allowance for teenagers, and which capsule holds the most?") == [
        "what is the daily allowance for teenagers", "which capsule holds the most?"]
    assert split_asks("how long did the bone trial run? what dose did the heart trial use?") == [
        "how long did the bone trial run?", "what dose did the heart trial use?"]


def test_a_later_ask_of_the_earlier_part_s_amount_is_split_off_with_one_topic_word() -> None:
    # "is that much risky?" asks of the amount the first part's answer states: a follow-up of it
    assert split_asks("what dose was used in the knee joint trial, and is that much risky?") == [
        "what dose was used in the knee joint trial", "is that much risky?"]


def test_that_much_after_how_much_is_in_a_product_stays_one_question() -> None:
    # the unsplit question sets the product's amount beside the limit itself
    q = "how much is in the big capsule, and is that much safe for my son?"
    assert split_asks(q) == [q]


def test_one_ask_is_left_whole() -> None:
    for q in ["What dose and what result?", "what dose was used in adults, and for how long?",
              "Was the trial in older adults and did it help?"]:
        assert split_asks(q) == [q]


def _cite(marker: int, chunk: str) -> Citation:
    return Citation(marker=marker, chunk_id=chunk, supplement="s", section="S", title="t", source="f",
                    snippet="x", span=(0, 1))


def test_answers_are_joined_with_markers_renumbered_and_one_referral() -> None:
    ref = "Ask your pharmacist."
    a = Answer(question="a", text=f"First [1]. Second [2]. {ref}", citations=[_cite(1, "c1"), _cite(2, "c2")],
               cautions=[Caution(kind="k", text="note", citation=_cite(2, "c2"))], support=0.9)
    b = Answer(question="b", text=f"Third [1]. {ref}", citations=[_cite(1, "c3")],
               cautions=[Caution(kind="k", text="note", citation=_cite(1, "c2"))], support=0.7)
    out = merge_answers("a and b", [a, b])
    assert out.text == f"First [1]. Second [2]. Third [3]. {ref}"
    assert [c.marker for c in out.citations] == [1, 2, 3]
    assert [c.chunk_id for c in out.citations] == ["c1", "c2", "c3"]
    assert len(out.cautions) == 1 and out.support == 0.7 and not out.abstained


def test_a_part_not_covered_is_said_and_all_unanswered_abstains() -> None:
    ok = Answer(question="a", text="Fact [1].", citations=[_cite(1, "c1")])
    no = Answer(question="b", text=msg.ABSTAIN_MESSAGE, abstained=True, mode="abstained")
    assert merge_answers("q", [ok, no]).text == f"Fact [1]. {msg.PART_NOT_COVERED}"
    assert merge_answers("q", [no, no]).abstained


def test_a_sentence_both_parts_cite_is_said_once_and_its_second_citation_goes() -> None:
    a = Answer(question="a", text="The finding. [1] Another. [2]", citations=[_cite(1, "c1"), _cite(2, "c2")])
    b = Answer(question="b", text="The finding. [1] A third. [2]", citations=[_cite(1, "c1"), _cite(2, "c3")],
               cautions=[Caution(kind="k", text="note", citation=_cite(2, "c3"))])
    out = merge_answers("a and b", [a, b])
    assert out.text == "The finding. [1] Another. [2] A third. [3]"
    assert [(c.marker, c.chunk_id) for c in out.citations] == [(1, "c1"), (2, "c2"), (3, "c3")]
    assert out.cautions[0].citation is not None and out.cautions[0].citation.marker == 3


def test_table_rows_keep_citing_their_products_after_the_join() -> None:
    from assistant.types import ProductRow

    a = Answer(question="a", text="A note. [1]", citations=[_cite(1, "n1")])
    b = Answer(question="b", text="A note. [1] Products: P [2].", citations=[_cite(1, "n1"), _cite(2, "p1")],
               table=[ProductRow(product="P", nutrient="x", marker=2)])
    out = merge_answers("a and b", [a, b])
    assert out.text == "A note. [1] Products: P [2]."
    assert [(c.marker, c.chunk_id) for c in out.citations] == [(1, "n1"), (2, "p1")]
    assert out.table[0].marker == 2 and not out.text.endswith(" ")


def test_a_finding_a_later_part_leads_in_with_words_of_its_own_is_said_once() -> None:
    a = Answer(question="a", text="The finding. [1]", citations=[_cite(1, "c1")])
    b = Answer(question="b", text="The study asked about: The finding. [1] It does not state its size.",
               citations=[_cite(1, "c1")])
    assert merge_answers("a and b", [a, b]).text == "The finding. [1] It does not state its size."
    # a lead-in that opens a list keeps its first item: the rest would lose what they are
    c = Answer(question="c", text="Findings in the people asked about: The finding. [1] Another. [2]",
               citations=[_cite(1, "c1"), _cite(2, "c2")])
    assert "Findings in the people asked about: The finding. [2] Another. [3]" in merge_answers("a and c", [a, c]).text
    # a page's name before the lead-in is a lead-in too ("<page>: <lead>: <finding>"), said first
    d = Answer(question="d", text="Page: The study asked about: The finding. [1]", citations=[_cite(1, "c1")])
    assert merge_answers("d and a", [d, a]).text == "Page: The study asked about: The finding. [1]"
    # a field's people after a page's name are no lead-in: two rows of one value are both said
    e = Answer(question="e", text="Page: For adults: 45 mg [1]", citations=[_cite(1, "f1")])
    f = Answer(question="f", text="Page: For children: 45 mg [1]", citations=[_cite(1, "f1")])
    assert "For children" in merge_answers("e and f", [e, f]).text


def test_a_note_both_parts_quote_after_a_sentence_of_their_own_is_said_once() -> None:
    a = Answer(question="a", text="The finding. [1] It does not state x. The note. [2]",
               citations=[_cite(1, "c1"), _cite(2, "n1")])
    b = Answer(question="b", text="The study asked about: The finding. [1] It does not state y. The note. [2]",
               citations=[_cite(1, "c1"), _cite(2, "n1")])
    out = merge_answers("a and b", [a, b])
    assert out.text == "The finding. [1] It does not state x. The note. [2] It does not state y."
    assert [c.chunk_id for c in out.citations] == ["c1", "n1"]


def test_a_statement_before_an_ask_is_what_the_ask_is_about_not_an_ask() -> None:
    # "I take <a medicine>; can I add <x>?": the first part says what is taken; it asks nothing
    q = "I take alendronate for my bones; can I add vitamin K2 to it?"
    assert split_asks(q) == [q]
    # a statement inside a part that also asks: the part is an ask, split from the next
    assert split_asks("I'm 30; what is the RDA of iron for women, and which iron product has the most iron?") == [
        "I'm 30; what is the RDA of iron for women", "which iron product has the most iron?"]
