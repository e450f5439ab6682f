"""Dosage Guide fields as records and questions about them (pure: synthetic fields, and the corpus
read and chunked here; nothing is embedded or indexed)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_core.documents import Document

from assistant import messages as msg
from assistant.answer.citations import CitationBook
from assistant.answer.dosage import (
    CUES_PATH,
    DosageCuesError,
    DosageQuery,
    amounts_said,
    asks_amount_safety,
    asks_safety,
    compare_amount,
    compose_dosage,
    converted,
    exceeds_every_limit,
    fewer_than_one_serving,
    notes_above,
    parse_cues,
    parse_dosage_query,
    read_field,
    read_population,
    read_value,
    select_values,
    servings_counted,
    times,
    total_dose,
    treated_conditions,
)
from assistant.chunking import chunk_corpus
from assistant.config import REPO_ROOT
from assistant.corpus import load_corpus
from assistant.domain.page_format import BLANK_VALUE
from assistant.domain.vocabulary import vocabulary
from assistant.doses import parse_doses, unsupported_numbers

RDA, TD, UL = "Recommended Daily Allowance", "Therapeutic Doses", "Upper Intake Limit"

ALLOWANCE = """For generally healthy individuals

10 mg — men 19+
14 mg — women 19–50
10 mg — women 51+
9 mg — boys 14–18
12 mg — girls 14–18
20 mg — pregnancy
11 mg — breastfeeding women 19–50"""

LIMIT = """Maximum safe daily intake

50 mg/day — adults and adolescents 14+
30 mg/day — infants and children under 14"""

IU_LIMIT = """Maximum safe daily intake

2,000 IU (50 mcg)/day — adults"""

IU_ONLY_LIMIT = """Maximum safe daily intake

2,000 IU/day — adults"""

UNIT_ONLY = """Maximum safe daily intake

mcg— No established Tolerable Upper Intake Level (UL); considered low toxicity"""

THERAPEUTIC = """For treatment of specific conditions

100–200 mg/day — adults with a deficiency, continued for about 3 months
after levels return to normal
2 mg/kg/day — children with a deficiency, under medical supervision"""

BLANK = f"""For generally healthy individuals

{BLANK_VALUE}"""


def _iu_nutrient() -> str:
    """A nutrient the vocabulary gives an IU factor for (read from the data, not named here)."""
    return next(n.name for n in vocabulary().nutrients if n.ug_per_iu is not None)


def _no_factor_nutrient() -> str:
    return next(n.name for n in vocabulary().nutrients
                if n.ug_per_iu is None and not any(f.ug_per_iu for f in n.forms))


def doc(title: str, text: str, supplement: str = "demo") -> Document:
    return Document(page_content=text, id=f"{supplement}-{title}",
                    metadata={"chunk_id": f"{supplement}-{title}", "kind": "field", "title": title,
                              "section": "Dosage Guide", "supplement": supplement, "text": text})


def grounded(lines: list[str], book: CitationBook) -> None:
    """Every number of every sentence stands in the passage it cites."""
    snippets = {c.marker: c.snippet for c in book.citations}
    for line in lines:
        markers = [int(m) for m in re.findall(r"\[(\d+)\]", line)]
        passage = " ".join(snippets[m] for m in markers)
        assert unsupported_numbers(re.sub(r"\s*\[\d+\]", "", line), passage) == [], line


# --------------------------------------------------------------------------- reading fields


def test_a_field_reads_into_values_with_amounts_and_people() -> None:
    f = read_field(RDA, ALLOWANCE)
    assert not f.blank and f.subtitle == "For generally healthy individuals"
    assert [v.amount for v in f.values] == ["10 mg", "14 mg", "10 mg", "9 mg", "12 mg", "20 mg", "11 mg"]
    women = f.values[1]
    assert women.population == "women 19–50"
    assert women.doses[0].micrograms == 14_000
    assert women.people.ages == ((19.0, 50.0),)
    assert {"female", "adults"} <= women.people.groups
    assert f.values[0].people.ages == ((19.0, 130.0),)
    assert "pregnancy" in f.values[5].people.groups
    assert f.values[6].people.groups >= {"breastfeeding", "female"}
    # every value's span is its text in the field
    for v in f.values:
        assert ALLOWANCE[v.start:v.end] == v.text


def test_a_value_over_two_lines_is_one_value_and_an_amount_per_weight_is_marked() -> None:
    f = read_field(TD, THERAPEUTIC)
    assert len(f.values) == 2
    assert f.values[0].text.endswith("after levels return to normal")
    assert THERAPEUTIC[f.values[0].start:f.values[0].end].endswith("\nafter levels return to normal")
    assert f.values[0].people.ages == ()  # "about 3 months" is a duration, not an age
    assert f.values[1].per_weight and not f.values[0].per_weight


def test_blank_unit_only_and_none_set_values() -> None:
    assert read_field(RDA, BLANK).blank
    f = read_field(UL, UNIT_ONLY)
    v = f.values[0]
    assert v.unit_only == "µg" and v.none_set and not v.doses
    assert f.sets_none and f.gaps == [v]


def test_a_value_with_an_amount_is_never_none_set() -> None:
    v = read_value("1 g/day — adults (no separate intake set for its parts)")
    assert not v.none_set and v.doses


def test_ages_in_months_and_under_and_over() -> None:
    assert read_population("infants 0–12 months").ages == ((0.0, 1.0),)
    assert read_population("children under 14").ages == ((0.0, 13.0),)
    # the baby one breastfeeds is not the one asked about
    breastfeeding = read_population("my wife is breastfeeding our 3 month old, how much does she need")
    assert breastfeeding.ages == () and {"breastfeeding", "female"} <= breastfeeding.groups
    assert read_population("how much does my 3 month old need").ages == ((0.25, 0.25),)
    assert read_population("adults over 70").ages == ((71.0, 130.0),)
    assert read_population("a 12-year-old").ages == ((12.0, 12.0),)
    assert read_population("between 9 and 13").ages == ((9.0, 13.0),)
    assert read_population("aged 60").ages == ((60.0, 60.0),)
    assert read_population("an omega-3 to 6 ratio").ages == ()  # a name's digits are no age


# --------------------------------------------------------------------------- choosing values


@pytest.mark.parametrize(("people", "expected"), [
    ("women aged 19 to 50", ["14 mg"]),
    ("a 16-year-old boy", ["9 mg"]),
    ("pregnant women", ["20 mg"]),
    ("breastfeeding mothers aged 30", ["11 mg"]),
    ("men", ["10 mg"]),
    ("a 60-year-old woman", ["10 mg"]),
])
def test_values_for_the_people_named(people: str, expected: list[str]) -> None:
    chosen, none = select_values(read_field(RDA, ALLOWANCE), read_population(people))
    assert not none
    assert [v.amount for v in chosen] == expected


def test_people_the_field_has_no_value_for() -> None:
    chosen, none = select_values(read_field(RDA, ALLOWANCE), read_population("a 10-year-old"))
    assert none and chosen == []


def test_no_people_named_gives_every_value() -> None:
    f = read_field(UL, LIMIT)
    chosen, none = select_values(f, read_population("what is it"))
    assert chosen == list(f.values) and not none


def test_a_life_stage_excludes_another() -> None:
    chosen, _ = select_values(read_field(UL, LIMIT), read_population("for kids"))
    assert [v.amount for v in chosen] == ["30 mg/day"]
    chosen, _ = select_values(read_field(UL, IU_LIMIT), read_population("a 10-year-old"))
    assert chosen == []


# --------------------------------------------------------------------------- questions


def test_a_question_names_fields_people_unit_and_amount() -> None:
    q = parse_dosage_query("Is 60 mg a day above the upper limit for adults?")
    assert q is not None and q.fields == (UL,)
    assert q.amount is not None and q.amount.micrograms == 60_000
    assert "adults" in q.people.groups and q.people.ages == ()  # the amount is never an age
    q = parse_dosage_query("what's the tolerable upper intake level in micrograms?")
    assert q is not None and q.unit == "µg" and q.amount is None
    q = parse_dosage_query("What RDA and what therapeutic dose does the page give?")
    assert q is not None and q.fields == (RDA, TD)


def test_an_amount_without_a_comparison_or_without_the_limit_is_not_compared() -> None:
    q = parse_dosage_query("what is the upper limit, 60 mg?")
    assert q is not None and q.amount is None
    q = parse_dosage_query("is 60 mg over the RDA?")
    assert q is not None and q.amount is None  # only the limit is compared with


def test_amounts_in_one_unit_added_up_are_compared_as_their_total() -> None:
    q = parse_dosage_query("I take 2000 IU and another 3000 IU, is that over the upper limit?")
    assert q is not None and q.amount is not None and q.summed and q.amount.low == 5000 and q.amount.unit == "IU"
    q = parse_dosage_query("i take 50 mg of iron plus 10-20 mg more, too much?")
    assert q is not None and q.amount is not None and (q.amount.low, q.amount.high) == (60, 70)
    for not_added in ["i take 2000 IU d3 and 100 mcg d3 a day, over the limit?",  # two units
                      "is 5000 IU of vitamin D and 1000 mg calcium over the upper limit?"]:  # another's amount
        q = parse_dosage_query(not_added, nutrient="vitamin D")
        assert q is not None and (q.amount is None or not q.summed), not_added


def test_a_sum_or_an_amount_per_body_weight_is_not_compared() -> None:
    q = parse_dosage_query("is 3 mg/kg iron over the upper limit for kids?")
    assert q is not None and q.amount is None
    q = parse_dosage_query("is 2000 IU (50 mcg) over the upper limit?")
    assert q is not None and q.amount is not None and q.amount.text == "2000 IU"
    q = parse_dosage_query("is 5000 IU more than the 4000 IU upper limit?")  # one beside the other: no sum
    assert q is not None and q.amount is not None and q.amount.text == "5000 IU"
    for taken in ["I take 30 mg of iron twice a day, over the upper limit?", "is 2 x 2500 IU over the upper limit?",
                  "i take 2000 IU d3 and 100 mcg d3 a day, over the limit?",
                  "is 2000 IU in the morning and 1000 at night over the limit?",
                  "my kid takes 3 mg per kilo of iron, is that above the upper limit?",
                  "3 mg for each kg, is that over the upper limit?"]:
        q = parse_dosage_query(taken)
        assert q is not None and q.amount is None, taken   # a daily total the page does not state
    for one in ["is 35 mg iron a day over the upper limit for a child between 4 and 8?",
                "is 5000 IU of vitamin D with 1000 mg calcium over the upper limit?",
                "is 6000 IU with breakfast over the upper limit, or is dinner better?"]:
        q = parse_dosage_query(one)
        assert q is not None and q.amount is not None, one   # one amount, set beside the limit


def test_whether_an_amount_is_safe_sets_it_beside_the_limit() -> None:
    for asked in ["is 10000iu of vitamin D3 a day safe?", "can i take 200mg of iron a day?",
                  "is 65mg iron ok while pregnant?", "can my 10 year old take 1000 iu?", "50 mcg, dangerous?"]:
        q = parse_dosage_query(asked)
        assert q is not None and q.fields == (UL,) and q.amount is not None, asked
    for other in ["is 10000 IU safe with warfarin?",            # with a medicine: its cautions answer it
                  "i'm on warfarin, is 1000 IU of vitamin D ok?",
                  "ok and the one with 125 mcg, how much is in it",  # "ok" that opens a clause
                  "is 50000 IU once a week ok?"]:              # a weekly amount: the limits are daily
        q = parse_dosage_query(other)
        assert q is None or q.amount is None, other
    assert parse_dosage_query("how much is in the 125 mcg one?") is None  # no safety asked


def test_an_amount_of_a_medicine_or_of_another_nutrient_is_not_compared() -> None:
    q = parse_dosage_query("on bendroflumethiazide 2.5mg, is my calcium and vitamin d tablet too much?")
    assert q is not None and q.amount is None   # the medicine's dose
    q = parse_dosage_query("i take warfarin 5 mg, is 1000 iu of d3 too much?")
    assert q is not None and q.amount is not None and q.amount.text == "1000 iu"
    q = parse_dosage_query("is 200mg of vitamin C too much with iron?", nutrient="iron")
    assert q is not None and q.amount is None   # another nutrient's amount
    assert parse_dosage_query("can I take 200mg of vitamin C with my iron?", nutrient="iron") is None
    q = parse_dosage_query("can I take 65 mg of iron with vitamin C?", nutrient="iron")
    assert q is not None and q.amount is not None and q.amount.text == "65 mg"
    q = parse_dosage_query("is 2 g of EPA too much?", nutrient="omega-3")  # a part of the nutrient
    assert q is not None and q.amount is not None


def test_how_much_for_a_person_asks_the_allowance_for_them() -> None:
    for asked in ["how much vitamin d for my 10 year old?", "how much iron for a 10yo?",
                  "how much omega 3 for my husband", "how much for a pregnant woman?"]:
        q = parse_dosage_query(asked)
        assert q is not None and q.fields == (RDA,) and q.people.named, asked
    q = parse_dosage_query("whats the max vit d for a 12yo")
    assert q is not None and q.fields == (UL,) and q.people.ages   # "12yo" is an age
    assert parse_dosage_query("how much k2 for bone health?") is None


@pytest.mark.parametrize("question", ["how much vitamin d can he take?", "how much iron can my wife have a day",
                                      "how much can i safely take"])
def test_how_much_one_can_take_asks_the_allowance_and_the_limit(question: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and set(q.fields) == {RDA, UL}
    assert parse_dosage_query("how much does it cost and can i take it daily?") is None  # another ask


@pytest.mark.parametrize(("asked", "said", "excluded"), [
    ("my gran is 85", "during pregnancy", True),  # a state not said of them
    ("my gran is 85", "in adults aged 80 and older", False),
    ("my husband", "in postmenopausal women", True),  # the other sex
    ("my 10 year old", "in adults aged 80 and older", True),  # ages apart
    ("im 66", "in generally healthy midlife and older adults", False),  # "older adults" states no age
    ("im 68", "in elderly women living in nursing homes", False),  # a nursing home is no nursing mother
    ("my mum", "in adults with iron-deficiency anaemia", False),
    ("how much should i take", "during pregnancy", False),  # no people asked about
])
def test_a_text_about_people_the_asked_ones_cannot_be(asked: str, said: str, excluded: bool) -> None:
    from assistant.answer.dosage import excludes_people
    assert excludes_people(read_population(asked), read_population(said)) is excluded


@pytest.mark.parametrize(("asked", "said", "of_age"), [
    ("my gran is 85", "adults aged 80 and older with iron-deficiency anaemia", True),
    ("my grandad is 85", "community-dwelling women aged 70 and older", False),  # the other sex
    ("im 30", "adults with iron-deficiency anaemia", False),  # a stage states no age of its own
    ("my elderly mum", "generally healthy midlife and older adults", False),
])
def test_a_text_about_people_of_the_age_asked(asked: str, said: str, of_age: bool) -> None:
    from assistant.answer.dosage import of_the_age_asked
    assert of_the_age_asked(read_population(asked), read_population(said)) is of_age


def test_a_question_that_names_no_field() -> None:
    assert parse_dosage_query("what does it do for bones?") is None


# --------------------------------------------------------------------------- comparing and converting


def test_compare_in_the_same_unit_and_through_the_factor() -> None:
    v = read_field(UL, IU_LIMIT).values[0]
    iu = _iu_nutrient()
    assert compare_amount(parse_doses("3,000 IU")[0], v, iu) == "above"
    assert compare_amount(parse_doses("2,000 IU")[0], v, iu) == "equal"
    assert compare_amount(parse_doses("20 mcg")[0], v, iu) == "below"  # against the page's own mass
    only_iu = read_field(UL, IU_ONLY_LIMIT).values[0]
    assert compare_amount(parse_doses("100 mcg")[0], only_iu, iu) == "above"  # through the factor
    assert compare_amount(parse_doses("100 mcg")[0], only_iu, _no_factor_nutrient()) is None
    assert compare_amount(parse_doses("100 mcg")[0], only_iu, None) is None


def test_an_amount_per_weight_is_never_compared() -> None:
    v = read_field(TD, THERAPEUTIC).values[1]
    assert compare_amount(parse_doses("5 mg")[0], v, None) is None


def test_conversion_between_mass_units_only() -> None:
    assert converted(parse_doses("45 mg/day")[0], "µg") == "45,000 mcg/day"
    assert converted(parse_doses("60–120 mg")[0], "g") == "0.06–0.12 g"
    assert converted(parse_doses("100 mcg")[0], "mg") == "0.1 mg"
    assert converted(parse_doses("4,000 IU")[0], "µg") is None
    assert converted(parse_doses("4 mg")[0], "IU") is None


# --------------------------------------------------------------------------- answers


def compose(question: str, *fields: tuple[str, str], nutrient: str | None = None,
            referral: str | None = "REFER") -> tuple[list[str], CitationBook]:
    q = parse_dosage_query(question)
    assert q is not None, question
    book = CitationBook()
    lines = compose_dosage(q, [doc(t, x) for t, x in fields], book, nutrient, referral)
    grounded([ln for ln in lines if ln != referral], book)
    return lines, book


def test_over_the_limit_compares_without_repeating_the_amount_and_refers() -> None:
    lines, book = compose("I take 70 mg a day, am I over the upper limit?", (UL, LIMIT))
    assert lines[0].startswith(msg.LIMIT_ABOVE.split("{")[0])
    assert "50 mg/day" in lines[0] and "30 mg/day" in lines[0]
    assert "70" not in " ".join(lines)
    assert lines[-1] == "REFER"
    assert book.citations[0].highlights  # the values compared are highlighted


@pytest.mark.parametrize("question", [
    "does 25 mg meet the recommended daily allowance during pregnancy?",
    "would 25 mg cover my daily allowance? i'm pregnant",
    "is 25 mg a day enough to meet the rda for pregnancy?",
])
def test_whether_an_amount_meets_the_allowance_sets_it_beside_the_allowance(question: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and q.sufficient and q.amount is not None and q.fields == (RDA, UL)
    lines, _ = compose(question, (RDA, ALLOWANCE))
    assert lines[0].startswith(msg.LIMIT_ABOVE.split("{")[0]) and "20 mg — pregnancy" in lines[0]
    assert "25" not in " ".join(lines)


def test_an_amount_asked_whether_enough_is_set_beside_the_limit_too() -> None:
    q = parse_dosage_query("is 100 mg enough to meet the rda during pregnancy?")
    assert q is not None and q.sufficient and q.fields == (RDA, UL)
    lines, _ = compose("is 100 mg enough to meet the rda during pregnancy?", (RDA, ALLOWANCE), (UL, LIMIT))
    assert lines[0].startswith(msg.LIMIT_ABOVE.split("{")[0]) and "20 mg — pregnancy" in lines[0]
    assert any(ln.startswith(msg.LIMIT_ABOVE.split("{")[0]) and "50 mg/day" in ln for ln in lines[1:])


def test_sufficiency_words_that_ask_of_no_amount() -> None:
    from assistant.answer.dosage import asks_sufficiency
    assert not asks_sufficiency("i meet my doctor next week, how much iron a day?")
    assert not asks_sufficiency("i'm short of breath")
    q = parse_dosage_query("i don't get enough sun, what's the rda?")  # no amount: nothing compared
    assert q is not None and q.amount is None and q.fields == (RDA,)


def test_the_allowance_stated_beside_no_sufficiency_ask_is_not_compared() -> None:
    q = parse_dosage_query("i take 25 mg, what is the recommended daily allowance during pregnancy?")
    assert q is not None and not q.sufficient
    lines, _ = compose("does 5 mg meet the rda for pregnancy?", (RDA, ALLOWANCE))
    assert lines[0].startswith(msg.LIMIT_BELOW.split("{")[0])
    lines, _ = compose("what is the recommended daily allowance during pregnancy?", (RDA, ALLOWANCE))
    assert not any(ln.startswith(msg.LIMIT_BELOW.split("{")[0]) for ln in lines)


def test_one_of_several_servings_is_said_above_a_limit_only_when_it_is() -> None:
    # "two <product>s a day": the amount is one serving; only above a limit is it said to be
    q = parse_dosage_query("am I over the upper limit?")
    assert q is not None
    book = CitationBook()
    several = replace(q, amount=parse_doses("70 mg")[0], servings=True)
    lines = compose_dosage(several, [doc(UL, LIMIT)], book, None, None)
    assert lines[0].startswith(msg.LIMIT_SERVING_ABOVE.split("{")[0]) and "70" not in " ".join(lines)
    grounded(lines, book)
    book = CitationBook()
    lines = compose_dosage(replace(several, amount=parse_doses("40 mg")[0]), [doc(UL, LIMIT)], book, None, None)
    assert lines[0].startswith(msg.LIMIT_SERVING_ABOVE.split("{")[0]) and "30 mg/day" in lines[0]
    assert "50 mg/day" not in lines[0] and "50 mg/day" in lines[1]   # under one value: stated as it is,
    assert not any(ln.startswith(msg.LIMIT_BELOW.split("{")[0]) for ln in lines)  # never "below" (several)


def test_a_limit_with_no_line_for_a_state_gives_its_values_by_age_and_says_so() -> None:
    lines, _ = compose("is 40 mg over the upper limit while pregnant?", (UL, LIMIT))
    assert lines[0].startswith(msg.FIELD_NO_SEPARATE.split("{")[0])
    assert any(ln.startswith(msg.LIMIT_BELOW.split("{")[0]) and "50 mg/day" in ln for ln in lines)
    # an allowance for a state is another amount: no value of it is said to hold for pregnancy
    lines, _ = compose("how much for a woman who is breastfeeding and 17?", (RDA, ALLOWANCE))
    assert not any(ln.startswith(msg.FIELD_NO_SEPARATE.split("{")[0]) for ln in lines)


def test_servings_counted_or_not_daily_leave_a_named_amount_uncompared() -> None:
    for asked in ["is 2 of the 2000 IU softgels a day too much?", "is 50000 IU once a month safe?"]:
        q = parse_dosage_query(asked)
        assert q is not None and q.amount is None, asked
    # a serving's own size counts none ("20 mg per 5 ml" is one serving)
    q = parse_dosage_query("is 20 mg per 5 ml over the upper limit?")
    assert q is not None and q.amount is not None and q.amount.low == 20


def test_whether_a_product_is_safe_and_fewer_than_one_serving() -> None:
    assert asks_amount_safety("is one of those tablets a day ok?")
    assert asks_amount_safety("can I take it every day?")
    assert not asks_amount_safety("can I take it with warfarin?")      # the cautions answer it
    assert asks_amount_safety("could he take the big tablet?")          # "could" asks it as "can" does
    assert not asks_amount_safety("could you give me the dose?")        # ... but not in a request
    assert asks_safety("can I take it with warfarin?") and asks_safety("on warfarin, is the softgel ok")
    assert not asks_safety("what is in it?")
    assert not asks_amount_safety("what is in it?")
    for fewer in ["half a tablet", "a quarter of one", "½ a day", "I split them"]:
        assert fewer_than_one_serving(fewer), fewer
    assert not fewer_than_one_serving("two tablets a day")


def test_the_comparison_keeps_the_people_named_and_splits_by_outcome() -> None:
    lines, _ = compose("is 40 mg over the upper limit for a 12-year-old?", (UL, LIMIT))
    assert lines[0].startswith(msg.LIMIT_ABOVE.split("{")[0]) and "50 mg" not in lines[0]
    lines, _ = compose("is 40 mg over the upper limit?", (UL, LIMIT))
    assert lines[0].startswith(msg.LIMIT_ABOVE.split("{")[0]) and "30 mg/day" in lines[0]
    assert any(ln.startswith(msg.LIMIT_BELOW.split("{")[0]) and "50 mg/day" in ln for ln in lines)


def test_a_limit_in_another_unit_without_a_factor_is_not_compared() -> None:
    lines, _ = compose("am I above the upper limit with 100 mcg?", (UL, IU_ONLY_LIMIT),
                       nutrient=_no_factor_nutrient())
    assert lines[0].startswith(msg.LIMIT_NOT_COMPARABLE.split("{")[0])


def test_no_established_limit_says_so_and_what_the_line_carries() -> None:
    lines, _ = compose("Am I over the limit with 900 mcg a day?", (UL, UNIT_ONLY))
    text = " ".join(lines)
    assert "No established" in text
    assert msg.FIELD_UNIT_ONLY.format(field=UL, unit="mcg") in text
    assert msg.LIMIT_NONE_SET.format(field=UL) in text
    assert "900" not in text and lines[-1] == "REFER"


def test_a_blank_field_stays_blank_and_gives_no_number() -> None:
    lines, _ = compose("what is the RDA in mcg for adults?", (RDA, BLANK))
    assert len(lines) == 1 and "lists no value" in lines[0]
    assert not re.search(r"\d", re.sub(r"\[\d+\]", "", lines[0]))
    lines, _ = compose("is 100 mcg above the upper limit?", (UL, BLANK))
    assert msg.LIMIT_BLANK.format(field=UL) in " ".join(lines)


def test_the_values_for_the_people_asked_and_none_for_others() -> None:
    lines, _ = compose("What's the RDA for a 16-year-old girl?", (RDA, ALLOWANCE))
    assert lines == [f"{RDA} (For generally healthy individuals): 12 mg — girls 14–18. [1]"]
    lines, _ = compose("What's the RDA for a 7-year-old?", (RDA, ALLOWANCE))
    assert lines[0].startswith(msg.FIELD_NO_GROUP.format(field=RDA, subtitle="For generally healthy individuals",
                                                         values="").split(":")[0])


def test_a_unit_asked_for_is_converted_beside_the_page_figure_or_said_missing() -> None:
    lines, _ = compose("upper limit in micrograms?", (UL, LIMIT))
    assert "In mcg, 50 mg/day is 50,000 mcg/day. [1]" in lines
    lines, _ = compose("upper limit in milligrams?", (UL, IU_ONLY_LIMIT))
    assert lines[-1].startswith(msg.UNIT_NOT_STATED.split("{")[0])  # an IU figure is never converted
    lines, _ = compose("upper limit in IU?", (UL, IU_LIMIT))
    assert lines == []  # the page states it in IU: quoting the field is the answer


def test_nothing_to_add_to_quoting_the_field() -> None:
    lines, _ = compose("what is the upper limit?", (UL, LIMIT))
    assert lines == []


# --------------------------------------------------------------------------- the corpus


CORPUS = load_corpus(REPO_ROOT / "corpus")
FIELDS = [Document(page_content=c.embed_text, metadata={**c.metadata, "text": c.text}, id=c.id)
          for c in chunk_corpus(CORPUS) if c.metadata.get("kind") == "field"]


@pytest.mark.parametrize("field_doc", FIELDS, ids=lambda d: f"{d.metadata['supplement']}:{d.metadata['title']}")
def test_every_field_of_the_corpus_reads_and_answers_grounded(field_doc: Document) -> None:
    title = str(field_doc.metadata["title"])
    f = read_field(title, str(field_doc.metadata["text"]))
    assert f.blank == bool(field_doc.metadata.get("blank"))
    for v in f.values:
        assert v.text.replace(" ", "") in str(field_doc.metadata["text"]).replace("\n", "").replace(" ", "")
    primary = next(str(m.meta.get("primary_nutrient") or "") for m in CORPUS.monographs
                   if m.slug == field_doc.metadata["supplement"])
    for people in ("", " for adults over 70", " for a 10-year-old", " for pregnant women"):
        for unit in (None, "µg", "mg", "IU"):
            q = DosageQuery((title,), read_population(people), unit)
            book = CitationBook()
            grounded(compose_dosage(q, [field_doc], book, primary, None), book)


def test_the_cues_file_reports_a_bad_entry_with_its_line(tmp_path: Path) -> None:
    text = CUES_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "dosage_cues.yaml"
    bad.write_text(text.replace("compare: [over,", "compare: ['(over',", 1), encoding="utf-8")
    with pytest.raises(DosageCuesError) as err:
        parse_cues(bad)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith("compare:"))
    assert f":{line}:" in str(err.value)
    bad.write_text(text.replace("limit_field: Upper Intake Limit", "limit_field: Upper Bound", 1), encoding="utf-8")
    with pytest.raises(DosageCuesError):
        parse_cues(bad)


def test_how_much_a_person_should_take_asks_the_daily_allowance_for_their_age() -> None:
    dq = parse_dosage_query("how much selenium should a 75 year old take")
    assert dq is not None and dq.fields == ("Recommended Daily Allowance",)
    assert dq.people.ages == ((75.0, 75.0),)
    assert parse_dosage_query("how much selenium does it have?") is None  # a product's content
    assert parse_dosage_query("how much selenium should be taken for arthritis?") is None


def test_an_adult_age_is_not_a_child() -> None:
    from assistant.normalize import lexical_form

    assert "child" not in lexical_form("a 75 year old")
    assert "child" in lexical_form("a 7 year old")


def test_a_field_asked_for_no_people_is_stated_whole_when_asked() -> None:
    """"what's the daily amount supposed to be": no people, no unit; quoted as a record on request."""
    q = parse_dosage_query("what is my daily intake supposed to be")
    assert q is not None and q.fields == (RDA,)
    assert compose_dosage(q, [doc(RDA, ALLOWANCE)], CitationBook()) == []
    book = CitationBook()
    lines = compose_dosage(q, [doc(RDA, ALLOWANCE)], book, whole=True)
    assert len(lines) == 1 and lines[0].startswith(RDA)
    grounded(lines, book)


@pytest.mark.parametrize(("question", "field"), [
    ("whats the daily amount for someone over 70", RDA),
    ("how much fish oil if your triglycerides are high", TD),
    ("what dose is used for high triglycerides", TD),
])
def test_lay_wordings_of_the_allowance_and_the_treatment_dose(question: str, field: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and field in q.fields


@pytest.mark.parametrize("question", ["ok what does the forms section say then", "what are the special forms",
                                      "what is the best form of it"])
def test_the_special_forms_field_by_its_layout_name(question: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and q.fields == ("Special Forms",)


def test_the_limit_by_its_layout_name() -> None:
    q = parse_dosage_query("the max line only shows a unit, what number is it supposed to be?")
    assert q is not None and "Upper Intake Limit" in q.fields


def test_a_state_asked_about_is_not_answered_by_a_line_for_everyone() -> None:
    """Pregnancy asked of a field with lines for women and men only: no value for them, all listed."""
    field = "For generally healthy individuals\n\n1.1 g/day — adult women\n1.6 g/day — adult men"
    lines, _ = compose("how much should a pregnant woman take a day", (RDA, field))
    assert lines and lines[0].startswith(msg.FIELD_NO_GROUP.split("{")[0])
    assert "1.1 g/day" in lines[0] and "1.6 g/day" in lines[0]


@pytest.mark.parametrize(("question", "field"), [
    ("how much omega 3 should my 8 year old be having each day", "Recommended Daily Allowance"),
    ("how much iron should i be getting now that im pregnant", "Recommended Daily Allowance"),
    ("pregnant with #2 - how many mg a day am i supposed to be getting", "Recommended Daily Allowance"),
    ("is there a separate amount for pregnancy or the normal adult one", "Recommended Daily Allowance"),
    ("my son is 5, whats the most he can safely have in a day", "Upper Intake Limit"),
    ("is there at least a ceiling i shouldnt go over", "Upper Intake Limit"),
    ("which iron form has the highest % of actual iron", "Special Forms"),
])
def test_lay_wordings_ask_a_field(question: str, field: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and q.fields == (field,)


def test_an_age_before_a_comma_is_the_age_asked_about() -> None:
    q = parse_dosage_query("my son is 5, whats the most he can safely have in a day")
    assert q is not None and q.people.ages == ((5.0, 5.0),)


def test_a_breastfed_baby_is_an_infant_not_a_nursing_mother() -> None:
    q = parse_dosage_query("how much vit d does my 3 month old bubba need, shes breastfed")
    assert q is not None and q.fields == ("Recommended Daily Allowance",)
    assert "breastfeeding" not in q.people.groups and "infants" in q.people.groups


def test_a_stated_age_drops_life_stage_words_that_exclude_it() -> None:
    # "the list jumps from babies to adults": the age asked about is 12, not a baby or an adult
    p = read_population("how much for a 12 year old? the list jumps from babies straight to adults")
    assert p.ages[0] == (12.0, 12.0)
    assert "infants" not in p.groups and "adults" not in p.groups


def test_an_amount_a_day_for_people_asks_the_allowance() -> None:
    for q in ("how many iu of it a day for a 12 year old?", "how much of it daily for my daughter",
              "whats the daily amount for a 75 year old"):
        dq = parse_dosage_query(q)
        assert dq is not None and dq.fields == ("Recommended Daily Allowance",), q


def test_a_dose_asked_after_saying_someone_has_the_deficiency_disease_is_a_treatment_dose() -> None:
    from assistant.answer.dosage import parse_dosage_query as parse

    dq = parse("my son has iron deficiency anaemia. how do they work out the dose for kids?")
    assert dq is not None and dq.fields == ("Therapeutic Doses",) and "children" in dq.people.groups
    assert parse("i have anaemia, is it ok with my tea?") is None  # no dose asked


def test_an_amount_above_every_limit_of_the_field() -> None:
    """Above the highest limit the field sets (so above everyone's); never when none is set."""
    two = read_field(UL, """Maximum safe daily intake

1,000 IU/day — infants
2,000 IU (50 mcg)/day — adults""")
    iu = _iu_nutrient()
    assert exceeds_every_limit(parse_doses("2,500 IU")[0], two, iu)
    assert not exceeds_every_limit(parse_doses("1,500 IU")[0], two, iu)  # above the infants' only
    assert not exceeds_every_limit(parse_doses("2,000 IU")[0], two, iu)
    assert not exceeds_every_limit(parse_doses("90 mg")[0], read_field(UL, UNIT_ONLY), iu)


def test_amounts_stated_are_converted_to_the_mass_unit_asked() -> None:
    from assistant.answer.dosage import unit_conversions

    lines = ["Vitamin K1 (1 mg/day) with mineral supplements slowed bone loss. [1]"]
    assert unit_conversions("what dose was the vitamin k1 study in mcg?", lines) == [
        "In mcg, 1 mg/day is 1,000 mcg/day. [1]"]
    assert unit_conversions("what dose was the vitamin k1 study?", lines) == []      # no unit asked
    assert unit_conversions("what dose of iron was it in mcg?", lines) == []         # another nutrient's
    assert unit_conversions("how much in IU?", ["It gave 10 mcg (400 IU). [1]"]) == []  # IU: never computed
    assert unit_conversions("how much did it go up in g/dL?", ["It gave 25 mg/day. [1]"]) == []  # a concentration


@pytest.mark.parametrize("question", ["what are the symptoms if you overdo it?",
                                      "any symptoms from taking lots of it every day?", "what's the cap on it?"])
def test_what_too_much_does_asks_the_upper_limit(question: str) -> None:
    dq = parse_dosage_query(question)
    assert dq is not None and dq.fields == ("Upper Intake Limit",)
    # side effects are a page's side-effect note's to answer, however much is taken
    assert parse_dosage_query("is a headache a side effect of it?") is None
    assert parse_dosage_query("which side effects would i get taking lots of it?") is None


def test_the_max_with_nothing_after_it_is_the_limit() -> None:
    dq = parse_dosage_query("ok and the max?")
    assert dq is not None and dq.fields == ("Upper Intake Limit",)


def test_the_max_of_a_trial_or_a_product_is_not_the_limit() -> None:
    assert parse_dosage_query("which trial used the max?") is None
    assert parse_dosage_query("which product has the max?") is None


def test_capsules_are_no_cap() -> None:
    assert parse_dosage_query("are there any fish oil caps for kids?") is None


def test_a_value_over_two_lines_is_rendered_whole_and_chosen_by_its_first() -> None:
    from langchain_core.documents import Document

    from assistant.answer.extractive import render_field

    text = ("For treatment\n\n60 mg/day — adults with anaemia, continued for about 3 months\n"
            "after levels return to normal to replenish stores\n3 mg/kg/day — children with anaemia")
    doc = Document(page_content=text, metadata={"text": text, "title": "Therapeutic Doses", "kind": "field"})
    whole = render_field(doc)
    assert "3 months after levels return to normal to replenish stores; 3 mg/kg/day" in whole
    assert "children" not in render_field(doc, "what dose for adults?")
    both = render_field(doc, "anaemia dose to replenish stores, adults and children?")  # by the first lines
    assert "adults" in both and "children" in both


def test_the_amount_a_page_suggests_is_the_allowance() -> None:
    for q in ["how much d3 per day does the page suggest for a 40 year old?",
              "how many iu do experts recommend for kids?"]:
        parsed = parse_dosage_query(q)
        assert parsed is not None and parsed.fields == (RDA,), q
    assert parse_dosage_query("what does the page suggest for bones?") is None
    # what a study's authors gave is no allowance
    assert parse_dosage_query("how much iron did they recommend in the pregnancy study?") is None
    parsed = parse_dosage_query("is one capsule a day more than she needs?")
    assert parsed is not None and parsed.fields == (RDA,)


def test_a_field_quoted_for_an_age_no_line_names_is_quoted_whole() -> None:
    from langchain_core.documents import Document

    from assistant.answer.extractive import render_field

    text = "For healthy people\n\n600 IU — adults 19–70\n800 IU — adults over 70\n400 IU — infants 0–12 months"
    doc = Document(page_content=text, metadata={"text": text, "title": "Recommended Daily Allowance",
                                                "kind": "field"})
    assert "adults 19–70" in render_field(doc, "and for my 12 year old?")   # not the infants' line alone
    assert render_field(doc, "my dad is 78").count("IU") == 1               # the line for his age
    assert read_population("does 500 fall inside the 250-500 range?").ages == ()  # amounts are no ages


@pytest.mark.parametrize(("question", "course"), [
    ("how long should i take iron tablets for my anemia", True), ("how many weeks should i take iron", True),
    ("how long do you stay on it for?", True), ("how long should pregnant women take iron", True),
    ("how long should my mum stay on it", True),
    # anything else: a trial's length, a bottle's, how long it takes to work ("it" takes no course)
    ("how long did the trial last", False), ("how long does a bottle last", False),
    ("how long does it take to work", False), ("how long does iron take to work", False)])
def test_how_long_to_go_on_taking_it_asks_the_therapeutic_doses(question: str, course: bool) -> None:
    # a course of treatment: the field that states one where a page gives it
    dq = parse_dosage_query(question)
    assert (dq is not None and TD in dq.fields) is course


def test_a_note_on_doses_above_a_figure_comes_with_an_amount_above_it() -> None:
    from assistant.answer.dosage import notes_above

    def note(text: str) -> Document:
        return Document(page_content=text, metadata={"text": text, "kind": "note"})

    af = note("Doses above 1 g/day have been associated with a higher risk of atrial fibrillation.")
    other = note("People with a fish allergy should use caution.")
    four_g, one_g, mg = (parse_doses(t)[0] for t in ("4 g", "1 g", "2000 mg"))
    assert notes_above(four_g, [af, other]) == [af]
    assert notes_above(mg, [af]) == [af]  # by mass: 2000 mg is above 1 g
    assert notes_above(one_g, [af]) == []  # not above the figure
    assert notes_above(parse_doses("4000 IU")[0], [af]) == []  # an amount in IU is no mass


GUIDANCE_ONLY = """Maximum safe daily intake

g— No Tolerable Upper Intake Level (UL) established
Up to 5 g/day from supplements considered safe (agency A)
3 g/day from all sources, including up to 2 g/day from supplements — agency B guidance"""


def test_no_limit_set_still_sets_the_amount_beside_the_figures_the_line_gives() -> None:
    text = " ".join(compose("Am I over the limit with 4 g a day?", (UL, GUIDANCE_ONLY))[0])
    assert msg.LIMIT_NONE_SET.format(field=UL) in text
    above = msg.LIMIT_FIGURES_ABOVE.format(field=UL, values="").rstrip(".")
    within = msg.LIMIT_FIGURES_WITHIN.format(field=UL, values="").rstrip(".")
    assert f"{above}3 g/day" in text and f"{within}Up to 5 g/day" in text
    # a value passed in some of its figures ("up to 2 g/day from supplements", not 3 g/day) is said so
    part = msg.LIMIT_FIGURES_PART.format(field=UL, values="").rstrip(".")
    assert f"{part}3 g/day" in " ".join(compose("Am I over the limit with 2.5 g a day?", (UL, GUIDANCE_ONLY))[0])


TREATMENT = """For treatment of specific conditions

2–4 g/day — elevated triglycerides, under medical supervision
4 g/day — prescription products for severe hypertriglyceridemia
About 1 g/day — people with established coronary heart disease, as advised by a clinician"""


@pytest.mark.parametrize(("question", "asked"), [
    ("how much should i take for triglycerides", {"triglyceride"}),
    ("omega 3 for my high triglycerides, what dose?", {"triglyceride"}),
    ("i have heart disease, how much should i take", {"heart", "cardiovascular"}),
    ("can it bring my trigs down? how much would i need", {"triglyceride"}),  # the lexicon's word
    ("his high triglycerides, what dose would be used?", {"triglyceride"}),
    ("my triglycerides are normal, what dose?", set()),  # said of them, not a condition they have
    ("my triglycerides are sky high, what dose is used for that", {"triglyceride"}),  # said to be high
    ("his triglycerides came back at 600 - what dose?", {"triglyceride"}),  # or measured above a figure
    ("his trigs are well above 400, how much is used?", {"triglyceride"}),
    ("my triglycerides were 3.2 last week, how much should i take", set()),  # a bare reading: not said high  # (the lexicon reads "heart" as cardiovascular too)
    ("how much for anemia", set()),  # no value is for it
    ("i take it for my triglycerides every day", set()),  # no dose asked
    ("how many people with heart disease were in the study", set()),  # no dose asked either
    ("how much should adults take", set()),  # a group of people is no condition
    ("how much should i take for heart health", set()),  # a purpose, not a condition
    ("how much for a healthy heart", set()),
    ("how much for my dry eye disease", set()),  # "disease" names no condition of its own
    ("how much should i take with a normal diet", set()),
])
def test_a_dose_asked_for_a_condition_names_the_values_for_it(question: str, asked: set[str]) -> None:
    f = read_field(TD, TREATMENT)
    assert set(treated_conditions(question, f, frozenset({"take", "dose", "products"}))) == asked


def test_an_amount_taken_for_a_condition_names_the_values_for_it_when_set_beside_the_limit() -> None:
    f = read_field(TD, TREATMENT)
    q = "i take 3 g for my triglycerides, is that over the limit?"
    assert not treated_conditions(q, f, frozenset({"take"}))  # no dose asked
    assert set(treated_conditions(q, f, frozenset({"take"}), taken=True)) == {"triglyceride"}


def test_the_values_for_the_conditions_asked_are_chosen() -> None:
    f = read_field(TD, TREATMENT)
    q = DosageQuery((TD,), conditions=treated_conditions("how much for triglycerides?", f, frozenset()))
    lines = compose_dosage(q, [Document(page_content=TREATMENT, metadata={"title": TD, "text": TREATMENT})],
                           CitationBook(), whole=True)
    assert "elevated triglycerides" in lines[0] and "coronary" not in lines[0]


@pytest.mark.parametrize(("question", "fields"), [
    ("how much vitamin d for someone over 70", (RDA,)),
    ("how much iron for someone pregnant", (RDA,)),
    ("how much iron for people with anaemia", (TD,)),
])
def test_how_much_for_someone_asks_the_allowance_for_them(question: str, fields: tuple[str, ...]) -> None:
    q = parse_dosage_query(question)
    assert q is not None and q.fields == fields


@pytest.mark.parametrize("question", ["the limit is 4000 iu and i take 5000 iu of d3, is that too much",
                                      "i take 5000 iu a day and the limit is 4000 iu. am i over?",
                                      "4000 IU is the upper limit, right? is 5000 IU a day safe?"])
def test_an_amount_said_to_be_the_limit_is_not_the_amount_compared(question: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and q.amount is not None and q.amount.text.startswith("5000")


def test_an_amount_said_to_be_the_limit_is_no_amount_taken() -> None:
    assert amounts_said("my limit is 45 mg iron and i take <product> every day, am i over?") == []
    assert [d.text for d in amounts_said("is 65 mg over the limit?")] == ["65 mg"]


@pytest.mark.parametrize(("question", "count"), [
    ("i take 3 of the max-7 softgels every day", 3), ("two of the capsules a day ok?", 2),
    ("i take one softgel a day", None), ("is 3000 IU a day too much?", None),
    ("i take the k2 mk-7 softgels, 3 of them a day", 3),  # not the "2" of "k2"
    ("i take 20 drops", 20)])
def test_the_servings_a_question_counts(question: str, count: int | None) -> None:
    assert servings_counted(question) == count


def test_servings_of_an_amount_are_set_beside_a_notes_figure() -> None:
    # three 1,000 mg servings are above a note's "doses above 1 g/day" (the total is never stated)
    note = Document(page_content="Doses above 1 g/day have been associated with a higher risk of <harm>.",
                    metadata={"kind": "note"})
    one = parse_doses("1,000 mg")[0]
    assert notes_above(times(one, 3), [note]) == [note]
    assert notes_above(one, [note]) == []


@pytest.mark.parametrize("question", ["am i over the limit at 3 g of fish oil a day?",
                                      "one cap of 3 g of fish oil every day, over the limit?",
                                      "i take 3 g max, is that over the limit?", "am i over the ul at 3 g"])
def test_an_amount_beside_a_word_for_the_limit_is_still_the_amount_taken(question: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and q.amount is not None and q.amount.text.startswith("3 g")


def test_an_amount_taken_beside_something_of_no_stated_amount_is_only_said_above() -> None:
    q = parse_dosage_query("i take 20 mg iron and the liquid one, is that too much?", nutrient="iron")
    assert q is not None and q.amount is not None and q.beside
    q = parse_dosage_query("i take 2000 iu and i'm 70, is that ok?", nutrient="vitamin D")
    assert q is not None and q.amount is not None and not q.beside


def test_a_dose_named_for_a_life_stage_asks_the_allowance() -> None:
    q = parse_dosage_query("iron dose during pregnancy")
    assert q is not None and "Recommended Daily Allowance" in q.fields
    q = parse_dosage_query("what dose was used in the pregnancy trial")  # a study's dose
    assert q is None or "Recommended Daily Allowance" not in q.fields
    for allowance in ["how much iron during pregnancy", "what's the d3 dose for people over 70",
                      "iron for pregnant women how much", "vit d for kids, how much?"]:
        q = parse_dosage_query(allowance)
        assert q is not None and "Recommended Daily Allowance" in q.fields, allowance
    q = parse_dosage_query("how much dha should i take while pregnant")  # a personal dose
    assert q is None or "Recommended Daily Allowance" not in q.fields
    for other in ["how much iron during pregnancy is safe?",  # the limit
                  "what was the iron dose for people over 80 in the study?",  # a study's dose
                  "what's the vitamin d dose for people over 70 in the falls trial?"]:
        q = parse_dosage_query(other)
        assert q is None or "Recommended Daily Allowance" not in q.fields, other
    for limit in ["what is the maximum vitamin d dose for adults?", "how much iron during pregnancy is safe?"]:
        q = parse_dosage_query(limit)
        assert q is not None and q.fields == ("Upper Intake Limit",), limit


def test_whether_the_supplement_itself_is_safe() -> None:
    from assistant.answer.dosage import asks_supplement_safety
    assert asks_supplement_safety("is k2 safe?") and asks_supplement_safety("how safe is fish oil")
    assert asks_supplement_safety("not on blood thinners, can i take k2?")
    for other in ["is k2 safe with warfarin?", "my bones are fine, what does k2 do", "is the algae one ok for vegans",
                  "can i take iron with food?", "can i take fish oil at night", "can i take d3 and k2 together?",
                  "can i take it now?", "can i take k2 again?", "can i take both?", "can i have a refund?",
                  "can i take iron without food?"]:
        assert not asks_supplement_safety(other), other


def test_amounts_of_other_days_or_people_or_beside_something_else_are_not_added_up_as_the_whole() -> None:
    for not_total in ["I take 2000 IU of d3 and my wife takes 3000 IU, are we over the limit?",
                      "I took 4000 IU yesterday and 4000 IU today, over the limit?"]:
        q = parse_dosage_query(not_total, nutrient="vitamin D")
        assert q is not None and q.amount is None, not_total
    q = parse_dosage_query("i take 30 mg iron and 10 mg iron and the liquid one, too much?", nutrient="iron")
    assert q is not None and q.summed and q.beside  # the total is only said to be above, never below
    for beside in ["i take 40 mg iron with the liquid one, is that too much?",
                   "my multivitamin and 20 mg iron, over the limit?"]:
        q = parse_dosage_query(beside, nutrient="iron")
        assert q is not None and q.amount is not None and q.beside, beside
    q = parse_dosage_query("am I above the upper limit with 100 mcg?")
    assert q is not None and q.amount is not None and not q.beside


def test_an_amount_with_a_plus_in_its_nutrient_still_sees_what_is_taken_beside() -> None:
    q = parse_dosage_query("i take 1 g epa+dha and my krill capsules, am i over the limit?")
    assert q is not None and q.amount is not None and q.beside


def test_an_amount_someone_says_they_take_is_set_beside_the_limit_asked() -> None:
    dq = parse_dosage_query("whats the upper limit? i take 3 g from capsules")
    assert dq is not None and dq.amount is not None and dq.amount.text == "3 g"
    dq = parse_dosage_query("whats the upper limit?")
    assert dq is not None and dq.amount is None


@pytest.mark.parametrize("question", ["vitamin d dose for a 30 year old", "iron dosage for adults",
                                      "selenium dose for women", "vitamin d dose", "whats the iron dosage?"])
def test_a_dose_for_people_or_a_bare_dose_asks_the_allowance(question: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and q.fields == (RDA,)


@pytest.mark.parametrize("question", ["and the dose?", "the study dose", "the max k2 dose",
                                      "dose for adults in the trial", "dose for adults with anaemia",
                                      "what is the toxic iron dose for a 2 year old", "iron lethal dose",
                                      "vitamin d high dose", "omega 3 dose for a 60 year old heart patient",
                                      "iron dose for a 30 year old woman with heavy periods"])
def test_a_dose_of_a_turn_before_a_study_or_the_limit_is_no_allowance(question: str) -> None:
    q = parse_dosage_query(question)
    assert q is None or RDA not in q.fields


def test_whether_anything_stands_against_taking_it_is_its_safety() -> None:
    from assistant.answer.dosage import asks_supplement_safety
    for asked in ["is there any reason i cant take k2 mk-7?", "any reason my mom shouldn't take d3",
                  "can he start k2", "could my dad try fish oil?"]:
        assert asks_supplement_safety(asked), asked
    for other in ["any reason i can't take iron with tea?", "can my dog take fish oil?",
                  "can my doctor take me off iron", "can she go on the pill"]:
        assert not asks_supplement_safety(other), other


def test_a_medicine_taken_beside_an_amount_is_not_added_to_it() -> None:
    for medicine in ["i take 600 IU d3 and a water pill, within limits?",
                     "my dad takes 2000 IU d3 a day and a diuretic for swelling, is that within limits"]:
        q = parse_dosage_query(medicine, nutrient="vitamin D3")
        assert q is not None and q.amount is not None and not q.beside, medicine
    q = parse_dosage_query("i take 2000 IU d3 and a calcium tablet, over the limit?", nutrient="vitamin D3")
    assert q is not None and q.beside  # a supplement: its amount is unknown


def test_a_supplement_beside_a_medicine_is_still_taken_beside() -> None:
    for beside in ["i take 2000 IU d3 and a water pill and a multivitamin, within the limit?",
                   "i take 3000 IU d3 and my fosamax plus d, over the limit?"]:
        q = parse_dosage_query(beside, nutrient="vitamin D3")
        assert q is not None and q.beside, beside


def test_going_through_the_menopause_is_no_age() -> None:
    from assistant.answer.dosage import people_in
    assert people_in("i'm going through the menopause").ages == ()


def test_own_amounts_leave_out_a_medicines_and_a_quoted_limit() -> None:
    from assistant.answer.dosage import own_amounts
    assert [d.text for d in own_amounts("i take 75mg aspirin every day and 3 g of fish oil")] == ["3 g"]
    assert [d.text for d in own_amounts("i take 2000 mg metformin a day and 2 g fish oil")] == ["2 g"]
    assert [d.text for d in own_amounts("my limit is 45 mg and i take 30 mg")] == ["30 mg"]


PURPOSE_ALLOWANCE = """For generally healthy individuals

1.1 g/day — adult women (Adequate Intake, as ALA)
1.6 g/day — adult men (Adequate Intake, as ALA)
250–500 mg/day EPA+DHA — healthy adults, commonly recommended for general cardiovascular health"""


@pytest.mark.parametrize(("question", "kept", "left"), [
    # a purpose the question states that a value states too: that value, for the people asked
    ("how much fish oil should a healthy guy take just for general heart health", "250–500", "1.6 g"),
    ("how much fish oil should a man take", "1.6 g", "250–500"),  # no purpose: the people's value
])
def test_a_value_stated_for_the_purpose_asked_is_chosen(question: str, kept: str, left: str) -> None:
    q = parse_dosage_query(question)
    assert q is not None and RDA in q.fields
    doc = Document(page_content=PURPOSE_ALLOWANCE, metadata={"title": RDA, "text": PURPOSE_ALLOWANCE})
    lines = " ".join(compose_dosage(replace(q, fields=(RDA,)), [doc], CitationBook(), whole=True))
    assert kept in lines and left not in lines


@pytest.mark.parametrize(("text", "against"), [
    ("People with a condition should not take this supplement unless prescribed.", True),
    ("It is contraindicated in people with kidney stones.", True),
    ("Take it with food to reduce stomach upset.", False),
    ("Do not exceed the upper limit.", False),  # a bound, not advice against taking it at all
    ("It should not be taken within 2 hours of an antacid.", False),  # when, not whether
])
def test_a_line_advising_against_taking_it(text: str, against: bool) -> None:
    from assistant.answer.dosage import advises_against
    assert advises_against(text) is against


@pytest.mark.parametrize(("question", "ages"), [
    ("grandma is 85 and anaemic, does a low dose work?", ((85.0, 85.0),)),  # a person first, no "my"
    ("mum's 70. how much a day?", ((70.0, 70.0),)),
    ("my dad is 80", ((80.0, 80.0),)),
    ("my mum turned 72 in may, how much a day?", ((72.0, 72.0),)),  # turned, with or without "just"
    ("my daughter's 16, what's the max she can take?", ((16.0, 16.0),)),
    ("it is 20 mg per tablet", ()),  # an amount
    ("level is 30, is that low?", ()),  # a measurement, no person
    ("Ferritin is 12, should I take iron?", ()),  # a result
    ("bmi is 32. how much a day?", ()),
])
def test_an_age_said_of_a_person(question: str, ages: tuple[tuple[float, float], ...]) -> None:
    from assistant.answer.dosage import people_in

    assert people_in(question).ages == ages


def test_two_products_amounts_in_several_units_are_added_up_by_mass() -> None:
    iu, ug = parse_doses("5,000 IU")[0], parse_doses("25 µg")[0]
    total = total_dose([iu, ug], "vitamin D3")  # 125 µg + 25 µg, by the vocabulary's IU factor
    assert total is not None and total.unit == "µg" and total.low == pytest.approx(150.0)
    assert total.text == "5,000 IU + 25 µg"  # the sum is never written as one figure
    assert total_dose([iu, ug]) is None  # no nutrient: IU has no mass
    assert total_dose([iu, parse_doses("1,000 IU")[0]]) is not None  # one unit: added as written


def test_someone_said_to_be_deficient_asks_the_treatment_dose_but_nobody_does() -> None:
    for q in ("what's the therapeutic dose for someone whos deficient", "my wife's deficient, how much should she take?"):
        dq = parse_dosage_query(q)
        assert dq is not None and "Therapeutic Doses" in dq.fields, q
    dq = parse_dosage_query("what's the daily amount so nobody's deficient?")
    assert dq is None or "Therapeutic Doses" not in dq.fields


def test_groups_a_question_denies_are_not_the_people_asked_about() -> None:
    p = read_population("how much should a woman my age take, im 34 and not pregnant")
    assert p.groups == {"female", "adults"} and p.ages == ((34.0, 34.0),) and "pregnant" not in p.words
    assert read_population("a woman of 34 who is not pregnant or breastfeeding").groups == {"female", "adults"}
    assert read_population("women who aren't pregnant").groups == {"female", "adults"}
    # a denial of something else leaves the group asked about, and so does a clause that asks
    assert "pregnancy" in read_population("is it not safe for pregnant women").groups
    assert "pregnancy" in read_population("isn't a pregnant woman supposed to get more?").groups
    assert "breastfeeding" in read_population("not pregnant, breastfeeding my 3 month old").groups


def test_a_person_of_an_age() -> None:
    assert read_population("for a man of 60").ages == ((60.0, 60.0),)
    assert read_population("a woman of 500 mg").ages == ()
    assert read_population("I'm a mother of 2").ages == ()  # her children, no age
    assert read_population("I'm 5 ft 2").ages == ()


def test_a_terse_ask_of_a_nutrient_daily_is_the_allowance() -> None:
    for q in ("daily vitamin D?", "iron per day?", "k2 daily?"):
        dq = parse_dosage_query(q)
        assert dq is not None and dq.fields == ("Recommended Daily Allowance",), q
    assert parse_dosage_query("does a daily iron tablet need to be taken with food?") is None


def test_a_limit_naming_no_people_says_it_gives_no_separate_value_for_those_asked() -> None:
    lines, _ = compose("is there an upper limit for a teenager?", (UL, UNIT_ONLY))
    assert msg.FIELD_NAMES_NO_PEOPLE.format(field=UL) in " ".join(lines)
    lines, _ = compose("is there an upper limit?", (UL, UNIT_ONLY))  # no people asked about: not said
    assert msg.FIELD_NAMES_NO_PEOPLE.format(field=UL) not in " ".join(lines)
    lines, _ = compose("is 40 mg over the upper limit for a man?", (UL, LIMIT))  # its values name people
    assert msg.FIELD_NAMES_NO_PEOPLE.format(field=UL) not in " ".join(lines)


@pytest.mark.parametrize("q", ["how much brand x for over 70", "how much brand x for the over 70s",
                               "brand x for a 72 yr old man how much??"])
def test_how_much_for_people_of_an_age_asks_their_allowance(q: str) -> None:
    dq = parse_dosage_query(q)
    assert dq is not None and dq.fields == ("Recommended Daily Allowance",) and dq.people.ages


@pytest.mark.parametrize("q", ["how much brand x for over 70 mg", "how much brand x for over 6 months",
                               "how much brand x for over 2 weeks", "how much brand x for over 40 nmol/l"])
def test_how_much_for_over_an_amount_or_a_time_asks_no_allowance(q: str) -> None:
    assert parse_dosage_query(q) is None


@pytest.mark.parametrize("q", ["can I give the brand x drops to my baby?", "can my 3 year old toddler have brand x?",
                               "is it safe to give brand x to my 10 year old son?"])
def test_whether_someone_may_be_given_it_asks_their_allowance_and_the_limit(q: str) -> None:
    dq = parse_dosage_query(q)
    assert dq is not None and set(dq.fields) == {"Recommended Daily Allowance", "Upper Intake Limit"}
    assert dq.people.groups or dq.people.ages


def test_an_amount_asked_enough_is_the_allowance_s_not_for_a_condition() -> None:
    from assistant.answer.dosage import parse_dosage_query as parse

    asked = parse("would 12 mg of it be enough for my 30 year old sister?")
    assert asked is not None and asked.sufficient and "Recommended Daily Allowance" in asked.fields
    assert parse("is 12 mg enough?") is not None
    for asked_for_a_condition in ("is 12 mg enough to treat my deficiency?", "is 12 mg enough for my arthritis?"):
        parsed = parse(asked_for_a_condition)
        assert parsed is None or "Recommended Daily Allowance" not in parsed.fields


def test_a_dose_asked_for_someone_or_as_usual_is_the_allowance() -> None:
    # "what dose of <x> should I take", "what dose is right for a teenage girl", "a normal dose of <x>",
    # "<x> for pregnant women how much a day", "how much <x> per day during pregnancy"
    for q in ("what dose of zinc should i take?", "what dose of zinc is right for a teenage girl",
              "whats a normal dose of zinc", "zinc for pregnant women how much a day",
              "how much zinc per day during pregnancy?"):
        dq = parse_dosage_query(q)
        assert dq is not None and dq.fields == (RDA,), q
    # a study's dose, or a dose for a condition, is not the allowance
    for q in ("what dose did they use in the trial?", "what dose of zinc should i take for my acne?",
              "whats the usual dose of zinc in the anemia trial?"):
        dq = parse_dosage_query(q)
        assert dq is None or RDA not in dq.fields, q


def test_grown_people_are_adults() -> None:
    assert "adults" in read_population("how much does a grown man need daily?").groups
    assert "adults" not in read_population("he has grown a lot, how much does my son need?").groups


def test_a_dose_for_a_condition_or_a_level_is_not_the_allowance() -> None:
    for q in ("what dose of zinc should I take, I'm anemic", "whats a normal dose of zinc for high triglycerides"):
        dq = parse_dosage_query(q)
        assert dq is None or RDA not in dq.fields, q
