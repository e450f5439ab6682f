"""Questions over a corpus of several monographs (the repository's whole corpus, real model and index):
which monograph answers, and what happens when a question names none of them."""

from __future__ import annotations

import re

import pytest

from assistant import Assistant
from assistant import messages as msg
from assistant.conversation import Turn


def asked_before(question: str, reply: str) -> list[Turn]:
    """A conversation of one earlier turn: the user's question and the assistant's reply."""
    return [{"role": "user", "content": question}, {"role": "assistant", "content": reply}]


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


@pytest.mark.parametrize("question", [
    # the words the named page lacks are another page's (a nutrient no page has as its own)
    "the vitamin K1 trial that gave minerals and vitamin D - how long did it go on?",
    # one study found on several pages is the one its description fits
    "the meta-analysis where vitamin K and D together raised bone density - how big was it?",
])
def test_a_study_described_beside_another_pages_name_is_answered_from_its_own_page(
        catalogue: Assistant, question: str) -> None:
    ans = catalogue.ask(question)
    assert not ans.abstained
    assert {c.supplement for c in ans.citations} == {"vitamin-k2"}


def test_findings_given_with_another_nutrient_are_looked_for_on_its_page_too(catalogue: Assistant) -> None:
    # the page named first has no such finding; the trial of both is on the other nutrient's page
    ans = catalogue.ask("i'm not on blood thinners. is vitamin d being tested with k2 for arteries anywhere")
    assert not ans.abstained and "vitamin-k2" in {c.supplement for c in ans.citations}
    assert "720" in ans.text


def test_forms_offered_for_a_product_the_description_leaves_unnamed_are_answered(catalogue: Assistant) -> None:
    # the forms offered are words no page uses; the product's description answers: it names no form
    ans = catalogue.ask("the multivitamin on the k2 list - what type of vitamin A is in it, retinol or beta carotene?")
    assert not ans.abstained and len(ans.citations) == 1 and ans.citations[0].supplement == "vitamin-k2"
    assert "vitamin A" in ans.text and "not state its form" in ans.text
    # options that are no form (a medicine, a condition) are what the question asks: not covered
    assert catalogue.ask("what type of iron is in Iron Plus 65? crohns or colitis?").abstained


def test_a_follow_up_naming_its_own_supplement_and_topic_is_not_refused_for_the_last_turns_words(
        catalogue: Assistant) -> None:
    # "nursing" comes from the last turn and no K2 page uses it; the turn asks of k2 and bones
    history = asked_before("what dose of d3 was used in the nursing home hip fracture study",
                           "Vitamin D3 (800 IU/day) with calcium (1,200 mg/day) for 18 months reduced hip "
                           "fractures in elderly women living in nursing homes. [1]")
    ans = catalogue.ask("was there anything like that for k2 and bones?", history)
    assert not ans.abstained and {c.supplement for c in ans.citations} == {"vitamin-k2"}


def test_a_medicine_said_beside_a_denial_stays_what_the_question_is_about(catalogue: Assistant) -> None:
    ans = catalogue.ask("I take lithium, no other meds. What does vitamin D3 do for my bones?")
    # no page speaks of that medicine: the answer says so first, never as if it were not said
    assert not ans.abstained and ans.text.startswith("The Vitamin D3 monograph does not mention lithium")
    asked = catalogue.ask("I take lithium. Can I take vitamin D3 with it?")  # asked of the medicine itself
    assert asked.abstained


def test_a_dose_asked_to_treat_a_condition_brings_the_note_on_people_treated_for_it(catalogue: Assistant) -> None:
    ans = catalogue.ask("fish oil dose to bring trigs down?")
    assert "2–4 g/day" in ans.text and "blood_lipids" in {c.kind for c in ans.cautions}
    assert "blood_lipids" not in {c.kind for c in catalogue.ask("how much fish oil a day for adults?").cautions}


def test_a_medicine_no_page_mentions_said_in_passing_is_said_to_be_unmentioned(catalogue: Assistant) -> None:
    ans = catalogue.ask("my doc switched me to amlodipine, which k2 product has the most k2?")
    assert not ans.abstained and "does not mention amlodipine" in ans.text and ans.table
    for asked in ["Is it safe to take iron together with metformin?",
                  "can i take my k2 with ibuprofen? i pop a couple most days for my back",
                  "I'm on lithium, can I take omega 3?",                      # "can I take" asks of both
                  "My doctor just prescribed me amlodipine. Should I keep taking my vitamin D?",
                  "I take digoxin, is 5000 iu vitamin d ok?",                 # a class the page has no note on
                  "on ibuprofen for my back most days - which fish oil product has the highest dha?"]:
        assert catalogue.ask(asked).abstained, asked


def test_a_population_no_finding_names_is_said_with_whom_the_findings_were_in(catalogue: Assistant) -> None:
    ans = catalogue.ask("were any of the fish oil trials done in teenagers?")
    assert not ans.abstained and ans.text.startswith("None of the monograph's research findings")
    assert {c.supplement for c in ans.citations} == {"omega-3-fish-oil"} and len(ans.citations) >= 3


def test_a_product_above_every_upper_limit_brings_the_notes_on_excess(catalogue: Assistant) -> None:
    """The cautions on excess follow a product whose amount is above every limit its page sets, asked
    about without a word of dose or excess; a product under the limit brings none."""
    ans = catalogue.ask("tell me about bone plus 5000")
    assert not ans.abstained and "toxicity" in {c.kind for c in ans.cautions}
    ans = catalogue.ask("what is in the vitamin D3 liquid drops?")
    assert not ans.abstained and "toxicity" not in {c.kind for c in ans.cautions}
    # a product of one page holding another page's nutrient above that page's limit, named
    ans = catalogue.ask("what does ultra k2 mk-7 plus d3 contain?")
    assert {c.citation.supplement for c in ans.cautions if c.kind == "toxicity" and c.citation} == {"vitamin-d3"}


def test_beside_a_part_not_covered_an_answer_without_the_parts_own_words_covers_none(catalogue: Assistant) -> None:
    # the second part got only caution notes, none of its own words: the question is not covered
    ans = catalogue.ask("does liquid iron turn your fingernails yellow? should i be sipping it through a paper tube")
    assert ans.abstained and not ans.citations
    # a part that is covered still is, beside one that is not
    ans = catalogue.ask("what is the upper intake limit for iron in adults, and does iron turn your fingernails yellow?")
    assert not ans.abstained and re.search(r"45 mg", ans.text)
    # an ask answered by a Dosage Guide field in the page's words for the people asked ("girls 14-18"
    # for "my teenager") is covered; and an ask naming a medicine keeps its answer and its cautions
    ans = catalogue.ask("my teenager is always tired, how much iron does she need? and does it help with stretch marks?")
    assert not ans.abstained and re.search(r"15 mg", ans.text)


def test_one_named_product_is_compared_with_the_limit_and_counted_servings_are_not(catalogue: Assistant) -> None:
    # no amount in the question: the one product named holds it, stated (cited) before the comparison
    ans = catalogue.ask("is a single bone plus 5000 every morning over the upper limit?")
    assert re.search(r"5,000 IU\) per softgel[^\[]*\[\d+\] The amount named is above the Upper Intake Limit", ans.text)
    # "two" of them would multiply it: the total is not compared, but one serving alone is above the
    # limit, and so more servings are
    ans = catalogue.ask("is taking two bone plus 5000 every morning over the upper limit?")
    assert "The amount named" not in ans.text and not ans.abstained
    assert "One serving alone is above the Upper Intake Limit" in ans.text


def test_an_amount_asked_as_risky_is_set_beside_the_limit(catalogue: Assistant) -> None:
    # "risky" asks of safety as "dangerous" does: a general word, no topic the page lacks
    ans = catalogue.ask("is taking 3 g of fish oil a day risky")
    assert not ans.abstained and "Upper Intake Limit" in ans.text and "atrial fibrillation" in ans.text


def test_a_requirement_or_a_normal_person_asks_the_allowance(catalogue: Assistant) -> None:
    # "requirement" is the allowance in users' words; "a normal <age> guy" is a generally healthy man
    ans = catalogue.ask("my husband is 45, whats his daily iron requirement")
    assert not ans.abstained and "8 mg — men 19+" in ans.text
    ans = catalogue.ask("how much vitamin D for a normal 40 yr old guy")
    assert ans.text.startswith("Recommended Daily Allowance") and "600 IU (15 mcg) — adults 19–70" in ans.text


def test_asked_the_limit_alone_the_notes_on_lower_amounts_come_with_it(catalogue: Assistant) -> None:
    # "up to 5 g/day considered safe": the page's note on doses above 1 g/day is harm the limit allows
    ans = catalogue.ask("how much fish oil is the most i can safely take in a day")
    assert "Upper Intake Limit" in ans.text and "Doses above 1 g/day" in ans.text


def test_a_product_described_by_its_form_or_asked_for_someone_is_set_beside_the_limit(
        catalogue: Assistant) -> None:
    turns = [{"role": "user", "content": "whats the upper limit for iron?"}]
    turns.append({"role": "assistant", "content": catalogue.ask(turns[0]["content"]).text})
    ans = catalogue.ask("does the ferrous fumarate one go over it?", history=turns)  # described, not named
    assert re.search(r"106 mg[^\[]*\[\d+\] The amount named is above the Upper Intake Limit", ans.text)
    # "can she take <product>?" for a girl of 15: her allowance, and the limit it is above
    turns = [{"role": "user", "content": "my 15 year old daughter is tired, how much iron does she need?"}]
    turns.append({"role": "assistant", "content": catalogue.ask(turns[0]["content"]).text})
    ans = catalogue.ask("can she take the Iron Plus 65?", history=turns)
    assert "15 mg — girls 14–18" in ans.text and "The amount named is above the Upper Intake Limit" in ans.text


def test_another_pages_product_set_beside_the_last_turns_limit_is_compared_with_that_limit(
        catalogue: Assistant) -> None:
    # the limit asked of one nutrient, then a product of another page said short ("<brand> <nutrient>")
    # that holds it: its amount against the first nutrient's limit, not its page's own limit
    turns = asked_before("vitamin d upper limit for adults?", catalogue.ask("vitamin d upper limit for adults?").text)
    ans = catalogue.ask("does ultra k2 go over that?", history=turns)
    assert "The amount named is above the Upper Intake Limit the monograph gives: 4,000 IU" in ans.text
    assert "vitamin K2" not in ans.text.split("Upper Intake Limit", 1)[1]
    ans = catalogue.ask("is the vitamin d in ultra k2 over the limit?")  # one turn, the name said short
    assert "The amount named is above the Upper Intake Limit the monograph gives: 4,000 IU" in ans.text


def test_whether_a_product_is_enough_for_the_allowance_just_given_compares_it_with_that(
        catalogue: Assistant) -> None:
    turns = asked_before("iron rda for a pregnant woman", catalogue.ask("iron rda for a pregnant woman").text)
    ans = catalogue.ask("is the 28 mg + vitamin c tablet enough for that?", history=turns)
    assert "The amount named is above the Recommended Daily Allowance the monograph gives: 27 mg" in ans.text
    ans = catalogue.ask("i am 45. does the multivitamin with 20 μg of d3 cover my daily vitamin d?")
    assert "is above the Recommended Daily Allowance the monograph gives: 600 IU (15 mcg)" in ans.text
    # a liquid described by its amount per serving ("per 5 mL" is its serving, no count of them)
    turns = asked_before("daily iron needs of a breastfeeding mother?", catalogue.ask("daily iron needs of a breastfeeding mother?").text)
    ans = catalogue.ask("the liquid with 10 mg per 5 ml - would that be enough for her?", history=turns)
    assert "The amount named is above the Recommended Daily Allowance the monograph gives: 9 mg" in ans.text
    # a product of another page described by its amounts, set beside the limit just asked
    turns = asked_before("what's the most vitamin d an adult can safely take a day?", catalogue.ask("what's the most vitamin d an adult can safely take a day?").text)
    ans = catalogue.ask("does the d3 4000 iu + k2 100 µg one go past that?", history=turns)
    assert "The amount named equals the Upper Intake Limit the monograph gives: 4,000 IU" in ans.text


def test_the_nearest_product_to_an_amount_is_set_beside_the_limits_of_what_it_holds(catalogue: Assistant) -> None:
    ans = catalogue.ask("does any product have at least 150 mcg of k2?")
    assert "the nearest to it" in ans.text and "also holds vitamin D3 (5,000 IU per serving)" in ans.text


def test_a_list_of_products_sets_those_above_the_limit_beside_it(catalogue: Assistant) -> None:
    # "what <x> products do you have?": the list, then each whose one serving is above every limit value
    ans = catalogue.ask("what iron products do you have?")
    assert ans.text.startswith("Products whose description states iron")
    assert "Iron Plus 65 holds iron (65 mg per serving)." in ans.text and "holds iron (106 mg per serving)" in ans.text
    assert "holds iron (25 mg" not in ans.text and "One serving alone is above the Upper Intake Limit" in ans.text


def test_the_product_ranked_first_is_set_beside_the_limit_of_each_nutrient_it_holds(catalogue: Assistant) -> None:
    # ranked by one nutrient, the first product may hold another above that one's own limit: what it
    # holds (cited to its passage), then the limit of that nutrient's monograph
    ans = catalogue.ask("which product has the most vitamin k2 per serving?")
    held = re.search(r"(\S[^.\[]*) also holds vitamin D3 \(([\d,]+ IU) per serving\)\. \[(\d+)\] "
                     r"One serving's vitamin D3 alone is above the Upper Intake Limit[^\[]*\[(\d+)\]", ans.text)
    assert held is not None
    product, limit = ans.citations[int(held[3]) - 1], ans.citations[int(held[4]) - 1]
    assert held[2] in product.snippet and held[1] in ans.text.split(" also holds")[0].split(":", 1)[1]
    assert limit.subsection == "Upper Intake Limit" and "4,000 IU" in limit.snippet


def test_whether_taking_a_named_product_is_safe_sets_its_amount_beside_the_limit(catalogue: Assistant) -> None:
    ans = catalogue.ask("is one iron plus 65 tablet a day safe for me?")
    assert re.search(r"65 mg of elemental iron[^\[]*\[\d+\] The amount named is above the Upper Intake Limit", ans.text)
    assert "therapeutic range" in ans.text   # what the product is meant for, from its description
    ans = catalogue.ask("would 3 of the iron plus 65 tablets a day be ok?")
    assert "One serving alone is above the Upper Intake Limit" in ans.text and "45 mg/day" in ans.text
    # fewer than one serving, or servings of one under the limit: no verdict on the total
    for q in ("can i take half an iron plus 65 a day?",
              "is it ok to take 2 of the 28 mg bisglycinate iron tablets a day?"):
        ans = catalogue.ask(q)
        assert "One serving alone" not in ans.text and "The amount named" not in ans.text, q
    # a limit the page does not set is not said beside a product holding other nutrients (it would
    # read as reassurance about them); what it holds of another page's nutrient is set beside that
    # page's limit, named
    ans = catalogue.ask("can i take ultra k2 mk-7 plus d3 every day?")
    assert "considered low toxicity" not in ans.text
    assert "Vitamin D3: The amount named is above the Upper Intake Limit" in ans.text and "4,000 IU" in ans.text
    ans = catalogue.ask("is it ok to take 2 ultra k2 mk-7 plus d3 a day?")
    assert "Vitamin D3: One serving alone is above the Upper Intake Limit" in ans.text
    ans = catalogue.ask("is ultra k2 mk-7 plus d3 too much for daily use?")   # the limit in other words
    assert "Vitamin D3: The amount named is above" in ans.text and "not compared" not in ans.text
    # less often than daily: the limits are daily
    assert "One serving alone" not in catalogue.ask("is one bone plus 5000 a week ok?").text
    # with a medicine named, the cautions answer it
    ans = catalogue.ask("can i take iron plus 65 with my levothyroxine?")
    assert "The amount named" not in ans.text and "levothyroxine" in ans.text


def test_a_nutrient_of_another_pages_product_is_compared_with_its_own_monographs_limit(
        catalogue: Assistant) -> None:
    # the D3 of a K2-page product: the D3 page's limit, not the K2 page's "no UL" line
    ans = catalogue.ask("does the vitamin d3 in ultra k2 mk-7 plus d3 exceed the upper limit for vitamin d?")
    assert "The amount named is above the Upper Intake Limit" in ans.text and "4,000 IU" in ans.text
    assert "vitamin K2" not in ans.text.split("The amount named")[1]
    # "that <nutrient> amount" after an answer about the one product
    history = [{"role": "user", "content": "what's in ultra k2 mk-7 plus d3?"},
               {"role": "assistant", "content": "Ultra K2 MK-7 Plus D3 combines vitamin D3 (5,000 IU) and "
                                                "vitamin K2 (100 mcg as MK-7). [1]"}]
    ans = catalogue.ask("is that d3 amount over the upper limit?", history)
    assert "The amount named is above the Upper Intake Limit" in ans.text


def test_a_product_described_by_its_words_is_compared_with_the_limit_set_beside_it(catalogue: Assistant) -> None:
    # the words after the product word ("go over the <nutrient> upper limit") describe no product: the
    # fish-oil page's softgel with D3 is the one meant, not a D3-page product
    ans = catalogue.ask("does the omega-3 + D3 softgel go over the vitamin D upper limit?")
    assert "The amount named is below the Upper Intake Limit" in ans.text and "2,000 IU" in ans.text
    assert "Bone Plus" not in ans.text


def test_a_product_described_by_its_amounts_is_compared_with_the_limit_of_the_nutrient_asked(
        catalogue: Assistant) -> None:
    # its vitamin D3 amount (not the K2 amount the user described it by) against the D3 page's limit
    ans = catalogue.ask("I take the k2 50 mcg one. am I over the vitamin d limit?")
    assert "The amount named is above the Upper Intake Limit" in ans.text and "4,000 IU" in ans.text
    ans = catalogue.ask("i take the d3 4000 IU + k2 100 µg one every day. am i over the vitamin d upper limit?")
    assert "The amount named equals the Upper Intake Limit" in ans.text
    # a count of one is one serving
    assert "The amount named is above" in catalogue.ask("I take 1 bone plus 5000 a day. over the limit?").text
    # servings counted, or a nutrient no monograph is about: no comparison of one serving's amount
    for q in ("I take the d3 4000 IU + k2 100 µg one twice a day. over the vitamin d limit?",
              "I take the iron 25 mg one about twice a day. am I over the iron limit?",
              "I take the iron 25 mg one every 6 hours. over the limit?",
              "I take the iron 28 mg + vitamin c 250 mg one. am I over the vitamin c limit?",
              "is the calcium in the calcium 600 mg + d3 25 µg one over the upper limit?",
              "I take the d3 1000 IU + k2 45 mcg one, I usually take 5. over the vitamin d limit?"):
        assert "The amount named" not in catalogue.ask(q).text, q


def test_an_amount_set_beside_the_recommended_amount_is_set_beside_the_limit_too(catalogue: Assistant) -> None:
    ans = catalogue.ask("is one bone plus 5000 a day more than the recommended daily amount?")
    assert "Recommended Daily Allowance" in ans.text and "The amount named is above the Upper Intake Limit" in ans.text


def test_a_product_question_that_names_people_for_a_field_gets_the_field_for_them(catalogue: Assistant) -> None:
    ans = catalogue.ask("how many of the liquid d3 drops would cover the daily amount for my grandma? she's 75")
    assert "400 IU per drop" in ans.text and "800 IU (20 mcg) — adults over 70" in ans.text
    assert "600 IU" not in ans.text  # the allowance of the people named, not every group's


def test_that_amount_is_the_last_answers_product_only_when_the_turn_names_no_other(catalogue: Assistant) -> None:
    history = [{"role": "user", "content": "how strong is bone plus 5000"},
               {"role": "assistant", "content": "Bone Plus 5000 is a high-potency softgel providing vitamin D3 "
                                                "(5,000 IU) per softgel. [1]"}]
    ans = catalogue.ask("and the drops? how much in each one, and is that under the adult max?", history)
    assert "400 IU per drop" in ans.text and "The amount named" not in ans.text


def test_a_product_answered_from_another_pages_limit_keeps_its_own_pages_cautions(catalogue: Assistant) -> None:
    history = [{"role": "user", "content": "I'm on warfarin. what's in ultra k2 mk-7 plus d3?"},
               {"role": "assistant", "content": "Ultra K2 MK-7 Plus D3 is a dietary supplement combining vitamin D3 "
                                                "(5,000 IU) and vitamin K2 (100 mcg as MK-7). [1]"}]
    ans = catalogue.ask("is that d3 amount over the upper limit?", history)
    assert {"anticoagulant", "toxicity"} <= {c.kind for c in ans.cautions}


def test_a_medicine_taken_brings_the_note_of_a_cited_page_outside_the_turns_scope(catalogue: Assistant) -> None:
    # the turn is scoped to one page ("vitamin D"), the answer cites another's note on the medicine
    ans = catalogue.ask("I'm on warfarin, did the vitamin K1 study add vitamin D?")
    assert "vitamin-k2" in {c.supplement for c in ans.citations}
    assert "anticoagulant" in {c.kind for c in ans.cautions}


def test_a_product_and_another_amount_taken_together_are_not_compared_as_one(catalogue: Assistant) -> None:
    # 5,000 IU + 2,000 IU: the page states no sum, so neither amount alone is said to be below the limit
    ans = catalogue.ask("I take bone plus 5000 and also 2000 IU of vitamin d, is that over the upper limit?")
    assert "The amount named is below" not in ans.text


def test_a_limit_question_about_a_product_over_another_pages_limit_brings_those_notes(catalogue: Assistant) -> None:
    ans = catalogue.ask("is ultra k2 mk-7 plus d3 over the upper limit?")
    assert "vitamin-d3" in {c.citation.supplement for c in ans.cautions if c.kind == "toxicity" and c.citation}


def test_a_field_asked_of_two_supplements_in_one_breath_answers_each(catalogue: Assistant) -> None:
    ans = catalogue.ask("what is the RDA for iron for men and vitamin D for adults")
    assert "8 mg — men 19+" in ans.text and "600 IU (15 mcg) — adults 19–70" in ans.text
    assert {c.supplement for c in ans.citations} == {"iron", "vitamin-d3"}
    # a medicine named: the question stays whole, so no part loses what it says of the person
    whole = "what is the RDA for iron for men and vitamin D for adults on warfarin"
    assert catalogue._subject_asks(whole) == [whole]


def test_supplements_listed_side_by_side_are_each_asked_the_whole_question(catalogue: Assistant) -> None:
    q = "my mom is 75, how much vitamin D and iron does she need a day?"
    assert catalogue._subject_asks(q) == ["my mom is 75, how much vitamin D does she need a day?",
                                          "my mom is 75, how much iron does she need a day?"]
    ans = catalogue.ask(q)
    assert "800 IU (20 mcg) — adults over 70" in ans.text and "8 mg — women 51+" in ans.text


@pytest.mark.parametrize("question", [
    "compare the upper limits for vitamin d, iron and k2",   # three, in a list
    "upper limit of vitamin d vs iron",
    "what are the ULs for iron and vitamin d3?",   # the field's short name, plural
])
def test_a_field_asked_of_several_supplements_answers_each(catalogue: Assistant, question: str) -> None:
    ans = catalogue.ask(question)
    assert "4,000 IU (100 mcg)/day" in ans.text and "45 mg/day elemental iron" in ans.text
    assert {"iron", "vitamin-d3"} <= {c.supplement for c in ans.citations}
    assert catalogue._subject_asks("what is the RDA for men and women for iron?") == [
        "what is the RDA for men and women for iron?"]   # one supplement: no cut at its "and"


def test_a_list_of_supplements_is_cut_between_names_only(catalogue: Assistant) -> None:
    # not inside "2,000" or "IU/day"; the amount said of each is held against its own limit
    q = "is vitamin d at 2,000 IU and iron at 65 mg too much?"
    assert catalogue._subject_asks(q) == ["is vitamin d at 2,000 IU", "and iron at 65 mg too much?"]
    assert "above the Upper Intake Limit the monograph gives: 45 mg/day" in catalogue.ask(q).text
    # the field after the list: each name is asked it, with its name whole ("fish oil", not "fish")
    assert catalogue._subject_asks("iron, vitamin d and fish oil upper limits?") == [
        "iron upper limits?", "vitamin d upper limits?", "fish oil upper limits?"]
    ans = catalogue.ask("iron vs vitamin d upper limit")
    assert {"iron", "vitamin-d3"} <= {c.citation.supplement for c in ans.cautions if c.citation}
    # names with words of their own, the field after them: the question stays whole
    whole = "iron for kids and vitamin d for adults upper limits"
    assert catalogue._subject_asks(whole) == [whole]


def test_products_asked_to_hold_two_pages_nutrients_are_sought_on_every_page(catalogue: Assistant) -> None:
    ans = catalogue.ask("Are there any products that contain both iron and vitamin D3?")
    assert "Multivitamin: iron + folic acid" in ans.text and "None of the product descriptions" not in ans.text


@pytest.mark.parametrize("question", [
    "my grandma is 84 and anemic, is 15mg a day of iron enough?",  # the page's word in another form
    "which type of iron is least likely to bung me up?",  # a lay word the lexicon rewrites
    "saw on tiktok that taking iron every other day works better. is that actually true?",  # where heard
    "is 720 mcg of k2 a day too much? saw that number in a forum post",
    "my mother-in-law has rheumatoid arthritis in her hands. does fish oil help RA?",  # a relative; "RA"
])
def test_words_that_name_no_topic_of_their_own_leave_a_question_in_scope(catalogue: Assistant, question: str) -> None:
    assert not catalogue.ask(question).abstained


def test_the_number_one_scopes_a_question_that_names_no_supplement_to_its_products_page(
        catalogue: Assistant) -> None:
    ans = catalogue.ask("whats the upper limit for teenagers? my 15 yo wants to take the 5000 one")
    holder = next(p for p in catalogue.catalog.all_products if "5000" in p.title.replace(",", ""))
    assert not ans.abstained and {c.supplement for c in ans.citations} == {holder.supplement}


def test_an_answer_from_one_page_to_a_question_naming_none_says_whose_page_it_is(catalogue: Assistant) -> None:
    ans = catalogue.ask("what does the therapeutic doses part of the dosage guide give for treating something?")
    pages = {c.supplement for c in ans.citations}
    assert not ans.abstained and len(pages) == 1
    title = next(m.title for m in catalogue.corpus.monographs if m.slug in pages)
    assert ans.text.startswith(f"{title}: ")
    named = catalogue.ask(f"what does the {title} page give for therapeutic doses?")
    assert not named.text.startswith(f"{title}: ")  # the question named it


@pytest.mark.parametrize("question", [
    "what vitamin D blood level (25-OH D) should I be aiming for?",  # a number joined by a hyphen
    "is 5htp ok to take with iron?",  # a substance whose name starts with a number
    "does iron block the absorption of zinc?",  # "block" carries a topic the page lacks
    "k2 side effects for my 8yo?",  # side effects and another topic the page lacks
])
def test_a_word_that_starts_with_a_number_is_still_a_topic(catalogue: Assistant, question: str) -> None:
    assert catalogue.ask(question).abstained


def test_a_dislike_said_beside_an_out_of_scope_ask_keeps_it_out_of_scope(catalogue: Assistant) -> None:
    assert catalogue.ask("i hate taking pills, which foods have the most iron in them?").abstained


def test_which_of_those_ranks_only_the_products_the_last_answer_listed(catalogue: Assistant) -> None:
    first_q = "which products have mk-7 in them"
    first = catalogue.ask(first_q)
    turns: list[Turn] = [{"role": "user", "content": first_q}, {"role": "assistant", "content": first.text}]
    listed = {c.chunk_id for c in first.citations}
    ans = catalogue.ask("out of those, which one has the least vitamin d in it", turns)
    assert not ans.abstained and ans.citations
    assert {c.chunk_id for c in ans.citations} <= listed  # no product the first answer did not list


def test_whether_an_amount_is_safe_is_answered_from_the_upper_limit(catalogue: Assistant) -> None:
    ans = catalogue.ask("is 10000iu of vitamin D3 a day safe?")
    assert not ans.abstained and "above the Upper Intake Limit" in ans.text and "4,000 IU" in ans.text
    ans = catalogue.ask("can i take 200mg of iron a day?")
    assert "above the Upper Intake Limit" in ans.text and "45 mg" in ans.text
    # another nutrient's amount, or a medicine's, is never set beside the page's limit
    assert "above the Upper" not in catalogue.ask("is 200mg of vitamin C too much with iron?").text
    ans = catalogue.ask("dr has started me on bendroflumethiazide 2.5mg. i take the calcium + vitamin d "
                        "tablet every day, is that combo ok?")
    assert "above the Upper" not in ans.text and "thiazide_diuretic" in {c.kind for c in ans.cautions}


def test_an_age_written_on_is_read_as_the_age(catalogue: Assistant) -> None:
    short, long = catalogue.ask("how much iron for a 10yo?"), catalogue.ask("how much iron for a 10 year old?")
    assert not short.abstained and short.text == long.text
    assert "gives no value for the people asked about" in short.text   # the page lists no child's allowance


def test_an_antacid_named_by_brand_brings_its_caution(catalogue: Assistant) -> None:
    ans = catalogue.ask("I take Tums daily, can I take iron with it?")
    assert not ans.abstained and "antacid" in {c.kind for c in ans.cautions}


def test_thyroid_meds_by_a_lay_name_bring_the_thyroid_caution(catalogue: Assistant) -> None:
    ans = catalogue.ask("read that iron and thyroid meds dont mix, is that true?")
    assert not ans.abstained and "levothyroxine" in {c.kind for c in ans.cautions}


def test_a_follow_up_that_names_its_own_number_is_not_judged_by_the_earlier_amount(catalogue: Assistant) -> None:
    first = "is 4000 IU a day safe?"
    said = catalogue.ask(first).text
    ans = catalogue.ask("what about the 5000 one on the list?",
                        history=[Turn(role="user", content=first), Turn(role="assistant", content=said)])
    assert "The amount named equals" not in ans.text   # 4000 IU was the earlier turn's, not this one's


def test_too_much_taken_already_says_where_to_get_help_before_anything_else(catalogue: Assistant) -> None:
    ans = catalogue.ask("my toddler swallowed a bunch of my iron tablets, what do i do")
    assert ans.text.startswith("If someone may have taken too much") and "poison centre" in ans.text
    assert "fatal poisoning in children" in ans.text   # and the page's own note, cited
    ans = catalogue.ask("my son got into the fish oil capsules and ate a handful")
    assert ans.text.startswith("If someone may have taken too much")   # a refusal leads with it too
    assert "poison centre" not in catalogue.ask("what happens if a child swallows iron tablets?").text


def test_a_limit_without_a_line_for_pregnancy_is_given_by_age_and_says_it_has_none_of_its_own(
        catalogue: Assistant) -> None:
    ans = catalogue.ask("can i take iron plus 65 while breastfeeding?")
    assert "gives no separate value for the people asked about" in ans.text
    assert "The amount named is above the Upper Intake Limit" in ans.text and "45 mg/day" in ans.text


def test_a_medicine_the_conversation_named_withholds_figures_from_a_question_about_someone_else_too(
        catalogue: Assistant) -> None:
    # whether the other person takes it too is said in too many ways to be read ("so is my wife",
    # "he has the same prescription"): the figure stays withheld and the medicine's referral is given
    history = asked_before("I'm on warfarin, is fish oil ok for me?",
                           "Omega-3 fatty acids may prolong bleeding time; use caution with anticoagulants "
                           "(e.g., warfarin). [1]")
    ans = catalogue.ask("So is my wife. How much fish oil can my wife take a day?", history)
    assert "anticoagulant" in {c.kind for c in ans.cautions}
    assert not re.search(r"\d+(?:\.\d+)?\s*(?:g|mg)\b", ans.text) and "prescriber" in ans.text


def test_a_follow_up_sets_a_named_product_beside_the_dose_of_the_finding_the_last_answer_cited(
        catalogue: Assistant) -> None:
    first = "which k2 trial was in people with chronic kidney disease?"
    reply = catalogue.ask(first)
    history = asked_before(first, reply.text)
    ans = catalogue.ask("does the ultra k2 one have more than they gave them?", history)
    assert not ans.abstained
    # the product's amount and the finding's dose, each cited, set side by side
    assert "100 mcg" in ans.text and "400 μg/day" in ans.text and "less than the dose that study gave" in ans.text


def test_a_product_is_set_beside_a_named_study_only_when_amounts_are_compared_and_no_medicine_is_named(
        catalogue: Assistant) -> None:
    compared = catalogue.ask("is iron plus 65 more than the dose in the fatigue study?")
    assert "is less than the dose that study gave (80 mg/day)" in compared.text
    # asked whether the study used it: no comparison of amounts is read into it
    assert "the dose that study gave" not in catalogue.ask("did the fatigue study use Iron Plus 65?").text
    # someone on a medicine is never handed a study's dose set beside a product
    on_warfarin = catalogue.ask("I take warfarin. is Ultra K2 MK-7 Plus D3 more than the dose in the "
                                "anticoagulation study?")
    assert "anticoagulant" in {c.kind for c in on_warfarin.cautions}
    assert "the dose that study gave" not in on_warfarin.text
    # a product stating the parts of a nutrient is not compared by its amount of the whole
    assert "the dose that study gave" not in catalogue.ask(
        "is OmegaMax 1000 more than the dose in the rheumatoid arthritis study?").text


@pytest.mark.parametrize("supplement", ["iron", "omega-3-fish-oil", "vitamin-d3"])
def test_a_monographs_example_question_on_the_studies_doses_lists_each_findings_dose(
        catalogue: Assistant, supplement: str) -> None:
    title = next(m.title for m in catalogue.corpus.monographs if m.slug == supplement)
    ans = catalogue.ask(f"What doses of {title} were used in the studies?")
    assert ans.text.startswith("The research findings that state a dose of")
    assert len({c.chunk_id for c in ans.citations}) >= 4  # each finding with a dose, cited
    # the findings, and a note on doses above a figure some of them exceed ("doses above <x> ...")
    assert all(c.section == "Research" or "above" in c.snippet for c in ans.citations)
    assert sum(c.section == "Research" for c in ans.citations) >= 4


def test_a_share_a_form_line_states_is_said_with_the_form_its_products_fit(catalogue: Assistant) -> None:
    ans = catalogue.ask("what percentage of ferrous fumarate is actual iron?")
    assert "the share it states fits ferrous fumarate" in ans.text
    assert "about 33%" in ans.text and "106 mg of iron from 324 mg" in ans.text


def test_a_turn_pointing_at_the_products_an_answer_named_asks_of_them(catalogue: Assistant) -> None:
    first = "which iron product has the most iron?"
    ans = catalogue.ask("does it have vitamin c too?", asked_before(first, catalogue.ask(first).text))
    # the product named, without it; the one that has it beside it
    assert ans.text.startswith("The description of Supplement: iron 106 mg (ferrous fumarate)")
    assert "does not mention vitamin C" in ans.text and "vitamin C 250 mg" in ans.text
    first = "which k2 product has the most k2?"
    ans = catalogue.ask("does it have d3 too, how much?", asked_before(first, catalogue.ask(first).text))
    assert "5,000 IU" in ans.text and "4000 IU" in ans.text and "most" not in ans.text  # no new ranking


def test_a_named_product_above_the_limit_keeps_its_notes_beside_the_products_named_for_it(
        catalogue: Assistant) -> None:
    ans = catalogue.ask("does Bone Plus 5000 have calcium?")
    assert "does not mention calcium" in ans.text and "calcium 600 mg" in ans.text  # the one that has it
    assert "toxicity" in {c.kind for c in ans.cautions}  # 5,000 IU is above every upper limit of the page


def test_an_interaction_question_naming_no_supplement_is_answered_from_every_page(catalogue: Assistant) -> None:
    from assistant.answer.cautions import note_classes

    pages = {str(d.metadata["supplement"]) for d in catalogue.retriever.lexical.cautions
             if "anticoagulant" in note_classes(d)}
    assert len(pages) > 1  # the corpus has more than one page with a note on it
    ans = catalogue.ask("what interacts with warfarin?")
    assert {c.citation.supplement for c in ans.cautions if c.citation and c.kind == "anticoagulant"} == pages
    # a conversation about one supplement keeps that page's notes
    first = "what is vitamin k2?"
    ans = catalogue.ask("what interacts with warfarin?", asked_before(first, catalogue.ask(first).text))
    assert {c.citation.supplement for c in ans.cautions if c.citation} == {"vitamin-k2"}


def test_products_chosen_by_a_nutrients_name_are_every_product_that_names_it(catalogue: Assistant) -> None:
    cat = catalogue.catalog
    page = cat.page_of["vitamin d3"]
    scope = cat.product_scope("which of the d3 products also have k2?", None, None, "vitamin D3")
    own = cat.products_of[page]
    assert list(scope[:len(own)]) == own  # its own page's first
    others = [p for p in scope[len(own):]]
    assert others and all(p.supplement != page and p.nutrient("vitamin D3") for p in others)
    # a filter the user chose wins
    assert cat.product_scope("which of the d3 products?", {"supplement": "iron"}, None, "vitamin D3") == \
        cat.products_of["iron"]


def test_a_product_holding_another_pages_nutrient_carries_that_pages_interactions(catalogue: Assistant) -> None:
    from assistant.answer.cautions import note_classes

    cat = catalogue.catalog
    product = next(p for p in cat.all_products if p.name == "Ultra K2 MK-7 Plus D3")
    d3 = cat.page_of["vitamin d3"]
    assert product.supplement != d3 and product.nutrient("vitamin D3")  # listed on another page
    assert any("thiazide_diuretic" in note_classes(d) for d in catalogue.retriever.lexical.cautions
               if d.metadata["supplement"] == d3)
    ans = catalogue.ask("im on water pills, is ultra k2 mk-7 plus d3 ok")
    assert not ans.abstained
    assert {c.citation.supplement for c in ans.cautions if c.kind == "thiazide_diuretic" and c.citation} == {d3}
    assert product.id in {c.product_id for c in ans.citations}  # what it holds, in its own words


def test_whether_a_described_product_is_ok_is_answered_from_it_not_another(catalogue: Assistant) -> None:
    cat = catalogue.catalog
    product = next(p for p in cat.all_products if p.nutrient("vitamin D3") and p.nutrient("EPA"))
    ans = catalogue.ask("i take warfarin, is the omega-3 + vitamin d softgel ok")
    assert {c.product_id for c in ans.citations if c.product_id} == {product.id}
    assert {c.citation.supplement for c in ans.cautions if c.kind == "anticoagulant" and c.citation} == {
        product.supplement}  # the product holds no vitamin K: that page's notes do not apply


def test_two_products_taken_together_are_set_beside_the_limit_added_up(catalogue: Assistant) -> None:
    cat = catalogue.catalog
    named = next(p for p in cat.all_products if p.name == "Iron Plus 65")
    described = [p for p in cat.all_products if (n := p.nutrient("iron")) and n.amount == "28 mg"]
    assert len(described) == 1  # "the 28 mg one" is one product
    ans = catalogue.ask("i take iron plus 65 and the 28 mg bisglycinate one together, am i over the upper limit?")
    assert "amounts named, added together, are above the Upper Intake Limit" in ans.text
    assert {c.product_id for c in ans.citations if c.product_id} == {named.id, described[0].id}


def test_a_product_described_by_another_nutrient_and_an_amount_is_its_own_pages(catalogue: Assistant) -> None:
    ans = catalogue.ask("is the calcium one with 25 µg over the upper limit")  # calcium has no page
    assert not ans.abstained and "amount named is below the Upper Intake Limit" in ans.text
    assert "vitamin-d3" in {c.supplement for c in ans.citations}


def test_two_products_named_are_answered_with_what_each_holds_and_both_pages_cautions(
        catalogue: Assistant) -> None:
    cat = catalogue.catalog
    krill = next(p for p in cat.all_products if p.name == "Krill Omega 500")
    ultra = next(p for p in cat.all_products if p.name == "Ultra K2 MK-7 Plus D3")  # holds D3: its notes
    ans = catalogue.ask("im on water pills, can i take ultra k2 and krill omega 500 together")
    assert {c.product_id for c in ans.citations if c.product_id} == {krill.id, ultra.id}
    assert "thiazide_diuretic" in {c.kind for c in ans.cautions}


def test_two_supplements_asked_together_are_answered_where_each_page_names_the_other(
        catalogue: Assistant) -> None:
    from assistant import messages as msg

    ans = catalogue.ask("can i take iron and fish oil together")  # neither page names the other
    assert msg.NOT_TOGETHER.format(first="Iron", second="Omega-3 Fish Oil") in ans.text
    ans = catalogue.ask("can I take fish oil with vitamin D?")  # ... but a product holds both: it follows
    holder = next(p for p in catalogue.catalog.all_products if p.nutrient("EPA") and p.nutrient("vitamin D3"))
    assert holder.id in {c.product_id for c in ans.citations}
    ans = catalogue.ask("does fish oil affect iron absorption")  # an effect of one on the other: the same
    assert msg.NOT_TOGETHER.format(first="Iron", second="Omega-3 Fish Oil") in ans.text
    ans = catalogue.ask("can i take k2 and d3 together")  # the K2 page names vitamin D3 in its passages
    assert msg.NOT_TOGETHER.split("{")[0] not in ans.text
    assert ans.citations and all(c.product_id is None for c in ans.citations)


def test_a_note_naming_a_condition_someone_has_is_quoted_whatever_else_is_asked(catalogue: Assistant) -> None:
    from assistant.answer.cautions import note_classes

    notes = [d for d in catalogue.retriever.documents.get(catalogue.retriever.lexical.ids_of("omega-3-fish-oil")).values()
             if d.metadata.get("kind") == "note" and "atrial fibrillation" in str(d.metadata.get("text"))]
    assert notes and note_classes(notes[0]) == ["heart_rhythm"]  # a class of no medicine (note-only)
    ans = catalogue.ask("my husband had a heart attack last year and now has afib. "
                        "his friend said to take 4 g fish oil a day, good idea?")
    assert notes[0].metadata["chunk_id"] in {c.chunk_id for c in ans.citations}
    ans = catalogue.ask("my son has afib, how much omega 3 should he take?")  # answered by a field too
    assert notes[0].metadata["chunk_id"] in {c.chunk_id for c in ans.citations}
    assert "atrial fibrillation" in ans.text


def test_two_products_named_beside_a_limit_keep_the_limit(catalogue: Assistant) -> None:
    ans = catalogue.ask("I take Bone Plus 5000 and the calcium one with 25 µg together, am I over the limit?")
    # 5,000 IU and 25 µg: added up by mass (the vocabulary's IU factor), never written as one figure
    assert "The amounts named, added together, are above the Upper Intake Limit" in ans.text
    ans = catalogue.ask("is the calcium 600 mg one over the upper limit?")  # calcium's: no page sets its limit
    assert "Upper Intake Limit the monograph gives" not in ans.text


def test_another_nutrient_asked_together_brings_the_few_passages_naming_it(catalogue: Assistant) -> None:
    ans = catalogue.ask("is it ok to take iron and a calcium supplement together")
    assert not ans.abstained and "tea and calcium" in ans.text  # the one line of the page naming it
    assert all(c.supplement == "iron" for c in ans.citations)


def test_a_teaspoon_is_the_five_ml_serving_a_liquid_states(catalogue: Assistant) -> None:
    ans = catalogue.ask("the liquid iron, how much iron per teaspoon")
    assert not ans.abstained and "10 mg per 5 mL" in ans.text


def test_a_medicine_known_by_its_use_brings_the_cautions_its_classes_have(catalogue: Assistant) -> None:
    ans = catalogue.ask("my cardiologist has me on a few heart pills, can i take omega 3")
    assert "anticoagulant" in {c.kind for c in ans.cautions}
    ans = catalogue.ask("i take an osteoporosis pill once a week, can i take iron the same day")
    assert "bisphosphonate" in {c.kind for c in ans.cautions} and not ans.abstained


def test_an_amount_a_day_above_a_notes_figure_brings_that_note(catalogue: Assistant) -> None:
    ans = catalogue.ask("im thinking of taking 3 g of fish oil every day for my joints")
    assert "atrial fibrillation" in ans.text
    ans = catalogue.ask("i take 500 mg fish oil a day, is that good for my heart")  # below its figure
    assert "Doses above 1 g/day" not in ans.text


def test_whether_it_works_is_answered_from_the_page_not_the_products_claims(catalogue: Assistant) -> None:
    ans = catalogue.ask("does k2 mk-7 actually work for artery calcification?")
    assert not ans.abstained and ans.citations
    assert all(c.product_id is None for c in ans.citations)


def test_a_dose_for_a_person_of_an_age_is_the_allowance_for_them(catalogue: Assistant) -> None:
    ans = catalogue.ask("vitmain d dose for a 30 year old")
    assert "600 IU" in ans.text and "5,000 IU" not in ans.text


def test_taking_it_at_all_after_denying_a_medicine_is_its_safety(catalogue: Assistant) -> None:
    ans = catalogue.ask("my dad stopped his eliquis last month and isnt on any blood thinner now, can he start k2")
    assert not ans.abstained and "Upper Intake Limit" in ans.text
    assert "anticoagulant" not in {c.kind for c in ans.cautions}


def test_an_amount_pointed_back_at_is_the_first_nutrient_asked_of(catalogue: Assistant) -> None:
    first = "how much vitamin d is in the multivitamin with k2"  # a product of one page named with another
    reply = catalogue.ask(first).text
    ans = catalogue.ask("is that over the upper limit", history=asked_before(first, reply))
    assert ans.citations and {c.supplement for c in ans.citations} == {"vitamin-d3"}


def test_the_product_ranked_first_above_the_limit_is_said_to_be(catalogue: Assistant) -> None:
    ans = catalogue.ask("which of the k2 supplements gives you the most vitamin d3 in one serving?")
    assert "One serving alone is above the Upper Intake Limit" in ans.text
    assert "vitamin-d3" in {c.supplement for c in ans.citations}  # the nutrient's own page's limit
    ans = catalogue.ask("which fish oil has the most epa")  # a page that sets no such limit
    assert "One serving alone" not in ans.text


def test_an_amount_beside_a_medicine_is_still_set_beside_the_limit(catalogue: Assistant) -> None:
    ans = catalogue.ask("my 80 yo dad takes 2000 IU d3 a day and a diuretic for swelling, is that within limits")
    assert "below the Upper Intake Limit" in ans.text and "thiazide_diuretic" in {c.kind for c in ans.cautions}


def test_a_follow_up_naming_other_people_is_answered_for_them_alone(catalogue: Assistant) -> None:
    first = "how much vitamin d does a 30 year old need"
    reply = catalogue.ask(first).text
    ans = catalogue.ask("and a 75 year old?", history=asked_before(first, reply))
    assert "800 IU" in ans.text and "600 IU" not in ans.text
    first = "what's the recommended iron for women 19-50"
    reply = catalogue.ask(first).text
    ans = catalogue.ask("what about women over 50", history=asked_before(first, reply))
    assert "women 51+" in ans.text and "19–50" not in ans.text


def test_a_ranking_kept_to_a_kind_says_nothing_of_another_products_limit(catalogue: Assistant) -> None:
    for question in ["which liquid iron has the most iron?", "which iron capsule has the most iron?"]:
        assert "One serving alone" not in catalogue.ask(question).text, question


def test_a_dose_above_a_notes_figure_brings_the_note(catalogue: Assistant) -> None:
    ans = catalogue.ask("my triglycerides are sky high, what omega 3 dose is used for that")
    assert "2–4 g/day" in ans.text  # the condition, said to be high after its word
    assert "Doses above 1 g/day" in ans.text  # the note on doses above a figure the answer's dose exceeds
    ans = catalogue.ask("how much vitamin k2 should an adult take?")
    assert "Doses above" not in ans.text


def test_a_caution_question_about_something_no_page_covers_is_not_answered_with_the_notes(
        catalogue: Assistant) -> None:
    assert catalogue.ask("should i take probiotics after antibiotics").abstained
    ans = catalogue.ask("can i take melatonin with warfarin")
    assert ans.abstained  # ... yet every page's cautions on the medicine are still shown
    assert ans.cautions and {c.kind for c in ans.cautions} == {"anticoagulant"}
    ans = catalogue.ask("what interacts with antibiotics")  # asks of the pages' own supplements
    assert not ans.abstained and "tetracycline_antibiotic" in {c.kind for c in ans.cautions}
    assert not catalogue.ask("my husband takes xarelto and wants to start something for his joints").abstained
    first = "im allergic to shellfish, can i take krill oil"  # a follow-up takes the conversation's thing
    ans = catalogue.ask("what should i take instead", history=asked_before(first, catalogue.ask(first).text))
    assert not ans.abstained and "allergy" in {c.kind for c in ans.cautions}
    ans = catalogue.ask("is guarana ok with my warfarin?")  # the thing asked to be safe with it
    assert ans.abstained and {c.kind for c in ans.cautions} == {"anticoagulant"}
    assert not catalogue.ask("is mk-7 ok with my warfarin?").abstained  # a form the corpus covers


def test_a_medicine_s_own_dose_is_not_the_monographs_to_give(catalogue: Assistant) -> None:
    for question, kind in [("what is the usual dose of doxycycline for acne", "tetracycline_antibiotic"),
                           ("how much clopidogrel do people normally take", "antiplatelet"),
                           ("what's the normal doxycycline dose for rosacea", "tetracycline_antibiotic"),
                           ("what is clopidogrel used for", "antiplatelet")]:
        ans = catalogue.ask(question)
        assert ans.abstained, question  # no field of a page answers for the medicine ...
        assert kind in {c.kind for c in ans.cautions}, question  # ... whose notes are still shown
    ans = catalogue.ask("how much fish oil is ok with clopidogrel")  # the supplement's dose: answered
    assert not ans.abstained and "antiplatelet" in {c.kind for c in ans.cautions}
    for asked in ["which supplements should I avoid at my dose of clopidogrel?",  # asked of the supplements
                  "how far apart should my dose of doxycycline be from my supplements?"]:
        ans = catalogue.ask(asked)
        assert not ans.abstained and ans.cautions, asked


def test_whether_the_product_answered_is_ok_for_a_child_sets_it_beside_the_limit(catalogue: Assistant) -> None:
    first = "which iron product has ferrous fumarate"
    reply = catalogue.ask(first).text
    ans = catalogue.ask("is it ok for my 12 yo son", history=asked_before(first, reply))
    assert "One serving alone is above the Upper Intake Limit" in ans.text and "children under 14" in ans.text


def test_someone_who_had_a_heart_attack_gets_the_note_on_people_with_cardiovascular_disease(
        catalogue: Assistant) -> None:
    ans = catalogue.ask("my dad had a heart attack last year, can he take fish oil")
    assert "atrial fibrillation" in ans.text and "cardiovascular disease" in ans.text
    assert not catalogue.ask("tell me about the research on omega 3 and heart attacks/strokes").abstained


def test_the_highest_strength_is_the_most_per_serving(catalogue: Assistant) -> None:
    ans = catalogue.ask("which iron tablet is highest strength")
    assert not ans.abstained and "the most iron per serving" in ans.text and "106 mg" in ans.text


def test_a_nutrient_no_page_is_about_and_the_page_never_mentions_is_said_to_be_unmentioned(
        catalogue: Assistant) -> None:
    ans = catalogue.ask("can i take zinc with my iron tablets")
    assert ans.text.startswith("The Iron monograph does not mention zinc")
    assert "does not mention" not in catalogue.ask("can i take vitamin c with my iron").text  # it does


def test_how_much_to_give_a_child_the_allowance_has_no_value_for_is_said_so(catalogue: Assistant) -> None:
    ans = catalogue.ask("how much vitamin D should i give my 4 year old son")
    assert "gives no value for the people asked about" in ans.text


def test_the_limit_asked_of_two_monographs_is_answered_from_each(catalogue: Assistant) -> None:
    ans = catalogue.ask("whats the upper limit for vitamin d and for iron?")
    limits = {c.supplement for c in ans.citations if c.title.startswith("Upper Intake Limit")}
    assert not ans.abstained and limits == {"vitamin-d3", "iron"}


def test_asked_of_every_page_for_a_word_its_own_page_lacks_the_answer_must_cite_that_word(
        catalogue: Assistant) -> None:
    # zinc is only a part of one product on another page: nothing on iron's page answers how much to take
    ans = catalogue.ask("how much zinc should i take with my iron")
    assert ans.abstained and not ans.citations


def test_how_long_it_ran_is_asked_of_the_finding_the_earlier_question_described(catalogue: Assistant) -> None:
    first = "which study compared bisglycinate to ferrous sulfate?"
    ans = catalogue.ask("how long did it run?", history=asked_before(first, catalogue.ask(first).text))
    assert "8 weeks" in ans.text and "3 months" not in ans.text
    assert ans.citations and all(c.section == "Research" for c in ans.citations)


def test_the_one_with_a_dose_after_a_study_question_is_a_study_not_a_product(catalogue: Assistant) -> None:
    first = "what did the icosapent ethyl trial find?"
    ans = catalogue.ask("and the one with 1 g a day?", history=asked_before(first, catalogue.ask(first).text))
    assert "1 g/day" in ans.text and ans.citations
    assert all(c.section == "Research" for c in ans.citations)


def test_told_a_condition_whose_note_advises_against_it_that_note_alone_answers(catalogue: Assistant) -> None:
    ans = catalogue.ask("my dad has hemochromatosis, is it safe for him to take iron?")
    assert "should not take" in ans.text and "prescribed" in ans.text
    assert not re.search(r"\d+\s*mg", ans.text)  # no dose for other people, no note for other medicines


def test_a_question_about_safety_as_a_whole_shows_every_caution_and_the_limit(catalogue: Assistant) -> None:
    # every caution the page has, of a medicine or of none (an allergy), and what it sets as safe
    ans = catalogue.ask("is fish oil safe?")
    assert {"anticoagulant", "allergy"} <= {c.kind for c in ans.cautions} and "Upper Intake Limit" in ans.text
    ans = catalogue.ask("is iron ok for me to take?")
    assert {"levothyroxine", "antacid", "toxicity"} <= {c.kind for c in ans.cautions}


def test_a_field_asked_of_two_supplements_each_named_as_its_title_writes_it(catalogue: Assistant) -> None:
    # "vitamin <X> or vitamin <Y>": each part keeps the whole name, each page's field answers
    ans = catalogue.ask("which has an RDA listed: vitamin K2 or vitamin D3?")
    assert "600 IU" in ans.text and "lists no value" in ans.text and "does not cover" not in ans.text


def test_an_age_said_of_a_person_named_first_brings_the_finding_in_that_age(catalogue: Assistant) -> None:
    ans = catalogue.ask("grandma is 85 and anaemic, does a low dose of iron actually work?")
    assert "15 mg/day" in ans.text and "aged 80 and older" in ans.text


def test_two_products_named_by_name_are_added_up_against_the_limit(catalogue: Assistant) -> None:
    ans = catalogue.ask("i take Bone Plus 5000 and Ultra K2 MK-7 Plus D3 together - is that too much D3?")
    assert "added together, are above the Upper Intake Limit" in ans.text and "4,000 IU" in ans.text


def test_a_whole_safety_ask_shows_the_notes_on_a_heart_rhythm_and_blood_lipids(catalogue: Assistant) -> None:
    # notes no medicine names are cautions of a class of their own (interactions.yaml), shown with every
    # other caution when the question asks what to watch for
    ans = catalogue.ask("my doc wants me on fish oil with DHA - anything to watch?")
    assert {"anticoagulant", "allergy", "heart_rhythm", "blood_lipids"} <= {c.kind for c in ans.cautions}


def test_the_person_an_earlier_turn_describes_picks_the_allowance_row(catalogue: Assistant) -> None:
    ans = catalogue.ask("how much vitamin d do I need a day?", history=asked_before("I'm 75.", "Noted."))
    assert "adults over 70" in ans.text and "adults 19–70" not in ans.text
    ans = catalogue.ask("whats his daily iron need?", history=asked_before("My son is 15.", "Noted."))
    assert "boys 14–18" in ans.text and "men 19+" not in ans.text
    # a turn that denies the state the earlier turn described takes none of it
    ans = catalogue.ask("I'm not pregnant anymore. how much iron do I need a day?",
                        history=asked_before("I'm 30 and pregnant.", "Noted."))
    assert not re.search(r"27 mg — pregnancy\. \[", ans.text)


def test_a_question_naming_only_a_supplement_by_an_alias_is_answered_from_its_summary(catalogue: Assistant) -> None:
    # "what is <alias>?": the page's own summary opens the answer, not a note that writes the alias
    ans = catalogue.ask("what is vitamin D?")
    assert not ans.abstained and ans.citations[0].section == "Overview"
    assert ans.text.startswith("Vitamin D3 (cholecalciferol) is a fat-soluble vitamin")


def test_what_about_another_medicine_is_not_answered_with_the_earlier_medicine_s_note(catalogue: Assistant) -> None:
    ans = catalogue.ask("what about furosemide?",
                        history=asked_before("Does vitamin D interact with thiazides?", "Noted."))
    assert ans.abstained and "Thiazide" not in ans.text
    # the earlier medicine's caution still comes with the refusal (whoever takes it)
    assert [c.kind for c in ans.cautions] == ["thiazide_diuretic"]


def test_a_statement_of_what_is_taken_is_no_ask_of_its_own(catalogue: Assistant) -> None:
    # "I take <a medicine>; can I add <x>?": not split into an ask about the medicine alone (whose
    # notes on another page would answer it), and "add" is not read as "and"
    ans = catalogue.ask("I take alendronate for my bones; can I add vitamin K2 to it?")
    assert "add" not in ans.corrected and not any(c.kind == "bisphosphonate" for c in ans.cautions)
    assert "Iron may reduce" not in ans.text


def test_a_limit_that_names_no_people_says_so_for_the_people_asked(catalogue: Assistant) -> None:
    ans = catalogue.ask("and for kids?", history=asked_before("Is there an upper limit for vitamin K2?", "Noted."))
    assert msg.FIELD_NAMES_NO_PEOPLE.format(field="Upper Intake Limit") in ans.text


def test_can_it_be_taken_safely_is_a_whole_ask_of_safety(catalogue: Assistant) -> None:
    # not the summary path ("<x>" and general words only): every caution of the page answers it
    ans = catalogue.ask("can iron be taken safely?")
    assert {"toxicity", "levothyroxine"} <= {c.kind for c in ans.cautions}


def test_a_product_of_another_page_is_set_beside_the_limit_of_the_nutrient_asked(catalogue: Assistant) -> None:
    # the product is the K2 page's; the limit of the nutrient asked is the D3 page's
    ans = catalogue.ask("Ultra K2 MK-7 Plus D3 says 5000 IU of D3 on it - does that go past the vitamin D upper limit?")
    # the nutrient is named: it is not the product's own page's
    assert not ans.abstained and "One serving's vitamin D3 alone is above the Upper Intake Limit" in ans.text
    assert "4,000 IU" in ans.text


def test_the_daily_allowance_asked_alone_is_followed_by_no_product(catalogue: Assistant) -> None:
    ans = catalogue.ask("how much vitamin D a day?")
    assert "Recommended Daily Allowance" in ans.text and "Bone Plus 5000" not in ans.text


def test_a_condition_named_only_to_deny_it_withholds_no_figure(catalogue: Assistant) -> None:
    # "I don't have <a condition>" asks about none: the figure is given (the note's caution may still show)
    ans = catalogue.ask("I don't have a fish allergy, how much fish oil should I take a day?")
    assert not ans.abstained and "Recommended Daily Allowance" in ans.text and "g/day" in ans.text


def test_a_supplement_named_in_two_words_is_no_detail_its_finding_lacks(catalogue: Assistant) -> None:
    # "omega 3" (written apart) names the supplement; its finding of that study is the answer, and no
    # other page's finding is said to say nothing of it
    ans = catalogue.ask("in the prescription omega 3 triglyceride trial, how many weeks were people on it, "
                        "and was it fasting trigs they measured?")
    assert not ans.abstained and "12 weeks" in ans.text and "anything about omega" not in ans.text
    assert {c.supplement for c in ans.citations} == {"omega-3-fish-oil"}
    told = catalogue.ask("that big study in healthy older adults, how much omega 3 did they take?")
    assert "1 g/day" in told.text and "anything about omega" not in told.text
    assert {c.supplement for c in told.citations} == {"omega-3-fish-oil"}


def test_a_product_holding_none_of_the_nutrient_asked_says_so(catalogue: Assistant) -> None:
    # after the limit of one nutrient, a product of another page that states none of it: said, not
    # silently answered with its own page's limit alone
    ans = catalogue.ask("would Iron Plus 65 go over it?",
                        history=asked_before("Is there an upper limit for vitamin D?", "Noted."))
    assert msg.PRODUCT_STATES_NO_AMOUNT.format(product="Iron Plus 65", nutrient="vitamin D3") in ans.text
    # the limit asked stays the answer's field (not refused for the other page's product's words)
    ans = catalogue.ask("if I took OmegaMax 1000 would I be over it?",
                        history=asked_before("what is the most iron an adult may take a day?", "Noted."))
    assert not ans.abstained and "45 mg/day" in ans.text
    assert msg.PRODUCT_STATES_NO_AMOUNT.format(product="OmegaMax 1000", nutrient="iron") in ans.text


def test_a_product_described_by_another_nutrient_is_set_beside_the_allowance_asked(catalogue: Assistant) -> None:
    # "the <other nutrient> tablet" describes a product of the page asked about; whether it is enough
    # sets what it holds of the page's own nutrient beside the allowance
    ans = catalogue.ask("and is the calcium tablet enough?",
                        history=asked_before("what's the daily allowance of vitamin D?", "Noted."))
    assert not ans.abstained and "25 µg" in ans.text
    assert "above the Recommended Daily Allowance" in ans.text


def test_an_amount_asked_whether_enough_is_set_beside_the_allowance_and_the_limit(catalogue: Assistant) -> None:
    # no field named: "enough" of an amount asks the allowance (and, more than enough, the limit)
    ans = catalogue.ask("would 12 mg of iron a day be sufficient for a 25 year old woman?")
    assert "below the Recommended Daily Allowance" in ans.text and "18 mg" in ans.text
    assert "below the Upper Intake Limit" in ans.text


def test_whether_a_figure_reaches_something_no_page_mentions_is_answered_with_that_gap(catalogue: Assistant) -> None:
    # the words of what it asks about are no page's; the figure answers, and the gap is said
    ans = catalogue.ask("does the iron upper limit apply to iron from cooking in cast-iron pans too?")
    assert not ans.abstained and "45 mg/day" in ans.text
    assert "do not mention “iron from cooking in cast-iron pans”" in ans.text


def test_what_about_a_product_after_a_limit_asks_that_limit_of_it(catalogue: Assistant) -> None:
    # the product's name holds another page's nutrient: the limit asked stays the conversation's
    ans = catalogue.ask("and what about Ultra K2 MK-7 Plus D3?",
                        history=asked_before("what is the most vitamin D I can take daily?", "Noted."))
    assert "4,000 IU" in ans.text and "No established" not in ans.text


def test_an_unknown_subject_asked_of_more_is_still_refused(catalogue: Assistant) -> None:
    # the words of what is said stay topics the passages must hold; "for the <x> tablet" names no
    # product the other nutrient's figure is asked beside
    assert catalogue.ask("does the zorblax dose apply to teenagers as well?").abstained
    assert catalogue.ask("what's the daily allowance of calcium in the calcium tablet?").abstained


def test_a_field_asked_after_setting_a_scene_is_answered_and_the_scene_said_unmentioned(
        catalogue: Assistant) -> None:
    # the words no page uses are said only to set the scene: the field answers, and the answer says
    # its passages do not mention them
    ans = catalogue.ask("i run marathons and i'm vegetarian, how much iron should i take a day?")
    assert not ans.abstained and "18 mg" in ans.text
    assert msg.SCENE_UNMENTIONED.format(things="“marathons” or “vegetarian”") in ans.text
    ans = catalogue.ask("i work night shifts at a hospital. how much vitamin d3 should an adult take?")
    assert not ans.abstained and "600 IU" in ans.text and "“night shifts” or “hospital”" in ans.text


def test_a_scene_that_what_is_asked_leans_on_is_still_refused(catalogue: Assistant) -> None:
    # asked whether it helps, or with "it" pointing back, the scene is what is asked about
    assert catalogue.ask("i have psoriasis, does vitamin d3 help with it?").abstained
    assert catalogue.ask("i have a tattoo, can i take fish oil?").abstained
    assert catalogue.ask("i'm a vet, what's the iron dose for cats?").abstained


def test_a_bare_dose_asked_after_a_study_is_that_study_s(catalogue: Assistant) -> None:
    # "what dose?" names no field, people or supplement of its own: the dose of the study just asked
    # about, not the Dosage Guide's allowance
    ans = catalogue.ask("what dose?", history=asked_before("what did the ckd k2 study find?", "Noted."))
    assert "400 μg/day" in ans.text and "Recommended Daily Allowance" not in ans.text
    # a dose asked for oneself is the allowance (no study before it)
    ans = catalogue.ask("iron for pregnant women how much a day")
    assert "27 mg" in ans.text and "Recommended Daily Allowance" in ans.text


def test_a_claim_about_a_nutrient_no_monograph_covers_is_refused_not_answered_by_a_product(
        catalogue: Assistant) -> None:
    # zinc is held by a product whose description praises it; no monograph passage names it
    assert catalogue.ask("is zinc good for immunity?").abstained
    # the products still answer what they hold
    ans = catalogue.ask("which product has zinc in it?")
    assert not ans.abstained and "zinc" in ans.text


def test_a_scene_that_states_a_condition_a_medicine_or_the_page_s_own_words_is_not_context(
        catalogue: Assistant) -> None:
    # a condition someone has, or a word the page has in another form ("bleed": its "bleeding"),
    # is what the question is about: no healthy-people figure is given as if it were context
    for q in ("i have gout, how much fish oil should i take a day?",
              "I bleed easily and bruise a lot, how much fish oil a day?"):
        ans = catalogue.ask(q)
        assert ans.abstained or "bleeding" in ans.text, q
    # a medicine said in the scene keeps its note that the page never mentions it
    ans = catalogue.ask("i'm on metformin and i'm vegan, how much vitamin d a day?")
    assert "does not mention metformin" in ans.text


def test_a_choice_whose_one_side_the_pages_lack_is_answered_of_the_other(catalogue: Assistant) -> None:
    ans = catalogue.ask("should my iron tablet go down with a latte or with tea?")
    assert not ans.abstained and "tea" in ans.text  # the heme-iron line's "inhibitors such as tea"
    assert "do not mention “latte”" in ans.text
    assert catalogue.ask("should my iron tablet go down with a latte or a smoothie?").abstained  # neither


@pytest.mark.parametrize(("first", "then", "said"), [
    ("what did the fish oil dry eye trial find", "and what was the placebo?", "olive oil placebo"),
    ("what did the icosapent ethyl study show", "how long was their follow-up", "4.9 years"),
    ("fish oil for dry eyes, what did the trial find", "and what was their comparator?", "olive oil placebo"),
])
def test_a_detail_of_a_study_s_design_asked_next_is_that_study_s(catalogue: Assistant, first: str, then: str,
                                                                 said: str) -> None:
    ans = catalogue.ask(then, history=asked_before(first, catalogue.ask(first).text))
    assert not ans.abstained and said in ans.text


def test_a_blank_field_asked_of_a_condition_is_said_to_be_blank(catalogue: Assistant) -> None:
    ans = catalogue.ask("is there a vitamin d3 therapeutic dose for rickets on the page?")
    assert not ans.abstained and "lists no value for the Therapeutic Doses" in ans.text
    assert catalogue.ask("what's the omega 3 therapeutic dose for psoriasis?").abstained  # a field with values


@pytest.mark.parametrize(("first", "then", "most"), [
    ("compare omegamax 1000 and krill omega 500", "which has more dha", "OmegaMax 1000"),
    ("ultra k2 vs the 4000 iu d3 + k2 one", "which one has more d3", "Ultra K2 MK-7 Plus D3"),
])
def test_which_has_more_after_two_products_were_compared_chooses_between_those_two(
        catalogue: Assistant, first: str, then: str, most: str) -> None:
    ans = catalogue.ask(then, history=asked_before(first, catalogue.ask(first).text))
    assert not ans.abstained and f"is in: {most}" in ans.text
    assert "Bone Plus" not in ans.text and "Krill Omega 500 is a krill oil" not in ans.text


def test_a_product_with_two_pages_nutrients_is_found_by_either_name(catalogue: Assistant) -> None:
    ans = catalogue.ask("is there any product with fish oil and vitamin d together?")
    assert "Supplement: omega-3 + EPA 300 mg + DHA 200 mg + vitamin D3 2,000 IU" in ans.text
    assert "None of the product descriptions" not in ans.text
    ans = catalogue.ask("any products with iron and vitamin c?")
    assert "vitamin C 250 mg" in ans.text and "Iron Plus 65" not in ans.text


def test_whether_a_named_product_is_enough_brings_what_people_need_beside_its_amounts(
        catalogue: Assistant) -> None:
    ans = catalogue.ask("how much epa and dha do two krill omega 500 give, is that enough?")
    assert "EPA 60 mg" in ans.text and "Recommended Daily Allowance" in ans.text


def test_more_than_what_is_advised_is_no_comparison_of_a_product_s_own_nutrients(catalogue: Assistant) -> None:
    ans = catalogue.ask("my mum has heart disease and takes 2 omegamax 1000 a day, is that more than is usually "
                        "advised for her?")
    assert "states more EPA per serving than DHA" not in ans.text and "1 g/day" in ans.text


def test_how_long_they_took_it_after_the_lowest_dose_is_that_finding_s(catalogue: Assistant) -> None:
    first = "lowest mk-4 dose in the k2 research"
    ans = catalogue.ask("how long did they take it for", history=asked_before(first, catalogue.ask(first).text))
    assert "for 4 weeks" in ans.text and "Three years" not in ans.text
    assert "How long it takes to show an effect" not in ans.text  # how long it was taken: no onset


def test_who_makes_a_named_product_is_not_the_monographs_to_say(catalogue: Assistant) -> None:
    assert catalogue.ask("who makes ultra k2 mk-7 plus d3?").abstained
    assert catalogue.ask("what company makes omegamax 1000").abstained
