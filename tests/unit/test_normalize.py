"""Query normalisation and caution detection: pure, fast."""

from __future__ import annotations

import pytest

from assistant.answer.cautions import is_personal_request
from assistant.normalize import (
    content_tokens,
    dosed_things,
    expand_query,
    find_mentions,
    lexical_form,
    mentioned_classes,
    taken_things,
    tokens,
    without_medicine_phrases,
)


def find_anticoagulants(text: str) -> list[str]:
    """The names of the anticoagulant class that ``text`` mentions."""
    return [m.name for m in find_mentions(text) if m.cls == "anticoagulant"]


@pytest.mark.parametrize("text", ["100 ug", "100 µg", "100 μg", "100 mcg", "100 micrograms", "100 microgram"])
def test_units_meet(text: str) -> None:
    assert tokens(text) == ["100", "mcg"]


@pytest.mark.parametrize("text", ["MK7", "mk 7", "MK-7", "menaquinone-7"])
def test_mk7_spellings(text: str) -> None:
    assert "mk7" in tokens(text)


@pytest.mark.parametrize("text", ["MK4", "mk-4", "menatetrenone", "menaquinone 4"])
def test_mk4_spellings(text: str) -> None:
    assert "mk4" in tokens(text)


def test_thousands_separator() -> None:
    assert "1000" in tokens("1,000 IU")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("I'm on warfarin", "warfarin"),
        ("does it interact with Coumadin?", "warfarin"),
        ("jantoven and K2", "warfarin"),
        ("I take warfrin", "warfarin"),
        ("coumadine user here", "warfarin"),
        ("Eliquis", "apixaban"),
        ("xarelto", "rivaroxaban"),
        ("Pradaxa", "dabigatran"),
        ("edoxaban", "edoxaban"),
        ("acenocoumarol", "acenocoumarol"),
        ("phenprocoumon", "phenprocoumon"),
        ("I'm on a blood thinner", "anticoagulant"),
        ("anticoagulent", "anticoagulant"),
        ("blood-thinners", "anticoagulant"),
        ("vitamin K antagonists", "anticoagulant"),
        ("my INR is high", "inr"),
        ("anticoagulants", "anticoagulant"),
    ],
)
def test_anticoagulants_detected(question: str, expected: str) -> None:
    assert expected in find_anticoagulants(question)


@pytest.mark.parametrize("question", ["What is the dose of MK-4?", "which product has zinc", "warm water",
                                      "interior design", "Is it safe in pregnancy?"])
def test_no_false_anticoagulant(question: str) -> None:
    assert find_anticoagulants(question) == []


def test_expand_query_adds_canonical_words() -> None:
    nq = expand_query("Can I take K2 with Coumadin?")
    assert "warfarin" in nq.dense_text and [m.name for m in nq.mentions] == ["warfarin"]
    assert "anticoagulant" in nq.lexical_text


def test_content_tokens_drop_stopwords() -> None:
    assert content_tokens("What is the dose of MK-4 in women with osteoporosis?") == [
        "mk4", "women", "osteoporosi"]


def test_micro_sign_is_not_transliterated() -> None:
    assert "mg" not in tokens("45 µg")
    assert lexical_form("45 µg").strip() == "45 mcg"


@pytest.mark.parametrize(
    ("question", "personal"),
    [
        ("How much K2 can I take on warfarin?", True),
        ("Should I stop my warfarin?", True),
        ("What's a safe amount for me?", True),
        ("What dose was used in the MK-4 study?", False),
        ("Does K2 interact with warfarin?", False),
        ("What would my prescription omega-3 dose be?", True),
        ("What's the therapeutic dose of fish oil for me?", True),
        ("Is 1000 IU of vitamin D recommended for me?", True),
        ("What's the recommended amount of vitamin D for me to take?", True),
        ("whats the normal daily amount for someone my age", False),   # the page's value for an age
        ("what should my daily intake be", True),
        ("I'd like to know my limit for iron", True),
        ("what's my RDA of vitamin D?", True),
        ("what is the upper limit of vitamin D for me?", True),
        ("am I allowed 2 fish oil softgels a day?", True),
        ("is 2000 mg of fish oil ok for me?", True),
        ("is it ok for my 12 yo son", True),  # for someone of one's own
        ("im on a vitamin K antagonist, is the K1 dose from the study safe for me?", True),
        ("what would you recommend for me", True),
        ("what's the upper limit for adults?", False),
        # how long someone should take it is a personal course of treatment
        ("how long should my mum take iron for anaemia?", True),
        ("how long did the trial last?", False),
    ],
)
def test_personal_requests(question: str, personal: bool) -> None:
    assert is_personal_request(question) is personal


@pytest.mark.parametrize(
    ("question", "cls"),
    [
        ("I take Plavix", "antiplatelet"),
        ("on aspirin every day", "antiplatelet"),
        ("I'm on synthroid", "levothyroxine"),
        ("my thyroid pill", "levothyroxine"),
        ("doxycyline for acne", "tetracycline_antibiotic"),
        ("cipro for an infection", "quinolone_antibiotic"),
        ("I take a water pill", "thiazide_diuretic"),
        ("hydrochlorothiazide", "thiazide_diuretic"),
        ("Fosamax once a week", "bisphosphonate"),
        ("nexium for heartburn", "antacid"),
        ("lipitor", "statin"),
        ("on zoloft", "ssri"),
        ("tacrolimus after my transplant", "immunosuppressant"),
    ],
)
def test_every_interaction_class_is_detected(question: str, cls: str) -> None:
    assert cls in mentioned_classes([question])


def test_toxicity_is_brought_by_what_a_question_asks() -> None:
    assert mentioned_classes(["is too much iron dangerous?"]) == ["toxicity"]
    assert mentioned_classes(["Iron overload is a risk."], questions=False) == ["toxicity"]
    assert mentioned_classes(["what does iron do?"]) == []


@pytest.mark.parametrize(
    ("question", "classes"),
    [
        ("I'm not on any blood thinners. Is K2 good for my heart?", []),
        ("I don't take any anticoagulants, is K2 ok?", []),
        ("never been on coumadin", []),
        # what follows "just", "only", "instead" is affirmed ("not on <a>, just <b>")
        ("not on warfarin, just aspirin", ["antiplatelet"]),
        # a medicine taken in place of the one stopped is taken
        ("She was taken off warfarin and put on rivaroxaban instead, can she take fish oil?", ["anticoagulant"]),
        ("I stopped warfarin and now take apixaban instead", ["anticoagulant"]),
        ("I dont take warfarin only aspirin. is k2 ok?", ["antiplatelet"]),
        ("I stopped taking Plavix last year", []),
        ("I take warfarin, not aspirin", ["anticoagulant"]),
        ("never been on coumadin but my wife takes eliquis", ["anticoagulant"]),
        ("no problems with my warfarin so far", ["anticoagulant"]),
        ("not sure if my warfarin dose matters", ["anticoagulant"]),
        ("Does K2 interact with warfarin or not?", ["anticoagulant"]),
        # someone takes it after all: the negated phrase negates nothing
        ("my husband isn't on warfarin anymore but I am, is it ok for me?", ["anticoagulant"]),
        ("I'm not on coumadin myself, but my dad is. can he take it?", ["anticoagulant"]),
        ("i dont take blood thinners though my wife still does", ["anticoagulant"]),
        ("not on warfarin but i'm on aspirin", ["antiplatelet"]),
        ("my dad isn't on a blood thinner, though he used to be", []),
        # a course, ended or not, still asks for its cautions (spacing applies right after the last dose)
        ("finished my course of doxycycline an hour ago", ["tetracycline_antibiotic"]),
        ("I haven't finished my course of warfarin yet", ["anticoagulant"]),
        ("I've almost finished my course of doxycycline", ["tetracycline_antibiotic"]),
        # "done with" is a day's dose taken or being fed up, not a medicine stopped
        ("I'm so done with the side effects of warfarin", ["anticoagulant"]),
        ("just finished with my levothyroxine this morning", ["levothyroxine"]),
    ],
)
def test_a_negated_mention_brings_no_class(question: str, classes: list[str]) -> None:
    assert mentioned_classes([question]) == classes


def test_a_note_is_read_without_negation() -> None:
    """A page's note about what not to combine still names the class it warns about."""
    note = "Do not take with warfarin unless under medical supervision"
    assert mentioned_classes([note], questions=False) == ["anticoagulant"]


def test_a_negated_statement_about_oneself_is_no_topic() -> None:
    from assistant.normalize import without_negated_mentions as w

    assert w("I don't have any liver problems, does MK-4 help arteries?") == "does MK-4 help arteries?"
    assert w("my sister has no thyroid issues. what dose did the bone trial use?") == (
        "what dose did the bone trial use?")
    assert w("she isn't pregnant - what's the daily amount for women?") == "what's the daily amount for women?"


def test_a_negation_that_is_part_of_the_question_stays() -> None:
    from assistant.normalize import without_negated_mentions as w

    for q in ["I don't understand the bone trial, what did it find?", "does it not help arteries?",
              "which trials found no effect?", "is there one without calcium?"]:
        assert w(q) == q


def test_a_negated_statement_goes_on_through_or_anything_and_no_more() -> None:
    from assistant.normalize import without_negated_mentions as w

    assert w("im not on a water pill or anything and no liver issues. what's the allowance for men?") == (
        "what's the allowance for men?")
    # a denial another denial goes on from ("and no <medicine> either") ends its statement there
    assert w("im not on anything for my thyroid and no antacids either. what side effects does it cause") == (
        "what side effects does it cause")


def test_a_medicine_one_has_come_off_is_no_topic_to_the_end_of_its_sentence() -> None:
    from assistant.normalize import without_negated_mentions as w

    assert w("i quit omeprazole a while back. should i take iron with food?") == (
        "should i take iron with food?")
    assert w("my doctor took me off warfarin last year so thats done. what does K2 do?") == "what does K2 do?"
    assert mentioned_classes(["I stopped taking Plavix a while back."]) == []
    # a contrast keeps what follows it
    assert w("im not on warfarin but i take aspirin. is it ok?") == "i take aspirin. is it ok?"


def test_a_negated_sentence_opener_about_oneself_is_no_topic() -> None:
    from assistant.normalize import without_negated_mentions as w

    assert w("no heart problems, not on any meds. what dose did the big trial use?") == (
        "what dose did the big trial use?")
    for q in ["No effect on bones was seen in which trial?", "no upper limit for it?"]:
        assert w(q) == q


def test_a_negated_condition_a_contrast_asks_about_stays() -> None:
    from assistant.normalize import without_negated_mentions as w

    q = "no afib history, but can fish oil raise the risk of it"
    assert w(q) == q
    assert w("she's not on any blood thinners, what dose did the bone trial use?") == (
        "what dose did the bone trial use?")


def test_a_negated_negation_affirms_the_medicine() -> None:
    from assistant.normalize import mentioned_classes, without_negated_mentions

    for q in ("no i havent stopped the warfarin, still on it daily", "i have not stopped taking coumadin"):
        assert mentioned_classes([without_negated_mentions(q)]) == ["anticoagulant"], q
    for q in ("i stopped warfarin last year", "no i dont take warfarin", "im not on warfarin"):
        assert mentioned_classes([without_negated_mentions(q)]) == [], q


def test_a_refused_stop_or_a_start_still_to_come_keeps_the_medicine() -> None:
    from assistant.normalize import mentioned_classes, without_negated_mentions

    for q in ("I won't stop my warfarin, is it ok?", "I'm not going to stop taking warfarin. can I add it?",
              "I refuse to quit my warfarin", "not planning on coming off warfarin",
              "I haven't started the doxycycline yet, can I take iron with it?", "not on warfarin yet",
              "I didn't stop my warfarin", "no way I'm stopping warfarin", "not on warfarin until next week",
              "my doctor won't let me stop warfarin", "I have no intention of discontinuing warfarin",
              # a prescription not collected yet; "of" typed for "off"; a restart said after a comma
              "I haven't picked up my warfarin prescription yet, can I take k2?",
              "im not coming of my levothyroxine, can i take iron?",
              "i stopped warfarin last week, doc says i'll restart it next month. can i take k2 now?",
              "i haven't got my blood thinners yet, is fish oil ok", "i stopped k2 cuz im on warfarin now",
              # someone else takes it, named without "my"
              "im not on blood thinners, wife is tho, can she take k2"):
        assert mentioned_classes([without_negated_mentions(q)]) != [], q
    for q in ("I don't take warfarin, I stopped it", "never started warfarin", "not on warfarin",
              "I'm not taking any blood thinners yet I bruise easily", "I haven't picked up any warfarin",
              "i stopped warfarin last week, doc says i won't restart it",
              "i stopped warfarin last week, can i restart k2?",
              # a restart denied, or of the supplement, or after a denial that is no stop
              "stopped warfarin, doc says i shouldn't restart it. k2 ok?",
              "I came off warfarin, the doctor said I can't restart it because of bleeding. Is K2 ok now?",
              "stopped warfarin, there's no need to restart it. can i take k2",
              "stopped warfarin, doctor decided against restarting it, is k2 fine now",
              "No blood thinners, I stopped my K2 for a dental op, when can I restart it?",
              "quit warfarin 2 yrs ago, stopped k2 for surgery, when can i restart it",
              "I haven't got a prescription for warfarin yet and my doctor says I probably won't need one"):
        assert mentioned_classes([without_negated_mentions(q)]) == [], q


def test_a_negation_after_an_asking_auxiliary_asks() -> None:
    from assistant.normalize import without_negated_mentions as w

    assert w("should I not take warfarin with it?") == "should I not take warfarin with it?"
    assert w("I do not take warfarin. what does K2 do?") == "what does K2 do?"


def test_two_negations_cancel_only_when_the_second_says_one_came_off() -> None:
    from assistant.normalize import mentioned_classes, without_negated_mentions

    for q in ("no not on warfarin", "nope, never been on warfarin"):
        assert mentioned_classes([without_negated_mentions(q)]) == [], q


def test_a_denial_said_before_the_question_is_context_not_what_it_asks() -> None:
    from assistant.normalize import without_denials

    q = "no fractures, never had a scan. what does it do for bones?"
    assert without_denials(q) == "what does it do for bones?"
    kept = "i take a statin for my heart. is it ok with that?"  # no denial: the statement stays
    assert without_denials(kept) == kept
    assert without_denials("not on anything, what dose") == "not on anything, what dose"  # nothing asks
    # only the clauses that deny go: a medicine said beside a denial stays what the question is about
    assert without_denials("I take lithium, no other meds. what is it for?").startswith("I take lithium")
    assert without_denials("I have gout, no other issues. what is it for?").startswith("I have gout")
    # what is said beside a denial, with no medicine or condition, is reassurance too
    assert without_denials("no bone problems, my scan was normal. what does it do?") == "what does it do?"
    # unpunctuated, the sentences an asking word opens (or opens a clause of) ask; none: kept whole
    assert without_denials("not on any blood thinners now. whats in the 45 mcg one") == "whats in the 45 mcg one"
    assert without_denials("no meds now. he likes the 45 mcg one, whats in it") == "he likes the 45 mcg one, whats in it"
    q = "is fish oil ok if im not on aspirin but on ibuprofen daily. just checking"  # the first asks
    assert without_denials(q) == q
    assert without_denials("im not on warfarin. just curious") == "im not on warfarin. just curious"
    # what is taken after a denial's "but", or named bare beside it, stays
    assert without_denials("no warfarin but i take lithium. what is it for?") == "but i take lithium. what is it for?"
    assert without_denials("does it help. not on blood thinners, on tamoxifen") == "does it help. on tamoxifen"
    assert without_denials("how much. no statins, just fenofibrate") == "how much. just fenofibrate"
    # read whole, "not on <x> but my wife is" denies nothing: the statement stays
    q = "I'm not on lithium but my wife is. what is it for?"
    assert without_denials(q) == q


@pytest.mark.parametrize(("plural", "name"), [("the omega 3s", "omega-3"), ("two k2s", "k2"), ("both d3s", "d3")])
def test_a_names_number_in_the_plural_is_the_name(plural: str, name: str) -> None:
    assert lexical_form(plural).endswith(name)


@pytest.mark.parametrize("written", ["omega 3", "omega3", "Omega-3"])
def test_a_name_written_with_a_space_or_nothing_for_its_hyphen_is_the_name(written: str) -> None:
    assert lexical_form(f"how much {written} is in it").split()[2] == "omega-3"


def test_what_a_tablet_weighs_is_its_amount_and_a_bodys_weight_stays() -> None:
    assert "weigh" not in lexical_form("is 50 mg what the whole capsule weighs?")
    assert "weight" not in lexical_form("is that the weight of the whole citrate compound?")
    assert "weight" in lexical_form("the weight of the table salt in my diet")
    assert "weight" in lexical_form("does it help with weight loss?")


def test_lay_names_for_a_schedule_and_an_authority_meet_the_pages_words() -> None:
    assert "alternate_day" in lexical_form("does it help to skip every other day?")
    assert "alternate_day" not in lexical_form("i skipped a day, should i double up?")
    assert "efsa" in lexical_form("what do the europeans say is the max?")
    assert "alternate_day" in lexical_form("the skip-a-day iron study, how old were they?")
    assert "annual" in lexical_form("the giant once-a-year dose")


@pytest.mark.parametrize(("written", "word"), [
    ("was it a shot or taken by mouth", "oral"), ("does it bring down blood fats", "triglycerides"),
    ("the fats in my blood are high", "triglycerides"), ("does the body soak it up better", "absorption"),
])
def test_lay_words_meet_the_pages_words(written: str, word: str) -> None:
    assert word in lexical_form(written).split()


def test_only_the_denials_before_the_ask_are_dropped() -> None:
    from assistant.normalize import without_leading_denials

    assert without_leading_denials("stopped my xarelto in march, not on anything now. "
                                   "whats the longest k2 trial?") == "whats the longest k2 trial?"
    # what follows the ask narrows it, denial or not
    asked = "which ones didnt work? like the trials where k2 made no real difference"
    assert without_leading_denials(asked) == asked


def test_the_asking_part_is_the_last_question_from_its_opener() -> None:
    from assistant.normalize import asking_part

    assert asking_part("my doc switched me to a new pill, which product has the most?") == \
        "which product has the most?"
    assert asking_part("can i take it with my pill? i take a couple most days") == \
        "can i take it with my pill? i take a couple most days"   # the ask and what follows it
    assert asking_part("I'm 73. does one tablet cover my daily amount?") == "does one tablet cover my daily amount?"


def test_a_medicine_is_said_in_passing_only_before_an_ask_about_something_else() -> None:
    from assistant.normalize import content_tokens, said_in_passing

    pill = content_tokens("amlodipine")
    assert said_in_passing("my doc switched me to amlodipine, which product has the most?", pill)
    assert said_in_passing("im on amlodipine. what does the page say about bones?", pill)
    assert not said_in_passing("is it ok to take it together with amlodipine?", pill)     # asked of it
    assert not said_in_passing("I'm on amlodipine. is it ok to take it alongside it?", pill)  # "with" asks of it
    assert not said_in_passing("which product has the most, now that I'm on amlodipine?", pill)


def test_what_follows_just_or_only_after_a_denial_is_kept() -> None:
    """"She doesn't have <a> just <b>": <b> is what she has, a topic of the question."""
    from assistant.normalize import without_negated_mentions

    kept = without_negated_mentions("my sister is 55, she doesnt have osteoporosis just osteopenia. anything for her?")
    assert "osteopenia" in kept and "osteoporosis" not in kept


def test_once_a_year_is_the_pages_annual() -> None:
    from assistant.normalize import lexical_form

    for q in ("is once a year ok for vitamin d", "a yearly dose", "every year in winter"):
        assert "annual" in lexical_form(q), q


def test_the_sentences_that_ask_from_the_first() -> None:
    from assistant.normalize import asking_only

    said = "finished my course of xarelto in march, not on anything now. whats the longest trial and did it work"
    assert asking_only(said) == "whats the longest trial and did it work"
    assert asking_only("I take it daily. Is it safe? And the dose?") == "Is it safe? And the dose?"
    assert asking_only("what did the trial find") == "what did the trial find"
    assert asking_only("no question here at all.") == "no question here at all."


def test_when_in_the_day_to_take_it_is_one_topic() -> None:
    from assistant.normalize import content_tokens

    for asked in ["what's the best time of day to take it?", "morning or at night?", "should i take it before bed",
                  "does it matter what time i take vitamin d3"]:
        assert "time_of_day" in content_tokens(asked), asked
    assert "time_of_day" not in content_tokens("i get morning sickness, can i take iron?")


@pytest.mark.parametrize(("question", "cls"), [
    ("i'm on a heartburn pill every day, does that mess with iron", "antacid"),
    ("i take a weekly pill for osteoporosis, can i take iron the same day", "bisphosphonate"),
    ("my cardiologist has me on a few heart pills, can i take omega 3", "antiplatelet"),
    ("my cardiologist has me on a few heart pills, can i take omega 3", "anticoagulant"),
    ("my nan takes blood pressure tablets, is vitamin d ok for her", "thiazide_diuretic"),
    ("i take a pill for my thyroid, when should i take iron", "levothyroxine"),
])
def test_a_medicine_named_by_what_it_is_taken_for_names_its_classes(question: str, cls: str) -> None:
    assert cls in mentioned_classes([question])


@pytest.mark.parametrize("question", [
    "does vitamin d help my blood pressure?",  # a use with no medicine word: no medicine
    "is heartburn a side effect of iron?",
    "im not on any blood pressure meds, how much vitamin d should i take",  # denied
    "should i take fish oil pills for my heart?",  # the supplement's own pills, not a medicine
    "can i take iron with my folic acid pills", "are k2 capsules good for heart health",
    "is fish oil a treatment for heart disease", "should i take calcium tablets for osteoporosis",
    "vitamin d pills for depression", "can i take selenium tablets for my thyroid", "hair transplant pills",
    "magnesium pills for blood pressure", "iron pills for my stroke recovery", "an iron tablet for my heart rate",
])
def test_a_use_named_without_a_medicine_taken_names_no_class(question: str) -> None:
    assert mentioned_classes([question]) == [] or mentioned_classes([question]) == ["toxicity"]


def test_a_use_in_a_pages_text_names_no_medicine() -> None:
    assert mentioned_classes(["Take my tablets for blood pressure apart from iron."], questions=False) == []


@pytest.mark.parametrize(("question", "cls"), [
    ("im thinking of k2. isn't taking it alongside warfarin risky?", "anticoagulant"),
    ("so isn't using fish oil with aspirin a bleeding risk?", "antiplatelet"),
    ("i want to start k2, but doesn't taking it with warfarin cause problems?", "anticoagulant"),
])
def test_a_negated_verb_in_a_clause_that_asks_keeps_the_medicine(question: str, cls: str) -> None:
    assert cls in mentioned_classes([question])


def test_a_clause_going_on_after_and_says_what_the_same_person_takes() -> None:
    from assistant.normalize import fold, negated_spans

    text = fold("my dad stopped his eliquis last month and isnt on any blood thinner now, can he start k2")
    spans = [text[s:e] for s, e in negated_spans(text)]
    assert any("blood thinner" in s for s in spans)  # its own span, not cut short by the one before
    assert not negated_spans(fold("doesnt it interfere with warfarin?"))  # a question, as before


def test_other_spoons_are_no_teaspoon() -> None:
    assert "5 ml" not in lexical_form("a table spoon of it") and "5 ml" not in lexical_form("spoon feed")


@pytest.mark.parametrize(("said", "read"), [("per teaspoon", "5 ml"), ("like one spoon", "5 ml"),
                                            ("2 tsp", "5 ml"), ("fish oil for dementia", "cognitive"),
                                            ("omega 3 for joint pain", "joint")])
def test_lay_words_meet_the_pages(said: str, read: str) -> None:
    assert read in lexical_form(said)


@pytest.mark.parametrize(("question", "classes"), [
    ("i take a pill to stop my blood clotting", {"anticoagulant", "antiplatelet"}),
    ("a medicine that prevents blood clots", {"anticoagulant", "antiplatelet"}),
    ("my dentist gave me one of the -cycline antibiotics", {"tetracycline_antibiotic"}),
    ("my dentist gave me antibiotics", {"tetracycline_antibiotic", "quinolone_antibiotic"}),
])
def test_a_medicine_said_by_what_it_does_or_its_kind_names_its_classes(question: str, classes: set[str]) -> None:
    assert classes <= set(mentioned_classes([question]))


def test_what_a_supplement_is_asked_to_do_names_no_medicine() -> None:
    assert mentioned_classes(["does k2 prevent blood clots"]) == []


def test_arteries_and_after_menopause_meet_the_pages_words() -> None:
    assert "vascular" in lexical_form("what does it do for my arteries")
    from assistant.answer.dosage import people_in
    assert people_in("a postmenopausal woman").ages == ((51.0, 130.0),)


@pytest.mark.parametrize("question", ["is there something that prevents blood clots naturally, like fish oil?",
                                      "I'm on amoxicillin antibiotics", "antibiotic-free fish oil?",
                                      "my mom is on anthracycline chemo"])
def test_no_class_is_named_by_a_clot_or_antibiotic_word_of_something_else(question: str) -> None:
    assert mentioned_classes([question]) == []


@pytest.mark.parametrize(("question", "taken"), [
    ("should i take probiotics after antibiotics", ["probiotics"]),
    ("is it ok to take some melatonin with warfarin?", ["melatonin"]),
    ("my husband takes xarelto and wants to start something for his joints", ["xarelto"]),
    ("what should i take instead", []),  # no thing named
    ("i don't take anything else, what interacts with antibiotics?", []),  # denied: nothing is taken
    ("what interacts with antibiotics", []),
    ("is guarana safe with my blood thinner?", ["guarana"]),  # the thing asked to be safe with it
    ("is it ok with warfarin?", []),  # a pronoun: the conversation's
])
def test_what_a_question_says_is_taken(question: str, taken: list[str]) -> None:
    assert taken_things(question) == taken


@pytest.mark.parametrize(("question", "dosed"), [
    ("whats the dose of doxycycline for acne", ["doxycycline"]),
    ("how much clopidogrel do people take", ["clopidogrel"]),
    ("how many mg of my thyroid pill", ["thyroid pill"]),
    ("what dose of it should i take?", []),  # a dose of nothing named
    ("which supplements should I avoid at my dose of aspirin?", []),  # asked of the supplements
    ("ok so whats the usual dose of warfarin", ["warfarin"]),  # chat before the ask
    ("what's the right doxycycline dose for acne", ["doxycycline"]),  # its name before the dose word
    ("what's the right dose", []),
    ("what's the regular clopidogrel dose after a stent?", ["clopidogrel"]),
    ("clopidogrel dose after a stent?", ["clopidogrel"]),  # said without a question word
    ("what is doxycycline used for", ["doxycycline"]),  # what it is for: its prescriber's to say
    ("whats clopidogrel for?", ["clopidogrel"]),
    ("what does it do", []),
    ("what is clopidogrel used for with fish oil", []),  # asked with more: not its use alone
])
def test_what_a_question_asks_the_dose_of(question: str, dosed: list[str]) -> None:
    assert dosed_things(question) == dosed


def test_a_medicine_s_name_is_blanked_with_its_offsets_kept() -> None:
    q = "i'm not on any water pills. is 2000 iu of d3 in a softgel ok?"
    out = without_medicine_phrases(q)
    assert len(out) == len(q) and "pills" not in out and "softgel" in out


def test_nutrients_joined_on_after_an_amount_end_where_the_last_name_does() -> None:
    from assistant.nutrients import joined_nutrients_end

    text = "is the 28 mg iron + vitamin c tablet over the limit?"
    at = text.index(" + ")
    assert text[joined_nutrients_end(text, at):].startswith(" tablet")
    assert joined_nutrients_end("the 28 mg iron tablet", 14) == 14  # none joined on
