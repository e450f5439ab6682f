"""Misspelt and marked-up questions are answered as meant (the K2-only corpus, the real model and index)."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.types import AnswerEvent


def _cites_the_upper_limit(ans: object) -> bool:
    cits = getattr(ans, "citations", [])
    return any("Upper Intake Limit" in (c.subsection or c.title) for c in cits)


def test_a_typod_question_is_answered_from_the_upper_limit_field(assistant: Assistant) -> None:
    typed = "whats the upper limt for vitmin k2"
    ans = assistant.ask(typed)
    assert not ans.abstained
    assert _cites_the_upper_limit(ans), [c.title for c in ans.citations]
    assert "Upper Intake Limit" in ans.text
    assert ans.corrected == {"limt": "limit", "vitmin": "vitamin"}
    assert ans.question == typed  # shown as typed
    assert ans.to_dict()["corrected"] == {"limt": "limit", "vitmin": "vitamin"}


def test_the_correction_reaches_the_streamed_answer(assistant: Assistant) -> None:
    final = next(e.answer for e in assistant.stream("uper limt of vitmin k2?") if isinstance(e, AnswerEvent))
    assert final.corrected == {"uper": "upper", "limt": "limit", "vitmin": "vitamin"}
    assert _cites_the_upper_limit(final)


@pytest.mark.parametrize("typed", [
    "<script>alert('k2')</script>is there an upper limit for k2",
    "&lt;b&gt;is there an upper limit for k2&lt;/b&gt;&nbsp;",
    "```\nis there an **upper limit** for k2?\n```<br/>",
    "<style>body{}</style><p>is there an upper\u200b limit for k2\x1b[0m</p>",
])
def test_a_question_wrapped_in_markup_keeps_its_meaning(assistant: Assistant, typed: str) -> None:
    plain = assistant.ask("is there an upper limit for k2")
    ans = assistant.ask(typed)
    assert not ans.abstained
    assert _cites_the_upper_limit(ans)
    assert [c.chunk_id for c in ans.citations] == [c.chunk_id for c in plain.citations]
    assert "<script" not in ans.text and "alert(" not in ans.text and "&lt;" not in ans.text
    assert ans.corrected == {}


def test_the_answer_shows_the_question_as_typed(assistant: Assistant) -> None:
    typed = "<b>is there an upper limit for k2</b>"
    assert assistant.ask(typed).question == typed


def test_a_question_of_nothing_but_markup_is_a_value_error(assistant: Assistant) -> None:
    with pytest.raises(ValueError, match="empty"):
        assistant.ask("<script>alert('k2')</script><br/>")


@pytest.mark.parametrize("question", [
    "Is there an upper limit for vitamin K2?",
    "I'm on warfarin, can I take K2?",
    "What dose of MK-7 was used in the 3-year trial?",
    "Which product has the most K2?",
    "Does K2 help with migraines?",
])
def test_correctly_spelled_questions_are_left_alone(assistant: Assistant, question: str) -> None:
    assert assistant.ask(question).corrected == {}


def test_a_misspelt_word_off_the_monograph_still_abstains(assistant: Assistant) -> None:
    ans = assistant.ask("does vitmin k2 cure migranes?")
    # nothing close to "migranes" in the corpus: whatever English word the last-resort dictionary
    # reads it as, it is no word of the page, and the question abstains
    assert ans.corrected["vitmin"] == "vitamin"
    assert ans.corrected.get("migranes", "migranes") not in assistant.retriever.lexical.vocab
    assert ans.abstained


def test_a_misspelt_earlier_question_is_followed_up(assistant: Assistant) -> None:
    history = [{"role": "user", "content": "whats the upper limt for vitmin k2"},
               {"role": "assistant", "content": "..."}]
    ans = assistant.ask("and what does it say exactly?", history)
    assert not ans.abstained
    assert _cites_the_upper_limit(ans)


def test_the_corrector_is_built_once_per_index_generation(assistant: Assistant) -> None:
    speller = assistant.speller
    assistant.ask("upper limt for k2?")
    assistant.ask("whats the RDA of vitmin k2?")
    assert assistant.speller is speller
    assert not assistant.refresh_if_stale() and assistant.speller is speller
