"""Nutrients named in text (assistant/nutrients.py): vocabulary names, forms, "vitamin" + letter."""

from __future__ import annotations

from assistant.nutrients import mentioned_nutrients, read_nutrients


def test_mentioned_nutrients_reads_names_and_forms() -> None:
    assert mentioned_nutrients("RDA of MK-7 for kids") == ["vitamin K2"]
    assert mentioned_nutrients("the upper limit of magnesium and vitamin D3") == ["magnesium", "vitamin D3"]
    assert mentioned_nutrients("how much should pregnant women take") == []


def test_a_vitamin_the_vocabulary_does_not_list_is_still_a_nutrient() -> None:
    assert mentioned_nutrients("What is the RDA of vitamin c for men?") == ["vitamin C"]
    assert mentioned_nutrients("upper limit of Vitamin B12") == ["vitamin B12"]
    assert mentioned_nutrients("a vitamin is a nutrient") == []


def test_extra_names_count_as_nutrients() -> None:
    assert mentioned_nutrients("how much coenzyme q10 a day", ["coenzyme Q10"]) == ["coenzyme Q10"]


def test_read_nutrients_keeps_amounts() -> None:
    [n] = read_nutrients("Each tablet has vitamin C (250 mg).")
    assert (n.nutrient, n.amount) == ("vitamin C", "250 mg")


def test_a_hyphenated_vitamin_number_is_one_name() -> None:
    assert mentioned_nutrients("how much vitamin b-12 a day") == ["vitamin B12"]


def test_amount_questions_come_from_the_lexicon() -> None:
    from assistant.answer.scope import asks_amount

    assert asks_amount("how much selenium per day")
    assert asks_amount("is 900 mcg of it safe?")
    assert asks_amount("what dosage do people use")
    assert not asks_amount("does it help the heart")
    assert not asks_amount("what was the 3-year trial about")
