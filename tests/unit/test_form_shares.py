"""Unnamed lines of a form field read by the share of the nutrient their form's products state."""

from __future__ import annotations

from dataclasses import replace

from langchain_core.documents import Document

from assistant.answer.citations import CitationBook
from assistant.answer.form_shares import fit_sentence, fit_sentences, fitted_lines, line_percent
from assistant.corpus import Nutrient, Product
from assistant.doses import parse_doses

FIELD = "Special Forms"
CHEAP = "Most widely used and least expensive; about 20% elemental iron"
GENTLE_LINE = "Better tolerated; fewer GI side effects"
STRONG = "Highest elemental iron content (about 33%); may be more constipating"
NAMED = "Heme iron polypeptide: absorbed by a separate pathway; about 20% iron"
LINES = [CHEAP, GENTLE_LINE, STRONG, NAMED]


def _product(pid: str, title: str, text: str, amount: str, form: str) -> Product:
    n = Nutrient("iron", amount, form, parse_doses(amount)[0])
    return Product(pid, "iron", title, None, text, 0, len(text), "iron/p.md", 1, (n,))


SULFATE = replace(_product("p1", "Iron Plus 65", "Iron Plus 65 is a ferrous sulfate tablet providing 65 mg of "
                           "elemental iron (from 325 mg ferrous sulfate) per tablet.", "65 mg", "ferrous sulfate"),
                  name="Iron Plus 65")
FUMARATE = _product("p3", "Supplement: iron 106 mg (ferrous fumarate)", "This ferrous fumarate tablet delivers "
                    "106 mg of elemental iron (from 324 mg ferrous fumarate) per tablet.", "106 mg", "ferrous fumarate")
CHELATE = _product("p4", "Supplement: iron 25 mg", "This capsule gives 25 mg of elemental iron as ferrous "
                   "bisglycinate.", "25 mg", "ferrous bisglycinate")


def test_a_line_states_one_share_of_the_nutrient_it_names() -> None:
    assert line_percent(CHEAP, "iron") == 20.0
    assert line_percent(STRONG, "iron") == 33.0
    assert line_percent(GENTLE_LINE, "iron") is None  # no share
    assert line_percent("about 20% of people; 33% elemental iron", "iron") is None  # two shares
    assert line_percent("about 20% of the dose", "iron") is None  # not of the nutrient


def test_each_unnamed_line_is_fitted_to_the_one_form_whose_products_state_its_share() -> None:
    fits = fitted_lines(FIELD, LINES, [SULFATE, FUMARATE, CHELATE], "iron")
    assert [(f.line, f.form, f.product.id) for f in fits] == [
        (CHEAP, "ferrous sulfate", "p1"), (STRONG, "ferrous fumarate", "p3")]  # a named line is not refitted
    assert (fits[1].share.amount, fits[1].share.whole) == ("106 mg", "324 mg")
    # a field whose lines name their forms, or products that state no compound, fit nothing
    assert fitted_lines("Therapeutic Doses", LINES, [SULFATE, FUMARATE], "iron") == []
    assert fitted_lines(FIELD, LINES, [CHELATE], "iron") == []


def test_a_share_two_forms_fit_or_two_lines_share_fits_no_line() -> None:
    gluconate = _product("p5", "Liquid iron", "This liquid gives 21 mg of elemental iron (from 105 mg ferrous "
                         "gluconate) per 5 mL.", "21 mg", "ferrous gluconate")  # 20% as well
    assert [f.form for f in fitted_lines(FIELD, LINES, [SULFATE, FUMARATE, gluconate], "iron")] == ["ferrous fumarate"]
    twice = [CHEAP, "Cheapest of all; roughly 21% elemental iron", STRONG]
    assert [f.form for f in fitted_lines(FIELD, twice, [SULFATE, FUMARATE], "iron")] == ["ferrous fumarate"]


def test_the_fit_is_said_with_the_figures_of_the_two_passages_it_cites() -> None:
    fit = fitted_lines(FIELD, LINES, [FUMARATE], "iron")[0]
    out = fit_sentence(fit, "iron", 1, 2)
    assert out == (f"The line “{STRONG}” names no form [1]; the share it states fits ferrous fumarate: "
                   "Supplement: iron 106 mg (ferrous fumarate) gives 106 mg of iron from 324 mg of ferrous fumarate [2].")
    assert "32.7" not in out  # no computed number


def _field_doc() -> Document:
    text = "Alternative forms for specific needs\n" + "\n".join(LINES)
    return Document(page_content=text, metadata={"chunk_id": "f", "title": FIELD, "text": text})


def _fits(question: str, said: str, asks_share: bool = False, of_product: bool = False) -> list[str]:
    docs = {p.id: Document(page_content=p.text, metadata={"chunk_id": p.id, "text": p.text})
            for p in (SULFATE, FUMARATE)}
    return fit_sentences(question, said, [_field_doc()], [SULFATE, FUMARATE], "iron", lambda p: docs.get(p.id),
                         CitationBook(), asks_share, {"iron", "ferrous", "fumarate", "sulfate", "form"},
                         of_product=of_product)


def test_the_fits_said_are_those_of_lines_quoted_or_asked_about_by_their_form() -> None:
    quoted = _fits("which iron has the most iron in it?", f"Special Forms: {CHEAP}; {STRONG}. [1]")
    assert len(quoted) == 2 and "fits ferrous sulfate" in quoted[0] and "fits ferrous fumarate" in quoted[1]
    # the form named, and its share asked or a word of its line said
    assert len(_fits("what percentage of ferrous fumarate is iron?", "", asks_share=True)) == 1
    assert "fits ferrous fumarate" in _fits("is ferrous fumarate more constipating?", "")[0]
    # the form named with nothing of its line asked, or a line asked about without its form: none
    assert _fits("what dose of ferrous fumarate is used?", "") == []
    assert _fits("which form is most constipating?", "") == []


def test_a_share_asked_of_a_product_by_its_name_is_said_with_the_line_its_share_fits() -> None:
    """"Iron Plus 65 says 65 mg from 325 mg, what percent is that": the line its share fits; an
    amount asked of it ("how much elemental iron is in Iron Plus 65", no share words) is not."""
    asked = "iron plus 65 says 65 mg from 325 mg, what percent is that"
    said = _fits(asked, "", asks_share=True, of_product=True)
    assert len(said) == 1 and "fits ferrous sulfate" in said[0]
    assert _fits("how much elemental iron is in Iron Plus 65?", "", asks_share=True) == []
