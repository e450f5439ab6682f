"""Bad input: every broken corpus file is a CorpusError naming the file and the line, and
`assistant index` on such a corpus exits non-zero and leaves the previous index serving."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.corpus import MAX_FILE_BYTES, CorpusError, load_corpus, split_front_matter
from tests.conftest import CORPUS

MONO = "vitamin-k2/monograph.md"
PRODUCT = "vitamin-k2/products/03-ultra-k2-mk-7-plus-d3.md"

Mutation = Callable[[Path], tuple[str, int, str]]  # corpus root -> (file, line, problem fragment)


def _line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def _replace(root: Path, rel: str, old: str, new: str) -> int:
    """Replace the first ``old`` by ``new`` in ``root/rel``; returns the line of the change."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return _line_of(path, new) if new else text[: text.index(old)].count("\n") + 1


def broken_yaml(root: Path) -> tuple[str, int, str]:
    line = _replace(root, MONO, "products_section: Products Containing Vitamin K2",
                    "products_section: Products: Containing: K2")
    return MONO, line, "broken front matter"


def broken_yaml_tab(root: Path) -> tuple[str, int, str]:
    line = _replace(root, PRODUCT, "order: 3\n", "order: 3\n\tname: x\n")
    return PRODUCT, line + 1, "broken front matter"


def unclosed_flow(root: Path) -> tuple[str, int, str]:
    line = _replace(root, MONO, "slug: vitamin-k2", "slug: [vitamin-k2")
    # PyYAML notices the missing ']' on the next line; the message names the line that opened it
    return MONO, line + 1, f"on line {line}"


def invalid_utf8(root: Path) -> tuple[str, int, str]:
    path = root / MONO
    data = path.read_bytes()
    i = data.index(b"## Clinical Notes")
    path.write_bytes(data[:i] + b"\xff\xfe" + data[i:])
    return MONO, data[:i].count(b"\n") + 1, "invalid UTF-8"


def invalid_utf8_product(root: Path) -> tuple[str, int, str]:
    path = root / PRODUCT
    data = path.read_bytes()
    i = data.index(b"5,000 IU)")
    path.write_bytes(data[:i] + b"\xc3\x28" + data[i:])  # a truncated 2-byte sequence
    return PRODUCT, data[:i].count(b"\n") + 1, "invalid UTF-8"


def empty_file(root: Path) -> tuple[str, int, str]:
    (root / PRODUCT).write_text("", encoding="utf-8")
    return PRODUCT, 1, "empty"


def blank_monograph(root: Path) -> tuple[str, int, str]:
    (root / MONO).write_text("\n  \n\n", encoding="utf-8")
    return MONO, 1, "empty"


def no_sections_prose(root: Path) -> tuple[str, int, str]:
    path = root / MONO
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## ", ""), encoding="utf-8")
    return MONO, _line_of(path, "Overview\n"), "before the first '## Section'"


def no_sections_at_all(root: Path) -> tuple[str, int, str]:
    path = root / MONO
    text = path.read_text(encoding="utf-8")
    _, body = split_front_matter(text, MONO)
    path.write_text(text[:body] + "\n# Vitamin K2\n\n", encoding="utf-8")
    return MONO, text[:body].count("\n") + 1, "no sections"  # the body's first line


def no_front_matter(root: Path) -> tuple[str, int, str]:
    path = root / PRODUCT
    _, body = split_front_matter(path.read_text(encoding="utf-8"), PRODUCT)
    path.write_text(path.read_text(encoding="utf-8")[body:], encoding="utf-8")
    return PRODUCT, 1, "missing YAML front matter"


def unclosed_front_matter(root: Path) -> tuple[str, int, str]:
    path = root / PRODUCT
    text = path.read_text(encoding="utf-8").replace("\n---\n", "\n", 1)
    path.write_text(text, encoding="utf-8")
    return PRODUCT, text.count("\n") + 1, "not closed"


def duplicate_slug(root: Path) -> tuple[str, int, str]:
    shutil.copytree(root / "vitamin-k2", root / "vitamin-k2-copy")
    rel = "vitamin-k2-copy/monograph.md"
    return rel, _line_of(root / rel, "slug: vitamin-k2"), "duplicate slug 'vitamin-k2'"


def oversize_50mb(root: Path) -> tuple[str, int, str]:
    with (root / PRODUCT).open("r+b") as f:
        f.truncate(50_000_000)  # sparse: no 50 MB are written
    return PRODUCT, 1, "50,000,000 bytes"


def oversize_by_one_byte(root: Path) -> tuple[str, int, str]:
    with (root / MONO).open("r+b") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    return MONO, 1, "byte limit"


def amount_does_not_parse(root: Path) -> tuple[str, int, str]:
    line = _replace(root, PRODUCT, "  amount: 100 mcg", "  amount: a hundred micrograms")
    return PRODUCT, line, "does not parse"


def amount_is_a_bare_number(root: Path) -> tuple[str, int, str]:
    line = _replace(root, PRODUCT, "  amount: 5,000 IU", "  amount: 5000")
    return PRODUCT, line, "does not parse"


def amount_not_in_text(root: Path) -> tuple[str, int, str]:
    line = _replace(root, PRODUCT, "  amount: 100 mcg", "  amount: 200 mcg")
    return PRODUCT, line, "does not appear in the product text"


def amount_only_inside_another(root: Path) -> tuple[str, int, str]:
    line = _replace(root, PRODUCT, "  amount: 100 mcg", "  amount: 0 mcg")  # "0 mcg" is inside "100 mcg"
    return PRODUCT, line, "does not appear in the product text"


def form_not_in_text(root: Path) -> tuple[str, int, str]:
    line = _replace(root, PRODUCT, "  form: MK-7", "  form: MK-4")
    return PRODUCT, line, "does not appear in the product text"


def order_not_a_number(root: Path) -> tuple[str, int, str]:
    line = _replace(root, PRODUCT, "order: 3", "order: third")
    return PRODUCT, line, "'order' must be a whole number"


def finding_out_of_order(root: Path) -> tuple[str, int, str]:
    line = _replace(root, MONO, "6. Low-dose MK-4", "7. Low-dose MK-4")
    return MONO, line, "expected 6"


def field_without_text(root: Path) -> tuple[str, int, str]:
    line = _replace(root, MONO, "### Therapeutic Doses\n\nFor treatment of specific conditions\n\n"
                    "No value is listed on the monograph page.\n", "### Therapeutic Doses\n")
    return MONO, line, "has no text"


def duplicate_product_id(root: Path) -> tuple[str, int, str]:
    line = _replace(root, PRODUCT, "id: vitamin-k2-p3", "id: vitamin-k2-p2")
    return PRODUCT, line, "duplicate product id"


def product_is_a_folder(root: Path) -> tuple[str, int, str]:
    (root / "vitamin-k2" / "products" / "99-folder.md").mkdir()
    return "vitamin-k2/products/99-folder.md", 1, "cannot read"


CASES: list[Mutation] = [
    broken_yaml, broken_yaml_tab, unclosed_flow, invalid_utf8, invalid_utf8_product, empty_file,
    blank_monograph, no_sections_prose, no_sections_at_all, no_front_matter, unclosed_front_matter,
    duplicate_slug, oversize_50mb, oversize_by_one_byte, amount_does_not_parse, amount_is_a_bare_number,
    amount_not_in_text, amount_only_inside_another, form_not_in_text, order_not_a_number,
    finding_out_of_order, field_without_text, duplicate_product_id, product_is_a_folder,
]


# --------------------------------------------------------------------------- load_corpus


@pytest.mark.parametrize("mutate", CASES, ids=[c.__name__ for c in CASES])
def test_bad_file_is_a_corpus_error_naming_file_and_line(bad_root: Path, mutate: Mutation) -> None:
    rel, line, problem = mutate(bad_root)
    with pytest.raises(CorpusError) as exc:
        load_corpus(bad_root)
    err = exc.value
    assert (err.path, err.line) == (rel, line), str(err)
    assert problem in str(err)
    assert str(err).startswith(f"{rel}:{line}: ")


def test_the_committed_corpus_loads() -> None:
    corpus = load_corpus(CORPUS)
    assert [m.slug for m in corpus.monographs] == ["vitamin-k2"]
    assert len(corpus.products) == 7
    assert len(corpus.monographs) + len(corpus.products) == 8


def test_missing_and_empty_corpus_folders(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no monographs"):
        load_corpus(tmp_path / "empty")


def test_byte_order_mark_and_crlf_are_accepted(bad_root: Path) -> None:
    path = bad_root / PRODUCT
    text = path.read_text(encoding="utf-8")
    path.write_bytes(("\ufeff" + text).replace("\n", "\r\n").encode("utf-8"))
    corpus = load_corpus(bad_root)
    p = corpus.products[2]
    assert p.title == "Ultra K2 MK-7 Plus D3"
    assert p.text.startswith("Ultra K2 MK-7 Plus D3 is a dietary supplement")
    # spans are offsets into the text as Python reads the file (universal newlines)
    assert path.read_text(encoding="utf-8")[p.start : p.end] == p.text


def test_old_mac_line_ends_are_accepted(bad_root: Path) -> None:
    path = bad_root / MONO
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    mono = load_corpus(bad_root).monographs[0]
    text = path.read_text(encoding="utf-8")
    assert [b.ref for b in mono.blocks if b.kind == "finding"] == list(range(1, 9))
    assert all(text[b.start : b.end] == b.text for b in mono.blocks)


def test_file_at_the_size_limit_is_read(bad_root: Path) -> None:
    path = bad_root / PRODUCT
    text = path.read_text(encoding="utf-8")
    padded = text + " " * (MAX_FILE_BYTES - len(text.encode("utf-8")))
    path.write_text(padded, encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert len(load_corpus(bad_root).products) == 7
