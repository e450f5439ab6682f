"""The importer: the seed page -> corpus/vitamin-k2/, every fact kept, blanks kept blank."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assistant.cli import cli
from assistant.config import REPO_ROOT
from assistant.corpus import Corpus, Monograph, load_corpus, split_front_matter
from assistant.domain.page_format import BLANK_VALUE
from assistant.doses import numbers_in
from assistant.errors import PageError
from assistant.importer import EDITABLE_KEYS, import_page, parse_page, parse_product
from tests.conftest import CORPUS, SEED_PAGE
from tests.unit.test_doses import parse_dose

#: The aliases the Makefile's `corpus` target passes (the committed corpus was made with them).
MAKEFILE_ALIASES = ["menaquinone", "menatetrenone", "MK-4", "MK-7", "K2", "vitamin K2", "vitamin K"]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("imported")
    import_page(SEED_PAGE, out, MAKEFILE_ALIASES)
    return out


@pytest.fixture(scope="module")
def corpus(imported: Path) -> Corpus:
    return load_corpus(imported)


@pytest.fixture(scope="module")
def mono(corpus: Corpus) -> Monograph:
    (m,) = corpus.monographs
    return m


def _corpus_text(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md")))


def _seed_sentences() -> list[str]:
    """Every sentence of the seed page, split line by line (independently of the chunker)."""
    out: list[str] = []
    for line in SEED_PAGE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("Products Containing "):
            continue
        out.extend(s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line) if s)
    return out


def test_every_sentence_of_the_seed_is_in_the_corpus_verbatim(imported: Path) -> None:
    text = _corpus_text(imported)
    sentences = _seed_sentences()
    assert len(sentences) > 40
    missing = [s for s in sentences if s not in text]
    assert missing == []


def test_every_line_of_the_seed_is_in_one_corpus_file(imported: Path) -> None:
    """Stronger than sentences: each whole line (paragraph) stays together in one file."""
    files = [p.read_text(encoding="utf-8") for p in imported.rglob("*.md")]
    for line in SEED_PAGE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("Products Containing "):
            assert any(line in f for f in files), line


def test_products_heading_is_kept(mono: Monograph) -> None:
    assert mono.products_section == "Products Containing Vitamin K2"
    assert mono.meta["product_reports"] == 7


def test_front_matter(mono: Monograph) -> None:
    assert mono.title == "Vitamin K2"
    assert mono.slug == "vitamin-k2"
    assert mono.meta["source"] == SEED_PAGE.name
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(mono.meta["date"]))
    assert {"menaquinone", "MK-4", "MK-7"} <= set(mono.aliases)
    assert mono.sections == ["Overview", "Dosage Guide", "Clinical Notes", "Research"]


def test_research_findings_numbered_1_to_8_in_page_order(mono: Monograph) -> None:
    findings = [b for b in mono.blocks if b.kind == "finding"]
    assert [b.ref for b in findings] == list(range(1, 9))
    assert all(b.section == "Research" for b in findings)
    seed_lines = SEED_PAGE.read_text(encoding="utf-8").splitlines()
    i = seed_lines.index("Research")
    assert [b.text for b in findings] == [ln.strip() for ln in seed_lines[i + 1 : i + 9]]


def test_overview_markers_resolve_to_their_findings(mono: Monograph) -> None:
    overview = next(b for b in mono.blocks if b.section == "Overview")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", overview.text)}
    assert markers == {2, 4, 5, 7}
    by_ref = {b.ref: b.text for b in mono.blocks if b.kind == "finding"}
    assert set(by_ref) >= markers
    assert "45 mg/day" in by_ref[5] and "MK-4" in by_ref[5]
    assert "720 μg/day" in by_ref[7]
    assert "Three years" in by_ref[2] and "MK-7" in by_ref[2]
    assert "vitamin K and D" in by_ref[4] and "meta-analysis" in by_ref[4]
    # and the Overview sentence carrying each marker talks about the same thing
    assert re.search(r"45 mg/day\)[^.]*\[5\]", overview.text)
    assert re.search(r"720 μg/day\)[^.]*\[7\]", overview.text)
    assert re.search(r"3-year trial[^.]*MK-7[^.]*\[2\]", overview.text)


def test_blank_dosage_values_stay_blank(imported: Path, mono: Monograph) -> None:
    fields = {b.subsection: b for b in mono.blocks if b.kind == "field"}
    assert list(fields) == ["Recommended Daily Allowance", "Therapeutic Doses", "Upper Intake Limit",
                            "Special Forms"]
    lines = {name: [ln for ln in b.text.splitlines() if ln.strip()] for name, b in fields.items()}
    for name in ("Recommended Daily Allowance", "Therapeutic Doses"):
        assert lines[name][1:] == [BLANK_VALUE]
        assert numbers_in(fields[name].text) == set()
        assert not re.search(r"\d", fields[name].text)
    assert numbers_in(BLANK_VALUE) == set()
    assert lines["Recommended Daily Allowance"][0] == "For generally healthy individuals"
    assert lines["Upper Intake Limit"][1:] == [
        "mcg— No established Tolerable Upper Intake Level (UL) for vitamin K2; considered low toxicity"]
    assert "dosage" not in mono.meta  # the body is the one source of the field values
    assert lines["Special Forms"][1:] == [
        "High-dose therapy for osteoporosis, especially in Japan",
        "Longer half-life; commonly used in supplements for bone and cardiovascular support",
    ]
    text = (imported / "vitamin-k2" / "monograph.md").read_text(encoding="utf-8")
    assert text.count(BLANK_VALUE) == 2


def test_seven_products_with_amounts_that_match_their_text(mono: Monograph) -> None:
    assert len(mono.products) == 7
    assert [p.order for p in mono.products] == list(range(1, 8))
    seen_amounts = 0
    for p in mono.products:
        for n in p.nutrients:
            if n.amount is not None:
                seen_amounts += 1
                assert n.amount in p.text
                assert n.dose is not None and n.dose == parse_dose(n.amount)
            if n.form is not None:
                assert n.form in p.text
    assert seen_amounts == 10
    p3 = mono.products[2]
    k2 = p3.nutrient("vitamin K2")
    d3 = p3.nutrient("vitamin D3")
    assert k2 is not None and (k2.amount, k2.form, k2.unit, k2.micrograms) == ("100 mcg", "MK-7", "µg", 100.0)
    assert d3 is not None and (d3.amount, d3.unit, d3.micrograms) == ("5,000 IU", "IU", 125.0)
    p7 = mono.products[6]
    assert p7.nutrient("vitamin K2").amount == "100 µg"  # type: ignore[union-attr]
    assert p7.nutrient("vitamin K2").form == "MK-7"  # type: ignore[union-attr]
    assert mono.products[3].nutrient("vitamin D3").amount == "125 mcg"  # type: ignore[union-attr]


def test_product_front_matter_amounts_are_the_texts(imported: Path) -> None:
    files = sorted((imported / "vitamin-k2" / "products").glob("*.md"))
    assert len(files) == 7
    for f in files:
        text = f.read_text(encoding="utf-8")
        meta, body_start = split_front_matter(text, f.name)
        body = text[body_start:]
        for n in meta["nutrients"]:
            if "amount" in n:
                assert n["amount"] in body, (f.name, n)
                parse_dose(n["amount"])


def test_only_product_3_has_a_name(mono: Monograph) -> None:
    names = [p.name for p in mono.products]
    assert names == [None, None, "Ultra K2 MK-7 Plus D3", None, None, None, None]
    assert mono.products[2].title == "Ultra K2 MK-7 Plus D3"


def test_unnamed_products_get_distinct_descriptive_titles(mono: Monograph) -> None:
    titles = [p.title for p in mono.products]
    assert len(set(titles)) == 7
    for p in mono.products:
        if p.name is None:
            assert "Ultra" not in p.title
            assert "vitamin D3" in p.title  # every product has D3; the title says what is in it
            # the title's amounts are the product's own
            for n in p.nutrients:
                if n.amount:
                    assert n.amount in p.title
    assert titles[0].startswith("Liquid supplement")
    assert titles[5].startswith("Multivitamin")


def test_duplicate_descriptions_still_get_distinct_titles() -> None:
    seed = SEED_PAGE.read_text(encoding="utf-8")
    doubled = seed + "\n\n" + seed.rstrip().splitlines()[-1] + "\n"
    page = parse_page(doubled)
    titles = [p.title for p in page.products]
    assert len(page.products) == 8
    assert len(set(titles)) == 8


def test_zinc_product_and_multivitamin_have_no_k2_amount(mono: Monograph) -> None:
    zinc = next(p for p in mono.products if "zinc" in p.text)
    multi = next(p for p in mono.products if "multivitamin" in p.text)
    assert zinc.order == 5 and multi.order == 6
    zk2 = zinc.nutrient("vitamin K2")
    assert zk2 is not None and zk2.amount is None and zk2.dose is None and zk2.form == "MK-7"
    assert zinc.nutrient("zinc") is not None and zinc.nutrient("zinc").amount is None  # type: ignore[union-attr]
    mk2 = multi.nutrient("vitamin K2")
    assert mk2 is None or mk2.amount is None
    for p in (zinc, multi):
        assert all(n.amount is None for n in p.nutrients)


def test_parse_product_reads_amounts_and_forms() -> None:
    p = parse_product("This supplement combines vitamin D3 (2,000 IU) and vitamin K2 (90 μg as MK-7) daily.")
    assert p.name is None
    assert [(n.nutrient, n.amount, n.form) for n in p.nutrients] == [
        ("vitamin D3", "2,000 IU", None), ("vitamin K2", "90 μg", "MK-7")]
    assert p.title == "Supplement: vitamin D3 2,000 IU + vitamin K2 90 μg (MK-7)"


def _strip_date(text: str) -> str:
    """The file without its import date and the front-matter keys an editor adds (a re-import keeps
    those: see ``EDITABLE_KEYS``)."""
    text = re.sub(r"(?m)^date: .*\n", "", text)
    for key in EDITABLE_KEYS:
        text = re.sub(rf"(?m)^{key}:\n(?:- .*\n)*", "", text)
    return text


def test_committed_corpus_is_a_fresh_import_of_the_seed(imported: Path) -> None:
    """The corpus in the repo and the importer never drift apart (re-create it with `make corpus`)."""
    fresh = {p.relative_to(imported).as_posix(): p for p in imported.rglob("*") if p.is_file()}
    committed = {p.relative_to(CORPUS).as_posix(): p for p in CORPUS.rglob("*") if p.is_file()}
    assert sorted(fresh) == sorted(committed)
    for rel, path in fresh.items():
        a = _strip_date(path.read_text(encoding="utf-8"))
        b = _strip_date(committed[rel].read_text(encoding="utf-8"))
        assert a == b, f"corpus/{rel} differs from a fresh import of the seed"


def test_committed_date_is_a_date() -> None:
    text = (CORPUS / "vitamin-k2" / "monograph.md").read_text(encoding="utf-8")
    meta, _ = split_front_matter(text, "monograph.md")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta["date"]))


def test_reimport_overwrites_products(tmp_path: Path) -> None:
    import_page(SEED_PAGE, tmp_path, MAKEFILE_ALIASES)
    stale = tmp_path / "vitamin-k2" / "products" / "99-old.md"
    stale.write_text("---\ntitle: old\n---\n\nold\n", encoding="utf-8")
    import_page(SEED_PAGE, tmp_path, MAKEFILE_ALIASES)
    assert not stale.exists()
    assert len(load_corpus(tmp_path).products) == 7


# --------------------------------------------------------------------------- malformed pages


def _seed_lines() -> list[str]:
    return SEED_PAGE.read_text(encoding="utf-8").splitlines()


def test_page_error_text_before_first_heading() -> None:
    with pytest.raises(PageError) as exc:
        parse_page("Stray text\n" + SEED_PAGE.read_text(encoding="utf-8"), "page.txt")
    assert exc.value.line == 1
    assert str(exc.value).startswith("page.txt:1:")


def test_page_error_names_the_bad_clinical_note_line() -> None:
    lines = _seed_lines()
    i = lines.index("Clinical Notes")
    lines[i + 2] = lines[i + 2].removeprefix("- ")
    with pytest.raises(PageError) as exc:
        parse_page("\n".join(lines), "page.txt")
    assert exc.value.line == i + 3
    assert f"page.txt:{i + 3}:" in str(exc.value)
    assert "Clinical Notes" in exc.value.problem


def test_page_error_dosage_text_before_a_field() -> None:
    lines = _seed_lines()
    i = lines.index("Dosage Guide")
    lines.insert(i + 1, "Some stray dosage text")
    with pytest.raises(PageError) as exc:
        parse_page("\n".join(lines), "page.txt")
    assert exc.value.line == i + 2


def test_page_error_missing_section() -> None:
    lines = [ln for ln in _seed_lines() if ln != "Research"]
    with pytest.raises(PageError, match="no 'Research' section"):
        parse_page("\n".join(lines), "page.txt")


def test_page_error_missing_products_heading() -> None:
    lines = [ln for ln in _seed_lines() if not ln.startswith("Products Containing")]
    with pytest.raises(PageError, match="Products Containing"):
        parse_page("\n".join(lines), "page.txt")


def test_page_error_invalid_utf8(tmp_path: Path) -> None:
    data = SEED_PAGE.read_bytes()
    i = data.index(b"Clinical Notes")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(data[:i] + b"\xff" + data[i:])
    with pytest.raises(PageError) as exc:
        import_page(bad, tmp_path / "corpus")
    assert exc.value.line == data[:i].count(b"\n") + 1
    assert "UTF-8" in str(exc.value)


# --------------------------------------------------------------------------- command line


def test_cli_import(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    args = ["--corpus", str(out), "import", str(SEED_PAGE)]
    for a in MAKEFILE_ALIASES:
        args += ["--alias", a]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "imported" in result.output
    c = load_corpus(out)
    assert [m.slug for m in c.monographs] == ["vitamin-k2"]
    assert len(c.products) == 7
    meta = yaml.safe_load((out / "vitamin-k2" / "monograph.md").read_text(encoding="utf-8").split("---")[1])
    assert meta["aliases"] == MAKEFILE_ALIASES


def test_cli_import_malformed_page_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Stray text\n" + SEED_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--corpus", str(tmp_path / "corpus"), "import", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:1:" in result.output
    assert not (tmp_path / "corpus").exists()


def test_repo_root_layout() -> None:
    assert (REPO_ROOT / "corpus" / "vitamin-k2" / "monograph.md").is_file()
    assert SEED_PAGE.is_file()
