"""What makes a question one about products, and about which: a nutrient measured by its parts, a
negated kind after "that's not", words that ask nothing across the products (why, a concern, a time,
a statement), and one product referred to by an amount it states."""

from __future__ import annotations

from dataclasses import replace

import pytest
from langchain_core.documents import Document

from assistant.answer.citations import CitationBook
from assistant.answer.products import (
    compose_one_product,
    compose_products,
    lists_only,
    measured,
    one_product_question,
    parse_product_query,
)
from assistant.corpus import Nutrient, Product
from assistant.doses import parse_doses

NAMES = ["vitamin D3", "omega-3", "EPA", "DHA", "vitamin K2"]


def _product(pid: str, title: str, text: str, *nutrients: tuple[str, str | None],
             name: str | None = None) -> Product:
    ns = tuple(Nutrient(n, amount, None, parse_doses(amount)[0] if amount else None) for n, amount in nutrients)
    return Product(pid, "s", title, name, text, 0, len(text), "s/p.md", 1, ns)


OIL = _product("o1", "Omni 1000", "Omni 1000 is a fish oil softgel providing 1,000 mg of fish oil with EPA (360 mg) "
               "and DHA (240 mg) per softgel.", ("omega-3", "1,000 mg"), ("EPA", "360 mg"), ("DHA", "240 mg"),
               name="Omni 1000")
KRILL = _product("o2", "Krill 500", "Krill 500 is a krill oil capsule with EPA (60 mg) and DHA (30 mg) per capsule.",
                 ("EPA", "60 mg"), ("DHA", "30 mg"), name="Krill 500")
GUMMY = _product("o3", "Supplement: omega-3", "This omega-3 gummy is chewable.", ("omega-3", None))
BIG = _product("d1", "Bone 5000", "Bone 5000 is a softgel providing vitamin D3 (5,000 IU) per softgel. The dose "
               "exceeds the upper intake limit.", ("vitamin D3", "5,000 IU"), name="Bone 5000")
COMBO = _product("k1", "Supplement: vitamin D3 5,000 IU + vitamin K2 100 mcg", "This capsule gives vitamin D3 "
                 "(5,000 IU) and vitamin K2 (100 mcg).", ("vitamin D3", "5,000 IU"), ("vitamin K2", "100 mcg"))
LOW_K = _product("k2", "Supplement: vitamin D3 1,000 IU + vitamin K2 45 mcg", "This supplement combines vitamin D3 "
                 "(1,000 IU) and vitamin K2 (45 mcg). Vitamin K2 is included at a sub-therapeutic level.",
                 ("vitamin D3", "1,000 IU"), ("vitamin K2", "45 mcg"))


def _docs(products: list[Product]) -> dict[str, Document]:
    return {p.id: Document(page_content=p.text, metadata={"chunk_id": p.id, "text": p.text}) for p in products}


def _one(question: str, products: list[Product], earlier: tuple[str, ...] | None = None) -> str | None:
    one = one_product_question(question, products, [], NAMES, earlier)
    if one is None:
        return None
    return " ".join(compose_one_product(one, _docs(products), CitationBook())[0])


def test_a_nutrient_with_parts_is_measured_by_the_parts_a_product_states() -> None:
    oil = measured(OIL, "omega-3")
    assert oil is not None and oil.micrograms == 600_000.0  # its parts, not the oil's 1,000 mg
    assert [s.nutrient for s in oil.states] == ["EPA", "DHA"]
    krill = measured(KRILL, "omega-3")  # it names only the parts
    assert krill is not None and krill.micrograms == 90_000.0
    assert measured(GUMMY, "omega-3") is None
    pq = parse_product_query("which product is the lowest dose", NAMES)
    assert pq is not None and pq.direction == "min"
    lines, _ = compose_products(replace(pq, nutrient="omega-3"), [OIL, KRILL, GUMMY], _docs([OIL, KRILL, GUMMY]),
                                CitationBook(), primary="omega-3")
    out = " ".join(lines)
    assert "least omega-3" in out and "Krill 500 (EPA 60 mg per capsule; DHA 30 mg per capsule" in out
    assert "1,000 mg" not in out
    one = _one("how much omega-3 is in omni 1000", [OIL, KRILL])
    assert one is not None and "EPA 360 mg per softgel; DHA 240 mg per softgel" in one and "1,000 mg" not in one


def test_a_kind_after_thats_not_is_left_out_even_with_the_page_named() -> None:
    pq = parse_product_query("i hate big softgels. anything on the list thats not a softgel", NAMES)
    assert pq is not None and pq.excluded_kinds == ("softgel",) and pq.kinds == () and not pq.missing


def test_words_that_ask_nothing_across_the_products() -> None:
    assert parse_product_query("why do most k2 pills go with mk7 and not mk4? is there a reason", NAMES) is None
    assert parse_product_query("any problem with him taking vit d tablets", NAMES) is None
    # a statement before the question ("... doesn't say which one.") asks nothing across them
    assert parse_product_query("the forms line says it but doesnt say which one. is that mk4 or mk7",
                               NAMES) is None
    # still a question across the products
    pq = parse_product_query("any tablets with vitamin D3?", NAMES)
    assert pq is not None and pq.kinds == ("tablet",)


def test_one_product_referred_to_by_an_amount_its_description_states() -> None:
    q = "the one with 45 mcg of k2 in it... is that a decent amount or a lowball dose"
    pq = parse_product_query(q, NAMES)
    assert pq is not None and pq.one
    out = _one(q, [LOW_K, COMBO, BIG])
    assert out is not None and out.startswith("The description of Supplement: vitamin D3 1,000 IU + vitamin K2 45 mcg"
                                              " says: “") and "sub-therapeutic" in out
    # an amount several products state: the kind named decides ("in one softgel")
    q = "is 5000 iu a day in one softgel too strong to take every day long term"
    assert (pq := parse_product_query(q, NAMES)) is not None and pq.one
    out = _one(q, [BIG, COMBO])
    assert out is not None and "Bone 5000" in out and "exceeds the upper intake limit" in out
    assert _one("is 5000 iu a day too strong for a capsule or a softgel", [BIG, COMBO]) is None
    # a named product whose amount the question gives: its description, quoted
    out = _one("is omni 1000 actually 1000mg of omega 3 per pill??", [OIL, KRILL])
    assert out is not None and "1,000 mg of fish oil with EPA (360 mg)" in out
    # an amount no product states ("the same as the 45 mg in the study"): no one product is meant
    assert _one("is the 45 mcg k2 product the same amount as the 45 mg they used in the study", [LOW_K, COMBO]) is None
    # the amount of another nutrient asked: its amount, not a quote
    out = _one("how much vitamin D3 is in the one with 45 mcg of k2", [LOW_K, COMBO])
    assert out is not None and "states vitamin D3 1,000 IU" in out and "says" not in out


def test_an_amount_beside_a_named_product_asks_of_that_product() -> None:
    text = _one("Krill 500 - does that mean 500 mg of omega-3 per capsule?", [OIL, KRILL, GUMMY])
    assert text is not None and "Krill 500" in text and "Omni 1000" not in text and "60 mg" in text


def test_which_form_of_a_nutrient_asks_of_one_product() -> None:
    text = _one("which type of vitamin K2 does the capsule use", [COMBO, BIG])
    assert text is not None and "does not state its form" in text


D3_K2 = _product("k1", "Supplement: vitamin D3 1,000 IU + vitamin K2 45 mcg",
                 "This supplement combines vitamin D3 (1,000 IU) and vitamin K2 (45 mcg).",
                 ("vitamin D3", "1,000 IU"), ("vitamin K2", "45 mcg"))
D3_K2_LIQUID = _product("k5", "Liquid supplement: vitamin D3 1,000 IU + vitamin K2 10 mcg",
                        "This liquid combines vitamin D3 (1,000 IU) and vitamin K2 (10 mcg).",
                        ("vitamin D3", "1,000 IU"), ("vitamin K2", "10 mcg"))


def test_one_product_is_the_one_every_amount_the_question_gives_fits() -> None:
    text = _one("the d3 1000 iu + k2 45 mcg one - is the k2 in there mk-4 or mk-7", [D3_K2, D3_K2_LIQUID, COMBO])
    assert text is not None and "45 mcg" in text and "10 mcg" not in text


def test_two_products_offered_as_a_choice_are_compared() -> None:
    # (the pipeline passes the earlier questions; none here)
    out = _one("which has more EPA: omni 1000 or krill 500?", [OIL, KRILL, GUMMY], ())
    assert out is not None and "EPA 360 mg" in out and "EPA 60 mg" in out and "more EPA" in out
    out = _one("is the d3 in bone 5000 the same as in the capsule with k2, or does one have more?", [BIG, COMBO], ())
    assert out is not None and "same amount of vitamin D3" in out


def test_sorting_the_products_lists_every_amount_in_order() -> None:
    q = "sort the products by how much vitamin d3 they contain, smallest first"
    pq = parse_product_query(q, NAMES)
    assert pq is not None and pq.ranked and pq.direction == "min"
    lines, _ = compose_products(pq, [BIG, LOW_K, COMBO], _docs([BIG, LOW_K, COMBO]), CitationBook())
    text = " ".join(lines)
    assert text.index("1,000 IU") < text.index("5,000 IU") and "from the least vitamin D3" in text


def test_products_asked_for_by_what_their_description_says_are_quoted() -> None:
    q = "which of the vitamin K2 products is described as sub-therapeutic?"
    pq = parse_product_query(q, NAMES)
    assert pq is not None and pq.described
    lines, _ = compose_products(pq, [BIG, LOW_K, COMBO], _docs([BIG, LOW_K, COMBO]), CitationBook())
    text = " ".join(lines)
    assert "sub-therapeutic level" in text and "Bone 5000" not in text and "5,000 IU + vitamin K2 100" not in text


def test_a_follow_up_ranking_the_other_way_ranks_the_earlier_question_that_way() -> None:
    from assistant.answer.products import parse_product_query, turn_direction

    earlier = parse_product_query("which product has the most zinc? is that a lot?", ["zinc"])
    assert earlier is not None and earlier.direction == "max"
    assert turn_direction(earlier, "ok and the weakest one then?").direction == "min"
    assert turn_direction(earlier, "and what's in it?") is earlier


def test_the_products_of_a_kind_asked_are_named_when_none_states_the_nutrient() -> None:
    pq = parse_product_query("is there a chewable one among the products? how much EPA does it give", NAMES)
    assert pq is not None
    pq = replace(pq, nutrient="EPA", nutrients=("EPA",), kinds=("gummy",))
    lines, _ = compose_products(pq, [OIL, KRILL, GUMMY], _docs([OIL, KRILL, GUMMY]), CitationBook())
    out = " ".join(lines)
    assert "do not state EPA" in out and "Supplement: omega-3" in out and "[1]" in out   # the gummy, cited
    assert "360 mg" not in out and "60 mg" not in out   # no other product's amount stands for it


def test_which_are_one_form_and_which_another_lists_the_products_of_each() -> None:
    pq = parse_product_query("which fish oil products are ethyl esters and which ones are the triglyceride type?",
                             NAMES)
    assert pq is not None and pq.form == "ethyl ester"
    assert pq.then is not None and pq.then.form == "triglyceride form"
    plural = parse_product_query("which of the fish oils are ethyl esters?", NAMES)
    assert plural is not None and plural.form == "ethyl ester"   # the supplement's products, by form
    assert parse_product_query("which fish oil ethyl ester dose should i take?", NAMES) is None


def test_a_bound_word_ranks_no_product() -> None:
    """"at least a gram" bounds an amount (one the parser does not read); it asks for no least one."""
    pq = parse_product_query("which of the fish oils give at least a gram of EPA in one serving?", NAMES)
    assert pq is not None and pq.direction is None
    least = parse_product_query("which of the fish oils has the least EPA?", NAMES)
    assert least is not None and least.direction == "min"


def test_the_second_place_names_the_first_then_the_next() -> None:
    from assistant.answer.products import turn_direction

    pq = parse_product_query("which product has the second highest vitamin D3?", NAMES)
    assert pq is not None and pq.direction == "max" and pq.place == 2
    lines, _ = compose_products(pq, [BIG, LOW_K], _docs([BIG, LOW_K]), CitationBook())
    out = " ".join(lines)
    assert out.index("5,000 IU") < out.index("the next most") < out.index("1,000 IU")
    earlier = parse_product_query("which product has the least vitamin D3?", NAMES)
    assert earlier is not None and turn_direction(earlier, "and the next one up from that?").place == 2
    only = compose_products(pq, [BIG], _docs([BIG]), CitationBook())[0]  # no second: the whole order
    assert "the next" not in " ".join(only) and "5,000 IU" in " ".join(only)


def test_a_property_asked_and_the_page_words_that_speak_to_it() -> None:
    from assistant.answer.products import asked_property, speaks_to

    # a denial may be the requirement ("no gelatin for me. which product?"): it still asks the property
    assert asked_property("no gelatin for me. which fish oil product?") == "dietary suitability"
    lichen = "Ergocalciferol (D2): suitable for vegans when derived from lichen."
    assert speaks_to(lichen, "which vitamin d is suitable for vegans", "dietary suitability")
    assert not speaks_to(lichen, "which vitamin d3 is halal?", "dietary suitability")   # not its words


def test_free_of_a_food_is_dietary_suitability() -> None:
    from assistant.answer.products import asked_property

    for q in ("which omega 3 product is fish free", "which one is free from shellfish?",
              "any without fish in it", "which one is not made from fish?", "which doesn't come from fish"):
        assert asked_property(q) == "dietary suitability", q
    assert asked_property("is krill oil free from fishy burps") != "dietary suitability"
    assert asked_property("which omega 3 doesn't come with fish burps?") != "dietary suitability"


def test_a_query_that_only_lists_the_products_asks_nothing_of_them() -> None:
    """"what kinds of <nutrient> are there in supplements" lists them by nothing: the page's forms
    answer it (the pipeline asks the Special Forms field instead); a ranking or a form asks of them."""
    listed = parse_product_query("which omega-3 supplements are there?", NAMES)
    assert listed is not None and lists_only(listed)
    ranked = parse_product_query("which omega-3 supplement has the most EPA?", NAMES)
    assert ranked is not None and not lists_only(ranked)


def test_two_named_products_set_against_each_other_are_compared_in_what_both_name() -> None:
    """"compare <A> with <B>", "<A> vs <B>", "how does <A> compare to <B>": both products' amounts,
    and which states more, in the nutrients both name (no more/less word is needed)."""
    for asked in ["compare Omni 1000 with Krill 500", "Omni 1000 vs Krill 500 - thoughts?",
                  "how does Omni 1000 compare to Krill 500?"]:
        said = _one(asked, [OIL, KRILL, GUMMY])
        assert said is not None and "360 mg" in said and "60 mg" in said, asked
        assert "Krill 500 states less EPA" in said or "Omni 1000 states more EPA" in said, said
    assert one_product_question("compare the omega-3 products", [OIL, KRILL, GUMMY], [], NAMES) is None


@pytest.mark.parametrize(("question", "asks"), [
    ("does k2 actually work for arteries?", True), ("k2 + d3 together, good or bad", True),
    ("is fish oil worth taking", True), ("is there any evidence it helps", True),
    ("does the ultra one actually work?", True),
    ("which product works best for bones?", False),  # a product word: the products answer
    ("how much k2 is in it?", False), ("do you know the dose?", False),
    ("are there any good vegan omega 3s?", False), ("is there any good vitamin d for kids", False),
    ("how does vitamin k2 work", False), ("does taking it with food help absorption?", False),
    ("does my insurance help pay for it", False),
])
def test_whether_it_works_is_asked_of_the_evidence(question: str, asks: bool) -> None:
    from assistant.answer.products import asks_evidence
    assert asks_evidence(question) is asks


@pytest.mark.parametrize("question", ["no kids in the house, which iron product has the most iron",
                                      "so no worries there, whats the strongest iron pill",
                                      "no kids at home so no worries there - which iron tablet has the most"])
def test_a_denial_in_a_clause_before_the_ask_is_no_missing_amount(question: str) -> None:
    from assistant.answer.products import parse_product_query
    pq = parse_product_query(question, ["iron", "vitamin D3"])
    assert pq is not None and not pq.missing and pq.direction == "max"
    excluded = parse_product_query("no d3 please, which k2 product is best", ["vitamin K2", "vitamin D3"])
    assert excluded is not None and excluded.excluded == ("vitamin D3",)  # names what products hold


def test_in_which_opening_a_question_asks_across_products() -> None:
    from assistant.answer.products import parse_product_query
    assert parse_product_query("in which k2 products is there d3?", ["vitamin K2", "vitamin D3"]) is not None


@pytest.mark.parametrize(("question", "direction", "nutrient"), [
    ("OmegaMax or the krill one, which has more omega-3?", "max", "omega-3"),
    ("which has less iron, the liquid or the 25 mg one?", "min", "iron"),
    ("OmegaMax or the krill one, which is nicer?", None, None),  # ranks by no nutrient
])
def test_the_ranking_a_question_asks_of_the_products_it_offers(question: str, direction: str | None,
                                                             nutrient: str | None) -> None:
    from assistant.answer.products import ranking_query
    pq = ranking_query(question, ["omega-3", "EPA", "DHA", "iron"])
    assert (pq.direction, pq.nutrient) == (direction, nutrient) if pq else direction is None
