"""The conversation's pure functions: question clean-up (markup, control characters) and validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.conversation import check_history, clean_question, plain_text


@pytest.mark.parametrize(("typed", "plain"), [
    ("<script>alert('k2')</script>is there an upper limit for k2", "is there an upper limit for k2"),
    ("<SCRIPT type='text/javascript'>var x = '<b>';</SCRIPT> K2 dose?", "K2 dose?"),
    ("<style>p { color: red }</style><p>Does K2 help bones?</p>", "Does K2 help bones?"),
    ("<!-- a comment -->what is MK-7?", "what is MK-7?"),
    ("&lt;p&gt;Which product also contains D3?&lt;/p&gt;", "Which product also contains D3?"),
    ("&amp;lt;b&amp;gt;K2 and warfarin&amp;lt;/b&amp;gt;", "K2 and warfarin"),
    ("&lt;b&gt;how much k2 is in ultra k2&lt;/b&gt;&nbsp;", "how much k2 is in ultra k2"),
    ("```\nWhich product has the most K2?\n```<br/>", "Which product has the most K2?"),
    ("```text\nupper limit?\n```", "upper limit?"),
    ("what is `MK-7`?", "what is MK-7?"),
    ("**Is there** an [upper limit](https://example.com/ul) for _K2_?", "Is there an upper limit for K2?"),
    ("![a pill](pill.png) ~~old~~ K2 dose", "a pill old K2 dose"),
    ("# K2 dose\n> in adults", "K2 dose in adults"),
    ("what dose of mk7\x08 was used in the\u200b 3 year\t trial\x07\x1b[0m", "what dose of mk7 was used in the 3 year trial"),
    ("\x1b[31mred\x1b[0m K2", "red K2"),
    ("vit\u00adamin K2\ufeff", "vitamin K2"),
    ("URL: https://example.com/iron?? => how much iron for pregnant women", "=> how much iron for pregnant women"),
    ("see www.example.org/k2-page for more. whats the RDA", "see for more. whats the RDA"),
])
def test_plain_text_strips_markup_and_control_characters(typed: str, plain: str) -> None:
    assert plain_text(typed) == plain


@pytest.mark.parametrize("kept", [
    "dose < 100 mcg and <5 mg: which is safer?",
    "2*500 mg and 3*100 mg",
    "> 100 mcg a day?",
    "is vitamin_k2 a name?",
    "what is MK-7 (menaquinone-7)?",
    "I'm on warfarin, can I take K2?",
])
def test_plain_text_keeps_what_is_not_markup(kept: str) -> None:
    assert plain_text(kept) == kept


@given(st.text(max_size=200))
def test_plain_text_is_idempotent_and_has_no_control_characters(text: str) -> None:
    once = plain_text(text)
    assert plain_text(once) == once
    assert not any(ord(c) < 32 or ord(c) == 127 for c in once)


@pytest.mark.parametrize("markup", ["<script>alert(1)</script>", "<b></b>", "<p>&nbsp;</p>", "```\n```",
                                    "<style>p {}</style>  <br/>", "\x1b[0m", "&lt;br&gt;"])
def test_a_question_of_nothing_but_markup_is_empty(markup: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        clean_question(markup, 2000)


def test_clean_question_keeps_the_question_as_typed() -> None:
    typed = "<b>is there an upper limit for K2?</b>"
    assert clean_question(typed, 2000) == typed
    assert clean_question("K2\x00\x07 warfarin\x1b[0m", 2000) == "K2   warfarin"


@pytest.mark.parametrize("bad", ["", "   ", "\n\t", "\x00"])
def test_an_empty_question_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        clean_question(bad, 2000)


def test_a_long_or_non_text_question_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="limit is 10"):
        clean_question("k2 " * 10, 10)
    with pytest.raises(ValueError, match="must be text"):
        clean_question(42, 2000)


def test_check_history_names_a_malformed_turn() -> None:
    assert check_history([{"role": "user", "content": None}]) == [{"role": "user", "content": ""}]
    with pytest.raises(ValueError, match="turn 1"):
        check_history([{"role": "user", "content": "hi"}, {"role": "bot", "content": "x"}])


def test_a_pasted_email_keeps_its_own_words() -> None:
    from assistant.conversation import plain_text

    mail = "> On Tue, 4 Mar, Ann wrote:\n> any news?\n\nwhich product has the most iron\n\n-- \nSent from my phone"
    assert plain_text(mail) == "which product has the most iron"
    assert plain_text("> is a quoted question kept?") == "is a quoted question kept?"
    assert plain_text("how much?\nSent from my tablet") == "how much?"
