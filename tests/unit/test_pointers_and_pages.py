"""What a turn points at, the page a question names, and a medicine named by its use (pure)."""

from __future__ import annotations

import pytest

from assistant.answer.products import asks_every_page, category_named, page_phrases
from assistant.answer.studies import parse_study_query
from assistant.followup import naming_pointed
from assistant.normalize import mentioned_classes


def test_that_one_is_the_product_pointed_at() -> None:
    assert naming_pointed("does that one contain astaxanthin?", "Krill Omega 500") == (
        "does Krill Omega 500 contain astaxanthin?")


def test_it_and_that_are_not_read_as_the_product() -> None:
    # "it" may be the supplement ("is it ok to take with food?"), "that" an amount
    assert naming_pointed("is it ok to take with food?", "Krill Omega 500") == "is it ok to take with food?"
    assert naming_pointed("does that fall inside the range?", "P") == "does that fall inside the range?"


def test_an_item_pointed_at_by_its_place_is_not_the_one_listed() -> None:
    q = "the second of those - is that one a softgel?"
    assert naming_pointed(q, "P") == q


def test_a_page_phrase_names_its_page_unless_denied() -> None:
    assert page_phrases("how much K2 is in the multivitamin listed on the vitamin D3 page?") == [
        "on the vitamin d3 page"]
    assert page_phrases("which multivitamin that is not on the iron page has vitamin d3?") == []


def test_a_question_across_every_page_chooses_by_the_one_nutrient_it_names() -> None:
    q = "Across all the monographs, which product has the most vitamin D3?"
    assert asks_every_page(q)
    assert category_named(q) == "vitamin D3"
    assert not asks_every_page("which product has the most vitamin D3?")
    assert category_named("across all the pages, which product without iron has the most vitamin d3?") is None


def test_studies_named_by_a_topic_phrase_name_no_people() -> None:
    sq = parse_study_query("what doses of MK-4 were used in the bone density studies?")
    assert sq is not None and sq.forms == ("MK-4",) and sq.population == () and sq.topics == ("bones",)


def test_a_medicine_named_by_its_use_and_its_name_is_the_one_named() -> None:
    assert mentioned_classes(["Does vitamin D3 interact with blood pressure pills like lisinopril?"]) == [
        "ace_inhibitor"]
    # a use said alone brings every class taken for it; another use phrase keeps its own classes
    assert {"thiazide_diuretic", "ace_inhibitor"} <= set(mentioned_classes(["I take blood pressure pills"]))
    both = mentioned_classes(["my blood pressure pills (lisinopril) and my heart pills"])
    assert "thiazide_diuretic" not in both and "anticoagulant" in both


@pytest.mark.parametrize(("question", "joined"), [
    ("which d3 + k2 product has the most vitamin D3?", ("vitamin D3", "vitamin K2")),   # before a product word
    ("Are there any products that contain both iron and vitamin D3?", ("iron", "vitamin D3")),   # after one
    ("any supplement with vitamin d3 and vitamin k2?", ("vitamin D3", "vitamin K2")),
    ("is iron better with vitamin c and vitamin d3?", ()),   # no run of two pages' nutrients so
])
def test_nutrients_joined_before_a_product_word_or_after_one_that_holds_them(
        question: str, joined: tuple[str, ...]) -> None:
    from assistant.answer.products import joined_names

    assert joined_names(question) == joined


def test_nutrients_joined_are_named_by_the_products_own_names_too_and_held_by_family() -> None:
    from assistant.answer.products import holds_named, joined_names
    from assistant.corpus import Nutrient, Product
    from assistant.doses import parse_doses

    # "vitamin c" is no vocabulary term, but a product's own nutrient: the two are joined
    assert joined_names("any products with iron and vitamin c?") == ()
    assert joined_names("any products with iron and vitamin c?", ["iron", "vitamin C"]) == ("iron", "vitamin C")
    ns = tuple(Nutrient(n, a, None, parse_doses(a)[0]) for n, a in (("EPA", "300 mg"), ("vitamin D3", "2,000 IU")))
    oil = Product("o5", "s", "Supplement: EPA 300 mg + vitamin D3 2,000 IU", None, "A softgel.", 0, 10, "s/p.md", 5,
                  (Nutrient("omega-3", None, None, None), *ns))
    assert holds_named(oil, ("omega-3", "vitamin D"))  # "vitamin D" names its family's "vitamin D3"
    assert not holds_named(oil, ("omega-3", "vitamin K2"))
