"""A detail asked of one product (how often to take it, its product name, what its amounts are per):
what its report states, or that it does not; a name said short; "more or less?" after a question
about another product; a form asked across the products; an amount's superlative before a property."""

from __future__ import annotations

from langchain_core.documents import Document

from assistant.answer.citations import CitationBook
from assistant.answer.products import (
    asked_detail,
    asks_across_products,
    compose_one_product,
    compose_products,
    one_product_question,
    parse_product_query,
    product_named,
    set_beside,
    without_description,
)
from assistant.corpus import Nutrient, Product
from assistant.doses import parse_doses

NAMES = ["vitamin D3", "vitamin K2", "iron", "zinc"]


def _product(pid: str, title: str, text: str, *nutrients: tuple[str, str | None, str | None],
             name: str | None = None) -> Product:
    ns = tuple(Nutrient(n, amount, form, parse_doses(amount)[0] if amount else None) for n, amount, form in nutrients)
    return Product(pid, "s", title, name, text, 0, len(text), "s/p.md", 1, ns)


ULTRA = _product("k1", "Ultra K2 MK-7 Plus D3", "Ultra K2 MK-7 Plus D3 is a supplement with vitamin D3 (5,000 IU) "
                 "and vitamin K2 (100 mcg as MK-7).", ("vitamin D3", "5,000 IU", None),
                 ("vitamin K2", "100 mcg", "MK-7"), name="Ultra K2 MK-7 Plus D3")
DROPS = _product("k2", "Liquid supplement: vitamin D3 1,000 IU + vitamin K2 10 mcg", "This liquid supplement "
                 "combines vitamin D3 (1,000 IU) and vitamin K2 (10 mcg). It is intended for daily use.",
                 ("vitamin D3", "1,000 IU", None), ("vitamin K2", "10 mcg", None))
HIGH = _product("k3", "Supplement: vitamin D3 4000 IU + vitamin K2 100 µg (MK-7)", "This supplement combines "
                "vitamin D3 (4000 IU) and vitamin K2 (100 µg). Take one capsule twice a day with food.",
                ("vitamin D3", "4000 IU", None), ("vitamin K2", "100 µg", "MK-7"))
ZINC = _product("k4", "Supplement: vitamin D3 + vitamin K2 (MK-7) + zinc", "This supplement combines vitamin D3, "
                "vitamin K2 (as MK-7), and zinc.", ("vitamin D3", None, None), ("vitamin K2", None, "MK-7"),
                ("zinc", None, None))
GLYC = _product("i1", "Supplement: iron 25 mg (ferrous bisglycinate)", "This gentle iron supplement provides 25 mg "
                "of elemental iron as ferrous bisglycinate chelate per capsule. It is designed to minimize "
                "constipation and stomach upset.", ("iron", "25 mg", "ferrous bisglycinate"))
FUM = _product("i2", "Supplement: iron 106 mg (ferrous fumarate)", "This ferrous fumarate tablet delivers 106 mg of "
               "elemental iron per tablet.", ("iron", "106 mg", "ferrous fumarate"))
SYRUP = _product("i3", "Liquid supplement: iron 10 mg (ferrous gluconate)", "This liquid iron supplement provides "
                 "10 mg of elemental iron per 5 mL serving as ferrous gluconate.", ("iron", "10 mg", "ferrous gluconate"))
K2 = [ULTRA, DROPS, HIGH, ZINC]
IRON = [GLYC, FUM, SYRUP]


def _docs(products: list[Product]) -> dict[str, Document]:
    return {p.id: Document(page_content=p.text, metadata={"chunk_id": p.id, "text": p.text}) for p in products}


def _one(question: str, products: list[Product], earlier: list[str] | None = None) -> str | None:
    one = one_product_question(question, products, products, NAMES, earlier)
    if one is None:
        return None
    return " ".join(compose_one_product(one, _docs(products), CitationBook())[0])


def test_the_details_a_question_asks() -> None:
    assert asked_detail("how many times a day do i take it") == "frequency"
    assert asked_detail("how often should i take it") == "frequency"
    assert asked_detail("whats the actual product name") == "name"
    assert asked_detail("is that per capsule or per serving of 2") == "basis"
    assert asked_detail("how much iron is in it") is None


def test_a_detail_the_report_does_not_state_is_said_so_with_what_it_states() -> None:
    out = _one("how many times a day are you meant to take the 4000 iu d3 + k2 one? does it say", K2)
    assert out is not None and "Supplement: vitamin D3 4000 IU" in out and "twice a day" in out  # it states it
    out = _one("how often do you take the liquid d3 + k2 one", K2)
    assert out is not None and "does not state how often to take it" in out and "vitamin K2 10 mcg" in out
    assert "[1]" in out
    out = _one("the liquid d3 + k2 one doesnt have a real name. whats the actual product name", K2)
    assert out is not None and "Liquid supplement" in out and "does not state a product or brand name" in out
    out = _one("what brand is ultra k2", K2)
    assert out is not None and "names the product “Ultra K2 MK-7 Plus D3”" in out


def test_whom_a_product_is_for_is_quoted_with_the_amounts_it_states() -> None:
    assert asked_detail("who is it meant for") == "purpose"
    assert asked_detail("what's it for") == "purpose"
    assert asked_detail("what is it made of") is None
    out = _one("how much k2 is in the liquid d3 + k2 one, and who is it meant for?", K2)
    assert out is not None and "“It is intended for daily use.”" in out and "vitamin K2 10 mcg" in out


def test_what_the_amounts_are_per() -> None:
    out = _one("ultra k2 says 100 mcg of k2, is that per capsule or per serving of 2 or what", K2)
    assert out is not None and out.startswith("The description of Ultra K2 MK-7 Plus D3 does not state whether")
    assert "100 mcg per" not in out
    out = _one("is the 10 mg in the liquid iron one per drop or per serving", IRON)
    assert out is not None and "iron 10 mg per 5 mL" in out


def test_a_name_said_short_and_a_statement_before_the_question() -> None:
    out = _one("not on aspirin or any blood thinner. is ultra k2 mk4 or mk7", K2)
    assert out is not None and "states its vitamin K2 as MK-7" in out
    out = _one("not on any blood thinner, no bleeding issues. the liquid k2 with only 10 mcg, is it mk4 or mk7", K2)
    assert out is not None and "names vitamin K2 but does not state its form" in out
    assert _one("is ultra mk4 or mk7", K2) is None  # one word of the name says nothing


def test_more_or_less_after_a_question_about_another_product() -> None:
    out = _one("and the fumarate one? more or less?", IRON, earlier=["how much iron is in the bisglycinate capsule"])
    assert out is not None and "106 mg" in out and "25 mg" in out and "states more iron" in out
    assert _one("and the fumarate one? more or less?", IRON) is None  # nothing before it: not this


def test_a_form_asked_across_the_products_lists_those_that_state_none() -> None:
    pq = parse_product_query("which products on the list have mk-7", NAMES)
    assert pq is not None and pq.form == "MK-7"
    out = " ".join(compose_products(pq, K2, _docs(K2), CitationBook(), primary="vitamin K2")[0])
    head, _, tail = out.partition("do not state its form")
    assert "Ultra K2" in head and "4000 IU" in head and "zinc" in head and "Liquid supplement" not in head
    assert "Liquid supplement" in tail


def test_the_least_of_an_amount_wins_over_a_property_which_follows() -> None:
    pq = parse_product_query("which iron product has the least iron in it? want to go gentle", NAMES)
    assert pq is not None and pq.direction == "min" and pq.property is None
    assert pq.then is not None and pq.then.property == "tolerability"
    out = " ".join(compose_products(pq, IRON, _docs(IRON), CitationBook(), primary="iron")[0])
    assert out.index("least iron") < out.index("tolerability") and "10 mg" in out
    pq = parse_product_query("which iron product is gentlest on the stomach", NAMES)
    assert pq is not None and pq.property == "tolerability" and pq.then is None


def test_a_question_across_the_products_that_names_nothing_of_its_own() -> None:
    assert asks_across_products("which products on the list have that form")
    assert asks_across_products("any tablets like that?")
    assert not asks_across_products("does it have that form")
    assert not asks_across_products("which form is better absorbed")


def test_every_day_or_once_a_week_asks_how_often_and_the_description_is_quoted() -> None:
    assert asked_detail("is it one every day or once a week") == "frequency"
    assert asked_detail("daily or weekly?") == "frequency"
    out = _one("ultra k2 mk-7 plus d3 - am I meant to take it every day or once a week?", K2)
    assert out is not None and "does not state how often to take it" in out
    assert "says: “Ultra K2 MK-7 Plus D3 is a supplement with vitamin D3 (5,000 IU)" in out


def test_a_length_of_time_or_a_limit_is_no_frequency() -> None:
    assert asked_detail("can i stop it for a day or a week before my blood test?") is None
    assert asked_detail("what's the max per day or per week") is None


def test_between_two_products_which_gives_more_is_their_comparison() -> None:
    out = _one("between the gentle capsule and the fumarate tablet, which one gives more iron?", IRON, [])
    assert out is not None and "25 mg" in out and "106 mg" in out


def test_an_amount_the_description_states_of_its_salt_is_answered_in_its_words() -> None:
    salt = _product("i4", "Iron Forty", "Iron Forty is a tablet giving 40 mg of elemental iron (from 200 mg ferrous "
                    "sulfate) per tablet. It is meant for daily use.", ("iron", "40 mg", "ferrous sulfate"),
                    name="Iron Forty")
    out = _one("the iron forty box says 200 mg - is that 200 mg of iron in each tablet?", [salt, *IRON])
    assert out is not None and "from 200 mg ferrous sulfate" in out and "40 mg of elemental iron" in out


def test_a_limit_set_beside_a_described_product_is_no_word_of_its_description() -> None:
    rest = without_description("does the D3 + K2 softgel go over the vitamin D upper limit?")
    assert "k2" not in rest and "softgel" not in rest and "go over the vitamin d upper limit" in rest
    assert without_description("is the tablet with zinc above the max?").split() == ["is", "the", "above", "the", "max?"]
    for q in ("does the D3 + K2 softgel go more than the vitamin D limit?",
              "is the D3 + K2 softgel too much for the vitamin D limit?", "does the D3 + K2 softgel exceed 4000 iu?"):
        assert "k2" not in without_description(q), q


def test_a_product_described_by_the_words_of_one_phrase_ending_in_one() -> None:
    # every word of "the <...> one" held by one product's report, an amount of a nutrient asked
    one = one_product_question("how much iron per capsule is in the bisglycinate one?", IRON, IRON, NAMES)
    assert one is not None and one.product is GLYC and one.nutrients == ("iron",)
    # a word no report holds, or no nutrient asked of it: no product is taken for it
    assert one_product_question("how much iron is in the polypeptide one?", IRON, IRON, NAMES) is None
    assert one_product_question("the bisglycinate one. what's in it?", IRON, IRON, NAMES) is None


def test_a_kind_the_asker_says_they_have_is_no_kind_asked_for_a_property() -> None:
    # the tablets are what the person has; a gentler product of any kind is sought
    pq = parse_product_query("i get horrible constipation from iron tablets, is there a gentler type?", NAMES)
    assert pq is not None and pq.property is not None and pq.kinds == ()
    # a kind the person wants stays asked
    pq = parse_product_query("i'd prefer capsules, which iron is gentler on the stomach?", NAMES)
    assert pq is not None and pq.kinds == ("capsule",)


def test_a_kind_said_to_upset_the_asker_is_no_kind_asked_for_a_property() -> None:
    # "<kind>s give me <symptom>": what the person has had, not a kind sought
    pq = parse_product_query("tablets give me stomach cramps, is there an iron that is easier on the gut?", NAMES)
    assert pq is not None and pq.property is not None and pq.kinds == ()
    # a clause that asks of a kind, or says what the person wants, keeps it
    for q, kind in (("for iron, which tablet gives me the least stomach upset?", "tablet"),
                    ("a liquid that won't upset my stomach, which iron is gentlest?", "liquid")):
        pq = parse_product_query(q, NAMES)
        assert pq is not None and pq.kinds == (kind,), q


def test_what_a_product_is_set_beside_names_the_limit_s_supplement() -> None:
    assert set_beside("would the fish oil softgel put me over the vitamin d limit?").strip() == "vitamin d limit"
    assert set_beside("does the d3 + k2 softgel exceed the ul, or not?").strip() == "the ul"
    assert set_beside("how much iron is in the tablet?") == ""
    # a clause saying when or with what ends it: "iron" is no limit's supplement here
    assert set_beside("is 4000 iu of d3 over the upper limit if i also take iron?").strip() == "upper limit"


def test_a_less_specific_name_of_a_nutrient_describes_the_product_stating_it() -> None:
    # "the liquid vitamin d": the liquid stating vitamin D3, not a softgel whose text says "vitamin D"
    soft = _product("d1", "Bone Plus 5000", "Bone Plus 5000 is a softgel with vitamin D3 (5,000 IU) for "
                    "people with low vitamin D status.", ("vitamin D3", "5,000 IU", None), name="Bone Plus 5000")
    drops = _product("d2", "Liquid supplement: vitamin D3", "This vitamin D3 liquid provides 400 IU per drop.",
                     ("vitamin D3", "400 IU", None))
    assert product_named("how many IU is in the liquid vitamin D?", [soft, drops], [soft, drops], NAMES) is drops


def test_one_product_held_against_an_amount_is_said_to_keep_to_it_or_not() -> None:
    out = _one("is the ultra k2 one more than 100 mcg of k2?", K2)
    assert out is not None and "vitamin K2 100 mcg" in out
    assert "Ultra K2 MK-7 Plus D3 does not state more vitamin K2 than the amount named [1]" in out
    out = _one("does ultra k2 have more then 50 mcg of k2", K2)  # "then" typed for "than"
    assert out is not None and "Ultra K2 MK-7 Plus D3 states more vitamin K2 than the amount named" in out
    out = _one("does ultra k2 have at least 4000 iu", K2)  # the one nutrient it states in that unit
    assert out is not None and "states at least the amount of vitamin D3 named" in out and "4000" not in out
    # the amount's figure names no product ("10 mcg" is the drops' amount): the one named is asked of
    out = _one("does ultra k2 have less than 10 mcg k2", K2)
    assert out is not None and "Ultra K2 MK-7 Plus D3 does not state less vitamin K2" in out
    assert "Liquid supplement" not in out


def test_a_coined_name_is_found_said_apart_or_without_its_strength() -> None:
    oil = _product("o1", "OmegaMax 1000", "OmegaMax 1000 is a fish oil softgel with EPA (360 mg) per softgel.",
                   ("EPA", "360 mg", None), name="OmegaMax 1000")
    krill = _product("o4", "Krill Omega 500", "Krill Omega 500 is a krill oil capsule supplying 500 mg of krill oil "
                     "with EPA (60 mg) per capsule.", ("EPA", "60 mg", None), name="Krill Omega 500")
    for q in ("how much epa is in omega max 1000", "how much epa is in omegamax", "how much epa in omega-max 1000"):
        one = one_product_question(q, [oil, krill], [oil, krill], ["EPA"])
        assert one is not None and one.product.id == "o1", q
    # said short and apart, a coined word is everyday words ("how much omega max per day?")
    assert one_product_question("how much epa in omega max", [oil, krill], [oil, krill], ["EPA"]) is None
    out = _one("does omega max 1000 have more than 500 mg epa", [oil, krill])
    assert out is not None and "OmegaMax 1000 does not state more EPA than the amount named" in out
    assert "Krill" not in out


def test_an_amount_that_describes_the_product_compared_with_is_no_bound() -> None:
    one = one_product_question("does ultra k2 have more k2 than the 10 mcg k2 one?", K2, K2, NAMES, earlier=[])
    assert one is None or one.bound is None
    assert _one("is ultra k2 more than what's usually advised?", K2, earlier=[]) is None  # nothing set beside
    # a salt's weight is no amount of the nutrient; an amount asked in another clause is another product's
    one = one_product_question("does the 25 mg iron have less than 100 mg of ferrous bisglycinate?", IRON, IRON,
                               NAMES)
    assert one is None or one.bound is None
    one = one_product_question("i take ultra k2, is there one with less than 50 mcg k2?", K2, K2, NAMES)
    assert one is None or one.bound is None
