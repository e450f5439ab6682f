"""Research findings as study records, questions across studies, and their answers (pure: the corpus
is read and chunked here, nothing is embedded or indexed)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from langchain_core.documents import Document

from assistant.answer.citations import CitationBook
from assistant.answer.studies import (
    CUES_PATH,
    Beside,
    StudyCuesError,
    StudyQuery,
    StudyRecord,
    compose_studies,
    described_study,
    finding_lines,
    finding_written,
    parse_cues,
    parse_study_query,
    record_from_text,
    records_from,
    select_studies,
    sets_beside_reply,
    study_subject,
    unmentioned_study_query,
)
from assistant.catalog import Catalog
from assistant.chunking import chunk_corpus
from assistant.config import REPO_ROOT
from assistant.corpus import load_corpus
from assistant.doses import parse_doses, unsupported_numbers

CORPUS = load_corpus(REPO_ROOT / "corpus")
DOCS = [Document(page_content=c.embed_text, metadata={**c.metadata, "text": c.text}, id=c.id)
        for c in chunk_corpus(CORPUS)]
FINDINGS = {str(d.metadata["chunk_id"]): d for d in DOCS if d.metadata.get("kind") == "finding"}
RECORDS = records_from(DOCS, Catalog.of(CORPUS).primary_of)


def rec(supplement: str, ref: int) -> StudyRecord:
    return next(r for r in RECORDS if r.supplement == supplement and r.ref == ref)


def answer(question: str, supplement: str) -> tuple[list[str], CitationBook]:
    sq = parse_study_query(question)
    assert sq is not None, question
    book = CitationBook()
    return compose_studies(sq, RECORDS, FINDINGS, book, supplement), book


def assert_cited_and_grounded(lines: list[str], book: CitationBook) -> None:
    """Every line cites a finding, and every number of it stands in the finding it cites."""
    assert lines
    snippets: Mapping[int, str] = {c.marker: c.snippet for c in book.citations}
    for line in lines:
        markers = [int(m) for m in re.findall(r"\[(\d+)\]", line)]
        assert markers, line
        text = line.rsplit("[", 1)[0]
        assert unsupported_numbers(text, "\n".join(snippets[m] for m in markers)) == [], line
    assert all(c.section == "Research" and c.ref is not None for c in book.citations)


# --------------------------------------------------------------------------- records


def test_every_finding_of_every_monograph_is_a_record() -> None:
    findings = [b for m in CORPUS.monographs for b in m.blocks if b.kind == "finding"]
    assert len(RECORDS) == len(findings) == len(FINDINGS)
    for r in RECORDS:
        assert r.text == FINDINGS[r.chunk_id].metadata["text"]
        assert r.result in {"positive", "null", "ongoing", "mixed", "harm"}
        for d in r.doses:  # every dose is written in its finding, with a unit
            assert r.text[d.dose.start:d.dose.end].strip() == d.dose.text and d.dose.unit
            if d.dose.unit != "IU":
                assert d.micrograms == d.dose.micrograms


@pytest.mark.parametrize(("supplement", "ref", "result"), [
    ("vitamin-k2", 1, "positive"), ("vitamin-k2", 2, "null"), ("vitamin-k2", 3, "positive"),
    ("vitamin-k2", 4, "positive"), ("vitamin-k2", 5, "positive"), ("vitamin-k2", 6, "positive"),
    ("vitamin-k2", 7, "ongoing"), ("vitamin-k2", 8, "mixed"),
    ("iron", 6, "null"), ("iron", 7, "null"), ("iron", 8, "ongoing"), ("iron", 3, "positive"),
    ("omega-3-fish-oil", 3, "null"), ("omega-3-fish-oil", 4, "null"), ("omega-3-fish-oil", 5, "harm"),
    ("omega-3-fish-oil", 7, "null"), ("omega-3-fish-oil", 8, "ongoing"),
    ("vitamin-d3", 2, "null"), ("vitamin-d3", 3, "harm"), ("vitamin-d3", 4, "null"), ("vitamin-d3", 1, "positive"),
])
def test_results(supplement: str, ref: int, result: str) -> None:
    assert rec(supplement, ref).result == result


def test_k2_records_read_as_the_page_writes_them() -> None:
    r2 = rec("vitamin-k2", 2)
    assert (r2.form, r2.duration, r2.population) == ("MK-7", "Three years", "postmenopausal women with osteopenia")
    assert [(d.dose.text, d.nutrient, d.micrograms) for d in r2.doses] == [("180 μg/day", "vitamin K2", 180.0)]
    assert r2.outcome == "did not significantly affect BMD or bone microarchitecture"
    r5 = rec("vitamin-k2", 5)
    assert (r5.form, r5.doses[0].dose.text, r5.doses[0].micrograms) == ("MK-4", "45 mg/day", 45_000.0)
    assert r5.population == "postmenopausal women with osteoporosis"
    r1 = rec("vitamin-k2", 1)
    assert (r1.nutrient, r1.doses[0].micrograms, r1.doses[0].high_micrograms) == ("vitamin K1", 100.0, 200.0)
    r6 = rec("vitamin-k2", 6)
    assert (r6.doses[0].micrograms, r6.duration, r6.population) == (1500.0, "for 4 weeks",
                                                                     "healthy postmenopausal women")
    r8 = rec("vitamin-k2", 8)
    assert (r8.duration, r8.population, r8.doses[0].nutrient) == ("One-year", "CKD patients", "vitamin K2")
    assert rec("vitamin-k2", 4).doses == ()


def test_doses_belong_to_the_nutrient_written_with_them() -> None:
    d3 = rec("vitamin-d3", 1)
    assert [(d.dose.text, d.nutrient) for d in d3.doses] == [("800 IU/day", "vitamin D3"),
                                                             ("1,200 mg/day", "calcium")]
    assert d3.doses[0].micrograms == pytest.approx(20.0)  # IU through the vocabulary's factor only
    iron7 = rec("iron", 7)
    assert [(d.dose.text, d.nutrient) for d in iron7.doses] == [("200 mg", "vitamin C"), ("100 mg", "iron")]
    assert rec("omega-3-fish-oil", 4).doses[0].nutrient == "omega-3"  # "EPA+DHA (4 g/day)": a combination


def test_amounts_that_are_not_doses_given() -> None:
    ferritin = rec("iron", 5).doses[1]
    assert (ferritin.dose.text, ferritin.comparable) == ("50 μg", False)  # "below 50 μg/L"
    per_kg = rec("iron", 6).doses[0]
    assert (per_kg.per_weight, per_kg.comparable) == (True, False)  # "1 mg/kg/day"
    assert not rec("omega-3-fish-oil", 5).doses[0].comparable  # "doses above 1 g/day"
    assert not rec("vitamin-d3", 3).doses[0].daily  # a single annual dose
    assert rec("iron", 3).doses[0].daily  # "Daily iron supplementation (30–60 mg)"


def test_durations_and_populations_elsewhere() -> None:
    assert rec("iron", 2).duration == "for 60 days"
    assert rec("iron", 2).population == "adults aged 80 and older with iron-deficiency anaemia"
    assert rec("iron", 3).population == "pregnancy"  # "during pregnancy", before the outcome
    assert rec("iron", 6).duration is None  # "from 4 to 9 months of age" is an age
    assert rec("omega-3-fish-oil", 2).duration == "over a median of 4.9 years"
    assert rec("omega-3-fish-oil", 5).population is None  # "In a meta-analysis ..." is a design
    assert rec("vitamin-d3", 1).population == "elderly women living in nursing homes"


def test_durations_are_comparable_lengths() -> None:
    assert rec("vitamin-k2", 6).duration_days == (28.0, 28.0)  # "for 4 weeks"
    assert rec("vitamin-k2", 2).duration_days == (3 * 365.25, 3 * 365.25)  # "Three years"
    assert rec("vitamin-k2", 8).duration_days == (365.25, 365.25)  # "One-year"
    assert rec("omega-3-fish-oil", 3).duration_days == pytest.approx((5.3 * 365.25, 5.3 * 365.25))
    assert rec("omega-3-fish-oil", 7).duration_days == pytest.approx((12 * 30.4375, 12 * 30.4375))
    assert rec("vitamin-d3", 3).duration_days == (3 * 365.25, 5 * 365.25)  # "for 3 to 5 years"
    assert rec("iron", 6).duration_days is None and rec("vitamin-k2", 5).duration_days is None


def test_records_skip_other_chunks_and_keep_the_chunk_id() -> None:
    r = records_from([Document(page_content="x", metadata={"kind": "note", "text": "x"})])
    assert r == []
    r = records_from([Document(page_content="e", id="abc", metadata={
        "kind": "finding", "ref": 3, "supplement": "s", "text": "Zinc (25 mg/day) did not reduce colds."})])
    assert (r[0].chunk_id, r[0].ref, r[0].result, r[0].doses[0].nutrient) == ("abc", 3, "null", "zinc")


def test_a_finding_that_names_a_form_the_nutrient_reader_stumbles_on_still_reads() -> None:
    r = record_from_text("MK7 (90 mcg/day) for 12 weeks improved arterial stiffness in adults.", "k", 1, "c",
                         primary="vitamin K2")
    assert r.doses[0].micrograms == 90.0 and r.form == "MK-7" and r.result == "positive"


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(("question", "expected"), [
    ("what was the biggest dose used in any study?", StudyQuery(direction="max")),
    ("lowest dose tested in the trials", StudyQuery(direction="min")),
    ("whats the highest daily dose in the research", StudyQuery(direction="max", daily=True)),
    ("which studies used MK-4", StudyQuery(forms=("MK-4",))),
    ("which trials used mk7?", StudyQuery(forms=("MK-7",))),
    ("which trials showed no benefit?", StudyQuery(results=("null",))),
    ("which studies found nothing", StudyQuery(results=("null",))),
    ("which of the trials were null?", StudyQuery(results=("null",))),
    ("which studies are ongoing?", StudyQuery(results=("ongoing",))),
    ("any trials still running?", StudyQuery(results=("ongoing",))),
    # whether one exists, asked of one study, is asked of them all
    ("is there an ongoing study?", StudyQuery(results=("ongoing",))),
    ("theres an ongoing trial on the page, what's it testing", StudyQuery(results=("ongoing",))),
    ("which studies used mg doses", StudyQuery(unit="mg")),
    ("what is reference [5]", StudyQuery(ref=5)),
    ("whats reference 8 about", StudyQuery(ref=8)),
    ("tell me about finding 3", StudyQuery(ref=3)),
    ("what did study 2 find?", StudyQuery(ref=2)),
    ("what did the 3rd trial show", StudyQuery(ref=3)),
    ("tell me about the second study", StudyQuery(ref=2)),
    ("what was the fifth finding about?", StudyQuery(ref=5)),
    ("which trial lasted the longest?", StudyQuery(length="max")),
    ("what was the shortest study", StudyQuery(length="min")),
    ("which studies didn't work?", StudyQuery(results=("null",))),
    ("which of the trials made no difference", StudyQuery(results=("null",))),
    ("which trials used doses in mg and not mcg", StudyQuery(unit="mg")),
    ("which studies used microgram doses rather than milligrams?", StudyQuery(unit="µg")),
])
def test_parse_study_query(question: str, expected: StudyQuery) -> None:
    assert parse_study_query(question) == expected


@pytest.mark.parametrize("question", [
    "studies in women", "which studies were in children?", "was it ever tested in pregnancy?",
])
def test_population_questions(question: str) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.population and sq.direction is None


def test_excluded_and_named_nutrients() -> None:
    sq = parse_study_query("not counting the k1 ones, whats the smallest k2 dose used in any of the studies")
    assert sq is not None
    assert (sq.direction, sq.nutrients, sq.excluded) == ("min", ("vitamin K2",), ("vitamin K1",))


@pytest.mark.parametrize("question", [
    "How much MK-7 did the bone density trial use?",
    "How long did the study last?",
    "What dose of MK-4 was used in women with osteoporosis?",
    "What does the research say about K2 and bone density?",
    "What's the highest dose I can take?",
    "Did vitamin D3 prevent type 2 diabetes?",
    "Which product has the most K2?",
    "a 5 year study",
    "Is this the first time a trial tested it?",
    "how long was the 12 week study?",
])
def test_questions_about_one_study_or_none_are_not_parsed(question: str) -> None:
    sq = parse_study_query(question)  # or, a detail the finding states, not answered from the records
    assert sq is None or (sq.detail is not None
                          and not any(select_studies(sq, RECORDS, s).answered for s in {r.supplement for r in RECORDS}))


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize(("question", "supplement", "refs", "duration"), [
    ("which study was the shortest?", "vitamin-k2", [6], "for 4 weeks"),
    ("which trial ran the longest", "vitamin-k2", [2, 3], "Three years"),  # "Three years" = "over 3 years"
    ("what was the longest running study", "omega-3-fish-oil", [3], "over a median of 5.3 years"),
    ("which study was the shortest?", "omega-3-fish-oil", [1, 6], "for 12 weeks"),
    ("which trial lasted the longest?", "vitamin-d3", [2], "for a median of 5.3 years"),  # > "3 to 5 years"
    ("which trial was the shortest?", "vitamin-d3", [1], "for 18 months"),
    ("which of the null trials was the shortest?", "vitamin-d3", [4], "over a median of 2.5 years"),
])
def test_the_longest_and_shortest_study(question: str, supplement: str, refs: list[int], duration: str) -> None:
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == refs
    assert duration in lines[0]
    assert_cited_and_grounded(lines, book)


def test_a_length_question_with_a_filter_nothing_passes_is_not_answered() -> None:
    sq = parse_study_query("which of the ongoing trials ran the longest?")
    assert sq is not None and sq.length == "max"
    assert not select_studies(sq, RECORDS, "vitamin-d3").answered


def test_a_general_name_stands_for_the_monographs_own_nutrient() -> None:
    lines, book = answer("which vitamin d trial used the largest dose?", "vitamin-d3")
    assert "500,000 IU" in lines[0] and [c.ref for c in book.citations] == [3]
    lines, book = answer("which vitamin d trial had the smallest daily dose", "vitamin-d3")
    assert "800 IU/day" in lines[0] and [c.ref for c in book.citations] == [1]


def test_an_ordinal_is_the_reference_number() -> None:
    lines, book = answer("what did the 4th study find", "vitamin-d3")
    assert [c.ref for c in book.citations] == [4] and "diabetes" in lines[0]


def test_smallest_k2_dose_leaving_out_k1() -> None:
    lines, book = answer("not counting the k1 ones, whats the smallest k2 dose used in any of the studies",
                         "vitamin-k2")
    assert "180 μg/day" in lines[0] and [c.ref for c in book.citations] == [2]
    assert_cited_and_grounded(lines, book)


def test_biggest_dose_compares_across_units() -> None:
    lines, book = answer("biggest daily dose anyone got in any of these studies, in micrograms please",
                         "vitamin-k2")
    assert "45 mg/day" in lines[0] and "MK-4" in lines[0] and [c.ref for c in book.citations] == [5]
    assert_cited_and_grounded(lines, book)
    lines, book = answer("what was the smallest dose in any study", "vitamin-k2")  # the monograph's own
    assert "180 μg/day" in lines[0] and [c.ref for c in book.citations] == [2]
    lines, book = answer("smallest vitamin K1 dose in the studies", "vitamin-k2")  # 100–200 μg < 1 mg
    assert "100–200 μg/day" in lines[0] and [c.ref for c in book.citations] == [1]


def test_iu_compares_through_the_vocabulary_factor_and_daily_leaves_out_single_doses() -> None:
    lines, book = answer("highest dose in any study", "vitamin-d3")
    assert "500,000 IU" in lines[0] and [c.ref for c in book.citations] == [3]
    lines, book = answer("highest daily dose in any study", "vitamin-d3")
    assert "4,000 IU/day" in lines[0] and [c.ref for c in book.citations] == [4]  # calcium's mg not counted
    assert_cited_and_grounded(lines, book)


def test_highest_daily_iron_dose() -> None:
    lines, book = answer("What was the highest daily iron dose in the research?", "iron")
    assert "150 mg/day" in lines[0] and [c.ref for c in book.citations] == [2]  # vitamin C's 200 mg is not iron
    assert_cited_and_grounded(lines, book)


@pytest.mark.parametrize(("question", "supplement", "refs"), [
    ("which trials showed no benefit?", "vitamin-k2", [2, 8]),
    ("Which studies found no benefit from omega-3 supplements?", "omega-3-fish-oil", [3, 4, 7, 5]),
    ("which studies used MK-4", "vitamin-k2", [5, 6]),
    ("which studies used vitamin K1?", "vitamin-k2", [1, 3]),
    ("which studies are ongoing?", "vitamin-k2", [7]),
    ("which trials are ongoing", "iron", [8]),
    ("which studies used mg doses", "vitamin-k2", [3, 5, 6]),
    ("which studies were in women who already had weak bones, osteopenia or osteoporosis", "vitamin-k2", [2, 5]),
    ("was k2 ever tested in healthy people or only in people who were already sick", "vitamin-k2", [6]),
    ("Was iron studied in pregnant women?", "iron", [3, 4]),
    ("were there studies in children?", "iron", [6]),
    ("Was there a study in generally healthy older adults? What dose and what result?", "omega-3-fish-oil", [3]),
    ("which studies looked at the heart or blood vessels instead of bones", "vitamin-k2", [7, 8]),
    ("What is reference [5]?", "iron", [5]),
    ("which of these studies found it did not help", "iron", [6, 7]),
    ("which trials used doses in micrograms rather than milligrams?", "vitamin-k2", [1, 2, 7, 8]),
    ("any of the research done in people with kidney problems?", "vitamin-k2", [8]),
    ("was it ever tested on people with kidney disease", "vitamin-k2", [8]),
    ("which studies were done on infants", "iron", [6]),
    ("whats reference 8 about", "vitamin-k2", [8]),
    ("was there anything like that for vitamin d and blood sugar?", "vitamin-d3", [4]),
])
def test_lists_cite_each_finding_they_state(question: str, supplement: str, refs: list[int]) -> None:
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == refs
    assert all(c.supplement == supplement for c in book.citations)
    assert_cited_and_grounded(lines, book)
    for c in book.citations:  # each finding is stated verbatim
        assert c.snippet in " ".join(lines)


def test_a_filter_with_no_finding_says_so_and_a_population_no_finding_names_lists_whom_they_were_in() -> None:
    lines, book = answer("which trials are ongoing", "vitamin-d3")
    assert len(lines) == 1 and not book.citations and "ongoing" in lines[0]
    for question in ("were there studies in pregnancy?", "were there any studies in pregnant women?",
                     "studies in men"):  # K2 has women's studies, but none in pregnancy, none in men
        sq = parse_study_query(question)
        assert sq is not None
        assert select_studies(sq, RECORDS, "vitamin-k2").answered
        book = CitationBook()
        lines = compose_studies(sq, RECORDS, FINDINGS, book, "vitamin-k2")
        assert len(lines) == 2 and lines[0].startswith("None of") and "postmenopausal women" in lines[1]
        assert book.citations and all(c.snippet for c in book.citations)
    sq = parse_study_query("were there any studies in postmenopausal women?")  # a population named
    assert sq is not None and select_studies(sq, RECORDS, "vitamin-k2").records


def test_a_reference_the_monograph_lacks_and_another_supplement_are_not_answered() -> None:
    assert compose_studies(StudyQuery(ref=9), RECORDS, FINDINGS, CitationBook(), "vitamin-d3") == []
    assert compose_studies(StudyQuery(ref=2), RECORDS, FINDINGS, CitationBook(), "no-such") == []


# --------------------------------------------------------------------------- the cues file


def test_the_cues_file_names_no_supplement_form_or_medicine() -> None:
    from assistant.domain.vocabulary import vocabulary

    text = CUES_PATH.read_text(encoding="utf-8").casefold()
    names = {t.casefold() for t in vocabulary().terms() if len(t) > 3}
    names |= {n.name.casefold() for n in vocabulary().nutrients if len(n.name) > 3}
    assert [n for n in names if n in text] == []


def test_a_bad_cues_file_names_its_line(tmp_path: Path) -> None:
    good = CUES_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "cues.yaml"
    bad.write_text(good.replace("  max: [highest,", "  max: ['(unclosed',"), encoding="utf-8")
    with pytest.raises(StudyCuesError) as err:
        parse_cues(bad)
    line = next(i for i, s in enumerate(good.splitlines(), 1) if s.startswith("  max: [highest,"))
    assert f"cues.yaml:{line}:" in str(err.value)
    bad.write_text("finding: [1\n", encoding="utf-8")
    with pytest.raises(StudyCuesError, match=r"cues\.yaml:\d+: broken YAML"):
        parse_cues(bad)


@pytest.mark.parametrize(("question", "supplement", "ref", "gap"), [
    ("does it say how long the coronary calcification study is", "vitamin-k2", 7, "its duration"),
    ("how many people were in the 720 mcg heart trial", "vitamin-k2", 7, "how many it included"),
    ("what ages were the women in the mk7 osteopenia study", "vitamin-k2", 2, "the ages"),
    ("that iron trial in women after giving birth, how long does it go for", "iron", 8, "its duration"),
    ("in the 2000 iu vitamin d study did they give calcium with it too", "vitamin-d3", 2,
     "that calcium was given"),
    ("tell me about the high dose mk4 study how long did they run that one for?", "vitamin-k2", 5,
     "its duration"),
    ("the nursing home study with 800 iu, were the women deficient to begin with?", "vitamin-d3", 1,
     "what their status was at the start"),
    ("in the pregnancy trial of bisglycinate against sulfate, how far along were the women?", "iron", 4,
     "how far along they were"),
])
def test_one_study_detail_the_finding_does_not_state(question: str, supplement: str, ref: int,
                                                     gap: str) -> None:
    lines, book = answer(question, supplement)
    assert_cited_and_grounded(lines[:1], book)
    assert [c.ref for c in book.citations] == [ref]
    assert lines[-1].startswith("The finding does not state " + gap)


def test_one_study_details_asked_together_are_each_said_unstated() -> None:
    # a detail's words that describe the study ("the randomised trial") ask nothing of it
    lines, _ = answer("in the dry eye randomised trial, how many people took part?", "omega-3-fish-oil")
    assert lines[-1] == "The finding does not state how many it included."
    # a detail stated is not said unstated: the form of the nutrient named is its finding's own
    lines, _ = answer("what form of vitamin d and how many people in the diabetes prevention study?", "vitamin-d3")
    assert lines[-1] == "The finding does not state how many it included."
    lines, book = answer("How many women were in the iron and fatigue study, and what form of iron was it?", "iron")
    assert [c.ref for c in book.citations] == [5]
    assert lines[-1] == "The finding does not state how many it included or which form of iron it used."
    # a choice of forms beside another detail: the choices are no filter of the study described
    lines, book = answer("In the K2 study in kidney patients, was it MK-4 or MK-7 and how many people were in it?",
                         "vitamin-k2")
    assert [c.ref for c in book.citations] == [8]
    assert lines[-1] == "The finding does not state how many it included or which form it used."


@pytest.mark.parametrize("question", [
    "how long did they run that one for?",                         # names no study: the follow-up's
    "in the vitamin D hip fracture study, how much calcium did they get with it?",  # stated: not this
])
def test_one_study_detail_stated_or_undescribed_is_not_answered_here(question: str) -> None:
    sq = parse_study_query(question)
    assert sq is None or not any(select_studies(sq, RECORDS, s).answered for s in {r.supplement for r in RECORDS})


def test_a_negated_population_and_a_nutrient_left_out() -> None:
    lines, _ = answer("was k2 ever tested in women who dont have osteoporosis", "vitamin-k2")
    assert "with osteoporosis" not in " ".join(lines) and "osteopenia" in lines[0]
    lines, _ = answer("does k2 do anything for the osteocalcin marker without vitamin d", "vitamin-k2")
    text = " ".join(lines)
    assert "MK-4" in text and "mineral and vitamin D" not in text


# --------------------------------------------------------------------------- exclusions, durations,
# comparisons, kinds of result, co-treatments and one study's design, outcome, dose and form


def small(*texts: str, primary: str = "vitamin K2") -> list[StudyRecord]:
    """Records of small findings (one monograph "s", numbered from 1)."""
    return [record_from_text(t, "s", i, f"c{i}", primary=primary) for i, t in enumerate(texts, 1)]


def picked(question: str, records: list[StudyRecord]) -> list[int | None]:
    sq = parse_study_query(question)
    assert sq is not None, question
    sel = select_studies(sq, records)
    assert sel.answered, question
    return [r.ref for r in sel.records]


@pytest.mark.parametrize(("question", "excluded"), [
    ("of the k2 studies (not k1), whats the lowest daily dose anybody used", ("vitamin K1",)),
    ("lowest k2 dose in the studies, not the k1 ones", ("vitamin K1",)),
    ("whats the smallest dose in any study other than mk7", ("MK-7",)),
    ("highest dose in the trials except mk4", ("MK-4",)),
])
def test_a_name_right_after_not_is_left_out(question: str, excluded: tuple[str, ...]) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.excluded == excluded and not set(excluded) & set(sq.nutrients)


def test_not_before_a_topic_leaves_out_no_topic() -> None:
    sq = parse_study_query("which studies did not reduce fractures")
    assert sq is not None and sq.topics == ("bones",) and sq.not_topics == ()
    assert sq.results == ("null",)  # "did not reduce <outcome>": the findings that report no effect
    sq = parse_study_query("which studies did not increase bleeding?")  # a harm not found: no null ask
    assert sq is None or "null" not in sq.results


def test_the_lowest_dose_leaves_out_the_form_or_nutrient_after_not() -> None:
    lines, book = answer("of the k2 studies (not k1), whats the lowest daily dose anybody used", "vitamin-k2")
    assert "180 μg/day" in lines[0] and [c.ref for c in book.citations] == [2]
    assert_cited_and_grounded(lines, book)
    lines, book = answer("whats the smallest dose in any study other than mk7", "vitamin-k2")
    assert "400 μg/day" in lines[0] and [c.ref for c in book.citations] == [8]


@pytest.mark.parametrize(("question", "days", "bound"), [
    ("list all the studies that ran for 3 years", 3 * 365.25, "exact"),
    ("which trials lasted 36 months", 36 * 30.4375, "exact"),
    ("any 3-year studies?", 3 * 365.25, "exact"),
    ("which studies ran for at least 1 year", 365.25, "at_least"),
    ("which trials lasted less than 6 months", 6 * 30.4375, "below"),  # less than: not 6 months itself
    ("which trials lasted at most 6 months", 6 * 30.4375, "at_most"),
    ("which iron trial was longer than 8 weeks?", 56, "above"),  # the bound after "was"
    ("were any fish oil trials over 2 years long?", 2 * 365.25, "above"),  # "over": a bound, no lead
    ("which trials ran for over a year?", 365.25, "above"),
    ("any k2 trials under a year?", 365.25, "below"),
])
def test_a_stated_duration_is_a_filter(question: str, days: float, bound: str) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.ran_days == pytest.approx((days, days)) and sq.ran_bound == bound


@pytest.mark.parametrize(("question", "days", "nutrients"), [
    ("what did the 4 week k2 study find?", 28, ("vitamin K2",)),  # a name between the length and "study"
    ("what did the 3-year trial show?", 3 * 365.25, ()),
])
def test_a_study_told_by_its_length(question: str, days: float, nutrients: tuple[str, ...]) -> None:
    from assistant.answer.studies import described_study_query
    sq = described_study_query(question)
    assert sq is not None and sq.ran_days == pytest.approx((days, days)) and sq.nutrients == nutrients
    assert described_study_query("i took it for 3 years, what did the study find?") is None  # not the study's


def test_a_study_told_by_the_ages_of_its_people() -> None:
    from assistant.answer.studies import described_study_query
    sq = described_study_query("what did the study in people over 80 with anaemia find?")
    assert sq is not None and sq.ages == (80.0, math.inf) and sq.ran_days is None and "anaemia" in sq.population
    assert described_study_query("i'm over 80, what did the study find?") is None  # the asker's age, no study's
    # an age after what is asked of the study is not whom it was in; nor are the words asked of it
    assert described_study_query("what did the study in women find for my mother, who is over 80") is None
    sq = described_study_query("what did the study in adults over 80 find about side effects")
    assert sq is not None and sq.ages == (80.0, math.inf) and sq.population == ()


def test_people_that_old_are_of_the_age_said_before() -> None:
    sq = parse_study_query("my gran is 88 and low in iron. was iron ever studied in people that old?")
    assert sq is not None and sq.ages == (88.0, 88.999) and "old" not in sq.population
    sq = parse_study_query("i'm 63 - was any research done in people my age?")
    assert sq is not None and sq.ages == (63.0, 63.999)
    sq = parse_study_query("i take 25 mg. was it studied in people that old?")  # an amount is no age
    assert sq is None or sq.ages is None
    # said at a sentence's end; the last age said before the pointer; a reading is no age
    sq = parse_study_query("my mum is 85, was iron studied in people that old?")
    assert sq is not None and sq.ages == (85.0, 85.999)
    sq = parse_study_query("i'm 30 and my mum is 85. any iron studies in people her age?")
    assert sq is not None and sq.ages == (85.0, 85.999)
    sq = parse_study_query("my level is 30 nmol/l. any studies in people that old?")
    assert sq is None or sq.ages is None


@pytest.mark.parametrize("question", [
    "what did the 1 g a day fish oil study find?", "and the study with 1 gram a day?",
    "what were the results of the 400 mcg study?",
])
def test_a_study_told_by_the_one_dose_it_gave(question: str) -> None:
    from assistant.answer.studies import described_study_query
    sq = described_study_query(question)
    assert sq is not None and len(sq.given) == 1 and sq.ran_days is None


@pytest.mark.parametrize("question", [
    "how did they measure stiffness in the ckd study w/ 400 mcg k2?",  # asks a detail of it
    "is the 45 mcg product the same amount as the 45 mg they used in the study?",  # compares two doses
    "what did the study find? i take 1 g a day",  # the asker's dose names no study
    "is the 4 g a day fish oil study dangerous?",  # a question of risk, not of what it found
])
def test_a_dose_beside_other_asks_describes_no_study(question: str) -> None:
    from assistant.answer.studies import described_study_query
    assert described_study_query(question) is None


def test_a_length_asked_about_is_that_long_give_or_take_a_little() -> None:
    sq = parse_study_query("which trials lasted about a month?")
    assert sq is not None and sq.ran_bound == "exact"
    assert sq.ran_days == pytest.approx((30.4375 * 0.85, 30.4375 * 1.15))
    sq = parse_study_query("which study lasted about 4 years?")   # 3 years is not about 4
    assert sq is not None and sq.ran_days is not None and sq.ran_days[0] > 3 * 365.25
    sq = parse_study_query("was there a study that ran only 18 months?")   # "only": that long exactly
    assert sq is not None and sq.ran_days == pytest.approx((18 * 30.4375, 18 * 30.4375))


@pytest.mark.parametrize(("question", "supplement", "refs"), [
    ("list all the studies that ran for 3 years", "vitamin-k2", [2, 3]),  # "Three years", "over 3 years"
    ("which trials lasted 36 months", "vitamin-k2", [2, 3]),               # compared in days
    ("which studies lasted at least 1 year", "vitamin-k2", [2, 3, 8]),
    ("which trials lasted less than 6 months", "vitamin-k2", [6]),
    ("which studies ran for 4 years", "vitamin-d3", [3]),                  # "for 3 to 5 years"
    ("which k2 study ran for roughly a month?", "vitamin-k2", [6]),         # "about": 4 weeks too
    ("did any of the d3 trials go on for more than 5 years?", "vitamin-d3", [2]),  # "3 to 5 years" is not
    ("which k2 studies ran for 3 years or longer", "vitamin-k2", [2, 3]),  # "or longer": 3 years too
])
def test_findings_that_ran_as_long_as_asked(question: str, supplement: str, refs: list[int]) -> None:
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == refs
    assert_cited_and_grounded(lines, book)  # the lead repeats no number of the question


def test_no_finding_ran_that_long_says_so_of_those_that_say() -> None:
    lines, book = answer("which studies lasted 2 years", "iron")
    assert not book.citations and lines == [
        "None of the monograph's research findings say they ran for the length of time asked about."]
    lines, book = answer("did any k2 trial run for longer than 3 years?", "vitamin-k2")  # 3 years is not
    assert lines[0].startswith("None of the monograph's research findings")  # (then the longest, below)


@pytest.mark.parametrize("question", [
    "compare the two mk4 doses 45 vs 1.5, did both bring down ucoc",
    "45 mg versus 1.5 mg of mk4: did both lower undercarboxylated osteocalcin?",
    "what's the difference between the 1.5 and the 45 mk4 trials",
])
def test_two_doses_compared_state_both_findings(question: str) -> None:
    lines, book = answer(question, "vitamin-k2")
    assert sorted(c.ref for c in book.citations if c.ref is not None) == [5, 6]
    assert_cited_and_grounded(lines, book)


def test_a_compared_dose_no_finding_gives_is_not_answered() -> None:
    sq = parse_study_query("compare the 45 mg and 10 mg mk4 studies")
    assert sq is not None and sq.compared
    assert not select_studies(sq, RECORDS, "vitamin-k2").answered
    records = small("Zinc (25 mg/day) for 4 weeks did not shorten colds in adults.",
                    "Zinc (75 mg/day) shortened colds in adults.", primary="zinc")
    assert picked("compare 25 vs 75, did both shorten colds", records) == [1, 2]
    assert picked("the 75 against the 25 one, which worked?", records) == [2, 1]


@pytest.mark.parametrize(("question", "results"), [
    ("which of the studies already has a result and which is still going", ("finished", "ongoing")),
    ("which trials are still running and which have results", ("ongoing", "finished")),
    ("which studies worked and which failed", ("positive", "null")),
    ("which trials are not finished yet", ("ongoing",)),    # "finished" inside "not finished"
    ("which studies found no benefit", ("null",)),          # "benefit" inside "no benefit"
    ("which studies have results", ("finished",)),
])
def test_kinds_of_result_asked(question: str, results: tuple[str, ...]) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.results == results


def test_two_kinds_of_result_each_said_as_which() -> None:
    lines, book = answer("for the heart/blood vessel k2 studies, which one already has a result and which "
                         "one is still going", "vitamin-k2")
    assert [c.ref for c in book.citations] == [8, 7]
    assert lines[0].startswith("Research findings on heart and blood vessels and that report a result: ")
    assert lines[1].startswith("Research findings on heart and blood vessels and that are ongoing")
    assert_cited_and_grounded(lines, book)
    lines, book = answer("which trials are still running and which have results", "vitamin-d3")
    assert lines[0] == "None of the monograph's research findings are ongoing (no results yet)."
    assert [c.ref for c in book.citations] == [1, 2, 3, 4]


def test_a_vitamin_named_by_its_letter_after_another_is_named() -> None:
    r = small("Combination of vitamin K and D increased BMD in a meta-analysis.",
              "Vitamins C and E with zinc did not slow it in adults.", "Vitamin K and a placebo did not help.")
    assert "vitamin D" in r[0].nutrients and "vitamin E" in r[1].nutrients
    assert r[2].nutrients == ("vitamin K",)  # the article "a" is no vitamin


def test_studies_that_gave_it_together_with_another_nutrient() -> None:
    lines, book = answer("which studies gave k together with vitamin d", "vitamin-k2")
    assert [c.ref for c in book.citations] == [3, 4, 7]  # "vitamin D", "K and D", "D3": a general name
    assert_cited_and_grounded(lines, book)


@pytest.mark.parametrize(("question", "subject"), [
    ("which studies gave k together with vitamin d", "which studies gave k together with"),
    ("which studies gave it combined with vitamin d3?", "which studies gave it combined with"),
    ("what dose of vitamin d did they use in the k and d meta analysis",
     "did they use in the k and d meta analysis"),
    # names left out or ruled out are no subject either
    ("without calcium or vitamin d does k2 do anything for bone density",
     "without does k2 do anything for bone density"),
    ("which k2 studies were not with vitamin d", "which k2 studies were not"),
    ("which vitamin d studies were ongoing", "which vitamin d studies were ongoing"),
    # a name after a ruled-out span's sentence is not ruled out; one given "tested with" it is
    ("not on warfarin. what k2 dose is being tested with d3", "not on warfarin. what k2 dose is being tested with"),
    ("is there a product with k2 plus vitamin d3", "is there a product with k2 plus vitamin d3"),  # no study
])
def test_the_study_subject_leaves_out_names_given_with_it_or_asked_of(question: str, subject: str) -> None:
    assert study_subject(question) == subject


@pytest.mark.parametrize(("question", "supplement", "ref", "gap"), [
    ("was the 1.5 mg mk4 study placebo controlled or not", "vitamin-k2", 6, "whether it was placebo-controlled"),
    ("was the mk7 osteopenia trial double blind?", "vitamin-k2", 2, "whether it was blinded"),
    ("was the 18 month hip fracture study randomized", "vitamin-d3", 1, "whether it was randomized"),
    ("what dose of vitamin d did they use in the k and d meta analysis", "vitamin-k2", 4,
     "the dose of vitamin D"),
    ("how much vitamin d3 was given in the 720 mcg trial", "vitamin-k2", 7, "the dose of vitamin D3"),
    ("what kind of k2 was in the 400 mcg kidney study, mk4 or mk7?", "vitamin-k2", 8,
     "which form of vitamin K2 it used"),
    # "which" here asks the form, no list of findings
    ("which type of k2 did they give in the 400 mcg kidney trial?", "vitamin-k2", 8,
     "which form of vitamin K2 it used"),
    # what it was set against, asked in the user's words; when a running trial is due to end
    ("the 400 mcg kidney study - what did they compare it to?", "vitamin-k2", 8, "what it was compared with"),
    ("what was the placebo in the 1.5 mg mk4 study", "vitamin-k2", 6, "whether it was placebo-controlled"),
    ("the 720 mcg k2 trial, when is it supposed to finish?", "vitamin-k2", 7, "when it is due to end"),
])
def test_a_design_dose_or_form_the_finding_does_not_state(question: str, supplement: str, ref: int,
                                                          gap: str) -> None:
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == [ref]
    assert lines[-1] == f"The finding does not state {gap}."
    assert_cited_and_grounded(lines[:1], book)


@pytest.mark.parametrize(("question", "supplement", "ref"), [
    ("was the meta-analysis of k and d randomized?", "vitamin-k2", 4),           # "of RCTs"
    ("did the dry eye trial have a placebo group", "omega-3-fish-oil", 7),      # "olive oil placebo"
    ("the japanese high dose mk4 study, what did it actually measure", "vitamin-k2", 5),
    ("what kind of k2 was used in the 180 mcg study", "vitamin-k2", 2),          # "MK-7"
    ("the 3 year mk7 trial, when is it supposed to finish?", "vitamin-k2", 2),  # a result: it has ended
    ("the carboxylic acid trial - what did they compare it to?", "omega-3-fish-oil", 4),  # "compared with"
])
def test_a_stated_design_outcome_or_form_is_answered_by_the_finding(question: str, supplement: str,
                                                                    ref: int) -> None:
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == [ref] and len(lines) == 1
    assert lines[0].startswith("The research finding on the study asked about: ")


@pytest.mark.parametrize("question", [
    "what dose of k2 was used in the kidney study",     # stated: the passages answer it
    "what dose of vitamin d should I take",            # names no study
    "what was the highest dose of k2 in the studies",  # across the studies
])
def test_a_dose_asked_is_a_gap_only_of_a_study_that_states_none(question: str) -> None:
    sq = parse_study_query(question)
    assert sq is None or sq.detail != "dose" or not select_studies(sq, RECORDS, "vitamin-k2").answered


# --------------------------------------------------------------------------- both ends, doses asked, ages, choices


@pytest.mark.parametrize(("question", "supplement", "leads", "refs"), [
    ("out of the vitamin d trials which one went on the longest and which was the shortest", "vitamin-d3",
     ["the longest ran for a median of 5.3 years", "the shortest ran for 18 months"], [2, 1]),
    ("which trial was the shortest and which the longest", "vitamin-d3",
     ["the shortest ran for 18 months", "the longest ran for a median of 5.3 years"], [1, 2]),
    ("what were the highest and the lowest doses in the studies", "vitamin-k2",
     ["The highest vitamin K2 dose", "The lowest vitamin K2 dose"], None),
])
def test_both_superlatives_are_answered_each_with_its_own_lead(question: str, supplement: str,
                                                              leads: list[str], refs: list[int] | None) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.then is not None
    lines, book = answer(question, supplement)
    firsts = [line for line in lines if not line.startswith(("As long", "The same dose"))]
    assert len(firsts) == 2 and all(lead in line for lead, line in zip(leads, firsts, strict=True))
    if refs is not None:
        assert [c.ref for c in book.citations] == refs
    assert_cited_and_grounded(lines, book)


@pytest.mark.parametrize("question", [
    "which studies used at least 1000 IU",            # a bound, not the smallest dose
    "what was the longest study that ran at least 2 years",
])
def test_a_bound_is_no_superlative(question: str) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.then is None and sq.direction is None


@pytest.mark.parametrize(("question", "approximate"), [
    ("did fish oil at around 3 grams a day actually help with anything", True),
    ("did 3-ish grams of fish oil help with anything", True),
    ("did fish oil at 3 grams or so a day do anything for joints", True),
    ("which studies used 3 g/day", False),
])
def test_a_dose_asked_picks_the_findings_that_gave_that_amount(question: str, approximate: bool) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.given == ((3_000_000.0, 3.0, "g"),) and sq.approximate is approximate
    lines, book = answer(question, "omega-3-fish-oil")
    refs = [c.ref for c in book.citations]
    assert lines[0].startswith("Research findings that gave the dose asked about")
    assert refs == ([6] if "joints" in question else [6, 7])  # "about 3 g/day", "3 g/day"
    assert_cited_and_grounded(lines, book)


def test_a_dose_no_finding_gives_or_after_a_threshold_is_no_answer() -> None:
    sq = parse_study_query("did fish oil at 7 grams a day help with anything")
    assert sq is not None and not select_studies(sq, RECORDS, "omega-3-fish-oil").answered
    sq = parse_study_query("which studies used more than 1 g/day")
    assert sq is None or sq.given == ()
    assert parse_study_query("did it help with anything at around 3 grams a day in people over 80") is not None


def test_doses_written_as_parts_of_one_amount_count_as_their_total() -> None:
    r = record_from_text("Supplementation (2 g EPA plus 1 g DHA daily) for 12 months did not improve dry eye "
                         "symptoms in adults.", "omega-3-fish-oil", 9, "c9", primary="omega-3")
    apart = record_from_text("Supplementation (2 g EPA, or 1 g DHA) for 12 months did not improve dry eye "
                             "symptoms in adults.", "omega-3-fish-oil", 10, "c10", primary="omega-3")
    sq = parse_study_query("did fish oil at about 3 g a day help with anything")
    assert sq is not None
    assert select_studies(sq, [r, apart]).records == [r]


def test_an_age_is_not_a_dose_and_picks_the_study_of_that_population() -> None:
    sq = parse_study_query("and the one in people over 80 who were anemic, how much did they give them")
    assert sq is not None and sq.detail == "given_dose" and sq.doses == () and sq.ages == (80.0, math.inf)
    lines, book = answer("and the one in people over 80 who were anemic, how much did they give them", "iron")
    assert [c.ref for c in book.citations] == [2] and "15 mg/day" in lines[0]  # "aged 80 and older"
    lines, book = answer("the trial in people 50 and older, how much did they give", "omega-3-fish-oil")
    assert [c.ref for c in book.citations] == [3]  # "men aged 50 and older and women aged 55 and older"


@pytest.mark.parametrize(("question", "ages"), [
    ("the study in people over 80", (80.0, math.inf)), ("the one in adults aged 50–60", (50.0, 60.0)),
    ("the trial of people 65 and older", (65.0, math.inf)), ("the one in people in their 70s", (70.0, 79.999)),
    ("the study in kids under 12", (0.0, 12.0)),
])
def test_ages_asked(question: str, ages: tuple[float, float]) -> None:
    sq = parse_study_query(question + ", how much did they give them")
    assert sq is not None and sq.ages == ages and sq.doses == ()


def test_words_match_across_spellings_and_endings() -> None:
    anaemia = record_from_text("Iron (60 mg/day) for 8 weeks raised hemoglobin in adults with anaemia.",
                               "iron", 1, "c1", primary="iron")
    healthy = record_from_text("Iron (30 mg/day) for 8 weeks raised ferritin in healthy adults.",
                               "iron", 2, "c2", primary="iron")
    sq = parse_study_query("in the anemic adults study, how much did they give them")
    assert sq is not None and sq.words == ("anemic",)
    assert select_studies(sq, [anaemia, healthy]).records == [anaemia]  # "anemic": "anaemia"


def test_a_dose_asked_without_a_name_is_answered_by_the_finding_described() -> None:
    lines, book = answer("what dose did they use in the osteoporosis study?", "vitamin-k2")
    assert [c.ref for c in book.citations] == [5] and len(lines) == 1 and "45 mg/day" in lines[0]


@pytest.mark.parametrize(("question", "supplement", "ref", "choices"), [
    ("in the dry eye fish oil study was it the ethyl ester kind or triglyceride", "omega-3-fish-oil", 7,
     ("ethyl ester", "triglyceride")),
    ("was the rheumatoid arthritis study triglyceride or ethyl ester form?", "omega-3-fish-oil", 6, None),
    ("what form was used in the dry eye study, ethyl esters or triglycerides?", "omega-3-fish-oil", 7, None),
    ("was it ferrous sulfate or bisglycinate in the fatigue study", "iron", 5,
     ("ferrous sulfate", "ferrous bisglycinate")),
    # forms the vocabulary writes otherwise ("mk-7" as "mk7"), asked after the study is told of
    ("the CKD study with 400 mcg K2, was that mk-7 or mk-4?", "vitamin-k2", 8, ("MK-7", "MK-4")),
])
def test_a_choice_of_forms_the_finding_does_not_state(question: str, supplement: str, ref: int,
                                                      choices: tuple[str, ...] | None) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.detail == "form_choice" and sq.forms == ()
    if choices is not None:
        assert sq.choices == choices
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == [ref]
    assert lines[-1] == "The finding does not state which form it used."


def test_a_choice_the_finding_names_is_answered_by_the_finding() -> None:
    lines, book = answer("was the 45 mg/day study mk4 or mk7?", "vitamin-k2")
    assert [c.ref for c in book.citations] == [5] and len(lines) == 1
    r = record_from_text("Fish oil (3 g/day) as ethyl esters for 12 months did not improve dry eye symptoms "
                         "in adults.", "omega-3-fish-oil", 9, "c9", primary="omega-3")
    sq = parse_study_query("in the dry eye study was it the ethyl ester kind or triglyceride")
    assert sq is not None and select_studies(sq, [r]).what == ""


@pytest.mark.parametrize("question", [
    "omega 3 page, reference 6, what was that study", "reference 6. what was it", "ref [6], what did it find",
])
def test_a_reference_number_before_punctuation(question: str) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.ref == 6


# --------------------------------------------------------------------------- people, whether, one study by its dose


@pytest.mark.parametrize(("question", "supplement", "refs"), [
    ("did k2 do anything in healthy women", "vitamin-k2", [6]),
    ("did k2 do anything in women with osteoporosis", "vitamin-k2", [5]),
    ("does it work for adults aged 80 and older?", "iron", [2]),
])
def test_did_it_do_anything_in_people_asks_the_findings_in_those_people(question: str, supplement: str,
                                                                          refs: list[int]) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.population
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == refs
    assert_cited_and_grounded(lines, book)


@pytest.mark.parametrize("question", ["does it help with bone loss", "did it do anything for my energy"])
def test_did_it_help_with_no_people_asks_no_population(question: str) -> None:
    sq = parse_study_query(question)
    assert sq is None or not sq.population


@pytest.mark.parametrize(("question", "supplement", "refs"), [
    ("was there a study where mk7 helped with bone loss", "vitamin-k2", [2]),     # it did not
    ("was there a study where vitamin k1 helped with bone loss", "vitamin-k2", [3]),
    ("did vitamin d help prevent fractures in anyone", "vitamin-d3", [1, 2, 3]),
])
def test_whether_a_study_found_an_effect_states_each_finding_with_its_result(question: str, supplement: str,
                                                                               refs: list[int]) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.results == ()
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == refs
    assert_cited_and_grounded(lines, book)


def test_a_list_of_the_findings_that_helped_still_filters_by_result() -> None:
    sq = parse_study_query("which studies helped with bone loss")
    assert sq is not None and sq.results == ("positive",)


@pytest.mark.parametrize(("question", "supplement", "ref", "gap"), [
    ("what was the 720 mcg study about", "vitamin-k2", 7, None),
    ("tell me about the study where vitamin k made warfarin type patients more stable", "vitamin-k2", 1, None),
    ("was the 720 mcg study done in people with kidney disease?", "vitamin-k2", 7, "who took part"),
    ("was the osteoporosis study done in healthy women?", "vitamin-k2", 5, None),   # it says who
    ("how long did the 4000 iu a day vitamin d trial go on", "vitamin-d3", 4, None),  # stated
    ("the k2 study that only lasted about a month, what was that about?", "vitamin-k2", 6, None),  # ran 4 weeks
])
def test_one_study_named_by_its_dose_or_words_is_answered_by_its_finding(question: str, supplement: str,
                                                                         ref: int, gap: str | None) -> None:
    lines, book = answer(question, supplement)
    assert [c.ref for c in book.citations] == [ref]
    assert lines[0].startswith("The research finding on the study asked about: ")
    assert lines[1:] == ([f"The finding does not state {gap}."] if gap else [])


def test_the_people_a_study_is_asked_about_do_not_describe_it() -> None:
    # "was it done in <people>" names no study: nothing describes one
    assert parse_study_query("was that one done in people with kidney disease?") is None
    sq = parse_study_query("was it ever tested in pregnancy?")  # across the findings
    assert sq is not None and sq.detail is None and sq.population


def test_a_word_that_describes_nothing_picks_no_study() -> None:
    # "though" is also a word of another finding ("..., though trends favored improvement")
    lines, book = answer("how many trials were in that meta-analysis though", "vitamin-k2")
    assert [c.ref for c in book.citations] == [4]
    assert lines[-1] == "The finding does not state how many it included."


@pytest.mark.parametrize("question", ["tell me about the lowest daily dose used in the studies",
                                      "tell me about the trials on bones", "any info on the longest study?"])
def test_about_several_studies_or_the_one_with_the_most_is_no_question_about_one(question: str) -> None:
    sq = parse_study_query(question)
    assert sq is None or sq.detail != "about"


def _citing_docs() -> list[Document]:
    finding = Document(page_content="x", id="f2", metadata={
        "kind": "finding", "supplement": "s", "ref": 2, "chunk_id": "f2",
        "text": "Three years of zinc (25 mg/day) did not affect colds in adults."})
    other = Document(page_content="y", id="f4", metadata={
        "kind": "finding", "supplement": "s", "ref": 4, "chunk_id": "f4",
        "text": "Zinc and copper together shortened colds in a meta-analysis of RCTs."})
    prose = Document(page_content="z", id="p1", metadata={
        "kind": "prose", "supplement": "s", "chunk_id": "p1",
        "text": "One 3-year trial showed no difference between zinc and placebo groups [2]. "
                "Combining zinc with copper appears to shorten colds (1.5 days) [4]."})
    return [finding, other, prose]


def test_a_finding_carries_the_prose_sentences_that_cite_it() -> None:
    records = {r.ref: r for r in records_from(_citing_docs())}
    assert [c.text for c in records[2].cited_by] == [
        "One 3-year trial showed no difference between zinc and placebo groups [2]."]
    assert records[4].cited_by[0].text.endswith("(1.5 days) [4].")  # a decimal point ends no sentence


def test_a_detail_the_citing_prose_states_is_quoted_not_called_missing() -> None:
    docs = _citing_docs()
    records = records_from(docs)
    q = parse_study_query("was the 3 year zinc trial placebo controlled")
    assert q is not None and q.detail == "placebo"
    lines = compose_studies(q, records, {str(d.id): d for d in docs}, CitationBook())
    assert any("placebo groups (ref. 2)" in line for line in lines)
    assert not any("does not state" in line for line in lines)


def test_the_source_of_a_claim_is_the_finding_its_prose_sentence_cites() -> None:
    records = records_from(_citing_docs())
    q = parse_study_query("which study was that; source of: Combining zinc with copper appears to shorten colds")
    assert q is not None and q.claim
    sel = select_studies(q, records)
    assert sel.answered and [r.ref for r in sel.records] == [4]


def test_in_any_study_names_no_population() -> None:
    q = parse_study_query("was mk7 actually tested in any study tho, and at what dose")
    assert q is not None and q.population == ()


def test_a_detail_of_a_form_no_described_study_used_lists_the_findings_that_name_it() -> None:
    """'what dose of <form> did the <study of another form> give' (a follow-up that swapped the
    form): the findings that name the form, each cited, none of the described study's."""
    lines, book = answer("what dose of mk-4 did the osteopenia trial give?", "vitamin-k2")
    assert lines and lines[0].startswith("The study described names no MK-4")
    assert sorted(c.ref for c in book.citations) == [5, 6]
    assert_cited_and_grounded(lines, book)


@pytest.mark.parametrize(("question", "refs"), [
    ("which mk4 studies used more than 1.5 mg", [5]),
    ("did anybody try a way bigger mk4 dose than that 1.5 mg", [5]),
    ("which k2 studies gave less than 200 mcg a day", [1, 2]),
])
def test_a_dose_bound_keeps_the_findings_beyond_it(question: str, refs: list[int]) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.dose_bound is not None
    sel = select_studies(sq, RECORDS, "vitamin-k2")
    assert sel.answered and sorted(r.ref for r in sel.records) == refs


def test_a_dose_given_beside_a_bound_or_plus_another_nutrient_is_no_bound() -> None:
    sq = parse_study_query("which vitamin d studies used 4000 IU plus calcium?")
    assert sq is not None and sq.dose_bound is None and sq.given


@pytest.mark.parametrize(("question", "refs"), [
    # in units, through the nutrient's factor; a dose of what was given with it (calcium) is no dose
    # of the nutrient asked: the 800-unit finding with 1,200 mg of calcium is not above
    ("which vitamin D studies used more than 1000 IU?", [2, 3, 4]),
    # a bound said after the dose holds that dose too; a single yearly dose is a dose given
    ("which vitamin d studies used 2000 IU or more", [2, 3, 4]),
    ("which vitamin d studies used 2000 IU or less", [1, 2]),
])
def test_a_dose_bound_in_units_or_after_the_dose(question: str, refs: list[int]) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.dose_bound is not None and sq.unit is None
    sel = select_studies(sq, RECORDS, "vitamin-d3")
    assert sel.answered and sorted(r.ref for r in sel.records) == refs


def test_a_question_about_one_study_that_asks_what_the_page_never_says_states_the_finding_and_the_gap() -> None:
    # the words the page never uses are given by the caller (the scope check finds them)
    k2 = [r for r in RECORDS if r.supplement == "vitamin-k2"]
    q = "how did they measure stiffness in the study with 400 mcg, a scanner?"
    found = unmentioned_study_query(q, ["scanner"])
    assert found is not None and found.unmentioned == ("scanner",)
    sel = select_studies(found, k2)
    assert sel.answered and len(sel.records) == 1 and "400" in sel.records[0].text
    assert "scanner" in sel.what
    lines = compose_studies(found, k2, FINDINGS, CitationBook())
    assert any("does not state" in line and "scanner" in line for line in lines)
    # no one study named ("the studies"), or no word the page lacks: no such question
    assert unmentioned_study_query("did the studies use a scanner?", ["scanner"]) is None
    assert unmentioned_study_query(q, []) is None


def test_one_study_asked_what_its_finding_does_not_say_states_the_finding_and_the_gap() -> None:
    from assistant.answer.studies import finding_gap_query

    k2 = [r for r in RECORDS if r.supplement == "vitamin-k2"]
    known = {"bone", "density", "fracture", "anticoagulant"}
    q = "the 4 week one where healthy women got 1.5mg mk4 - did their fracture rate go down?"
    found = finding_gap_query(q, k2, known, k2)
    assert found is not None and found.unmentioned == ("fracture",)
    lines = compose_studies(found, k2, FINDINGS, CitationBook())
    assert "1.5 mg/day" in lines[0] and "does not state anything about fracture" in lines[-1]
    # a word another finding holds: the question may describe that one (no figure names the study)
    assert finding_gap_query("the mk4 study in healthy women - did bone density go up?", k2, known, k2) is None
    # unless the study's own figure names it ("the 4 week one"): the words are asked of it
    named = finding_gap_query("the 4 week one with 1.5mg mk4 - did bone density go up?", k2, known, k2)
    assert named is not None and named.unmentioned == ("bone density",)
    # words the corpus never uses are no detail of it
    assert finding_gap_query("the 4 week one with 1.5mg mk4 - sounds great?", k2, known, k2) is None
    # "plus <x>" joins <x> to the study as "with <x>" does: "plus" is no detail asked
    plus = finding_gap_query("the 4 week one with 1.5mg mk4 plus fracture care - did it help?", k2,
                             known | {"plus", "care"}, k2)
    assert plus is None or "plus" not in plus.unmentioned
    # a phrase a rewrite reads as the finding's words ("kidney disease" for its "CKD") is no gap
    kidney = known | {"kidney", "disease", "stage", "ckd"}
    assert finding_gap_query("what did the kidney disease k2 study show", k2, kidney, k2) is None
    staged = finding_gap_query("what stage of kidney disease were they in the 400 mcg study?", k2, kidney, k2)
    assert staged is not None and staged.unmentioned == ("stage",)


def test_a_duration_bound_said_after_the_length() -> None:
    for q, bound in (("which studies ran 6 months or less", "at_most"),
                     ("which studies lasted 2 years or more?", "at_least")):
        sq = parse_study_query(q)
        assert sq is not None and sq.ran_bound == bound, q


def test_whom_the_findings_were_in_is_each_findings_population_cited() -> None:
    for question in ("who were the studies done in", "what kind of people were in the trials?",
                     "who did the trials include"):
        sq = parse_study_query(question)
        assert sq is not None and sq.whom and not sq.population, question
        book = CitationBook()
        lines = compose_studies(sq, RECORDS, FINDINGS, book, "vitamin-k2")
        assert len(lines) == 1 and lines[0].startswith("The findings that state their population were in:")
        assert "postmenopausal women with osteoporosis" in lines[0] and len(book.citations) >= 4
    # one study's population stays a question about that study
    sq = parse_study_query("was the kidney study done in men?")
    assert sq is None or not sq.whom


def test_research_that_includes_people_names_them() -> None:
    sq = parse_study_query("did any of the research include children?")
    assert sq is not None and sq.population
    lines = compose_studies(sq, RECORDS, FINDINGS, CitationBook(), "vitamin-k2")
    assert lines and lines[0].startswith("None of")


def test_a_study_named_by_words_only_its_finding_holds_is_asked_what_another_finding_says() -> None:
    from assistant.answer.studies import finding_gap_query

    omega = [r for r in RECORDS if r.supplement == "omega-3-fish-oil"]
    known = {"atrial", "fibrillation", "cardiovascular"}
    q = "the icosapent ethyl trial that reduced cardiovascular events - did they get more atrial fibrillation?"
    found = finding_gap_query(q, omega, known, omega)  # another finding names atrial fibrillation
    assert found is not None and found.unmentioned == ("atrial fibrillation",)
    # a name several findings hold describes none alone: the words may describe another finding
    assert finding_gap_query("the omega-3 trial, did they get more atrial fibrillation?", omega, known,
                             omega) is None


def test_a_term_of_two_stopwords_is_a_word_the_finding_may_not_state() -> None:
    from assistant.answer.studies import finding_gap_query

    k2 = [r for r in RECORDS if r.supplement == "vitamin-k2"]
    found = finding_gap_query("the 4 week one with 1.5mg mk4 - did anybody get side effects?", k2,
                              {"side_effect"}, k2)
    assert found is not None and found.unmentioned == ("side effects",)


def test_the_people_of_one_study_told_by_what_they_were_given_name_that_study() -> None:
    from assistant.answer.studies import _names_one_study, fold, study_cues

    for q in ("the women on 45 mg of it - were they getting anything else on top?",
              "the patients who had 400 mcg for a year - did anything else change?",
              "after the 4 weeks on 1.5 mg, did it stay down?"):
        assert _names_one_study(fold(q), study_cues()), q
    assert not _names_one_study(fold("women on 45 mg a day, is that a lot?"), study_cues())
    # people taking it now, asked in the present: no study
    assert not _names_one_study(fold("the people on 2000 iu - do they need checks?"), study_cues())


def test_words_held_tell_which_pages_finding_a_description_fits() -> None:
    from assistant.answer.studies import words_held

    sq = StudyQuery(detail="participants", words=("meta-analysi", "bmd", "total"))
    k2 = next(r for r in RECORDS if r.supplement == "vitamin-k2" and "meta-analysis" in r.text)
    omega = next(r for r in RECORDS if r.supplement == "omega-3-fish-oil" and "meta-analysis" in r.text)
    assert words_held(sq, k2) > words_held(sq, omega) >= 1


def test_work_out_a_dose_for_people_is_no_question_about_the_findings() -> None:
    assert parse_study_query("how do they work out the dose for kids?") is None
    assert parse_study_query("does it work for kids?") is not None


def test_a_length_the_question_bounds_reads_a_as_one() -> None:
    for q in ("which studies lasted a year or more?", "any trial that ran at least a year?"):
        sq = parse_study_query(q)
        assert sq is not None and sq.ran_days == (365.25, 365.25) and sq.ran_bound == "at_least", q
    sq = parse_study_query("which studies ran for a year")  # no bound: "a" may be no number
    assert sq is None or sq.ran_days is None


def test_what_anyone_studied_asks_across_the_findings() -> None:
    sq = parse_study_query("whats the smallest dose anyone studied")
    assert sq is not None and sq.direction == "min"


def test_findings_that_are_not_about_a_topic_are_listed() -> None:
    sq = parse_study_query("which of the research findings aren't about bones?")
    assert sq is not None and sq.not_topics == ("bones",) and not sq.topics
    lines = compose_studies(sq, RECORDS, FINDINGS, CitationBook(), "vitamin-k2")
    assert lines and lines[0].startswith("Research findings not on bones:")
    assert "osteopenia" not in " ".join(lines) and "CKD" in " ".join(lines)


def test_what_one_form_did_for_a_topic_asks_that_forms_findings() -> None:
    """A question told in the past about what a form did for a topic asks the findings that used it;
    the present tense about the nutrient alone asks the page, not the findings."""
    lines, book = answer("so did MK-4 ever improve bone density?", "vitamin-k2")
    assert_cited_and_grounded(lines, book)
    assert {c.ref for c in book.citations} == {5, 6}
    assert parse_study_query("does vitamin k2 help bones?") is None


def test_no_finding_of_the_form_asked_shows_those_of_the_topic() -> None:
    """None used the form asked about: the findings on the topic that do not name it are still cited."""
    lines, book = answer("has MK-7 been found to reduce artery stiffness?", "vitamin-k2")
    assert lines[0].startswith("None of the monograph's research findings used MK-7")
    assert "do not name MK-7" in lines[1]
    assert {c.ref for c in book.citations} == {7, 8}


def test_a_product_holding_a_form_to_help_a_topic_asks_no_findings() -> None:
    assert parse_study_query("does the ultra k2 mk-7 plus d3 have mk-7 to help bones?") is None


def test_every_finding_in_order_of_its_dose_from_the_end_named_first() -> None:
    lines, book = answer("can you sort the k2 studies by dose, smallest first", "vitamin-k2")
    assert lines[0].startswith("The research findings that state a dose of vitamin K2, from the lowest")
    micrograms = [180, 400, 720, 1_500, 45_000]  # 180 μg .. 45 mg: by mass, whatever the unit
    assert [c.ref for c in book.citations] == [2, 8, 7, 6, 5], micrograms
    assert_cited_and_grounded(lines, book)
    lines, book = answer("put the k2 trials in order of dose, highest to lowest", "vitamin-k2")
    assert [c.ref for c in book.citations] == [5, 6, 7, 8, 2]


def test_the_doses_the_studies_used_asked_first_lists_every_finding_by_dose() -> None:
    for q in ("What doses of Vitamin K2 were used in the studies?", "ok so what doses did the trials use",
              "list the doses used in the k2 studies"):
        sq = parse_study_query(q)
        assert sq is not None and sq.ranked and sq.direction == "min" and not sq.population, q
    lines, book = answer("What doses of Vitamin K2 were used in the studies?", "vitamin-k2")
    assert [c.ref for c in book.citations] == [2, 8, 7, 6, 5]
    assert_cited_and_grounded(lines, book)
    # asked after the studies, the doses are those of the studies asked about, not a ranking
    sq = parse_study_query("which of the studies used mk-4 specifically, and at what doses")
    assert sq is not None and not sq.ranked and sq.forms == ("MK-4",)


def test_the_page_a_question_names_is_no_population_and_looked_at_people_are() -> None:
    sq = parse_study_query("which studies on the k2 page were in women")
    assert sq is not None and "page" not in sq.population and "women" in sq.population
    sq = parse_study_query("what studies looked at older adults in the omega-3 page")
    assert sq is not None and "older" in sq.population and "page" not in sq.population
    sq = parse_study_query("which studies looked at bone density")
    assert sq is not None and not sq.population  # a topic, not people


def test_every_finding_in_order_of_its_length() -> None:
    sq = parse_study_query("rank the vitamin d trials in order from shortest to longest")
    assert sq is not None and sq.ranked and sq.length == "min" and not sq.population
    lines, book = answer("rank the vitamin d trials in order from shortest to longest", "vitamin-d3")
    assert "shortest to the longest" in lines[0] and book.citations[0].ref == 1
    assert_cited_and_grounded(lines, book)


def test_ordinary_order_words_ask_no_ranking() -> None:
    for q in ("did the studies give it with food in order to absorb it?", "was the research ranked by quality?"):
        sq = parse_study_query(q)
        assert sq is None or not sq.ranked, q


def test_a_ranking_needs_a_measure_and_keeps_the_other_filters() -> None:
    for q in ("rank the trials by quality", "list the trials in order of publication",
              "in order for it to work, what doses did the studies use?",
              "sort the studies from most recent to oldest", "rank the studies from strongest evidence to weakest"):
        sq = parse_study_query(q)
        assert sq is None or not sq.ranked, q
    sq = parse_study_query("rank the k2 studies by duration")
    assert sq is not None and sq.ranked and sq.length == "min" and sq.detail is None
    lines, book = answer("sort the vitamin d3 trials in people with prediabetes by dose", "vitamin-d3")
    assert [c.ref for c in book.citations] == [4] and "prediabetes" in lines[0]


def test_which_kind_of_asked_of_the_page_is_no_study_detail() -> None:
    sq = parse_study_query("which type of k2 does the page say lasts longest in the body?")
    assert sq is None or sq.detail != "form"


def test_a_dose_no_finding_gave_asked_of_the_studies_is_answered_none() -> None:
    from assistant.answer.studies import select_studies

    records = [r for r in RECORDS if r.supplement == "vitamin-k2"]
    asked = parse_study_query("has 45 mcg of k2 been used in any of the studies?")
    assert asked is not None and asked.names_findings
    sel = select_studies(asked, records)
    assert sel.answered and not sel.records
    # not asked of the studies ("which one has 45 mcg" may be a product): left unanswered
    bare = parse_study_query("did 45 mcg of k2 help with anything?")
    assert bare is None or not select_studies(bare, records).answered


def test_what_is_left_out_ends_with_its_clause() -> None:
    sq = parse_study_query("leaving out the once-a-year dose, which d3 study gave the biggest daily amount")
    assert sq is not None and sq.nutrients == ("vitamin D3",) and not sq.excluded
    sq = parse_study_query("not counting the 1.5 mg mk-4 one, which trial used the lowest dose?")
    assert sq is not None and "MK-4" in sq.excluded


@pytest.mark.parametrize("question", ["compare study 3 and study 1 for me", "what do [3][1] say?"])
def test_several_numbered_findings_are_each_cited_in_the_questions_order(question: str) -> None:
    lines, book = answer(question, "vitamin-d3")
    assert [c.ref for c in book.citations] == [3, 1] and lines[0].startswith("Those references")
    assert_cited_and_grounded(lines, book)


def test_a_number_that_names_no_finding_is_said_so() -> None:
    lines, book = answer("compare study 3 and study 99", "vitamin-d3")
    assert [c.ref for c in book.citations] == [3] and lines[-1].startswith("Not every number asked")


def test_the_highest_dose_in_a_population_is_among_its_findings() -> None:
    lines, book = answer("what is the highest dose of iron used in studies in pregnant women?", "iron")
    assert lines and "pregnancy" in lines[0] and "80 and older" not in " ".join(lines)
    assert_cited_and_grounded(lines, book)
    sq = parse_study_query("what is the highest dose of fish oil given in studies of pregnant women?")
    assert sq is not None and not select_studies(sq, [r for r in RECORDS if r.supplement == "omega-3-fish-oil"]).answered


def test_the_longest_study_of_one_kind_leaves_out_what_is_excluded() -> None:
    # a word or a bracket between the superlative and "trial" still asks across the findings
    sq = parse_study_query("whats the longest k2 (not k1) trial on the page and did it work")
    assert sq is not None and sq.length == "max" and sq.excluded == ("vitamin K1",)
    _, book = answer("whats the longest k2 (not k1) trial on the page", "vitamin-k2")
    assert [c.ref for c in book.citations] == [2]  # the K1 trial as long is left out
    _, book = answer("what is the longest k2 trial", "vitamin-k2")
    assert [c.ref for c in book.citations] == [2, 3]


def test_a_name_is_no_other_names_form() -> None:
    from assistant.answer.studies import _same_word, study_cues

    qc = study_cues().question
    assert _same_word("anemic", "anemia", qc)  # one word, two endings
    assert not _same_word("vitamin_k", "vitamin_c", qc)  # two names one letter apart
    assert not _same_word("mk-4s", "mk-7s", qc)


def test_a_length_bound_none_passes_shows_how_near_any_came() -> None:
    lines, book = answer("did any k2 trial run for longer than 3 years?", "vitamin-k2")
    assert lines[0].startswith("None of the monograph's research findings")
    assert "the longest ran" in lines[1] and sorted(c.ref for c in book.citations) == [2, 3]
    assert_cited_and_grounded(lines[1:], book)


def test_a_statement_of_what_one_takes_no_more_leaves_no_nutrient_out() -> None:
    from assistant.normalize import without_leading_denials

    # "no <nutrient>" and "not on <nutrient>" said of oneself are no filter of the findings
    for said in ("I've had no k2 for months. what was the shortest k2 trial?",
                 "I stopped warfarin, not on k2 anymore. what was the longest k2 trial?"):
        sq = parse_study_query(without_leading_denials(said))
        assert sq is not None and not sq.excluded and sq.nutrients == ("vitamin K2",)


def test_a_vitamin_named_by_its_letter_filters_the_findings() -> None:
    # "vitamin <letter>" the vocabulary does not name as such is still the nutrient asked about
    sq = parse_study_query("shortest vitamin c trial?")
    assert sq is not None and sq.nutrients == ("vitamin C",) and sq.length == "min"
    sq = parse_study_query("which studies used MK-4")
    assert sq is not None and sq.nutrients == ()  # a form named: its nutrient is no extra filter


def test_a_population_on_a_medicine_class_matches_the_findings_that_name_the_class_otherwise() -> None:
    """"people on blood thinners" is the finding "in patients on vitamin K antagonists"."""
    sq = parse_study_query("was any k2 research done in people on blood thinners?")
    assert sq is not None
    chosen = select_studies(sq, RECORDS, "vitamin-k2").records
    assert chosen and all("antagonist" in (r.population or "") for r in chosen)
    # one member is not another: a drug of the class that is no vitamin K antagonist matches none
    sq = parse_study_query("any k2 studies in people on eliquis?")
    assert sq is not None and "antagonist" not in sq.population
    # people named by more than the class ("postmenopausal women on <it>"): their own words only
    sq = parse_study_query("any k2 research in postmenopausal women on blood thinners?")
    assert sq is not None and "antagonist" not in sq.population


def test_a_word_of_a_topic_the_question_names_in_the_page_words_too_is_that_topic() -> None:
    from assistant.answer.studies import topic_mates

    found = ["Vitamin D3 (2,000 IU/day) for a median of 5.3 years did not reduce fractures in adults."]
    surfaces = {"osteoporosi": "osteoporosis"}
    q = "does vitamin d3 stop osteoporosis fractures or not"
    assert topic_mates(q, ["osteoporosi"], surfaces, found) == ["osteoporosi"]
    # alone, it names the topic in no other word: still a word the page does not use
    assert topic_mates("does vitamin d3 stop osteoporosis?", ["osteoporosi"], surfaces, found) == []
    assert topic_mates("does it help fractures and gout?", ["gout"], {}, found) == []
    # the other word is no finding's ("bones" said only by a product): no topic the findings answer
    assert topic_mates("does it help osteoporosis and bones?", ["osteoporosi"], surfaces, found) == []


# --------------------------------------------------------------------------- a finding written again


def test_a_finding_written_again_is_that_finding() -> None:
    """A follow-up's pinned finding: its own words, their beginning, or a caller's near copy of them
    (a phrase left out) is that finding; words of no finding are none."""
    for r in RECORDS:
        assert finding_written(r.text, RECORDS) is r
        assert finding_written(r.text[: len(r.text) * 2 // 3], RECORDS) is r
    k1 = next(r for r in RECORDS if "K1" in r.text and re.search(r"aged \d", r.text))
    shortened = re.sub(r"\s+aged [^ ]+", "", k1.text)
    assert shortened != k1.text and finding_written(shortened, RECORDS) is k1
    assert finding_written("Iron tablets are sold in many pharmacies.", RECORDS) is None
    assert finding_written(" . ", RECORDS) is None  # what follows an answer's last marker writes none


@pytest.mark.parametrize(("turn", "beside"), [
    ("is that a lot more than whats in the ultra one?", True),
    ("does the gummy have as much as they gave them?", True),
    ("how does that compare with the liquid?", True),
    ("is the liquid one more than the tablet one?", False),  # two products, no earlier dose
    ("more than that one?", False),
    ("what dose did they use?", False),
])
def test_a_follow_up_sets_a_product_beside_the_dose_the_last_answer_gave(turn: str, beside: bool) -> None:
    assert (sets_beside_reply(turn) is not None) is beside


def test_a_nutrient_given_with_the_finding_s_own_describes_the_study() -> None:
    """"The study that got <own nutrient> plus <another>": the finding that gave both, not none."""
    with_other = next(r for r in RECORDS if r.supplement == "vitamin-d3"
                      and any(d.nutrient.casefold() == "calcium" for d in r.doses))
    sq = parse_study_query("how old were the women in the nursing home study that got calcium?")
    assert sq is not None and sq.nutrients == ("calcium",)
    selected = select_studies(sq, RECORDS, "vitamin-d3")
    assert selected.answered and selected.records == [with_other]


def test_an_amount_set_beside_the_study_a_question_names() -> None:
    """"Is <an amount> the same as what the low-dose <form> study gave?": that finding, cited, and
    how the amount compares with its dose, by mass (the amount's own marker and the finding's)."""
    one = described_study("is that about the same as what the low-dose mk-4 study gave people?", RECORDS)
    assert one is not None and one.supplement == "vitamin-k2" and "Low-dose MK-4" in one.text
    given = next(d for d in one.doses if d.comparable)
    assert given.micrograms is not None
    for text, word in [("45 mcg", "less than"), (f"{given.micrograms:g} mcg", "the same as"),
                       ("5 mg", "more than")]:
        dose = parse_doses(text)[0]
        assert dose.micrograms is not None
        book = CitationBook()
        lines = finding_lines(one, FINDINGS, book, [Beside("The vitamin K2 in one serving", dose,
                                                           dose.micrograms, "vitamin K2", 9, given.form)])
        assert lines[0].startswith("The research finding on the study asked about: " + one.text)
        assert lines[1] == (f"The vitamin K2 in one serving ({text}) [9] is {word} the dose that study "
                            f"gave ({given.dose.text}) [1].")
        # an amount of no form said (or of another) is set beside the dose of the study's form, named
        other = finding_lines(one, FINDINGS, CitationBook(), [Beside("The vitamin K2 in one serving", dose,
                                                                     dose.micrograms, "vitamin K2", 9)])
        assert given.form is None or f" the {given.form} dose that study gave " in other[1]
    assert described_study("is that about the same as the usual dose?", RECORDS) is None


def test_a_unit_asked_to_convert_into_is_no_filter() -> None:
    """"Put the <form> doses into micrograms": the unit the answer is asked in, not a filter on the
    findings; "which gave a dose in mcg" filters."""
    for q in ("put the mk-4 doses from the studies into micrograms for me",
              "what mk-4 doses did the studies use, converted to mcg?"):
        sq = parse_study_query(q)
        assert sq is not None and sq.unit is None and sq.forms == ("MK-4",), q
        assert select_studies(sq, RECORDS, "vitamin-k2").records
    sq = parse_study_query("which studies gave a dose in mcg?")
    assert sq is not None and sq.unit == "µg"


def test_people_named_by_what_they_take_are_a_population() -> None:
    """"Studies about people on blood thinners": the finding in patients on vitamin K antagonists."""
    sq = parse_study_query("is one of the k2 page's studies about people on blood thinners? what did they give them")
    assert sq is not None and "antagonist" in sq.population
    records = select_studies(sq, RECORDS, "vitamin-k2").records
    assert records and all("antagonist" in (r.population or "") for r in records)


def test_the_extreme_dose_among_the_findings_of_a_result_or_the_people_given_it() -> None:
    """"The smallest <nutrient> dose that showed a benefit": among the findings that report one (not
    the smallest of all, which may have found nothing), said so; "not just a trend" asks for no
    trend; "the highest dose given to <people>": among their findings."""
    for q in ("whats the smallest k2 dose that showed a benefit?",
              "leaving k1 out, whats the smallest k2 dose that actually showed a significant benefit (not just a trend)?"):
        sq = parse_study_query(q)
        assert sq is not None and sq.direction == "min" and sq.results == ("positive",), q
        lines, _ = answer(q, "vitamin-k2")
        assert lines[0].startswith("The lowest vitamin K2 dose among the research findings that report"), q
        chosen = select_studies(sq, RECORDS, "vitamin-k2").records
        assert chosen and all(r.result == "positive" for r in chosen)
    sq = parse_study_query("what is the highest iron dose given to pregnant women in the studies?")
    assert sq is not None and sq.population
    assert all("pregnan" in r.text for r in select_studies(sq, RECORDS, "iron").records)


def test_review_mends_of_the_study_comparisons_and_conversions() -> None:
    """Two amounts of one nutrient in a finding ("1 g/day, providing 840 mg <part>"): no comparison;
    "the doses from the studies into mg" alone lists every finding; "the lowest dose in the <nutrient>
    studies that did not work" looks among the null findings, not for a population named <nutrient>."""
    two = next(r for r in RECORDS if r.supplement == "omega-3-fish-oil"
               and len([d for d in r.doses if d.nutrient == "omega-3"]) == 2)
    dose = parse_doses("1,000 mg")[0]
    assert dose.micrograms is not None
    lines = finding_lines(two, FINDINGS, CitationBook(), [Beside("It", dose, dose.micrograms, "omega-3", 9)])
    assert len(lines) == 1
    sq = parse_study_query("put the K2 doses from the studies into mg")
    assert sq is not None and sq.converted and sq.unit is None
    assert len(select_studies(sq, RECORDS, "vitamin-k2").records) == len([r for r in RECORDS
                                                                           if r.supplement == "vitamin-k2"])
    lines, _ = answer("what was the lowest dose in the k2 studies that did not work?", "vitamin-k2")
    assert lines and "that report no" in lines[0] and "180" in lines[0]


def test_the_extreme_dose_in_people_with_a_condition_is_among_their_findings() -> None:
    """"The highest dose in the <nutrient> trials in people with <condition>": among the findings in
    those people; the words naming the supplement ("fish oil") name no people."""
    for q, word in [("whats the highest dose in the fish oil trials in people with rheumatoid arthritis?", "rheumatoid"),
                    ("whats the highest dose in the fish oil trials in people with dry eye?", "dry eye")]:
        lines, _ = answer(q, "omega-3-fish-oil")
        assert lines and "among the research findings in the population asked about" in lines[0], q
        assert word in lines[0] and "3 g/day" in lines[0], q


def test_the_longest_anyone_took_a_form_asks_the_findings() -> None:
    sq = parse_study_query("longest anyone took MK-7 for and at what dose?")
    assert sq is not None and sq.length == "max" and sq.forms == ("MK-7",)


def test_what_the_people_of_one_study_were_taking_is_its_dose() -> None:
    lines, _ = answer("the women aged 50 to 60 whose bone loss slowed down - what were they taking and how much",
                      "vitamin-k2")
    assert lines and lines[0].startswith("The research finding on the study asked about:") and "50–60" in lines[0]


def test_a_level_the_finding_names_is_no_second_dose_to_set_an_amount_beside() -> None:
    """"<nutrient> (80 mg/day) ... in women with ferritin below 50 μg/L": the level says who took it;
    the one daily dose is what an amount is set beside."""
    r = record_from_text("Iron supplementation (80 mg/day elemental iron) for 12 weeks reduced fatigue in "
                         "women with ferritin below 50 μg/L.", "iron", 5, "c5", primary="iron")
    doc = Document(page_content=r.text, id="c5", metadata={"chunk_id": "c5", "section": "Research"})
    dose = parse_doses("65 mg")[0]
    assert dose.micrograms is not None
    lines = finding_lines(r, {"c5": doc}, CitationBook(), [Beside("The iron in one serving", dose,
                                                                  dose.micrograms, "iron", 9)])
    assert lines[-1] == "The iron in one serving (65 mg) [9] is less than the dose that study gave (80 mg/day) [1]."


@pytest.mark.parametrize(("question", "of_a_study"), [
    # the user's own taking, in the present or future, tells of no study: no finding is "the study asked about"
    ("how long should my baby take iron", False), ("how long will one bottle of the drops last my baby", False),
    ("how many weeks before my levels go up if i start tomorrow?", False),
    # a study named, pointed at or told in the past: its duration
    ("how long did the babies get iron", True), ("how long was the MK-7 trial in postmenopausal women?", True),
    ("how many weeks were the postmenopausal women on the 1.5 mg MK-4", True),
])
def test_how_long_is_a_studys_duration_only_when_it_tells_of_one(question: str, of_a_study: bool) -> None:
    sq = parse_study_query(question)
    assert (sq is not None and sq.detail == "duration") is of_a_study


@pytest.mark.parametrize(("question", "kind"), [
    ("how many women are low in iron", "participants"),
    ("what outcomes does fish oil improve", "outcome"),
])
def test_participants_and_outcomes_asked_of_no_study_are_no_study_detail(question: str, kind: str) -> None:
    sq = parse_study_query(question)
    assert sq is None or sq.detail != kind


@pytest.mark.parametrize(("question", "lasting"), [
    ("in the 4 week trial, did the effect last after people stopped?", True),
    ("did the <marker> stay down once the women stopped taking it or go back up", True),
    ("did the effect wear off after that trial ended?", True),
    ("how long did the trial last?", False),   # its duration
    ("does it stay in your body long?", False),   # no study told of, nothing stopped
])
def test_whether_an_effect_lasted_after_stopping_is_a_studys_detail(question: str, lasting: bool) -> None:
    sq = parse_study_query(question)
    assert (sq is not None and sq.detail == "lasting") is lasting


def test_participants_of_a_study_told_of_are_its_detail() -> None:
    sq = parse_study_query("how many women were in the MK-7 trial in postmenopausal women?")
    assert sq is not None and sq.detail == "participants"


def test_the_words_of_a_name_are_no_detail_a_finding_lacks() -> None:
    from assistant.answer.studies import finding_gap_query

    omega = [r for r in RECORDS if r.supplement == "omega-3-fish-oil"]
    known = {"fish", "oil", "dry", "eye", "rheumatoid", "arthritis", "study", "trial"}
    # "fish oil" names the supplement (its findings say EPA+DHA): neither "fish" nor "oil" is a gap
    for q in ("what did the dry eye fish oil study find", "what dose of fish oil was used in the rheumatoid arthritis trial"):
        found = finding_gap_query(q, omega, known, omega)
        assert found is None or not {"fish", "oil", "fish oil"} & set(found.unmentioned), q


def test_one_study_in_people_over_an_age_is_the_one_nearest_that_age() -> None:
    from assistant.answer.studies import age_distance

    sq = parse_study_query("how long did the study in people over 80 run")
    assert sq is not None and sq.ages is not None
    over_80 = next(r for r in RECORDS if r.supplement == "iron" and "80" in (r.population or ""))
    over_70 = next(r for r in RECORDS if r.supplement == "vitamin-d3" and "70" in (r.population or ""))
    assert age_distance(sq, over_80) < age_distance(sq, over_70)


def test_the_biggest_dose_studied_asks_across_the_findings() -> None:
    for asked in ["whats the biggest k2 dose studied", "what's the lowest iron amount tested?"]:
        sq = parse_study_query(asked)
        assert sq is not None and sq.direction in {"max", "min"} and sq.detail is None, asked


def test_studies_named_by_nutrient_and_topic_are_no_people_and_a_dose_list_is_a_list() -> None:
    q = parse_study_query("what doses were used in the k2 bone studies")
    assert q is not None and q.population == () and q.topics == ("bones",)
    q = parse_study_query("what doses of k2 were used for bone")
    assert q is not None and q.topics == ("bones",)
    q = parse_study_query("what doses were used in the pregnancy studies")  # people: kept as such
    assert q is not None and "pregnancy" in q.population


def test_the_words_of_one_group_of_people_describe_a_study_once() -> None:
    """"pregnant women with anaemia": the finding in pregnant women with anaemia, not the one that
    says both "pregnancy" and "maternal" (one group of people, counted once)."""
    lines, book = answer("what form of iron was used in the study on pregnant women with anaemia", "iron")
    assert [c.ref for c in book.citations] == [4]
    assert_cited_and_grounded(lines, book)


def test_a_dose_asked_in_the_present_of_they_is_what_is_used_not_what_one_study_gave() -> None:
    # "what dose do they use for <condition>" asks what is used; "what dose did they use" a study's dose
    assert parse_study_query("what fish oil dose do they use for high triglycerides?") is None
    sq = parse_study_query("what fish oil dose did they use for high triglycerides?")
    assert sq is not None and sq.detail == "given_dose"


def test_a_review_told_of_is_a_study_whose_form_is_asked() -> None:
    lines, book = answer("the pregnancy iron review with 30-60 mg, what form of iron was it", "iron")
    assert len(book.citations) == 1 and "pregnancy" in lines[0]
    assert lines[-1] == "The finding does not state which form of iron it used."


@pytest.mark.parametrize(("question", "direction"), [
    ("which of the studies gave the lower dose", "min"), ("which of the studies used the higher dose?", "max"),
    ("is 100 mcg a lower dose than the study's?", None),   # no "the" before it: no end picked
])
def test_a_comparative_after_the_picks_an_end_of_the_findings(question: str, direction: str | None) -> None:
    sq = parse_study_query(question)
    assert (sq.direction if sq is not None else None) == direction


def test_a_detail_none_of_the_findings_equally_described_states_is_said_of_them_all() -> None:
    # two iron findings are told of by "alternate-day": both are stated, and that neither says it
    lines, book = answer("how many participants were in the alternate-day iron trial?", "iron")
    assert_cited_and_grounded(lines[:-1], book)
    assert len(book.citations) == 2 and lines[-1] == "None of these findings states how many it included."
    lines, _ = answer("who sponsored the dry eye trial?", "omega-3-fish-oil")
    assert lines and lines[-1] == "The finding does not state who funded it."


def test_a_form_asked_of_a_study_a_finding_of_another_form_describes_better() -> None:
    # the bone density study in postmenopausal women gave MK-7; the MK-4 findings are only in such women
    lines, book = answer("what dose of MK-4 did the bone mineral density study in postmenopausal women give?",
                         "vitamin-k2")
    assert lines and lines[0].startswith("The study described names no MK-4")
    assert all("MK-4" in c.snippet for c in book.citations)


def test_findings_of_one_nutrient_or_another_are_each_page_s_own() -> None:
    sq = parse_study_query("which iron or omega-3 trials ran for 12 weeks?")
    assert sq is not None and sq.either and set(sq.nutrients) == {"iron", "omega-3"}
    sq = parse_study_query("did any study give both MK-7 and vitamin D?")
    assert sq is not None and not sq.either


def test_what_the_studies_on_an_outcome_found_lists_those_findings() -> None:
    lines, book = answer("what did the k2 studies on the heart find?", "vitamin-k2")
    assert_cited_and_grounded(lines[:1], book)
    assert {rec("vitamin-k2", n).text for n in (7, 8)} <= {c.snippet for c in book.citations}


def test_a_detail_some_of_the_findings_equally_described_state_is_said_of_each_that_does_not() -> None:
    # "every-other-day" tells of a finished study (14 days) and a trial still running (no duration):
    # both are stated, and only the one that leaves it out is said to
    lines, book = answer("how many days did the every-other-day iron study last?", "iron")
    assert len(book.citations) == 2
    assert lines[0].startswith("The research findings that fit the study described:") and "14 days" in lines[0]
    assert lines[1].startswith("Ongoing trial") and lines[2] == "That finding does not state its duration."
    assert_cited_and_grounded(lines[:2], book)


def test_the_study_named_by_what_it_measured_wins_a_tie_with_one_in_people_named_so() -> None:
    # "triglyceride" is in one finding's outcome and in another's people ("with elevated triglycerides")
    sq = parse_study_query("how long did the triglyceride fish oil study run?")
    assert sq is not None and "fish" not in sq.words and "oil" not in sq.words  # the name, no description
    sel = select_studies(sq, RECORDS, "omega-3-fish-oil")
    assert [r.ref for r in sel.records] == [1]


def test_the_study_of_a_dose_is_the_one_that_gave_it_daily_not_a_part_or_a_threshold() -> None:
    # 1 g/day given (ref 3), 1 g of DHA within 3 g/day (ref 7), "above 1 g/day" (ref 5)
    sq = parse_study_query("what ages were the people in the 1 gram omega 3 trial?")
    assert sq is not None and sq.detail == "ages"
    sel = select_studies(sq, RECORDS, "omega-3-fish-oil")
    assert [r.ref for r in sel.records] == [3] and sel.answered and not sel.what


@pytest.mark.parametrize(("question", "supplement", "gap"), [
    ("how often was the dose given in the vitamin d falls study?", "vitamin-d3", None),   # single annual
    ("how often did they take it in the fatigue iron study?", "iron", None),             # 80 mg/day
    ("how often was it given in the iron study that added vitamin c?", "iron", "how often it was given"),
])
def test_how_often_a_study_gave_its_dose_is_its_detail(question: str, supplement: str, gap: str | None) -> None:
    sq = parse_study_query(question)
    assert sq is not None and sq.detail == "frequency"
    sel = select_studies(sq, RECORDS, supplement)
    assert len(sel.records) == 1 and sel.what == (gap or "")


@pytest.mark.parametrize("question", [
    "how often did side effects happen in the fish oil trials?",   # how often something happened
    "what dose are they giving pregnant women with anaemia these days?",  # what is used, no study's
])
def test_how_often_something_happened_and_what_is_used_now_are_no_study_detail(question: str) -> None:
    sq = parse_study_query(question)
    assert sq is None or sq.detail not in ("frequency", "given_dose")


def test_a_population_s_hyphenated_words_hold_their_parts() -> None:
    from assistant.answer.studies import population_words

    words = population_words("statin-treated patients with elevated triglycerides")
    assert "statin" in words and "statin-treated" in words
