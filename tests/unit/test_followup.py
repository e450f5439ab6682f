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


def test_a_kind_of_result_replaces_the_earlier_one() -> None:
    r = resolve("and which one caused harm?", "which of them found no benefit? what doses were used in the studies?")
    assert r.followup and "no benefit" not in r.question and "harm" in r.question
    # with no kind of result asked before, the turn's is its intent: the study it points at stays
    r = resolve("so is there a result from that yet or is it still going", "what was the 720 mcg k2 heart study")
    assert r.followup and "720 mcg" in r.question


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


def test_the_superlative_one_leans_on_the_products_before_and_a_field_it_names_keeps_their_intent() -> None:
    # "the strongest one" points at the products the conversation is about, as "the one" does; the
    # limit it asks of is asked of them, not of the earlier subject alone
    r = resolve("is the strongest one over the safe limit?", "what vitamin d3 + k2 combos do you have")
    assert r.followup and r.inherits_intent and r.question.startswith("what vitamin d3 + k2 combos")
    assert not resolve("is the strongest one over the safe limit?", None).followup


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


# --------------------------------------------------------------------------- people, studies, forms


def test_people_named_with_who_they_are_replace_the_earlier_people_and_condition() -> None:
    r = resolve("what about in healthy women tho, not ones with osteoporosis. anything there",
                "did k2 do anything in women with osteoporosis")
    assert r.inherits_intent and r.question.startswith("did k2 do anything in healthy women ")
    assert "osteoporosis" not in r.question  # the people it rules out are no topic


def test_people_named_by_their_group_alone_keep_the_earlier_condition() -> None:
    r = resolve("and for kids?", "how much iron do adults with anemia need to take")
    assert r.question.startswith("how much iron do kids with anemia need to take")


def test_a_people_slot_holds_its_qualifier_and_condition() -> None:
    text = "did it help older women with kidney disease?"
    (slot,) = [s for s in find_slots(text) if s.kind == "people"]
    assert slot.qualified and text[slot.start:slot.end] == "older women with kidney disease"
    assert slot.value.startswith("female|older")


@pytest.mark.parametrize("turn", ["and number 8?", "what about 8?", "ref 8?", "and #8", "what about study 8"])
def test_a_bare_reference_number_replaces_the_earlier_one(turn: str) -> None:
    r = resolve(turn, "what did study 4 find")
    assert r.followup and r.question.startswith("what did study 8 find")


def test_a_number_with_a_unit_or_a_time_is_no_reference() -> None:
    slots = find_slots("a study 4 weeks long used number 2 mg")
    assert not [s for s in slots if s.value.startswith("ref:")]


def test_a_bare_number_is_no_reference_when_the_earlier_question_named_none() -> None:
    assert "study" not in resolve("and 8?", "how much MK-7 is in the liquid one").question


def test_that_one_is_the_study_the_earlier_question_named() -> None:
    r = resolve("was that one done in people with kidney disease?", "what was the 720 mcg study about")
    assert r.followup and r.question == "was the 720 mcg study done in people with kidney disease?"


def test_a_study_the_turn_describes_by_its_dose_is_found_by_its_own_words() -> None:
    previous = "What dose of <form> was used in women with osteoporosis?"
    research = "High-dose <form> (45 mg/day) reduced it in women with osteoporosis (ref. 5). [1]"
    r = resolve("and how long was the low dose one?", previous, answer=research)
    assert "the low dose study" in r.question and "osteoporosis" not in r.question
    # after an answer about no research, "the 100 mcg one" is left as the turn says it; a product is
    # told by its amount, a study's arm by its dose's size
    r = resolve("and the 100 mcg one?", "which has the most?", answer="The <product> holds 200 mcg. [1]")
    assert "study" not in r.question
    r = resolve("what form is the 65 mg one?", "what is it good for?", answer="It helps (ref. 2). [1]")
    assert "study" not in r.question
    # a study the turn names by other words keeps the earlier people
    r = resolve("and the 3 year study?", "what dose was used in postmenopausal women?")
    assert "women" in r.question


def test_it_keeps_the_study_the_earlier_question_named() -> None:
    r = resolve("was it done in people with kidney disease?", "what was the 720 mcg study about")
    assert "the 720 mcg study" in r.question and not r.inherits_intent


def test_what_the_study_gave_is_asked_of_the_study() -> None:
    # "was it given ...", "did they give ...": what the study gave, asked of the study named before
    r = resolve("was it given as tablets or as injections?", "what did the kidney disease k2 study show")
    assert "the kidney disease k2 study" in r.question
    r = resolve("did they give them calcium too?", "what did the 720 mcg study find")
    assert "the 720 mcg study" in r.question
    # ... unless the turn describes a study of its own before the pronoun
    own = "and the one in people over 80 who were anemic, how much did they give them"
    assert "the 720 mcg study" not in resolve(own, "what did the 720 mcg study find").question
    # no study in the conversation: "it" is what is taken
    assert resolve("was it given to kids?", "what's in the liquid one").question.startswith("what's in the liquid")


def test_a_follow_up_that_swaps_the_form_keeps_the_research_question() -> None:
    r = resolve("and k2? like did the mk7 one slow bone loss the same way",
                "was there a study where vitamin k1 helped with bone loss")
    assert r.inherits_intent and r.question.startswith("was there a study where mk7 helped with bone loss")


def test_the_form_one_stays_a_product_in_a_product_conversation() -> None:
    r = resolve("and the mk7 one?", "how much is in the liquid one")
    assert r.question.startswith("how much is in the mk7 one")


def test_a_form_keeps_its_own_nutrient_and_replaces_another() -> None:
    assert resolve("what about MK-4?", "what did the trials find for K2").question.startswith(
        "what did the trials find for K2")
    assert resolve("and MK-7?", "how much vitamin D3 is in it").question.startswith("how much MK-7 is in it")


SPECIAL_FORMS = ("Special Forms: High-dose therapy for osteoporosis, especially in Japan. High-dose MK-4 "
                 "(45 mg/day) maximally reduced undercarboxylated osteocalcin in women with osteoporosis. [5]")


def test_the_other_form_is_the_one_the_earlier_turn_did_not_name() -> None:
    r = resolve("and the other form, why do supplements usually use that one",
                "which k2 is the one they use in japan for osteoporosis", answer=SPECIAL_FORMS)
    assert r.question.startswith("and MK-7, why do supplements")
    assert not r.inherits_intent and "japan" not in r.question  # "why" asks something of its own


def test_the_other_form_stays_unnamed_when_it_is_not_one_form() -> None:
    assert "the other form" in resolve("and the other form?", "which k2 is used in japan").question
    assert "the other form" in resolve("and the other form?", "is ferrous sulfate well absorbed?").question


@pytest.mark.parametrize("turn", ["ok different question, did vitamin d help prevent diabetes in any study",
                                  "unrelated, but what is the upper limit?", "new question: and the RDA?"])
def test_a_turn_that_starts_afresh_stands_alone(turn: str) -> None:
    r = resolve(turn, "is bone plus 5000 over the upper limit", [("product", "p1", "Bone Plus 5000")])
    assert not r.followup and r.question == turn


def test_the_last_answer_is_the_reply_to_the_last_question() -> None:
    from assistant.conversation import last_answer

    turns = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    assert last_answer(turns) == "b"
    assert last_answer([*turns, {"role": "user", "content": "c"}]) == ""
    assert last_answer([]) == ""


def test_the_study_alone_points_back_at_the_earlier_study() -> None:
    r = resolve("how long was the study?", "what did the osteoporosis study find?")
    assert "the osteoporosis study" in r.question


def test_the_other_thing_is_no_new_topic() -> None:
    assert resolve("and the other thing you said?", "what did the osteoporosis study find?").followup


def test_it_is_the_supplement_unless_a_verb_makes_it_the_study() -> None:
    r = resolve("and is it ok for my 10-year-old son too?", "What did the MK-4 studies find?")
    assert "studies" not in r.question and "MK-4" in r.question
    assert "the MK-4 studies run" in resolve("how long did it run?", "What did the MK-4 studies find?").question


FINDING_ANSWER = ("Vitamin D3 (800 IU/day) with calcium (1,200 mg/day) reduced hip fractures in elderly women "
                  "living in nursing homes. [1] Vitamin D3 (2,000 IU/day) did not reduce fractures. [2]")
PRODUCT_ANSWER = "Liquid supplement: vitamin D3 1,000 IU + vitamin K2 10 mcg: a liquid supplement. [1]"


@pytest.mark.parametrize("turn", ["how long did they take it for in that one", "how long was it?"])
def test_that_one_is_the_finding_the_last_answer_cited(turn: str) -> None:
    r = resolve(turn, "did vitamin d help prevent fractures in anyone", (), FINDING_ANSWER)
    assert r.followup and "that one" not in r.question
    assert r.question.endswith("; the study: Vitamin D3 (800 IU/day) with calcium (1,200 mg/day) reduced hip "
                               "fractures in elderly women living in nursing homes")
    assert "2,000" not in r.question  # the first finding cited, not the others


def test_a_supplement_s_research_named_before_is_no_one_study_the_finding_cited_is() -> None:
    names = [("nutrient", "vitamin-d3", "vitamin D"), ("nutrient", "vitamin-d3", "d3")]
    r = resolve("how long did they take it", "lowest dose in the vitamin d research", names,
                FINDING_ANSWER, lambda text: "fractures" in text)
    assert r.question.endswith("; the study: Vitamin D3 (800 IU/day) with calcium (1,200 mg/day) reduced hip "
                               "fractures in elderly women living in nursing homes")
    # a study described by more than its supplement stays the one named
    r = resolve("how long did it run?", "what did the vitamin d nursing home trial find", names, FINDING_ANSWER)
    assert "the vitamin d nursing home trial" in r.question


def test_the_study_the_earlier_question_named_wins_over_the_answer() -> None:
    r = resolve("was that one done in people with kidney disease?", "what was the 720 mcg study about",
                (), "Ongoing trial testing high-dose K2 (720 μg/day) and D3. [7]")
    assert r.question == "was the 720 mcg study done in people with kidney disease?"


def test_that_one_after_an_answer_about_no_research_is_no_study() -> None:
    r = resolve("how much d3 comes with that one", "which k2 has the smallest amount of k2", (), PRODUCT_ANSWER)
    assert "the study" not in r.question
    assert "the study" not in resolve("how long did they take it for in that one", "did vitamin d help",
                                      (), "").question  # nothing cited


def test_a_nutrient_the_earlier_question_already_named_changes_nothing() -> None:
    r = resolve("and k2?", "whats the k2 and vitamin d combo study about")
    assert r.question.startswith("whats the k2 and vitamin d combo study about")


def test_the_one_with_a_nutrient_is_a_product_after_a_question_about_products() -> None:
    after_products = find_slots("and the one with zinc in it?")
    assert [s.kind for s in after_products] == ["product"]
    r = resolve("and the one with zinc in it?", "which k2 products are mk7")
    assert "mk7" in r.question  # no nutrient of its own: the product question stays
    r = resolve("did the mk7 one slow bone loss the same way", "was there a study where vitamin k1 helped "
                "with bone loss")
    assert "k1" not in r.question and "mk7 helped" in r.question  # no products: the form


def test_a_turn_points_back_at_what_the_last_answer_was_about() -> None:
    from assistant.followup import points_back

    assert points_back("how much d3 comes with that one") and points_back("is it in them?")
    assert not points_back("how much d3 is in bone plus 5000")


def test_a_meta_analysis_is_a_study_the_turn_names() -> None:
    slots = find_slots("how many trials were in the vitamin k meta-analysis")
    assert [s.kind for s in slots] == ["study"] and slots[0].value == "the vitamin k meta-analysis"


def test_a_finding_is_pinned_only_after_a_question_about_the_research() -> None:
    # the last answer replied to a question about products: "that study" is no finding of it
    r = resolve("how long did that study run", "which products have both k2 and d3", (), PRODUCT_ANSWER)
    assert "Liquid" not in r.question


def test_an_age_is_people_and_replaces_the_earlier_ones() -> None:
    r = resolve("ok and for me, im 45", "how much vitamin d does a baby need")
    assert r.inherits_intent and r.question.startswith("how much vitamin d does aged 45 need")
    r = resolve("and his wife? shes 64", "what is the allowance for someone over 70")
    assert "over 70" not in r.question and "wife aged 64" in r.question


@pytest.mark.parametrize("text", ["the study that ran for 3 years", "the ones over 100 mg", "for 6 months"])
def test_a_length_of_time_or_an_amount_is_no_age(text: str) -> None:
    assert not [s for s in find_slots(text) if s.value == "age"]


def test_a_described_product_that_moved_into_the_question_is_said_once() -> None:
    r = resolve("and the one that has zinc in it too?", "how much k2 is in the liquid one")
    assert r.question.count("the one that has zinc in it too") == 1


def test_how_long_were_they_on_it_is_the_cited_finding() -> None:
    r = resolve("how long were they on it for", "was it ever tested in old people", (), FINDING_ANSWER)
    assert r.question.endswith("; the study: Vitamin D3 (800 IU/day) with calcium (1,200 mg/day) reduced hip "
                               "fractures in elderly women living in nursing homes")


SYNERGY_ANSWER = ("Combining vitamin K2 with vitamin D appears to have synergistic effects, improving total BMD "
                  "compared to placebo. [Overview]")


@pytest.mark.parametrize("turn", ["source? which study was that", "is that from one study or what",
                                  "how sure are they about that?", "where does that come from"])
def test_asking_the_source_names_the_claim_the_last_answer_cited(turn: str) -> None:
    r = resolve(turn, "does taking k2 with vitamin d do anything extra", (), SYNERGY_ANSWER)
    assert r.followup and not r.inherits_intent
    assert r.question == f"{turn}; source of: Combining vitamin K2 with vitamin D appears to have synergistic " \
                         "effects, improving total BMD compared to placebo"


def test_that_form_is_the_form_the_last_answer_named() -> None:
    answer = "Three years of MK-7 supplementation (180 μg/day) did not affect BMD. [2]"
    r = resolve("which products on the list have that form", "what form and dose was the 3 year bone trial",
                (), answer)
    assert r.question == "which products on the list have MK-7" and not r.inherits_intent


def test_a_subject_of_its_own_asked_across_the_studies_drops_the_earlier_people() -> None:
    r = resolve("and k1? was regular k1 used for anything in the studies",
                "what dose of mk-4 did they use for women with osteoporosis")
    assert "osteoporosis" not in r.question
    r = resolve("and k1? what dose", "what dose of mk-4 did they use for women with osteoporosis")
    assert "osteoporosis" in r.question  # no question across the studies: the people stay


def test_an_across_studies_turn_drops_the_earlier_people_without_a_subject_of_its_own() -> None:
    r = resolve("did any heart study go higher than that", "how much k2 did the kidney patients get")
    assert r.followup and "kidney" not in r.question
    r = resolve("what about their arteries?", "how much k2 did the kidney patients get")
    assert "kidney patients" in r.question  # no question across the studies: the people stay


def test_people_named_by_a_condition_alone_are_people_a_follow_up_swaps_whole() -> None:
    slots = find_slots("what did the k2 study in ckd patients find")
    assert [(s.kind, "what did the k2 study in ckd patients find"[s.start:s.end]) for s in slots
            if s.kind == "people"] == [("people", "ckd patients")]
    r = resolve("and in postmenopausal women?", "what did the k2 study in ckd patients find")
    assert r.followup and r.question.startswith("what did the k2 study in postmenopausal women find")
    assert "ckd" not in r.question  # not "ckd postmenopausal women": the condition was who they were
    # the condition stays a topic of the turn that names it
    r = resolve("was that one done in people with kidney disease?", "what was the 720 mcg study about")
    assert r.question == "was the 720 mcg study done in people with kidney disease?"


@pytest.mark.parametrize("turn", ["hmm and for mk-7 then?", "um ok so mk7 then", "right, and for mk-7 then"])
def test_a_form_swap_opened_by_chat_swaps_the_form(turn: str) -> None:
    r = resolve(turn, "how much mk-4 was given in the fracture trial?")
    assert r.followup and r.question.lower().startswith("how much mk") and "mk-4" not in r.question.lower()


def test_the_nutrient_one_swaps_a_product_described_by_a_product_word() -> None:
    r = resolve("and the iron one?", "what dose of d3 is in the chewable product?")
    assert r.question.startswith("what dose of d3 is in the iron one?")
    assert "chewable" not in r.question


@pytest.mark.parametrize("turn", ["how old were the participants", "were the volunteers men or women",
                                  "what ages were the patients"])
def test_a_detail_of_the_study_people_keeps_the_earlier_study(turn: str) -> None:
    r = resolve(turn, "what happened in the fish oil heart trial?")
    assert r.followup and "in the fish oil heart trial" in r.question


def test_a_detail_of_the_people_is_no_followup_outside_the_research() -> None:
    assert not resolve("how old were the participants", "how much d3 should i take").followup


def test_an_arm_of_the_study_the_answer_cited_is_a_followup() -> None:
    cited = "Fish oil did not improve dry eye symptoms compared with olive oil placebo in adults. [1]"
    r = resolve("what did the placebo group get?", "did fish oil help dry eyes?", (), cited,
                lambda words: "placebo" in words)
    assert r.followup and r.question.endswith("; the study: " + cited[:-5])
    assert not resolve("what did the placebo group get?", "how much d3 should i take").followup


META_ANSWER = "Omega-3 lowered triglycerides by about 25% in a meta-analysis of 20 RCTs. [3]"


@pytest.mark.parametrize("turn", ["which doses were used in it", "so what did they conclude"])
def test_they_and_in_it_are_the_cited_finding(turn: str) -> None:
    r = resolve(turn, "what did the review show?", (), META_ANSWER)
    assert r.question.endswith("; the study: Omega-3 lowered triglycerides by about 25% in a meta-analysis of 20 RCTs")


@pytest.mark.parametrize(("turn", "dose"), [("and the low dose, who got that", "low dose"),
                                            ("and at 1.5 mg?", "1.5 mg"),
                                            ("what about the higher dosage", "higher dosage")])
def test_a_dose_named_by_the_turn_replaces_the_earlier_dose(turn: str, dose: str) -> None:
    r = resolve(turn, "which women were studied with mk4 at 45 mg")
    assert r.followup and "45 mg" not in r.question and r.question.startswith(f"which women were studied with mk4 at {dose}")


def test_a_pointer_with_a_word_of_its_own_keeps_an_earlier_subject_no_slot_names() -> None:
    r = resolve("did it change their blood pressure though", "what was found in CKD patients?")
    assert r.followup and "CKD patients" in r.question and not r.inherits_intent


def test_a_pointer_after_a_product_question_takes_no_product_question() -> None:
    r = resolve("is it safe with warfarin", "which product has the most k2?")
    assert r.followup and "warfarin" in r.question and "most" not in r.question


def test_a_research_turn_after_a_product_turn_takes_the_subject_not_the_intent() -> None:
    r = resolve("ok thanks. research question: is anyone testing k2 with d3 for heart calcification",
                "what's in the supplement with 125 mcg of d3")
    assert r.followup and not r.inherits_intent and "125 mcg" not in r.question and "calcification" in r.question


def test_that_amount_carries_the_earlier_amount_into_the_research() -> None:
    r = resolve("has that amount of k2 been used in any of the studies?", "what's in the d3 1000 iu + k2 45 mcg one")
    assert not r.inherits_intent and "45 mcg" in r.question and not r.question.startswith("what's in")


def test_a_product_turn_after_a_research_turn_takes_no_research_intent() -> None:
    r = resolve("the ultra one has both k2 and d3 right? how much of each is in it",
                "is there a trial using k2 plus d3 for the heart arteries")
    assert not r.inherits_intent and "trial" not in r.question


def test_has_it_put_out_results_is_the_cited_finding_of_a_research_question() -> None:
    r = resolve("has it put out any results yet?", "any k2 research for heart stuff", (),
                "Ongoing trial testing high-dose K2 (720 μg/day) to slow calcification. [7]")
    assert r.question.endswith("; the study: Ongoing trial testing high-dose K2 (720 μg/day) to slow calcification")


@pytest.mark.parametrize("previous", ["which vitamin k2 studies used the lowest dose?",
                                      "which vitamin d3 product has the least vitamin d?"])
def test_the_max_after_a_ranking_is_the_other_end_not_the_limit(previous: str) -> None:
    r = resolve("and the max?", previous)
    assert r.followup and "Upper Intake Limit" not in r.question


def test_an_ordinal_points_at_that_item_of_the_last_answer() -> None:
    from assistant.followup import _cited, _ordinal

    answer = "A trial is testing 720 μg/day [1]. In CKD patients, 400 μg/day did little [2]."
    assert _ordinal("the second one, how long did it go for") == 2 and _ordinal("how long did it run") == 1
    assert _cited(answer, 2).startswith("In CKD patients") and _cited(answer, -1) == _cited(answer, 2)
    assert _cited(answer, 3) == ""


def test_an_ordinal_word_elsewhere_is_no_pointer() -> None:
    from assistant.followup import _ordinal

    assert _ordinal("how long did that study last?") == 1
    assert _ordinal("was it within a second dose") == 1
    assert _ordinal("the last one, how long") == -1


def test_another_form_asks_that_forms_studies_not_the_same_study() -> None:
    """A study used one form: swapping the form drops the study's figures, keeps its topic words."""
    r = resolve("and MK-4 then?", "did MK-7 do anything for bone density in the 3 year trial?")
    assert "MK-4" in r.question and "MK-7" not in r.question and "3 year" not in r.question
    assert "studies" in r.question and "bone density" in r.question


def test_how_old_were_they_asks_the_people_of_the_study_the_answer_cited() -> None:
    r = resolve("what age were they?", "which study found a lower dose worked as well",
                answer="Low-dose MK-4 (1.5 mg/day) for 4 weeks reduced serum undercarboxylated osteocalcin in "
                       "healthy postmenopausal women. [1]")
    assert "in the study" in r.question and "postmenopausal women" in r.question


def test_a_name_written_short_is_found() -> None:
    """"vit d" names what "vitamin D" names: a follow-up with its own topic keeps it."""
    slots = find_slots("how much vit d does my dad need?", [("nutrient", "vitamin-d3", "vitamin D")])
    assert [s.value for s in slots if s.kind == "nutrient"] == ["vitamin-d3"]


def test_an_item_pointed_at_by_its_place_is_said_in_its_words() -> None:
    """"the second of those" is the second thing the last answer cited."""
    answer = "Two hold the most: the Alpha softgel with 50 mcg [1], and the Beta drops with 50 mcg [2]."
    r = resolve("the second of those - what is it for?", "which product has the most?", answer=answer)
    assert "Beta drops" in r.question and "Alpha" not in r.question.split("-")[0]


def test_that_much_is_the_one_amount_the_last_answer_states() -> None:
    answer = "Three years of MK-7 supplementation (180 μg/day) did not affect BMD. [1]"
    r = resolve("does any product on here even give that much?", "what did the 3 year mk7 study find",
                answer=answer)
    assert "as much as 180 μg" in r.question and "that much" not in r.question
    # several amounts: the one after the nutrient the turn names
    answer = "This supplement combines vitamin D3 (1,000 IU) and vitamin K2 (45 mcg). [1]"
    r = resolve("has that amount of k2 been used in any of the studies?", "what's in the d3 + k2 one",
                answer=answer)
    assert "45 mcg of k2" in r.question
    # several and none named: left as it is
    r = resolve("does any product give that much?", "what's in the d3 + k2 one", answer=answer)
    assert "that much" in r.question


def test_is_that_above_a_limit_sets_the_amount_just_given_against_it() -> None:
    answer = "Therapeutic Doses: 60–120 mg/day elemental iron — adults with anaemia. [1]"
    r = resolve("is that above the UL?", "what's the treatment dose of iron for adults", answer=answer)
    assert "is 60–120 mg above the UL" in r.question
    r = resolve("is that enough for a teenager?", "what's the treatment dose of iron for adults", answer=answer)
    assert "60–120 mg enough" in r.question
    # a turn that asks an amount of its own points at that one ("how much in each, is that under ...?")
    r = resolve("and the drops? how much in each one, and is that under the max?", "how strong is the softgel",
                answer="The softgel provides 5,000 IU per softgel. [1]")
    assert "5,000" not in r.question


def test_that_much_is_not_an_amount_a_note_bounds() -> None:
    # "doses above <x> have been associated with ..." bounds an amount; the finding's is the one stated
    answer = ("Supplementation (about 3 g/day) for 12 weeks reduced stiffness. [1] Doses above 1 g/day "
              "have been associated with a higher risk of a harm. [2]")
    r = resolve("is that much risky?", "what dose was used in the joint trial", answer=answer)
    assert "as much as 3 g" in r.question and "1 g" not in r.question


def test_that_much_is_never_an_amount_per_body_weight_nor_another_nutrients() -> None:
    r = resolve("does any product give that much?", "what iron dose do they give a child with anaemia",
                answer="3 mg/kg/day elemental iron — children with anaemia. [1]")
    assert "that much" in r.question
    r = resolve("does any product have that much vitamin K2?", "what is the rda",
                answer="600 IU (15 mcg) of vitamin D3 — adults. [1]")
    assert "that much" in r.question


def test_the_nth_trial_you_mentioned_counts_the_cited_items_that_name_a_study() -> None:
    answer = ("Activated MGP inhibits calcification [1]. An ongoing trial is testing MK-7 in dialysis [2], "
              "and a meta-analysis found a smaller effect [3].")
    r = resolve("the second trial you mentioned - how many people were they giving it to?",
                "does k2 do anything for arteries?", answer=answer)
    assert r.followup and "; the study: and a meta-analysis found a smaller effect" in r.question


def test_a_cited_item_that_names_a_study_is_a_finding_whatever_was_asked_before() -> None:
    answer = "MK-7 kept BMD steady [1]. In a pooled review of RCTs, K plus D raised BMD [2]."
    r = resolve("the 2nd one you said, how long was it?", "is k2 any good for my bones?", answer=answer)
    assert r.question.startswith("the study, how long was it?; the study: In a pooled review of RCTs")


def test_expecting_results_names_no_people() -> None:
    assert not [s for s in find_slots("when are they expecting results from the trial?", ()) if s.kind == "people"]
    assert "pregnancy" in [s.value for s in find_slots("my sister is expecting a baby", ()) if s.kind == "people"]


def test_a_turn_that_only_names_what_to_swap_is_a_follow_up() -> None:
    r = resolve("that's mk-4 tho. mk-7 only?", "shortest trial on the page?")
    assert r.followup and r.question.startswith("shortest trial on the page?")
    assert not resolve("which zinc product has the most zinc?", "shortest trial on the page?").followup


def test_expecting_is_pregnancy_unless_it_waits_for_something() -> None:
    assert "pregnancy" in [s.value for s in find_slots("my wife is expecting, how much iron?", ()) if s.kind == "people"]
    assert not [s for s in find_slots("are they expecting the results soon?", ()) if s.kind == "people"]


def test_the_nth_trial_after_a_research_answer_counts_every_finding() -> None:
    answer = "Research findings on the heart: EPA cut events [1]; K2 slowed stiffening [2]; a trial of DHA is ongoing [3]."
    r = resolve("the second trial you mentioned - how long was it?", "which studies looked at the heart?", answer=answer)
    assert r.question.endswith("the study: K2 slowed stiffening")
    r = resolve("the first trial you mentioned, who was in it?", "is k2 good for bones?", answer="It builds bone [1].")
    assert "the study:" not in r.question


@pytest.mark.parametrize("turn", ["mk-4 in pregnancy?", "iron for kids?"])
def test_a_turn_naming_people_does_not_take_over_the_earlier_question(turn: str) -> None:
    assert not resolve(turn, "what was the highest dose used in the studies?").inherits_intent


@pytest.mark.parametrize("turn", ["and the multivitamin with vitamin a?", "what about the krill capsules",
                                  "and the gummies?"])
def test_a_product_word_describes_the_product_a_bare_turn_swaps_in(turn: str) -> None:
    # a turn that names a product by its kind ("the multivitamin with <nutrient>") asks the earlier
    # question of it, as "the one with <nutrient>" does
    r = resolve(turn, "how much k2 is in the 45 mcg one")
    assert r.inherits_intent
    assert r.question.startswith("how much k2 is in the " + turn.split("the ", 1)[1].rstrip("?"))


def test_a_product_word_of_an_earlier_turn_does_not_follow_a_research_question() -> None:
    # the earlier "the <form> tablet" described what was asked then: a research turn does not keep it
    r = resolve("ok, research question now: did taking iron every other day beat daily dosing?",
                "how strong is the ferrous fumarate tablet")
    assert "tablet" not in r.question


COMPONENTS = (("component", "EPA", "EPA"), ("component", "DHA", "DHA"),
              ("nutrient", "omega-3-fish-oil", "omega-3"), ("nutrient", "omega-3-fish-oil", "EPA"),
              ("nutrient", "omega-3-fish-oil", "DHA"), ("nutrient", "iron", "iron"))


def test_a_nutrient_of_products_is_swapped_and_the_supplement_stays() -> None:
    # "EPA" and "DHA" both name the fish-oil page too: as nutrients of products, one replaces the other
    r = resolve("what about DHA?", "which omega-3 product has the most EPA?", COMPONENTS)
    assert r.inherits_intent and r.question.startswith("which omega-3 product has the most DHA?")


def test_a_supplement_of_its_own_drops_the_earlier_nutrients_of_products() -> None:
    r = resolve("does the liquid iron come in the same 5 ml measure? how much iron is in that",
                "how much epa and dha is in the lemon liquid fish oil?", COMPONENTS)
    assert "epa" not in r.question.lower() and "dha" not in r.question.lower()



@pytest.mark.parametrize("turn", ["and can i take the tablets with warfarin?", "and the tablets with food?"])
def test_a_product_word_with_words_of_no_nutrient_describes_no_product(turn: str) -> None:
    # the turn asks something of its own: the earlier question's intent is not glued to it
    assert not resolve(turn, "how much k2 is in the 45 mcg one").inherits_intent


OMEGA = [("product", "p1", "OmegaMax 1000"), ("product", "p4", "Krill Omega 500")]


def test_a_turn_comparing_what_it_points_at_with_a_named_product_keeps_both() -> None:
    r = resolve("how does it compare to krill omega 500", "tell me about OmegaMax 1000", OMEGA)
    assert r.followup and r.question == "how does OmegaMax 1000 compare to krill omega 500"
    r = resolve("is it better than Krill Omega 500?", "tell me about OmegaMax 1000", OMEGA)
    assert "OmegaMax 1000" in r.question and "Krill Omega 500" in r.question
    r = resolve("and krill omega 500?", "tell me about OmegaMax 1000", OMEGA)  # no comparison: a swap
    assert "OmegaMax" not in r.question


def test_a_product_named_short_stays_the_subject_and_a_study_turn_takes_no_product() -> None:
    short = [*PRODUCT, ("product", "p3", "ultra k2")]  # the catalogue's short name of it
    r = resolve("how much d3 is in it", "does ultra k2 have mk-7", short)
    assert "ultra k2" in r.question and "mk-7" not in r.question.replace("how much d3 is in it", "")
    r = resolve("is 100 mcg more or less than what they gave in the 3 year bone study",
                "tell me about the ultra k2 product", short)
    assert "ultra" not in r.question


TWO_FINDINGS = ("Research findings that used ferrous bisglycinate or ferrous sulfate: Low-dose ferrous sulfate "
                "(15 mg/day) for 60 days raised hemoglobin in adults over 80. [1] Ferrous bisglycinate (25 mg/day) "
                "raised hemoglobin as much as ferrous sulfate (50 mg/day) over 8 weeks in pregnant women. [2]")


def test_that_study_is_the_cited_finding_the_earlier_question_described() -> None:
    r = resolve("how long did it run?", "which study compared bisglycinate to ferrous sulfate?", (),
                TWO_FINDINGS, lambda text: "hemoglobin" in text)
    assert r.question.endswith("the study: Ferrous bisglycinate (25 mg/day) raised hemoglobin as much as "
                               "ferrous sulfate (50 mg/day) over 8 weeks in pregnant women")


def test_a_dose_line_cited_first_is_no_study() -> None:
    answer = ("Therapeutic Doses: 2–4 g/day — elevated triglycerides. [1] Prescription omega-3 (4 g/day) for "
              "12 weeks lowered fasting triglycerides. [2]")
    r = resolve("how long was that study?", "how much did fish oil lower triglycerides in the study", (),
                answer, lambda text: "weeks" in text)
    assert r.question.endswith("the study: Prescription omega-3 (4 g/day) for 12 weeks lowered fasting triglycerides")


def test_the_one_with_a_dose_after_a_research_question_is_a_study() -> None:
    r = resolve("and the one with 1 g a day?", "what did the icosapent ethyl trial find?")
    assert r.followup and r.of_study == "and the study with 1 g a day?"
    after_products = resolve("and the one with 1 g a day?", "which product has the most omega-3?")
    assert after_products.of_study is None  # after a product question it is a product


def test_a_study_described_after_its_word_is_not_the_earlier_one() -> None:
    r = resolve("and the study with 1 gram a day?", "what did the icosapent ethyl trial find?")
    assert "icosapent" not in r.question.split("?", 1)[-1]  # the turn's own study, not the earlier one


def test_the_first_one_is_the_first_cited_whatever_the_earlier_question_shares() -> None:
    r = resolve("how long did the first one run?", "which study compared bisglycinate to ferrous sulfate?", (),
                TWO_FINDINGS, lambda text: "hemoglobin" in text)
    assert "60 days" in r.question and "8 weeks" not in r.question


def test_the_one_the_user_takes_stays_a_product() -> None:
    r = resolve("I take the one with 65 mg, is that too much?", "what did the iron research find?")
    assert r.of_study is None


def test_what_about_another_outcome_asks_the_earlier_question_of_it() -> None:
    # the outcome is swapped; the people of the earlier outcome's findings go with it
    r = resolve("what about blood sugar?", "did vitamin d lower fractures in older women?")
    assert r.followup and "blood sugar" in r.question and "fracture" not in r.question and "women" not in r.question
    # no outcome named before, or the same one: the turn is added to the earlier question as before
    r = resolve("what about diabetes?", "how much vitamin d should i take?")
    assert "how much vitamin d should i take?" in r.question and "diabetes" in r.question


def test_people_said_in_an_earlier_turn_are_those_a_pronoun_asks_of() -> None:
    from assistant.followup import people_said_before

    assert people_said_before("how much do I need a day?", ["I'm 75."]) == "I'm 75."
    assert people_said_before("what's his daily need?", ["My son is 15.", "is it safe?"]) == "My son is 15."
    # another person than the one described, or a fresh start: none carried
    assert people_said_before("how much do I need a day?", ["My son is 15."]) == ""
    assert people_said_before("what is the daily amount?", ["I'm 75."]) == "I'm 75."  # no one said: the last described
    assert people_said_before("different question, how much do I need?", ["I'm 75."]) == ""
    # the latest description of that person, and none from before a fresh start
    assert people_said_before("and me?", ["I'm 30.", "I'm pregnant now."]) == "I'm pregnant now."
    assert people_said_before("how much for me?", ["I'm 30.", "new question: what forms are there?"]) == ""


def test_who_a_text_is_about() -> None:
    from assistant.followup import persons_in

    assert persons_in("my sister is 28, how much does she need") == {"she"}
    assert persons_in("My son is 15.") == {"he"}  # "my" of "my son" is no word of the user's
    assert persons_in("My partner is 75.") == {"other"}
    assert persons_in("i'm on a medicine, does it matter?") == {"self"}
    assert persons_in("what forms are there?") == frozenset()
    assert persons_in("my wife and I both want to start it") == {"she", "self"}


def test_people_are_carried_only_from_a_sentence_about_the_person_asked_of() -> None:
    from assistant.followup import people_said_before

    assert people_said_before("how much does he need a day?", ["I'm 40 and my son is 12."]) == ""
    assert people_said_before("how much does she need each day?", ["My husband is 40."]) == ""
    assert people_said_before("how much do I need a day?", ["My partner is 75."]) == ""
    assert people_said_before("how much does he need a day?", ["My partner is 75."]) == "My partner is 75."


def test_the_baby_one_expects_is_no_one_described() -> None:
    from assistant.followup import people_said_before, persons_in

    assert persons_in("I'm expecting my first baby in the spring.") == {"self"}
    assert people_said_before("how much do i need each day?", ["I'm expecting my first baby."]) != ""


def test_what_about_another_medicine_does_not_ask_the_earlier_medicine_s_question_again() -> None:
    # "what about <a medicine of another class>?": the earlier medicine's notes would answer for it
    r = resolve("what about furosemide?", "Does vitamin D interact with thiazides?")
    assert r.followup and "furosemide" in r.question and "thiazide" not in r.question
    # one of the same class is the earlier question asked again of it
    r = resolve("what about coumadin?", "Can I take K2 if I'm on warfarin?")
    assert r.followup and "warfarin" in r.question and "coumadin" in r.question


def test_and_with_another_medicine_alone_is_asked_of_that_medicine() -> None:
    from assistant.followup import asks_of_another_medicine

    earlier = "can I take iron at the same time as my levothyroxine?"
    assert asks_of_another_medicine("and with bisoprolol?", earlier)
    assert not asks_of_another_medicine("and with bisoprolol, is the liquid one better?", earlier)  # more asked
    assert not asks_of_another_medicine("and with bisoprolol?", "how much iron is in the liquid?")  # none before


def test_the_same_medicine_again_or_one_no_longer_taken_is_no_other_medicine() -> None:
    from assistant.followup import asks_of_another_medicine

    assert not asks_of_another_medicine("what about metformin with food?", "can I take vitamin D with metformin?")
    assert resolve("what about furosemide?", "Does vitamin D interact with thiazides?").other_medicine


def test_they_after_a_list_of_findings_asks_it_of_every_one_listed() -> None:
    listed = ("Research findings that report no significant effect: <Form> (2,000 IU/day) for 5 years did not "
              "reduce <outcome> in adults. [1] <Form> (4,000 IU/day) for 2.5 years did not reduce <other> in "
              "adults. [2]")
    r = resolve("what doses did they use", "which <x> studies found no benefit", (), listed, lambda _t: True)
    assert r.followup and "the study:" not in r.question and "no benefit" in r.question
    # one finding cited (no list): "they" are its people, the finding pinned as before
    one = "<Form> (2,000 IU/day) for 5 years did not reduce <outcome> in adults. [1]"
    r = resolve("what doses did they use", "which <x> studies found no benefit", (), one, lambda _t: True)
    assert "the study:" in r.question


def test_a_turn_asking_of_another_supplements_products_stands_alone() -> None:
    names = [("nutrient", "brand-a", "brand a"), ("nutrient", "brand-b", "brand b"), ("component", "Xol", "Xol")]
    r = resolve("and which brand b product has the most brand b?", "which brand a has the most Xol", names)
    assert not r.followup and r.question == "and which brand b product has the most brand b?"
    # the other supplement named without a product word swaps the subject, as before
    r = resolve("what about brand b?", "which brand a has the most Xol", names)
    assert r.followup


@pytest.mark.parametrize(("turn", "points"), [
    ("what was the cutoff they used", True), ("which dose are they testing", True),
    ("they gave me iron through a drip", False), ("is it giving me constipation?", False),
    ("they set the upper limit lower for kids right?", False), ("they used to sell it", False),
])
def test_a_study_s_verb_after_they_points_at_the_study(turn: str, points: bool) -> None:
    from assistant.followup import _study_pointer

    assert (_study_pointer(turn)[0] is not None) == points


def test_a_thing_pointed_at_by_its_words_or_enough_for_what_was_asked_leans_on_the_conversation() -> None:
    from assistant.followup import is_followup

    assert is_followup("is the chewable tablet enough?", True)
    assert is_followup("what about the orange flavoured one", True)
    assert not is_followup("is the chewable tablet enough?", False)
    assert not is_followup("is getting enough sleep important for bone strength in older adults", True)
    assert not is_followup("what is the number one benefit of vitamin k2 for bones", True)


def test_a_statement_about_someone_before_the_ask_sets_the_scene() -> None:
    from assistant.followup import scene_and_ask

    assert scene_and_ask("i run marathons and i'm vegetarian, how much zinc a day?") == (
        "i run marathons and i'm vegetarian", "how much zinc a day?")
    assert scene_and_ask("hi, we homeschool. my son is 10, what does he need?") == (
        "hi, we homeschool. my son is 10", "what does he need?")
    # after the ask, a statement is what it asks with ("...? I'm 70.")
    assert scene_and_ask("what's the limit? i'm a swimmer.") == ("", "what's the limit? i'm a swimmer.")
    # what opens with no one doing or being something is what is asked about, not a scene
    assert scene_and_ask("for pregnancy, how much zinc a day?") == ("", "for pregnancy, how much zinc a day?")
    assert scene_and_ask("my dog ate two capsules, is that toxic?")[0] == ""
    assert scene_and_ask("i run marathons")[0] == ""  # nothing asked
