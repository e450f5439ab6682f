"""Choices the passages cited do not settle ("is it <a> or <b>?")."""

from __future__ import annotations

from assistant import messages as msg
from assistant.answer.choices import offered_choices, offered_words, unsettled_choices
from assistant.normalize import content_tokens

#: a corpus that uses every word of these tests (a lay word it lacks is tested on its own)
WORDS = frozenset(content_tokens("capsule liquid calcium trial pregnancy heparin coumadin anticoagulant"))


def test_a_choice_is_read_from_the_asking_sentence() -> None:
    assert offered_choices("I read about the trial. Was it the capsule or the liquid?") == [("capsule", "liquid")]
    assert offered_choices("is the fish oil from anchovy or from sardine?") == [("anchovy", "sardine")]


def test_the_words_offered_for_what_is_asked_are_its_choice_or_the_options_listed_after_it() -> None:
    asked, forms = ["what (?:form|kind) of"], frozenset({"carbonate", "citrate"})
    assert offered_words("what kind of calcium is in it, carbonate or citrate?", asked, forms) == forms
    assert offered_words("what form of calcium is it? carbonate, citrate? how much", asked, forms) == forms
    assert offered_words("what form of calcium is in it, and is it a capsule?", asked, forms) == frozenset()
    # options of another ask, words no form has and a medicine are not the options of the form
    assert offered_words("how much calcium is in it? ok with carbonate or citrate?", asked, forms) == frozenset()
    assert offered_words("what kind of calcium is it? lithium, metformin?", asked, forms) == frozenset()
    assert offered_words("what kind of calcium is it? crohns or colitis?", asked, forms) == frozenset()


def test_sides_are_content_words_only() -> None:
    assert offered_choices("is it ok or not?") == []
    assert offered_choices("should I take one or two?") == []
    assert offered_choices("with food, or without?") == []


def test_a_choice_named_by_the_answer_is_settled() -> None:
    lines = ["The trial gave the liquid form for a year [1]"]
    assert unsettled_choices("was it the capsule or the liquid?", lines, WORDS) == []


def test_a_choice_named_by_neither_side_is_said_to_be_unstated() -> None:
    lines = ["The trial ran for a year in older adults [1]"]
    assert unsettled_choices("was it the capsule or the liquid?", lines, WORDS) == [
        msg.NEITHER_NAMED.format(first="capsule", second="liquid")]


def test_a_side_the_pages_lack_beside_one_they_name_is_said_to_be_unmentioned() -> None:
    from assistant.answer.choices import one_sided

    q = "can i take it with juice or the liquid?"
    assert one_sided(q, ["juice"]) == {"juice"}  # the other side is the pages': no topic of its
    assert one_sided(q, ["juice", "liquid"]) == frozenset()  # both lacking: the question is off the page
    lines = ["The liquid form was taken with meals [1]"]
    assert unsettled_choices(q, lines, WORDS, ["juice"]) == [msg.SIDE_UNMENTIONED.format(side="juice")]
    assert unsettled_choices(q, lines, WORDS) == []  # a side the scope check kept is no gap to say


def test_a_nutrient_is_named_by_any_of_its_forms() -> None:
    # the vocabulary's nutrient names: a form names its nutrient
    from assistant.domain.vocabulary import vocabulary

    nutrient = next(n for n in vocabulary().nutrients if n.forms)
    form = nutrient.forms[0].name
    other = next(n for n in vocabulary().nutrients if not n.forms and n.terms)
    q = f"was it {nutrient.terms[0]} or {other.terms[0]}?"
    assert unsettled_choices(q, [f"It used 100 units of {form} daily [1]"], WORDS | set(content_tokens(q))) == []
    assert len(unsettled_choices(q, ["It used 100 units daily [1]"], WORDS | set(content_tokens(q)))) == 1


def test_a_negated_pair_is_no_choice() -> None:
    assert offered_choices("not on any statins or painkillers. what dose do people take?") == []
    assert offered_choices("I never had statins or painkillers, is it fine?") == []


def test_a_range_is_no_choice() -> None:
    assert offered_choices("were any studies in women my age or younger?") == []
    assert offered_choices("did anyone take it for a year or more?") == []


def test_a_letter_goes_with_its_word() -> None:
    assert offered_choices("was it with calcium or vit d?") == [("calcium", "vit d")]


def test_an_article_opens_no_side() -> None:
    assert offered_choices("is it a tablet or a capsule?") == [("tablet", "capsule")]


def test_a_side_of_an_interaction_class_is_never_said_to_be_unnamed() -> None:
    # the caution speaks of the medicines by their class ("anticoagulant therapy")
    lines = ["It may interfere with anticoagulant therapy; monitor INR closely [1]"]
    assert unsettled_choices("does it clash with heparin or coumadin?", lines, WORDS) == []


def test_a_side_is_named_by_a_word_that_begins_the_same() -> None:
    assert unsettled_choices("was it tested in pregnancy or lactation?", ["It was given to pregnant women [1]"], WORDS) == []



def test_people_and_lay_words_the_corpus_lacks_are_no_unsettled_choice() -> None:
    lines = ["18 mg for women 19-50; 8 mg for men 19+ [1]"]
    assert unsettled_choices("how much does a man or a woman need?", lines, WORDS | {"man", "woman"}) == []
    # "tired or exhausted": the corpus says neither (it says fatigue), so the passages may say it otherwise
    assert unsettled_choices("does it help if I'm tired or exhausted?", ["It reduced fatigue [1]"], WORDS) == []


def test_what_a_question_asks_the_passages_reach_is_read_after_its_lead() -> None:
    from assistant.answer.choices import offered_extensions

    assert offered_extensions("does the bleeding note apply to capsule users too, or only liquid?") == [
        "capsule users"]
    assert offered_extensions("is that dose the same if you're a smoker?") == ["smoker"]
    assert offered_extensions("is that on top of what you eat, or in total?") == ["what you eat"]
    assert offered_extensions("does the limit count drinks as well?") == ["drinks"]
    # "count", "cover", "include" ask of more only with "too" or "as well"; a number is an age or an amount
    assert offered_extensions("does one capsule cover my needs?") == []
    assert offered_extensions("is the limit the same for someone in their 70s?") == []
    assert offered_extensions("it does not apply to smokers, right?") == []


def test_a_thing_the_passages_never_mention_is_said_to_be_unstated() -> None:
    from assistant.answer.choices import unsettled_extensions

    q = "does that apply to smokers too?"
    assert unsettled_extensions(q, ["The liquid was given for a year [1]"], frozenset()) == [
        msg.NOT_EXTENDED.format(thing="smokers")]
    assert unsettled_extensions(q, ["Smokers were given the liquid [1]"], frozenset()) == []
    # a page's own name names nothing more ("<a> oil" is named by "<a>", not "oil")
    q = "does that apply to capsule oil too?"
    assert unsettled_extensions(q, ["The oil was given [1]"], frozenset({"oil"})) == [
        msg.NOT_EXTENDED.format(thing="capsule oil")]
    # people and a medicine may be said in the page's own words; a word no page uses is mentioned nowhere
    assert unsettled_extensions("does that apply to pregnant women too?", ["Adults [1]"], frozenset()) == []
    assert unsettled_extensions("does that apply to coumadin too?", ["Adults [1]"], frozenset()) == []
    assert unsettled_extensions("does that apply to zorblers too?", ["Adults [1]"], frozenset()) == [
        msg.NOT_EXTENDED.format(thing="zorblers")]


def test_the_words_that_ask_of_more_are_the_lead_s_and_the_thing_s_not_what_is_said() -> None:
    from assistant.answer.choices import extension_words, offered_extensions

    words = extension_words("does the zorbler dose apply to capsule users too?")
    assert "zorbler" not in words and {"apply", "capsul"} & words
    # a person doing something is no thing of its own; a choice's side is the choice's sentence
    assert offered_extensions("would it be the same if I took it with breakfast?") == []
    from assistant.answer.choices import unsettled_extensions

    said = unsettled_extensions("does that apply to smokers or drinkers?", ["Adults [1]"], frozenset())
    assert said == []


def test_words_said_only_to_set_the_scene_are_quoted_as_typed_when_the_lines_never_use_them() -> None:
    from assistant.answer.choices import unmentioned_scene

    q = "i run marathons and i'm vegetarian, how much zinc a day?"
    assert unmentioned_scene(q, ["marathon", "vegetarian"], ["8 mg for adults."]) == [
        msg.SCENE_UNMENTIONED.format(things="“marathons” or “vegetarian”")]
    # adjacent words are one run; a corrected word is quoted as typed; a word the lines use is none
    assert unmentioned_scene("i'm a keen crossfire swimmer, what's the limit?", ["keen", "crossfire", "swimmer"],
                             ["no swimmer is named"], {"crossfire": "crossfit"}) == [
        msg.SCENE_UNMENTIONED.format(things="“keen crossfit”")]
    assert unmentioned_scene(q, ["marathon"], ["trials in marathon runners"]) == []
    # people have their own note (the fields' "no value for the people asked about")
    assert unmentioned_scene("my kids are 6, how much a day?", ["child"], ["8 mg for adults."]) == []
