"""Follow-ups: which turn continues the conversation, and what it swaps or keeps (pure)."""

from __future__ import annotations

import pytest

from assistant.followup import current_question, find_slots, resolve

PRODUCT = [("product", "p3", "Ultra K2 MK-7 Plus D3")]


def test_a_turn_with_its_own_topic_stands_alone() -> None:
    r = resolve("Which research used MK-4 in women with osteoporosis?", "Which product has the most K2?")
    assert not r.followup and r.question.startswith("Which research")


def test_what_about_swaps_the_form() -> None:
    r = resolve("what about MK-4?", "How much MK-7 did the bone density trial use?")
    assert r.followup and "MK-7" not in r.question and "MK-4" in r.question and "bone density" in r.question


def test_and_the_upper_limit_swaps_the_field() -> None:
    r = resolve("ok, and the upper limit?", "what's the RDA for vitamin K2?")
    assert "RDA" not in r.question and "vitamin K2" in r.question


def test_a_pronoun_keeps_the_study() -> None:
    r = resolve("how long was that one?", "Tell me about the kidney disease study")
    assert r.followup and "kidney disease study" in r.question


def test_a_research_follow_up_does_not_inherit_a_product_question() -> None:
    r = resolve("what dose did they use in the osteoporosis study?", "Which product has the most K2?")
    assert r.followup and not r.inherits_intent
    assert "product" not in r.question and "K2" in r.question  # the subject, not the intent


def test_a_bare_follow_up_inherits_the_intent() -> None:
    r = resolve("which of those has the least?", "What products with K2 are on the page?")
    assert r.inherits_intent and "products" in r.question


def test_a_product_name_is_one_slot() -> None:
    slots = find_slots("What's in Ultra K2 MK-7 Plus D3?", PRODUCT)
    assert [s.kind for s in slots] == ["product"]


@pytest.mark.parametrize("turns", [["What is the upper limit for iron?", "and for vitamin D3?"]])
def test_the_current_question_folds_the_turns(turns: list[str]) -> None:
    assert current_question(turns) == "What is the upper limit for vitamin D3? and for vitamin D3?"


def test_a_follow_up_naming_other_people_asks_the_earlier_question_of_them() -> None:
    from assistant.followup import resolve

    r = resolve("and for teenagers?", "how much zinc do adults need each day")
    assert r.inherits_intent and r.question.startswith("how much zinc do teenagers need each day")
    r = resolve("what about for pregnant women?", "what is the daily allowance for men")
    assert r.question.startswith("what is the daily allowance for pregnant women")


def test_same_question_for_another_product_swaps_the_product() -> None:
    from assistant.followup import resolve

    r = resolve("same question for the chewable tablet", "how much zinc is in Mega Zinc 50",
                [("product", "p1", "Mega Zinc 50")])
    assert r.inherits_intent and r.question == "how much zinc is in the chewable tablet"
