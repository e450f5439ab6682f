"""General mechanisms of understanding: negated medicines leave the question, general words are no
topic, wordings meet through the lexicon, follow-ups keep the conversation's subject (pure)."""

from __future__ import annotations

import pytest

from assistant.answer.cautions import is_personal_request
from assistant.domain.vocabulary import vocabulary
from assistant.followup import conversation_subject, find_slots, resolve
from assistant.normalize import content_tokens, lexical_form, stem, without_negated_mentions
from assistant.normalize import general_words as _general_words

# --------------------------------------------------------------------------- negation


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("I'm not on any blood thinners. What dose of EPA+DHA is used for high triglycerides?",
         "What dose of EPA+DHA is used for high triglycerides?"),
        ("I don't take any anticoagulants. Is K2 good for my heart?", "Is K2 good for my heart?"),
        ("i dont need INR checks, ive never been on anticoagulants. is mk7 better than mk4 for bones",
         "is mk7 better than mk4 for bones"),
        ("My husband has never taken Eliquis, can he take fish oil?", "can he take fish oil?"),
        # two negations of one statement overlap: cut once, the question after it whole
        ("i stopped coumadin years ago so im not on it anymore. does k2 lower ucoc",
         "does k2 lower ucoc"),
    ],
)
def test_a_negated_medicine_leaves_the_question(question: str, asked: str) -> None:
    assert without_negated_mentions(question) == asked


@pytest.mark.parametrize(
    "question",
    [
        "does k1 on its own without calcium or vit d slow bone loss",  # no medicine: part of the question
        "Is there no upper limit for iron?",
        "no problems with my warfarin, how much k2 is in a serving?",  # a pseudo-trigger negates nothing
        "I take warfarin. Is K2 safe?",
        "I am not on warfarin",  # nothing else is asked: the text stays
        # come off a medicine, but to take it again: taken
        "came off warfarin last month, but I'll be back on it after my op. can I take k2 in between?",
        "my GP has never said I can come off the warfarin, so I'm still on it. which form is best?",
    ],
)
def test_other_negations_stay(question: str) -> None:
    assert without_negated_mentions(question) == question


def test_the_asked_topic_is_what_scope_weighs() -> None:
    q = "I'm not on any blood thinners. What dose is used for high triglycerides?"
    words = content_tokens(without_negated_mentions(q))
    assert "thinner" not in words and "triglyceride" in words


def test_a_negated_statement_does_not_make_a_question_personal() -> None:
    q = "I'm not on any blood thinners. What dose of fish oil is used for high triglycerides?"
    assert is_personal_request(q) and not is_personal_request(without_negated_mentions(q))


# --------------------------------------------------------------------------- the lexicon


def test_no_stopword_group_serves_single_questions() -> None:
    groups = vocabulary().lexicon.stopwords
    assert "legacy" not in groups
    for word in ("finished", "stays", "depends", "expressed", "lowered", "proven", "outside"):
        assert word not in vocabulary().stopwords, word


@pytest.mark.parametrize("word", ["finished", "completed", "proven", "evidence", "depends", "expressed",
                                  "treating", "lowered"])
def test_general_words_are_no_topic_but_still_count(word: str) -> None:
    """A status, certainty or framing word is never off-topic, yet stays a search word."""
    assert word in _general_words() or stem(word) in _general_words()
    assert stem(word) in content_tokens(f"is the trial {word}")


@pytest.mark.parametrize(
    "text",
    ["iron on alternate days", "alternate-day iron", "iron every other day", "alternating days of iron"],
)
def test_dosing_schedules_meet(text: str) -> None:
    assert "alternate_day" in lexical_form(text)


@pytest.mark.parametrize(
    "text",
    ["how long does MK-7 stay in the body?", "how long does it remain in your blood",
     "How long do omega-3s last in the bloodstream?"],
)
def test_how_long_it_stays_in_the_body_is_the_half_life(text: str) -> None:
    assert "half-life" in lexical_form(text)


def test_how_long_a_trial_lasted_is_no_half_life() -> None:
    assert "half-life" not in lexical_form("how long did the trial last?")


# --------------------------------------------------------------------------- follow-ups


@pytest.mark.parametrize(
    ("text", "value"),
    [("and the one with zinc?", "the one with zinc"), ("what about the liquid one?", "the liquid one"),
     ("and the ones that contain vitamin C?", "the ones that contain vitamin c")],
)
def test_a_described_product_is_one_slot(text: str, value: str) -> None:
    slots = find_slots(text)
    assert [(s.kind, s.value) for s in slots] == [("product", value)]


def test_a_ranking_is_no_product_description() -> None:
    assert "nutrient" in {s.kind for s in find_slots("and the one with the most DHA?")}


def test_a_described_product_replaces_the_one_before_and_keeps_the_nutrient() -> None:
    r = resolve("and the one with zinc?", "how much k2 is in the liquid one")
    assert r.inherits_intent and "liquid" not in r.question
    assert r.question.startswith("how much k2 is in the one with zinc")


def test_the_conversation_subject_is_the_latest_named() -> None:
    names = {"what is the iron rda?": ["iron"], "and fish oil?": ["omega-3-fish-oil"]}
    turns = ["what is the iron rda?", "and fish oil?", "which dose was lowest?"]
    assert conversation_subject(turns, lambda t: names.get(t, [])) == ["omega-3-fish-oil"]
    assert conversation_subject(turns[:1], lambda t: names.get(t, [])) == ["iron"]
    assert conversation_subject([], lambda t: []) == []


# --------------------------------------------------------------------------- overdose and high doses


@pytest.mark.parametrize(
    "question",
    [
        "My toddler got into the iron tablets and swallowed a bunch of them. Is that dangerous?",
        "my 4 year old ate several of my pills by accident",
        "she swallowed 12 tablets",
        "I took a handful of capsules at once",
        "Can you overdo it by taking very large amounts?",
        "Is a double dose a problem if I forgot yesterday's tablet?",
        "what if someone takes way too many of them?",
        "our 2 year old got hold of the gummies and ate some, what should we watch for?",
        "the kids ate two or three of my tablets while I was out",
        "is 50 mcg more than you're meant to have in a day?",
    ],
)
def test_an_overdose_in_a_users_words_brings_the_toxicity_notes(question: str) -> None:
    from assistant.normalize import mentioned_classes

    assert "toxicity" in mentioned_classes([question])


@pytest.mark.parametrize(
    "question",
    ["I take 2 tablets a day", "How many tablets does the product have?", "what dose was taken in the study",
     "how many capsules of the product should be taken"],
)
def test_an_ordinary_dose_brings_no_toxicity_note(question: str) -> None:
    from assistant.normalize import mentioned_classes

    assert "toxicity" not in mentioned_classes([question])


def test_someone_allergic_asks_about_the_notes_on_allergy() -> None:
    """A note that warns people with an allergy is a caution; saying someone is allergic brings it."""
    from assistant.normalize import mentioned_classes

    assert "allergy" in mentioned_classes(["our daughter is allergic to prawns, which capsules are safe?"])
    assert "allergy" in mentioned_classes(["People with a nut allergy should avoid it."], questions=False)
    assert "allergy" not in mentioned_classes(["which capsules are easiest to swallow?"])
    # a note-only class counts even beside a negation: "I'm not taking too much, am I?", "not allergic
    # to fish, just shellfish" (a caution shown unasked costs less than one hidden)
    assert "allergy" in mentioned_classes(["I'm not allergic to fish, just shellfish. is krill ok?"])


def test_overdose_words_are_general() -> None:
    for word in ("swallowed", "accidentally", "overdo", "bunch", "dangerous", "warn", "warnings"):
        assert word in _general_words() or stem(word) in _general_words(), word


def test_a_pill_is_a_tablet_but_a_water_pill_stays() -> None:
    assert "tablet" in lexical_form("two pills a day") and "water pill" in lexical_form("my water pill")


def test_which_study_is_a_question_across_studies() -> None:
    from assistant.answer.studies import parse_study_query

    sq = parse_study_query("which study used the lowest dose?")
    assert sq is not None and sq.direction == "min"


# --------------------------------------------------------------------------- scope: off-topic words


class _WordVectors:
    """A fake embedding: each known word a fixed unit vector, a text the normalised sum of its words'."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        import numpy as np

        self.table = {w: np.asarray(v, dtype=np.float32) / np.linalg.norm(v) for w, v in table.items()}
        self.dim = len(next(iter(table.values())))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        out = []
        for t in texts:
            v = sum((self.table.get(w, np.zeros(self.dim, dtype=np.float32)) for w in t.split()),
                    np.zeros(self.dim, dtype=np.float32))
            n = float(np.linalg.norm(v)) or 1.0
            out.append(list(v / n))
        return out


def _judge(table: dict[str, list[float]], corpus_words: list[str]):  # type: ignore[no-untyped-def]
    import threading

    import numpy as np

    from assistant.answer.scope import ScopeJudge

    emb = _WordVectors(table)
    judge = ScopeJudge.__new__(ScopeJudge)
    judge.embeddings = emb  # type: ignore[assignment]
    judge._vocab_vectors = (corpus_words, np.asarray(emb.embed_documents(corpus_words), dtype=np.float32))
    judge._words_of = {}
    judge._lock = threading.Lock()
    return judge


def test_a_near_synonym_counts_only_in_the_passages_retrieved() -> None:
    table: dict[str, list[float]] = {"price": [1, 0.2, 0, 0], "expensive": [1, 0.3, 0, 0], "tablet": [0, 0, 1, 0], "iron": [0, 0, 0, 1]}
    judge = _judge(table, ["expensive", "tablet", "iron"])
    q = "price iron tablet"
    assert judge.off_topic(q, ["price"]) == []  # the corpus has a near synonym
    assert judge.off_topic(q, ["price"], near={"tablet", "iron"}) == ["price"]  # not where the answer is


def test_unknown_words_that_mean_the_same_are_one_topic() -> None:
    """Removing "pregnancy" alone hardly moves a question that also says "pregnant"."""
    table: dict[str, list[float]] = {"pregnancy": [1, 0, 0], "pregnant": [0.95, 0.1, 0], "oil": [0, 0, 1], "fish": [0, 0.2, 1]}
    judge = _judge(table, ["oil", "fish"])
    q = "fish oil pregnancy pregnant"
    assert judge.off_topic(q, ["pregnancy", "pregnant"]) == ["pregnancy", "pregnant"]


def test_a_lone_word_that_barely_moves_the_question_is_no_topic() -> None:
    """"is that a myth": the page lacks the word, and removing it moves the question by more than
    ``TOPIC_SHIFT`` but not ``QUESTION_SHIFT``: chat, not a topic. A topic of its own moves it far."""
    import numpy as np

    from assistant.answer.scope import QUESTION_SHIFT, TOPIC_SHIFT

    table: dict[str, list[float]] = {"fish": [0, 0, 1, 0, 0], "oil": [0, 0.1, 1, 0, 0], "heart": [0, 1, 0, 0, 0],
                                     "myth": [0, 0.3, 0.5, 0.8, 0], "pregnancy": [0, 0, 0, 0, 1]}
    judge = _judge(table, ["fish", "oil", "heart"])
    q = "fish oil heart myth"
    full, without = judge.embeddings.embed_documents([q, "fish oil heart"])
    assert TOPIC_SHIFT <= 1.0 - float(np.dot(full, without)) < QUESTION_SHIFT
    assert judge.off_topic(q, ["myth"]) == []
    assert judge.off_topic("fish oil heart pregnancy", ["pregnancy"]) == ["pregnancy"]

    # a buying word (lexicon.yaml ``topics``) is a topic however little it moves the question
    table["brand"] = table.pop("myth")
    judge = _judge(table, ["fish", "oil", "heart"])
    assert judge.off_topic("fish oil heart brand", ["brand"]) == ["brand"]


# --------------------------------------------------------------------------- scope: a Dosage Guide field


@pytest.mark.parametrize(
    ("question", "covered"),
    [
        ("What is the RDA for pregnant women?", {"pregnant", "women"}),
        ("is there a maximum amount of vitamin k2 you shouldn't go over", {"maximum", "amount"}),
        ("upper limit for breastfeeding mothers", {"breastfeeding", "upper", "limit"}),
    ],
)
def test_the_words_naming_a_field_or_its_people_are_the_fields(question: str, covered: set[str]) -> None:
    from assistant.answer.scope import field_words

    assert covered <= field_words(question)


def test_other_words_of_a_field_question_are_not_the_fields() -> None:
    from assistant.answer.scope import field_words

    words = field_words("What is the upper limit of vitamin K2 for dogs or for hair growth?")
    assert not {"dog", "dogs", "hair", "growth", "vitamin", "k2"} & words
    assert field_words("Does K2 help with hair loss?") == frozenset()


def test_stopping_and_the_maximum_are_general() -> None:
    general = _general_words()
    assert {"stop", "maximum"} <= general


@pytest.mark.parametrize("question", [
    "Doesn't it interfere with warfarin?",
    "isn't it risky with blood thinners",
    "it isn't a blood thinner, is it?",
    "Can't people on Coumadin take it?",
])
def test_a_negated_question_about_a_medicine_still_names_it(question: str) -> None:
    """A question that opens with a negated auxiliary asks; a negated fact about the supplement is
    about the medicine too: its cautions apply."""
    from assistant.normalize import mentioned_classes

    assert mentioned_classes([question]) == ["anticoagulant"]


@pytest.mark.parametrize("question", [
    "I'm not on warfarin, does it help bones?",
    "not on any blood thinners - what does it do?",
    "my husband doesn't take Coumadin. what is the dose?",
])
def test_a_person_not_on_a_medicine_names_none(question: str) -> None:
    from assistant.normalize import mentioned_classes

    assert mentioned_classes([question]) == []


@pytest.mark.parametrize(
    ("question", "conditions"),
    [
        ("I have chronic kidney disease. Can I take it?", ["chronic kidney disease"]),
        ("my dad was diagnosed with sarcoidosis, how much can he take", ["sarcoidosis"]),
        ("she suffers from kidney stones and wants to know the dose", ["kidney stones"]),
        ("I don't have kidney disease", []),
        ("she has no liver problems, what dose", []),
        ("I have a question about the dose", []),
        # a second verb of the same person
        ("Mum is 79, lives in a care home and has stage 4 chronic kidney disease.",
         ["stage 4 chronic kidney disease"]),
        ("I carry the haemochromatosis gene but I'm tired", ["haemochromatosis gene"]),
        # a dash ends the condition's name; "do have" says it too
        ("i have heart disease — how much fish oil should i take?", ["heart disease"]),
        ("my dad has kidney disease - how much vitamin d?", ["kidney disease"]),
        ("not on any blood thinners but i do have heart disease, what dose?", ["heart disease"]),
    ],
)
def test_the_conditions_a_question_says_someone_has(question: str, conditions: list[str]) -> None:
    from assistant.answer.cautions import stated_conditions

    assert stated_conditions(question) == conditions


def test_a_note_that_names_a_stated_condition_is_about_the_person() -> None:
    from assistant.answer.cautions import names_condition

    note = "People with haemochromatosis or kidney disease should not take it unless prescribed"
    assert names_condition(note, ["hemochromatosis"])  # spelt another way
    assert names_condition(note, ["haemochrom"])  # clipped
    assert not names_condition(note, ["kid"])  # too short to be a clipped word
    assert names_condition(note, ["chronic kidney disease"])
    assert not names_condition(note, ["asthma"])
    from assistant.normalize import content_tokens

    assert not names_condition(note, ["kidney disease"], ignore=set(content_tokens("kidney disease")))
    lipids = "It may raise cholesterol in some people being treated for high triglycerides"
    assert names_condition(lipids, ["severe hypertriglyceridemia"])  # a compound holding the long word
    assert names_condition(lipids, ["hypercholesterolemia"])
    assert not names_condition(lipids, ["hyperthyroidism"])  # ("raise", "people": too short to be held)


def test_a_word_the_lexicon_rewrites_to_a_corpus_word_is_not_off_topic() -> None:
    """'memory' is rewritten to 'memory cognitive': a page that says 'cognitive' covers it."""
    from assistant.answer.scope import _rewritten_to_known
    from assistant.normalize import surface_forms

    surfaces = surface_forms("any results from the memory trial?")
    assert _rewritten_to_known("memory", surfaces, {"cognitive", "trial"})
    assert not _rewritten_to_known("memory", surfaces, {"trial"})
    assert not _rewritten_to_known("pregnancy", surface_forms("is it safe in pregnancy"), {"safe"})


def test_only_a_covering_rewrite_names_what_a_word_means() -> None:
    from assistant.normalize import covering_words

    assert covering_words("memory") == ["cognitive"]
    assert covering_words("natto") == []  # related to a form, not another name of anything


@pytest.mark.parametrize(("question", "study"), [
    ("the trial after childbirth comparing daily vs alternate day, which one won", True),
    ("which product in the trial had the most", False),  # a product word: products are asked
    ("which one has the most", False),
])
def test_which_one_of_a_study_is_no_product_question(question: str, study: bool) -> None:
    from assistant.followup import about_a_study

    assert about_a_study(question) is study


@pytest.mark.parametrize("text", ["i dont take coumadin, never have... my husband does though. can he take it",
                                  "i dont take coumadin. my husband does. can he take it"])
def test_someone_elses_bare_auxiliary_after_a_denial_keeps_the_medicine(text: str) -> None:
    assert "coumadin" in without_negated_mentions(text)


def test_a_denial_then_a_statement_about_oneself_still_drops_the_medicine() -> None:
    assert "warfarin" not in without_negated_mentions("I do not take warfarin. My bones are weak though, does it help?")


@pytest.mark.parametrize("question", ["i feel sick and weak all the time, could it be the vitamin d",
                                      "is the iron making me sick"])
def test_feeling_unwell_put_down_to_a_supplement_asks_about_excess(question: str) -> None:
    from assistant.answer.cautions import mentioned_classes

    assert "toxicity" in mentioned_classes([question])


def test_a_figure_question_is_told_from_a_question_about_a_topic() -> None:
    from assistant.answer.scope import asks_figure

    assert asks_figure("whats the half life in hours or days") and asks_figure("what % elemental iron is it")
    assert not asks_figure("does it help bones")


def test_a_negated_list_closed_by_chat_goes_whole() -> None:
    out = without_negated_mentions("not on any antacids or acid blockers btw. do i stop the iron now")
    assert "blockers" not in out and out.endswith("do i stop the iron now")


def test_a_denial_about_oneself_closed_by_so_goes_but_not_one_with_an_exception() -> None:
    assert "allergy" not in without_negated_mentions("no shellfish allergy here so is krill oil weaker per capsule?")
    assert "multivitamin" in without_negated_mentions("no meds except a daily multivitamin. does it have k2 in it")


def test_a_change_or_a_threshold_asked_needs_a_sentence_that_states_one() -> None:
    from assistant.answer.scope import figure_answered

    dose_only = ["The supplement (80 mg/day) for 12 weeks reduced fatigue in women. [1]"]
    assert not figure_answered("by how much did their fatigue improve?", dose_only)
    assert figure_answered("by how much did their fatigue improve?", ["It reduced fatigue by 30%. [1]"])
    assert not figure_answered("what level counts as severe?", dose_only)
    assert figure_answered("what level counts as severe?", ["Severe means levels above 5 units. [1]"])
    # any other figure asked: any number states it
    assert figure_answered("how long was the study?", dose_only)
    # a drop of a liquid is no change asked
    drops = ["The liquid provides 400 units (10 mcg) per drop. [1]"]
    assert figure_answered("how much per drop", drops) and figure_answered("how much is in one drop", drops)
    assert not figure_answered("how much did it drop", drops)


def test_lines_beside_an_unstated_figure_answer_a_neighbouring_question() -> None:
    from assistant.answer.scope import figure_beside

    allowance = ["Vitamin D3: Recommended Daily Allowance: 600 IU — adults. [1]"]
    names = frozenset({"vitamin", "d3"})
    asked = "started 1000 IU a day - how many weeks before my d3 blood level goes up?"
    # a time unstated, and no word of its sentence said (beyond names, amounts, general words)
    assert figure_beside(asked, allowance, names)
    assert not figure_beside(asked, allowance, frozenset())   # the name said: it is a word they share
    # the lines speak of what is asked, in another spelling too: the gap is said, not abstained
    assert not figure_beside("how soon does brand x raise blood levels?", ["Brand X may raise blood levels. [1]"], names)
    assert not figure_beside("how many weeks until my anemia is better?", ["60 mg/day — anaemia. [1]"], names)
    # the time stated: no gap
    assert not figure_beside("how many weeks before my blood level goes up?", ["Levels rose within 8 weeks. [1]"], names)
    # only a kind the lexicon marks ``beside``: "how many tablets" answered by a dose is a gap, said
    assert not figure_beside("how many tablets for my kidneys?", allowance, names)


def test_a_level_to_aim_for_is_unanswered_by_lines_that_state_no_concentration() -> None:
    from assistant.answer.scope import figure_unanswered

    dose = ["Brand X may raise blood levels; take 1,000 IU a day. [1]"]
    # asked a blood level to aim for: a dose is no answer, whatever words the lines share
    assert figure_unanswered("what blood level of brand x should I be aiming for?", dose)
    assert figure_unanswered("whats a healthy brand x level", dose)
    # a concentration stated answers it
    assert not figure_unanswered("what level should i aim for?", ["Aim for above 50 nmol/L. [1]"])
    # an amount to take is no level
    assert not figure_unanswered("whats a healthy level of brand x to take a day", dose)
    assert not figure_unanswered("what level of brand x should i get a day", dose)
    # a limit or a dose said as a level is no blood level
    assert not figure_unanswered("what upper level of brand x should i stay below?", dose)
    assert not figure_unanswered("whats the ideal dose range of brand x for adults", dose)
    # a reading given as a bare number and judged ("is a <marker> of 10 normal?"); never an amount
    assert figure_unanswered("is a marker of 10 normal?", dose)
    assert not figure_unanswered("is a dose of 10 normal?", dose)
    assert not figure_unanswered("is a tablet of 10 mg ok?", dose)
    assert not figure_unanswered("is brand x at 5000 too high?", dose)  # an amount, said with "at"
    assert not figure_unanswered("is a gummy of 1000 too high?", dose)


def test_is_that_normal_pointed_at_something_told_asks_if_it_is_usual() -> None:
    from assistant.normalize import lexical_form

    assert "usual" in lexical_form("brand x gives me heartburn, is that normal?")
    assert "usual" not in lexical_form("is it normal to take 5000 a day?")  # not pointed at what was told
    assert "usual" not in lexical_form("is that normal for a woman my age?")  # a normal level for someone


def test_lines_naming_another_numbered_kind_or_no_nutrient_asked_answer_a_neighbour() -> None:
    from assistant.answer.scope import kind_beside, nutrient_beside

    type2 = ["4,000 IU/day did not reduce the risk of type 2 diabetes in adults with prediabetes. [1]"]
    assert kind_beside("does it help prevent type 1 diabetes?", type2)
    assert not kind_beside("does it help prevent type 2 diabetes?", type2)
    assert not kind_beside("does it help prevent diabetes?", type2)  # no kind asked
    assert not kind_beside("I have type 1 diabetes. Does it help with bones?", ["It helps bones. [1]"])
    assert kind_beside("any research in type 1 diabetics?", type2)  # the thing in another ending
    assert kind_beside("does it help type I diabetes?", type2)  # the number in roman numerals
    assert not kind_beside("type 1 or type 2 diabetes, does it help?", type2)  # one asked is answered
    assert not kind_beside("is it good for type 1 collagen?", type2)  # another thing of that kind
    spacing = ["Take iron and levothyroxine at least 4 hours apart. [1]"]
    # a figure asked of a nutrient the page's lines never name: their figure is another's
    assert nutrient_beside("how many hours apart should i take iron and calcium?", spacing, ["Iron"])
    assert not nutrient_beside("how many hours apart should i take iron and levothyroxine?", spacing, ["Iron"])
    assert not nutrient_beside("can i take iron with calcium?", spacing, ["Iron"])  # no figure asked
    # an amount asked is the page's own, whatever else the question names
    allowance = ["Recommended Daily Allowance: 18 mg — women 19–50. [1]"]
    assert not nutrient_beside("how much iron should a woman take, I eat lots of vitamin c foods", allowance,
                               ["Iron"])
    # the family named by a more or less specific name is named ("vitamin d" in "vitamin D3")
    assert not nutrient_beside("how much vitamin d is in it?", ["It holds vitamin D3 1,000 IU. [1]"], ["Iron"])


def test_a_figure_the_question_names_by_its_own_words_is_said_to_be_unstated() -> None:
    from assistant.answer.scope import figure_gap

    label = ["Brand X is a softgel providing 1,000 mg of oil per softgel. [1]"]
    assert figure_gap("how many brand x 1000 softgels a day?", label) == (
        "How many softgels is not stated in the passages cited.")   # its unit, not the name's figure
    assert figure_gap("how many softgels a day?", ["Take two softgels daily. [1]"]) is None
    assert figure_gap("how often should my levels be checked?", ["Monitor levels closely. [1]"]) == (
        "How often is not stated in the passages cited.")
    assert figure_gap("how often do I take it?", ["90 mcg/day — adults. [1]"]) is None   # a daily dose
    assert figure_gap("how long should I take it?", ["60 mg/day, continued for about 3 months. [1]"]) is None
    assert figure_gap("how long should I take it?", ["60 mg/day for adults. [1]"]) == (
        "How long is not stated in the passages cited.")
    # a share: a percentage or a fraction states it, an amount does not
    liquid = ["This liquid gives 10 mg of elemental iron per 5 mL as ferrous gluconate. [1]"]
    assert figure_gap("what percentage of ferrous gluconate is elemental iron?", liquid) == (
        "The percentage is not stated in the passages cited.")
    assert figure_gap("what percent elemental iron is it?", ["About 20% elemental iron. [1]"]) is None
    assert figure_gap("what proportion is iron?", ["About a third is iron. [1]"]) is None
    assert figure_gap("what dose for adults?", ["Nothing here. [1]"]) is None   # no kind that names itself
    # an age is no duration; a range or a bound of one is
    for age in ["400 IU — infants 0–12 months. [1]", "Given from 4 to 9 months of age. [1]",
                "Children aged 4 years. [1]", "Adults 8 years old. [1]"]:
        assert figure_gap("how many weeks until it works?", [age]) == (
            "How many weeks is not stated in the passages cited."), age
    for length in ["for 3–5 years. [1]", "for 3 to 5 years. [1]", "up to 12 weeks. [1]"]:
        assert figure_gap("how many weeks should I take it for?", [length]) is None, length
        # how long until it works is no length of use (``time_to_effect``)
        assert figure_gap("how many weeks until it works?", [length]) is not None, length


def test_a_comparison_asked_by_its_own_words_needs_a_stated_change() -> None:
    from assistant.answer.scope import figure_gap

    direction = ["Form B may raise blood levels less than form A. [1]"]
    gap = "By how much is not stated in the passages cited."
    assert figure_gap("how much less does form b raise blood levels?", direction) == gap
    assert figure_gap("how many times higher is it?", direction) == gap
    assert figure_gap("it says one is longer but not by how much", direction) == gap
    assert figure_gap("how much less does it raise them?", ["It raised levels by 20%. [1]"]) is None
    # a length is no change; a ranking "by how much <x> they contain" asks no comparison
    assert figure_gap("how much better was it?", ["Better over a median of 2.5 years. [1]"]) == gap
    assert figure_gap("sort the products by how much they contain", direction) is None
    assert figure_gap("how much more than the limit is safe?", direction) is None
    # two amounts in one unit are set side by side by the reader: no gap is said (none is computed)
    assert figure_gap("how much more do girls need than boys?", ["11 mg — boys; 15 mg — girls. [1]"]) is None
    assert figure_gap("how much more did they absorb?", ["60 mg for 14 days. [1]", "60 mg daily. [2]"]) == gap
    assert figure_gap("how much less did it raise them?", ["800 IU/day. [1]", "4,000 IU/day. [2]"]) == gap  # two things


def test_a_detail_asked_that_no_line_speaks_to_is_said_to_be_unstated() -> None:
    from assistant.answer.scope import asks_figure, figure_answered, figure_gap

    dose = ["60–120 mg/day for adults with anaemia. [1]"]
    assert figure_gap("is that one dose or split into a few doses?", dose) == (
        "Whether to take it in one dose or split it is not stated in the passages cited.")
    assert figure_gap("one dose or split?", ["Given in divided doses. [1]"]) is None
    note = ["Doses above 1 g/day were associated with a higher risk of a side effect. [1]"]
    assert figure_gap("does it go away once you stop taking it?", note) == (
        "Whether it goes away or is reversed is not stated in the passages cited.")
    assert figure_gap("is it reversible?", ["It resolves on stopping. [1]"]) is None
    assert figure_gap("is it prescription only?", ["Used at high doses. [1]"]) == (
        "Whether it needs a prescription is not stated in the passages cited.")
    assert figure_gap("is it prescription only?", ["Prescription products at 4 g/day. [1]"]) is None
    assert figure_gap("has any trial put them head to head?", ["A has a longer half-life. [1]"]) == (
        "A direct comparison of the two is not stated in the passages cited.")
    # said of another thing, or another question, it asks no detail
    assert figure_gap("can I take it with over-the-counter antacids?", dose) is None
    assert figure_gap("should I take one capsule or two?", dose) is None
    assert figure_gap("does it go away once you stop?", ["It disappears once the supplement is stopped. [1]"]) is None
    assert figure_gap("head to head?", ["It was compared with placebo. [1]"]) is not None  # no comparison of two
    # a detail is no figure: the question asks none, and lines without numbers are not judged for it
    assert not asks_figure("does it go away once you stop taking it?")
    assert figure_answered("how much is it? does it go away once you stop?", dose)
    # a daily allowance's name states no frequency
    assert figure_gap("how often should my levels be checked?", [
        "The monograph lists no value for the Recommended Daily Allowance. [1]"]) == (
        "How often is not stated in the passages cited.")


def test_the_part_naming_what_is_asked_must_state_the_figure() -> None:
    from assistant.answer.scope import asked_part, figure_answered

    lines = ["Special Forms (Other forms): about 20% elemental iron; Heme iron polypeptide: absorbed by a "
             "separate pathway. [1]"]
    part = asked_part("what dose of heme iron polypeptide does the page give?", lines)
    assert part == "Heme iron polypeptide: absorbed by a separate pathway"
    assert figure_answered("what dose of heme iron polypeptide?", lines)   # the line has a figure ...
    assert not figure_answered("what dose of heme iron polypeptide?", [part])   # ... the part none
    assert asked_part("what dose does the page give?", lines) is None   # no part named


def test_a_stated_condition_is_named_by_its_last_word() -> None:
    from assistant.answer.cautions import names_condition

    note = "People with kidney disease or granulomatous disorders may be more sensitive; stomach acid aside."
    assert names_condition(note, ["stage 3 kidney disease"])
    assert names_condition(note, ["dialysis"])  # the lexicon reads it as kidney
    assert not names_condition(note, ["a stomach ulcer at the moment"])  # an ulcer, not the stomach
    assert not names_condition(note, ["heart disease"])  # a generic last word needs the word before it


def test_a_generic_condition_is_named_by_the_words_that_say_which() -> None:
    from assistant.answer.cautions import names_condition

    note = "People with kidney disease may be more sensitive."
    for c in ("kidney failure", "a kidney condition", "problems with my kidneys"):
        assert names_condition(note, [c]), c


def test_a_supplement_named_only_to_compare_is_no_subject() -> None:
    from assistant.normalize import content_tokens, without_comparisons

    left = without_comparisons("does fish oil interfere with it? should I space them like you have to with iron")
    assert "iron" not in content_tokens(left) and "fish" in content_tokens(left)


@pytest.mark.parametrize(("question", "asks"), [
    ("does it interact with any medicines?", True),
    ("what drugs clash with it?", True),
    ("any drug interactions?", True),
    ("is it ok to take with my other meds?", True),
    ("does it interfere with sleep?", False),
    ("what dose is used for bones?", False),
    ("does it interact with anything?", True),
    ("what does it interact with?", True),
    ("does it interact?", True),
    ("what medicines should I not take with it?", True),
    ("which drugs can't you mix with it", True),
    ("any meds to avoid with it?", True),
    ("is there anything I shouldn't take with it?", True),
    ("is there anything I shouldn't eat while pregnant?", False),
    ("what did the trial find about bones?", False),
    ("does it interfere w anything", True),
    ("does it interact with medicines?", True),
    ("what interactions does it have?", True),
    ("any drugs I shouldn't mix with it?", True),
    ("are there meds that don't go well with it?", True),
    ("what can't I take with it?", True),
    ("anything to avoid with it?", True),
    ("can i take it with my meds?", True),
    ("what does vitamin d interact with", True),  # a subject of two words
    ("what else interacts with it?", True),
    ("what are the main interactions of it?", True),
    ("what are the interactions between k2 and d3?", False),
    ("any warnings about it?", True),  # the page's warnings in general
    ("are there other reasons to be careful with it?", True),
    ("what precautions are there for it", True),
    ("any warnings in the trial?", False),
    ("what are the warning signs of low iron?", False),  # signs of a deficiency, no warning
    ("what interferes with iron absorption?", False),  # what lowers its absorption
    ("what are the interactions of vitamin d with calcium?", False),  # of one thing named
    ("what warnings did the researchers give in the review?", False),
    ("do i need to be careful with it?", True),
    ("what should i watch out for with it?", True),
    ("what are the risks of taking it?", True),
    ("is fish oil ok for me to take?", True),  # the whole ask is whether it is safe for the one asking
    ("is it safe for me to take vitamin d3?", True),
    ("is vitamin d3 ok for me?", True),  # a name with a digit in it
    ("is 2,000 iu ok?", False),  # an amount's safety
    ("is it safe to take iron while pregnant?", False),  # safe in a state: not every caution
    ("is it safe to take 2,000 iu?", False),
    ("is it safe to take with warfarin?", False),
    # a question of which to take, of foods or nutrients, or of a study is none
    ("what pills should I take for low iron?", False),
    ("what drugs do you take for anaemia?", False),
    ("which drugs should I take with it for bones?", False),
    ("does calcium interact with it?", False),
    ("how do k2 and d3 interact?", False),
    ("which vitamins does it interact with?", False),
    ("what foods does it interact with?", False),
    ("does the meta-analysis conflict with that?", False),
])
def test_a_question_about_interactions_that_names_no_medicine(question: str, asks: bool) -> None:
    from assistant.answer.cautions import interaction_ask

    assert (interaction_ask(question) is not None) is asks


@pytest.mark.parametrize(("question", "whole"), [
    ("is fish oil safe?", True),
    ("any warnings about it?", True),
    ("what are the risks of taking it?", True),
    ("is it ok for me to take iron?", True),
    ("does it interact with any medicines?", False),  # medicines only: no harm of a dose, no allergy
    ("any drug interactions?", False),
    ("is it safe with warfarin?", False),
    ("is it safe to take two tablets?", False),  # an amount's safety
    ("is it safe to take iron forever?", False),  # a time's
    ("is it safe to take zinc and copper?", False),  # things together
    ("is omega 3 safe?", True),  # a name's number
    ("is vitamin d 2000 iu ok?", False),  # an amount's
])
def test_a_question_about_safety_as_a_whole_asks_every_caution(question: str, whole: bool) -> None:
    from assistant.answer.cautions import interaction_ask, safety_ask

    assert safety_ask(question) is whole
    assert whole <= (interaction_ask(question) is not None)  # it asks what an interaction question asks


def test_an_interaction_with_it_after_a_denial_asks_about_the_class_denied() -> None:
    from assistant.answer.cautions import denied_interaction_ask
    from assistant.normalize import denied_classes

    q = "never took warfarin in my life. does k2 interact with it?"
    assert denied_interaction_ask(q) and denied_classes(q) == ["anticoagulant"]
    assert denied_classes("I take warfarin, not aspirin. does it interact with it?") == []
    assert denied_classes("does calcium interact with it?") == []


def test_young_children_near_the_tablets_ask_about_accidental_overdose() -> None:
    from assistant.normalize import mentioned_classes

    q = "we keep the tablets in the bathroom cabinet and the grandkids stay most weekends. should I worry?"
    assert "toxicity" in mentioned_classes([q])
    assert is_personal_request("im not anaemic, just want a daily top up. is one a day ok?")


def test_a_negated_list_with_a_statement_about_oneself_goes_whole() -> None:
    left = without_negated_mentions("no reflux, no tummy problems. which form is the most constipating?")
    assert "reflux" not in left and "constipating" in left


def test_review_mends_keep_what_the_user_takes_and_ask_the_limit() -> None:
    from assistant.answer.dosage import parse_dosage_query
    from assistant.normalize import content_tokens, mentioned_classes, without_comparisons

    # "like I do with my <supplement>": the user takes it, it stays a subject
    kept = without_comparisons("should I space k2 like I do with my iron tablets and fish oil?")
    assert {"iron", "fish"} <= set(content_tokens(kept))
    # a comparison never swallows the verb after the compared thing
    assert "fish" in content_tokens(without_comparisons("unlike iron does fish oil thin my blood"))
    # a medicine to be restarted is taken; one the user will not go back on is not
    assert mentioned_classes(["came off warfarin, but I will resume after my op. can I take k2?"])
    assert mentioned_classes(["came off warfarin last month and will restart it after my op. can I take k2?"])
    assert not mentioned_classes(["I stopped warfarin, but I am not going back on it. can I take k2?"])
    # "hit my daily max" asks the limit, not the allowance
    dq = parse_dosage_query("will 4 softgels hit my daily max?")
    assert dq is not None and dq.fields == ("Upper Intake Limit",)


@pytest.mark.parametrize("question", [
    "nobody told me to stop my warfarin, can I take fish oil?",
    "no one told me to stop my warfarin, can I take vitamin k2?",
    "nobody checks my INR on warfarin, is k2 ok?",
])
def test_someone_else_not_acting_negates_no_medicine_taken(question: str) -> None:
    from assistant.normalize import mentioned_classes

    assert "anticoagulant" in mentioned_classes([question])


@pytest.mark.parametrize("question", ["I ate some food with my tablets",
                                      "my kids ate breakfast before I gave them their vitamins"])
def test_eating_beside_the_tablets_is_no_overdose(question: str) -> None:
    from assistant.normalize import mentioned_classes

    assert "toxicity" not in mentioned_classes([question])


def test_a_word_of_the_earlier_question_in_another_form_is_no_topic_of_the_turn() -> None:
    from assistant.followup import resolve

    r = resolve("ok and for me? im 41 and was told im anaemic too", "what dose do they give a child with anaemia")
    assert r.inherits_intent and r.question.startswith("what dose do they give")   # the people swapped
    from assistant.normalize import in_some_form

    assert in_some_form("anaemic", frozenset({"anaemia"})) and in_some_form("anemia", frozenset({"anemic"}))
    assert not in_some_form("generic", frozenset({"general"}))
    assert not in_some_form("personal", frozenset({"person"}))


def test_a_withheld_dose_is_not_quoted_through_a_whole_field() -> None:
    from langchain_core.documents import Document

    from assistant.answer.citations import CitationBook
    from assistant.answer.extractive import compose_extractive
    from assistant.normalize import content_tokens
    from assistant.retrieval import Hit

    field = Document(page_content="Recommended Daily Allowance (For generally healthy individuals): recommended "
                                  "amount for adults. 250–500 mg/day — adults.",
                     metadata={"kind": "field", "title": "Recommended Daily Allowance", "section": "Dosage Guide",
                               "chunk_id": "f1", "supplement": "x",
                               "text": "For generally healthy individuals\n250–500 mg/day — adults"})
    q = "how much is the recommended amount for adults"
    lines = compose_extractive(q, content_tokens(q), [Hit(field, 0.9, 1.0, 1.0)], {}, 1.0, 3, CitationBook(),
                               exclude_numbers=True)
    assert not any(ch.isdigit() for line in lines for ch in line.split("[")[0])
    kept = compose_extractive(q, content_tokens(q), [Hit(field, 0.9, 1.0, 1.0)], {}, 1.0, 3, CitationBook())
    assert any("250" in line for line in kept)   # not withheld: the field as written


def test_a_medicine_about_to_be_started_is_taken() -> None:
    from assistant.normalize import mentioned_classes

    # a denial followed by a planned start negates nothing: its cautions apply
    assert mentioned_classes(["I don't take warfarin, but my doctor wants me to start. can I take k2?"])
    assert mentioned_classes(["not on warfarin yet but I'm starting next week. is k2 ok"])
    assert mentioned_classes(["no blood thinners, but the cardiologist is going to start me on them. k2?"])
    # a start that is itself denied, or that names something else, leaves the denial standing
    assert not mentioned_classes(["I don't take warfarin and don't plan to start. can I take k2?"])
    assert not mentioned_classes(["I'm not on warfarin, but want to start k2. is it ok?"])


def test_too_much_taken_already_gets_where_to_get_help_first() -> None:
    from assistant.answer.cautions import urgent_referral
    for happened in ["my toddler swallowed a bunch of my tablets, what do i do",
                     "my 3 year old ate some of the gummies",
                     "my kid swallowed 3 of my iron plus 65", "kid drank half the bottle of drops",
                     "my kid accidentally took two of them", "he got into my vitamin tablets",
                     "she overdosed on them", "my 2yo got hold of my k2 tablets, maybe ate 3 of them"]:
        said = urgent_referral(happened)
        assert said is not None and "poison centre" in said and not any(c.isdigit() for c in said), happened
    for asked in ["my kid cant swallow tablets, are there drops?",       # not taken at all
                  "i took 2 tablets this morning, is that ok?",          # an ordinary dose
                  "what happens if a child swallows tablets?",           # asked in general
                  "can too much hurt you?",
                  "took 2 omegamax by mistake instead of 1, problem?",   # an adult's extra dose
                  "I ate some food with my tablets",                     # eating beside them
                  "ate a few crackers with my vitamin d tablets",
                  "my kids ate breakfast before I gave them their vitamins"]:
        assert urgent_referral(asked) is None, asked
    # a pet: where to get help for an animal, not a person's poison centre
    pet = urgent_referral("my dog ate a few fish oil capsules")
    assert pet is not None and "vet" in pet and "poison centre" not in pet


def test_too_much_taken_already_asks_of_the_notes_on_excess() -> None:
    """Saying a child got into the tablets asks what the page's notes on excess say (their class is
    asked about, however the sentence runs on); eating a meal beside them does not."""
    from assistant.normalize import mentioned_classes

    said = "ok random but my 3 yr old got into my purse and I had my iron pills in there, what do I do"
    assert "toxicity" in mentioned_classes([said])
    assert "toxicity" in mentioned_classes(["my toddler swallowed a bunch of my tablets"])
    assert "toxicity" not in mentioned_classes(["my kids ate breakfast before I gave them their vitamins"])


def test_a_sentence_that_says_the_questions_verb_in_another_tense_covers_it() -> None:
    from langchain_core.documents import Document

    from assistant.answer.extractive import score_sentences, word_root
    from assistant.retrieval import Hit

    assert word_root("lowered") == word_root("lowering") == word_root("lower")
    text = "Prescription doses changed fasting triglycerides. Prescription doses lowered fasting triglycerides."
    doc = Document(page_content=text, metadata={"kind": "prose", "chunk_id": "o1", "source": "s", "text": text})
    best = score_sentences(["lower", "triglyceride"], [Hit(doc, 0.7, 1.0, 1.0)], {}, 1.0)
    assert best[0].text.startswith("Prescription doses lowered") and best[0].score > best[1].score


def test_a_reading_or_a_normal_range_asked_is_a_level_the_lines_must_state() -> None:
    from assistant.answer.scope import figure_unanswered

    enrolled = ["<Marker> (80 mg/day) for 12 weeks reduced fatigue in women with ferritin below 50 μg/L. [1]"]
    for q in ("what's a normal ferritin range?", "what ferritin level is normal for a woman?",
              "is a ferritin level of 30 low?", "my ferritin came back at 12, is that low or normal?",
              "my test result was 22 ng/ml, is that too low?"):
        assert figure_unanswered(q, enrolled), q  # a bound of who was enrolled is no level to aim for
    assert not figure_unanswered("what level should I aim for?", ["Aim for levels above 50 nmol/L. [1]"])
    assert not figure_unanswered("is a ferritin level of 12 low?", ["Deficiency: ferritin below 15 μg/L. [1]"])
    # amounts taken, and ranges of doses, are no levels
    for q in ("I take 5000 IU a day, is that too high?", "is a brand x of 5000 too high?",
              "I'm on a blood thinner and take brand x 1000 a day, is that ok?",
              "my blood test came back fine, I take brand x 2 a day, is that too high?",
              "what's a normal range for brand x dosing?", "what iu range is normal?"):
        assert not figure_unanswered(q, enrolled), q


def test_an_event_no_cited_finding_reports_is_said_to_be_unreported() -> None:
    from assistant.answer.studies import unreported_outcomes

    found = ["High-dose <form> (45 mg/day) reduced undercarboxylated osteocalcin in women with osteoporosis."]
    assert unreported_outcomes("did it reduce fractures?", found) == ["fractures"]
    # a broader word is reported by a finding on its topic; an event named by a finding or a line is
    assert unreported_outcomes("did it help their bones?", found) == []
    assert unreported_outcomes("did iron help with being tired?", ["<Form> reduced fatigue in women."]) == []
    assert unreported_outcomes("the fracture trial, what dose did it use?", found) == []
    assert unreported_outcomes("did it reduce fractures?", [*found, "It did not reduce fractures."]) == []
    assert unreported_outcomes("did it reduce fractures?", found, ["No fractures were counted. [2]"]) == []
    # named by its own word, not one that qualifies it ("low" said of something else)
    stores = ["<Form> reduced anaemia in pregnancy.", "It also reduced fatigue in women with low iron stores."]
    assert unreported_outcomes("did it reduce low birth weight too", stores) == ["low birth weight"]
    assert unreported_outcomes("did it cut hip fractures?", ["<Form> reduced fractures in women."]) == []
    assert unreported_outcomes("did it reduce pre-eclampsia?", ["<Form> reduced preeclampsia."]) == []


def test_how_long_an_effect_takes_is_no_length_of_a_study() -> None:
    from assistant.answer.scope import figure_gap

    trial = ["<Form> (80 mg/day) for 12 weeks reduced fatigue in women. [1]"]
    gap = figure_gap("how long after starting brand x will my levels go up", trial)
    assert gap is not None and gap.startswith("How long it takes to show an effect")
    assert figure_gap("how long does it take brand x to work?", ["Levels rose within 4 weeks. [1]"]) is None
    assert figure_gap("how long should I take brand x for?", trial) is None  # a length of use: stated
    # when to take one thing after another is a spacing, no effect's time
    assert figure_gap("how long after my brand x can i take it?", ["Take it 4–6 hours after. [1]"]) is None
