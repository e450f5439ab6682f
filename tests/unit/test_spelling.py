"""Spelling tolerance (pure): correcting a question's misspelt words against known words."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from assistant.domain.vocabulary import vocabulary
from assistant.normalize import stopwords
from assistant.spelling import SpellCorrector, english_words, max_distance, vocabulary_entities, words

#: a few passages in the corpus's own words
PASSAGES = [
    "Upper Intake Limit: No established upper limit. Vitamin K2 (menaquinone) is used for bone health.",
    "In a 3-year trial, 180 mcg of MK-7 daily slowed bone loss in postmenopausal women.",
    "People taking warfarin should keep their vitamin K intake consistent; bleeding risk and INR.",
    "Iron absorption is reduced by calcium; take iron two hours apart from levothyroxine.",
    "Fish oil supplies EPA and DHA. The arteries of people in the trial showed less calcification.",
]


@pytest.fixture(scope="module")
def real() -> SpellCorrector:
    """A corrector over the passages above and the real domain vocabulary."""
    return SpellCorrector.build([[Document(page_content=p) for p in PASSAGES]])


@pytest.fixture(scope="module")
def small() -> SpellCorrector:
    return SpellCorrector.from_words({"upper": 3, "limit": 5, "vitamin": 9, "blood": 4, "thinner": 2,
                                      "iron": 6, "icon": 1, "calcium": 2}, english=True)


# --------------------------------------------------------------------------- a small word list


def test_a_small_word_list_corrects_one_edit(small: SpellCorrector) -> None:
    assert small.correct("whats the upper limt for vitmin k2") == (
        "whats the upper limit for vitamin k2", {"limt": "limit", "vitmin": "vitamin"})


def test_the_most_frequent_of_the_closest_candidates_wins(small: SpellCorrector) -> None:
    assert small.suggest("iorn") == "iron"  # iron (6) over icon (1), both one edit away
    assert small.suggest("icom") == "icon"  # the closest first, whatever the counts


def test_a_tie_leaves_the_word() -> None:
    sc = SpellCorrector.from_words({"dose": 3, "dost": 3})
    assert sc.suggest("dosx") is None
    assert sc.correct("dosx") == ("dosx", {})


def test_two_medicines_or_nutrients_as_close_leave_the_word() -> None:
    sc = SpellCorrector({"zinc": 9, "zing": 1}, entities={"zinc": "nutrient:zinc", "zing": "class:zing"})
    assert sc.suggest("zinx") is None
    one = SpellCorrector({"zinc": 9, "zing": 1}, entities={"zinc": "nutrient:zinc"})
    assert one.suggest("zinx") == "zinc"  # one named entity and a plain word: frequency decides


def test_thresholds_by_length() -> None:
    assert [max_distance(w) for w in ("limt", "vitamnn", "osteoporossis")] == [1, 1, 2]
    sc = SpellCorrector.from_words({"limit": 1, "osteoporosis": 1, "vitamin": 1})
    assert sc.suggest("lmtt") is None  # two edits from "limit": too far for a short word
    assert sc.suggest("osteoprosiss") == "osteoporosis"  # two edits: fine for a long one
    assert sc.suggest("vtmin") is None  # two edits, seven letters


def test_short_words_numbers_and_words_with_digits_are_never_corrected(small: SpellCorrector) -> None:
    assert small.correct("im ul iu k2 mk7 5000iu 100 ir") == ("im ul iu k2 mk7 5000iu 100 ir", {})


def test_text_speak_is_read_as_the_words_it_stands_for(small: SpellCorrector) -> None:
    # the lexicon's shorthand: one meaning each, shown as corrections; "ur" (your / you're) is none
    assert small.correct("wat meds shud u avoid") == (
        "what meds should you avoid", {"wat": "what", "shud": "should", "u": "you"})
    # words of more than one meaning are left as typed: "ur", "bc" (a province, birth control), "cuz"
    # (a cousin); "u" after a number is a unit, in "U.S." no word
    for q in ("is ur dose ok", "I live in BC, which one", "my cuz is on it", "is 5000 u too much",
              "1000 U a day", "sold in the U.S.?"):
        assert small.correct(q) == (q, {}), q


def test_english_words_are_known_even_when_the_corpus_lacks_them(small: SpellCorrector) -> None:
    # "limits" is one edit from "limit", "migraines" is far from everything: both are real words
    assert small.correct("limits for migraines in pregnancy") == ("limits for migraines in pregnancy", {})
    assert "pregnancy" in english_words()


def test_case_is_kept_and_the_rest_of_the_text_untouched(small: SpellCorrector) -> None:
    assert small.correct("Limt of Vitmin (K2)?") == ("Limit of Vitamin (K2)?", {"limt": "limit", "vitmin": "vitamin"})


def test_the_first_letter_is_rarely_the_mistyped_one() -> None:
    sc = SpellCorrector.from_words({"per": 50, "upper": 2})
    assert sc.suggest("uper") == "upper"


# --------------------------------------------------------------------------- the real vocabulary


@pytest.mark.parametrize(("typed", "fixed"), [
    ("whats the upper limt for vitmin k2", {"limt": "limit", "vitmin": "vitamin"}),
    ("whats the upper limt for iorn", {"limt": "limit", "iorn": "iron"}),
    ("can i take fishoil with my blod thinner", {"fishoil": "fish oil", "blod": "blood"}),
    ("warfrin and k2, any problem?", {"warfrin": "warfarin"}),
    ("is mk7 ok with coumadine", {"coumadine": "coumadin"}),
    ("can i take iron with levothyroxin", {"levothyroxin": "levothyroxine"}),
    ("did it help postmenopausl women", {"postmenopausl": "postmenopausal"}),
    ("omega 3 dose for high trigs", {}),  # the lexicon rewrites "trigs": a word, not a typo of "trips"
])
def test_the_real_vocabulary_and_corpus_words_correct_typos(real: SpellCorrector, typed: str,
                                                            fixed: dict[str, str]) -> None:
    assert real.correct(typed)[1] == fixed


@pytest.mark.parametrize("question", [
    "Is there an upper limit for vitamin K2?",
    "I'm on warfarin, can I take K2?",
    "What dose of MK-7 was used in the 3-year trial?",
    "Which product has the most menaquinone?",
    "Does K2 help with migraines or hair loss?",
    "I don't take any anticoagulants. Is K2 good for my heart?",
    "how much iron is in ferrous bisglycinate?",
    "is it safe with Eliquis or Xarelto?",
])
def test_correctly_spelled_questions_are_left_alone(real: SpellCorrector, question: str) -> None:
    assert real.correct(question) == (question, {})


def test_every_vocabulary_and_stop_word_is_known(real: SpellCorrector) -> None:
    names = [w for name in vocabulary_entities(vocabulary()) for w in words(name)]
    assert all(real.is_known(w) for w in names)
    assert all(real.is_known(w) for w in stopwords())
    assert real.is_known("shouldnt") and real.is_known("dont")  # a negation without its apostrophe stays


def test_a_misspelt_medicine_is_never_read_as_another_class(real: SpellCorrector) -> None:
    for typed, fixed in real.correct("clopidogral and aspirn and doxycyline")[1].items():
        ent = vocabulary_entities(vocabulary())
        assert ent[fixed].startswith("class:"), (typed, fixed)
    assert real.correct("clopidogral")[1] == {"clopidogral": "clopidogrel"}


def test_understand_strips_markup_then_corrects(real: SpellCorrector) -> None:
    assert real.understand("<script>x()</script><b>upper limt</b> for vitmin K2") == (
        "upper limit for vitamin K2", {"limt": "limit", "vitmin": "vitamin"})


def test_correct_turns_cleans_user_turns_only(real: SpellCorrector) -> None:
    turns = [{"role": "user", "content": "<p>upper limt?</p>"}, {"role": "assistant", "content": "<p>limt</p>"}]
    assert real.correct_turns(turns) == [{"role": "user", "content": "upper limit?"},
                                         {"role": "assistant", "content": "<p>limt</p>"}]


def test_a_three_letter_word_is_corrected_only_when_a_neighbour_makes_a_vocabulary_name(
        real: SpellCorrector) -> None:
    assert real.correct("upper limit for fish oyl")[1] == {"oyl": "oil"}  # "fish oil" is a name
    assert real.correct("is oyl ok")[1] == {}  # no neighbour confirms it
    assert real.correct("do ppl take it")[1] == {"ppl": "people"}  # the lexicon's shorthand: no typo
    assert real.correct("do thx help")[1] == {}  # shorthand the lexicon lacks stays as typed


def test_a_neighbour_settles_a_tie() -> None:
    sc = SpellCorrector({"blood": 2, "blond": 2, "thinner": 1}, joined={"bloodthinner": "blood thinner"})
    assert sc.suggest("blod") is None
    assert sc.correct("my blod thinner") == ("my blood thinner", {"blod": "blood"})


def test_a_name_with_its_neighbour_wins_over_a_name_written_as_one_word(real: SpellCorrector) -> None:
    """"vitamine" is "vitamin e" written as one word, and one letter from "vitamin": beside "d" it is
    "vitamin d"; alone it is still the one-word name; a chat word ("lmao") is no typo of a medicine's."""
    assert real.correct("how much vitamine d do adults need")[0] == "how much vitamin d do adults need"
    assert real.correct("is vitamine safe")[0] == "is vitamin e safe"
    # beside "<letter><digit>": the name with its digit ("vitamin d3")
    assert real.correct("vitamine d3 drops for baby")[0] == "vitamin d3 drops for baby"
    assert real.correct("vitamine k2 dose")[0] == "vitamin k2 dose"
    assert real.correct("lmao my dog ate my homework")[1] == {}


# --------------------------------------------------------------------------- confirmed by the passages


def test_a_word_left_alone_is_corrected_where_the_passages_make_it_a_phrase(real: SpellCorrector) -> None:
    """"los" is too short (and English): the first pass leaves it; the passages say "bone loss"."""
    assert real.correct("does k1 slow bone los")[1] == {}
    assert real.confirm("does k1 slow bone los", [PASSAGES[1]]) == ("does k1 slow bone loss", {"los": "loss"})


def test_a_word_that_makes_no_phrase_of_the_passages_stays(real: SpellCorrector) -> None:
    assert real.confirm("does k2 help hair los", [PASSAGES[1]]) == ("does k2 help hair los", {})
    assert real.confirm("does k2 help with migranes", PASSAGES) == ("does k2 help with migranes", {})


def test_corpus_words_are_never_reconfirmed(real: SpellCorrector) -> None:
    """A word of the corpus is what it says, whatever phrase a neighbour would make."""
    assert real.confirm("bone lose", ["bone loss"])[1] == {"lose": "loss"}  # English, not the corpus's
    assert real.confirm("bone health", ["bone loss"])[1] == {}


def test_a_word_no_corpus_word_is_near_is_corrected_to_an_english_word() -> None:
    """The last resort: "hartbeat" is no corpus word's typo, but the English "heartbeat"'s (the
    scope check then judges "heartbeat"); a word near nothing stays as typed."""
    sc = SpellCorrector.from_words({"fish": 3, "oil": 3}, english=True)
    assert sc.correct("does fish oil cause an irregualr hartbeat")[1] == {
        "irregualr": "irregular", "hartbeat": "heartbeat"}
    assert sc.correct("is ozempic ok")[1] == {}


def test_an_ing_typed_without_its_g_is_the_ing_word_not_a_near_medicine() -> None:
    sc = SpellCorrector.from_words({"statin": 1, "iron": 3})
    text, fixed = sc.correct("since startin iron")
    assert text == "since starting iron" and fixed == {"startin": "starting"}


# --------------------------------------------------------------------------- names and plurals


def test_a_word_two_edits_away_is_corrected_where_its_neighbour_makes_a_name(real: SpellCorrector) -> None:
    # "vitman" is two edits from "vitamin": too far for a six-letter word alone, but "vitamin k2" is
    # a name of the vocabulary (a neighbour with digits counts)
    fixed, corrected = real.correct("is there a max dose for vitman k2")
    assert corrected.get("vitman") == "vitamin" and "vitamin k2" in fixed
    assert real.correct("a vitman walked in")[1].get("vitman") is None  # no name: left as typed


def test_a_plural_typed_with_ys_is_the_ies_plural(real: SpellCorrector) -> None:
    assert real.suggest("studys") == "studies"
    assert real.suggest("storys") == "stories"  # English words count: not the one-edit "stores"


def test_a_real_word_is_never_confirmed_as_a_slip_for_a_word_of_no_topic(real: SpellCorrector) -> None:
    # "add" is one edit from "and", which the passages write beside "vitamin": still "add"
    passage = "Vitamin D3 and vitamin K2 are often combined."
    assert real.confirm("can I add vitamin K2 to it?", [passage]) == ("can I add vitamin K2 to it?", {})


def test_a_known_word_in_another_ending_is_never_a_slip_for_another_word() -> None:
    sc = SpellCorrector.from_words({"constipation": 3, "constitute": 5, "studies": 4})
    assert sc.suggest("constipate") is None  # "constipation" shares its root: not "constitute"
    assert sc.suggest("studys") == "studies"  # a correction to its own root stays
