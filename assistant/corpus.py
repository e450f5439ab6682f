"""Read the corpus folder into typed records (pure parsing; the only I/O is reading files).

Layout, one folder per monograph::

    corpus/<slug>/monograph.md          YAML front matter + the page's sections as Markdown
    corpus/<slug>/products/NN-*.md      one product each: front matter (title, nutrients) + verbatim text

In ``monograph.md`` a ``## Heading`` is a section of the page; inside it, ``### Field`` headings are
fields (the Dosage Guide), ``- item`` lines are notes and ``N. item`` lines are numbered findings;
other text is prose. Every error names the file and the line (:class:`CorpusError`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.doses import Dose, parse_doses
from assistant.errors import CorpusError
from assistant.nutrients import form_spellings, micrograms

#: libyaml's safe loader when it is there (several times faster), else the pure-Python one
_YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PRODUCTS_DIR = "products"
MONOGRAPH_FILE = "monograph.md"
MAX_FILE_BYTES = 5_000_000


@dataclass(frozen=True)
class Block:
    """A citable unit of a monograph: verbatim ``text`` at ``start:end`` of ``source``."""

    supplement: str
    section: str
    kind: str  # "prose" | "field" | "note" | "finding"
    text: str
    start: int
    end: int
    source: str
    subsection: str | None = None
    ref: int | None = None
    line: int = 1


@dataclass(frozen=True)
class Nutrient:
    """A nutrient named by a product; ``amount`` is the text as written (None when not given)."""

    nutrient: str
    amount: str | None = None
    form: str | None = None
    dose: Dose | None = None

    @property
    def unit(self) -> str | None:
        return self.dose.unit if self.dose else None

    @property
    def micrograms(self) -> float | None:
        """Amount in µg (IU through the vocabulary's factor for this nutrient or form); None when
        unknown or when no factor is known."""
        return micrograms(self.nutrient, self.form, self.dose)


@dataclass(frozen=True)
class Product:
    """One product description, verbatim, with the amounts it states."""

    id: str
    supplement: str
    title: str
    name: str | None
    text: str
    start: int
    end: int
    source: str
    order: int
    nutrients: tuple[Nutrient, ...] = ()

    def nutrient(self, name: str) -> Nutrient | None:
        key = name.casefold()
        for n in self.nutrients:
            if n.nutrient.casefold() == key:
                return n
        return None


@dataclass
class Monograph:
    """One supplement's monograph: its metadata, blocks (sections) and products."""

    slug: str
    title: str
    aliases: list[str]
    meta: dict[str, Any]
    source: str
    blocks: list[Block] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    products_section: str = "Products"

    @property
    def sections(self) -> list[str]:
        seen: list[str] = []
        for b in self.blocks:
            if b.section not in seen:
                seen.append(b.section)
        return seen


@dataclass
class Corpus:
    """Every monograph of the corpus folder."""

    root: Path
    monographs: list[Monograph] = field(default_factory=list)
    #: :func:`files_digest` of the folder, taken just before it was read (None: not from a folder)
    files_digest: str | None = None
    #: :func:`folder_digests` of the folder, taken with ``files_digest`` (None: unknown)
    folder_digests: dict[str, str] | None = None
    #: :func:`stat_digest` of the folder, taken before it was read (None: unknown)
    stat: str | None = None

    @property
    def products(self) -> list[Product]:
        return [p for m in self.monographs for p in m.products]


# --------------------------------------------------------------------------- reading files


def read_text(path: Path, rel: str) -> str:
    """The file as UTF-8 text; invalid bytes, an oversize or unreadable file are a :class:`CorpusError`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CorpusError(rel, 1, f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(rel, 1, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(rel, line, f"invalid UTF-8 at byte {exc.start}: {exc.reason}") from None
    if not text.strip():
        raise CorpusError(rel, 1, "file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as Python's universal newlines


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def split_front_matter(text: str, rel: str) -> tuple[dict[str, Any], int]:
    """Parse ``---`` YAML front matter; returns (data, offset where the body starts).

    A leading byte-order mark is allowed (offsets stay those of the text as read).
    """
    lead = 1 if text.startswith("\ufeff") else 0
    open_end = text.find("\n", lead)
    first = text[lead:] if open_end < 0 else text[lead:open_end]
    if first.rstrip(" \t") != "---":
        raise CorpusError(rel, 1, "missing YAML front matter (the file must start with '---')")
    if open_end < 0:
        raise CorpusError(rel, 1, "front matter is not closed by a '---' line")
    close = _FENCE.search(text, open_end + 1)
    if close is None:
        end_line = text.count("\n") + 1
        raise CorpusError(rel, end_line, "front matter is not closed by a '---' line")
    raw = text[open_end + 1 : close.start()]
    try:
        data = yaml.load(raw, Loader=_YAML_LOADER)  # a safe loader (CSafeLoader or SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 2 != line:
            problem += f" ({context} on line {context_mark.line + 2})"
        raise CorpusError(rel, line, f"broken front matter: {problem}") from None
    if not isinstance(data, dict):
        raise CorpusError(rel, 2, "front matter must be a mapping of keys to values")
    body_start = min(len(text), close.end() + 1)
    return data, body_start


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _front_matter_line(text: str, *path: str | int) -> int:
    """Line (1-based, in the file) of the front-matter entry at ``path``, e.g. ``("nutrients", 1,
    "amount")``; the deepest entry found on the way when the full path is missing; 2 at worst."""
    lead = 1 if text.startswith("\ufeff") else 0
    open_end = text.find("\n", lead)
    close = _FENCE.search(text, open_end + 1) if open_end >= 0 else None
    if close is None:
        return 2
    try:
        node = yaml.compose(text[open_end + 1 : close.start()], Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 2
    line = 0
    for key in path:
        nxt: Any = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    line, nxt = k.start_mark.line, v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            nxt = node.value[key]
            line = nxt.start_mark.line
        if nxt is None:
            break
        node = nxt
    return line + 2


# --------------------------------------------------------------------------- monograph body

_H2 = re.compile(r"^## (.+?)\s*$")
_H3 = re.compile(r"^### (.+?)\s*$")
_NOTE = re.compile(r"^- (.+?)\s*$")
_FINDING = re.compile(r"^(\d+)\. (.+?)\s*$")


def _lines_with_offsets(text: str, start: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = start
    for raw in text[start:].split("\n"):
        out.append((pos, raw))
        pos += len(raw) + 1
    return out


def parse_monograph_body(text: str, body_start: int, slug: str, rel: str) -> list[Block]:
    """The blocks of a monograph body, each with its verbatim span in ``text``."""
    parser = _BodyParser(text, slug, rel)
    for off, raw in _lines_with_offsets(text, body_start):
        parser.line(off, raw.rstrip())
    parser.flush_prose()
    parser.flush_field()
    return parser.blocks


class _BodyParser:
    """The state of :func:`parse_monograph_body` as it reads a body line by line."""

    def __init__(self, text: str, slug: str, rel: str) -> None:
        self.text, self.slug, self.rel = text, slug, rel
        self.blocks: list[Block] = []
        self.section: str | None = None
        self.field_name: str | None = None
        self.field_line = 0
        self.field_start: int | None = None
        self.field_end = 0
        self.last_ref: dict[str, int] = {}
        self.prose: list[tuple[int, str]] = []

    def _block(self, kind: str, s: int, e: int, **extra: Any) -> None:
        assert self.section is not None
        self.blocks.append(Block(self.slug, self.section, kind, self.text[s:e], s, e, self.rel,
                                 line=line_of(self.text, s), **extra))

    def flush_prose(self) -> None:
        if self.section and self.prose:
            s = self.prose[0][0]
            last_off, last = self.prose[-1]
            self._block("prose", s, last_off + len(last))
        self.prose = []

    def flush_field(self) -> None:
        if self.section and self.field_name and self.field_start is None:
            raise CorpusError(self.rel, self.field_line, f"field '{self.field_name}' has no text (write "
                              "its value, or say that there is none)")
        if self.section and self.field_name and self.field_start is not None:
            self._block("field", self.field_start, self.field_end, subsection=self.field_name)
        self.field_name, self.field_start = None, None

    def line(self, off: int, line: str) -> None:
        if not line.strip() or line.startswith("# "):
            if self.prose and not line.strip():
                self.flush_prose()
            return
        if m := _H2.match(line):
            self.flush_prose()
            self.flush_field()
            self.section = m.group(1).strip()
            return
        if self.section is None:
            raise CorpusError(self.rel, line_of(self.text, off), "text before the first '## Section' heading")
        if m := _H3.match(line):
            self.flush_prose()
            self.flush_field()
            self.field_name = m.group(1).strip()
            self.field_line = line_of(self.text, off)
        elif self.field_name is not None:
            if self.field_start is None:
                self.field_start = off
            self.field_end = off + len(line)
        elif m := _NOTE.match(line):
            self.flush_prose()
            self._block("note", off + m.start(1), off + m.end(1))
        elif m := _FINDING.match(line):
            self.flush_prose()
            self.finding(off, m)
        else:
            self.prose.append((off + (len(line) - len(line.lstrip())), line.strip()))

    def finding(self, off: int, m: re.Match[str]) -> None:
        assert self.section is not None
        ref = int(m.group(1))
        expected = self.last_ref.get(self.section, 0) + 1
        if ref != expected:
            raise CorpusError(self.rel, line_of(self.text, off),
                              f"finding numbered {ref} in '{self.section}', expected {expected} "
                              "(findings are numbered 1, 2, 3... in order, so markers resolve)")
        self.last_ref[self.section] = ref
        self._block("finding", off + m.start(2), off + m.end(2), ref=ref)


def load_monograph(folder: Path, root: Path) -> Monograph:
    path = folder / MONOGRAPH_FILE
    rel = str(path.relative_to(root))
    text = read_text(path, rel)
    meta, body_start = split_front_matter(text, rel)
    for key in ("title", "slug"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise CorpusError(rel, _front_matter_line(text, key), f"front matter needs a '{key}' (a text)")
    slug = str(meta["slug"])
    aliases = meta.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise CorpusError(rel, _front_matter_line(text, "aliases"), "'aliases' must be a list of strings")
    blocks = parse_monograph_body(text, body_start, slug, rel)
    if not blocks:
        raise CorpusError(rel, line_of(text, body_start), "no sections: expected '## Heading' blocks")
    products_section = str(meta.get("products_section") or "Products")
    mono = Monograph(slug, str(meta["title"]), list(aliases), meta, rel, blocks,
                     products_section=products_section)
    pdir = folder / PRODUCTS_DIR
    if pdir.is_dir():
        for i, ppath in enumerate(sorted(pdir.glob("*.md")), start=1):
            mono.products.append(load_product(ppath, root, slug, i))
    return mono


# --------------------------------------------------------------------------- products


def _written_in(fragment: str, text: str) -> bool:
    """True when ``fragment`` occurs in ``text`` as a whole (not inside a longer number or word)."""
    pattern = rf"(?<![\w.,]){re.escape(fragment)}(?![\w])"
    return re.search(pattern, text) is not None


def load_product(path: Path, root: Path, slug: str, order: int) -> Product:
    rel = str(path.relative_to(root))
    text = read_text(path, rel)
    meta, body_start = split_front_matter(text, rel)
    body = text[body_start:]
    lead = len(body) - len(body.lstrip())
    start = body_start + lead
    end = body_start + len(body.rstrip())
    desc = text[start:end]
    if not desc:
        raise CorpusError(rel, line_of(text, body_start), "product has no description text")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CorpusError(rel, _front_matter_line(text, "title"), "product front matter needs a 'title'")
    pid = str(meta.get("id") or f"{slug}-p{order}")
    raw_order = meta.get("order")
    if raw_order is not None and (isinstance(raw_order, bool) or not isinstance(raw_order, int)):
        raise CorpusError(rel, _front_matter_line(text, "order"),
                          f"'order' must be a whole number, not {raw_order!r}")
    raw_nutrients = meta.get("nutrients") or []
    if not isinstance(raw_nutrients, list):
        raise CorpusError(rel, _front_matter_line(text, "nutrients"), "'nutrients' must be a list")
    nutrients: list[Nutrient] = []
    for i, item in enumerate(raw_nutrients):
        if not isinstance(item, dict) or not isinstance(item.get("nutrient"), str):
            raise CorpusError(rel, _front_matter_line(text, "nutrients", i),
                              "each nutrient needs a 'nutrient' name")
        name = item["nutrient"]
        amount = item.get("amount")
        dose: Dose | None = None
        if amount is not None:
            amount = str(amount)
            doses = parse_doses(amount)
            if len(doses) != 1 or doses[0].text != amount.strip():
                raise CorpusError(rel, _front_matter_line(text, "nutrients", i, "amount"),
                                  f"amount {amount!r} of {name} does not parse as a dose")
            if not _written_in(amount, desc):
                raise CorpusError(rel, _front_matter_line(text, "nutrients", i, "amount"),
                                  f"amount {amount!r} of {name} does not appear in the product text")
            dose = doses[0]
        form = item.get("form")
        if form is not None and not any(_written_in(t.casefold(), desc.casefold())
                                        for t in form_spellings(str(form))):  # as the vocabulary spells it
            raise CorpusError(rel, _front_matter_line(text, "nutrients", i, "form"),
                              f"form {form!r} of {name} does not appear in the product text")
        nutrients.append(Nutrient(name, amount, str(form) if form else None, dose))
    pname = meta.get("name")
    return Product(pid, slug, title.strip(), str(pname) if pname else None, desc, start, end, rel,
                   int(raw_order or order), tuple(nutrients))


# --------------------------------------------------------------------------- whole corpus


def folder_digests(root: Path | str) -> dict[str, str] | None:
    """Each top-level entry of the corpus folder (a monograph folder, or a file at the top) -> a hash
    of its files (relative path, size and bytes); None when a file cannot be read. Sync compares
    these with the serving index's to parse only the monographs that changed."""
    root = Path(root)
    out: dict[str, Any] = {}
    try:
        paths = sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file())
        for rel, path in paths:
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            data = path.read_bytes()
            h = out.setdefault(rel.split("/", 1)[0] if "/" in rel else "", hashlib.sha256())
            h.update(rel.encode("utf-8") + b"\0" + len(data).to_bytes(8, "little"))
            h.update(hashlib.sha256(data).digest())
    except OSError:
        return None
    return {k: h.hexdigest() for k, h in sorted(out.items())}


def stat_digest(root: Path | str) -> str | None:
    """A hash of every corpus file's path, size and modification time (no file is read): what
    tells, cheaply, that the folder is as it was when a parsed copy of it was kept (the same test
    git and make rely on); None when the folder cannot be listed."""
    rows: list[str] = []
    top = str(root)
    try:
        for folder, dirs, files in os.walk(top, onerror=_raise):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = os.path.relpath(folder, top)
            for name in files:
                if not name.startswith("."):
                    st = os.stat(os.path.join(folder, name))
                    rows.append(f"{rel}/{name}\0{st.st_size}\0{st.st_mtime_ns}")
    except OSError:
        return None
    rows.sort()
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _raise(exc: OSError) -> None:
    raise exc


def digest_of(folders: dict[str, str]) -> str:
    """One hash of :func:`folder_digests`."""
    return hashlib.sha256("\n".join(f"{k}\0{v}" for k, v in sorted(folders.items())).encode()).hexdigest()


def files_digest(root: Path | str) -> str | None:
    """A hash of every file in the corpus folder, or None when a file cannot be read. Equal digests
    mean byte-identical corpora, so sync can skip parsing."""
    folders = folder_digests(root)
    return None if folders is None else digest_of(folders)


def load_part(root: Path | str, folders: Sequence[str]) -> list[Monograph]:
    """The monographs of these top-level folders of the corpus (each checked as :func:`load_corpus`
    checks it; slugs and product ids unique among them). A folder without a monograph file is skipped."""
    root = Path(root)
    part = Corpus(root)
    _add_monographs(part, [root / f for f in folders if (root / f).is_dir()])
    return part.monographs


def load_corpus(root: Path | str, *, digest: str | None = None,
                folders: dict[str, str] | None = None) -> Corpus:
    """Every monograph under ``root``; raises :class:`CorpusError` for the first bad file.

    ``digest`` / ``folders``: the folder's :func:`files_digest` / :func:`folder_digests`, when the
    caller has just taken them.

    A corpus without any monograph is an error too (so a wrong ``--corpus`` never empties an index).
    """
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(str(root), 0, "corpus folder does not exist")
    # the digest is taken before reading: an edit made meanwhile shows up as a change next time
    stat = stat_digest(root)  # before reading: an edit made meanwhile shows up as a change
    if folders is None and digest is None:
        folders = folder_digests(root)
    if digest is None and folders is not None:
        digest = digest_of(folders)
    corpus = Corpus(root, files_digest=digest, folder_digests=folders, stat=stat)
    _add_monographs(corpus, sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")))
    if not corpus.monographs:
        raise CorpusError(str(root), 0, f"no monographs: expected <slug>/{MONOGRAPH_FILE} folders")
    return corpus


def _add_monographs(corpus: Corpus, folders: Sequence[Path]) -> None:
    """Read each folder's monograph into ``corpus``; slugs and product ids must be unique."""
    root = corpus.root
    slugs: dict[str, str] = {}
    product_ids: dict[str, str] = {}
    for folder in folders:
        if not (folder / MONOGRAPH_FILE).exists():
            continue
        mono = load_monograph(folder, root)
        if mono.slug in slugs:
            text = read_text(root / mono.source, mono.source)
            raise CorpusError(mono.source, _front_matter_line(text, "slug"),
                              f"duplicate slug {mono.slug!r} (also in {slugs[mono.slug]})")
        slugs[mono.slug] = mono.source
        for p in mono.products:
            if p.id in product_ids:
                text = read_text(root / p.source, p.source)
                raise CorpusError(p.source, _front_matter_line(text, "id"),
                                  f"duplicate product id {p.id!r} (also in {product_ids[p.id]})")
            product_ids[p.id] = p.source
        corpus.monographs.append(mono)
