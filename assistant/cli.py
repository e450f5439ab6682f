"""``assistant`` command line: index, stats, import, ask (and eval, bench, serve from their packages).

A thin layer over the same functions the Python API uses. Errors are printed as one clear line
(a corpus error names the file and line) and exit non-zero: 1 for a failed operation, 2 for bad
input.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from assistant.config import Settings

log = logging.getLogger(__name__)


def settings_from(ctx: click.Context) -> Settings:
    """The settings the global ``--corpus`` / ``--index`` options name (for every command)."""
    root = ctx.find_root()
    obj = root.obj or {}
    return _settings(obj.get("corpus"), obj.get("index"))


def _settings(corpus: str | None, index: str | None) -> Settings:
    over: dict[str, Any] = {}
    if corpus:
        over["corpus_dir"] = Path(corpus)
    if index:
        over["index_dir"] = Path(index)
    return Settings(**over)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group()
@click.option("--corpus", "corpus", default=None, help="Corpus folder (default: the repo's corpus/).")
@click.option("--index", "index", default=None, help="Index folder (default: the repo's index/).")
@click.pass_context
def cli(ctx: click.Context, corpus: str | None, index: str | None) -> None:
    """Retrieval assistant for supplement monographs."""
    ctx.obj = {"corpus": corpus, "index": index}


@cli.command("index")
@click.option("--rebuild", is_flag=True, help="Drop the index and build it again.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.pass_context
def index_cmd(ctx: click.Context, rebuild: bool, as_json: bool) -> None:
    """Build or update the index from the corpus (embeds only what changed)."""
    from assistant.corpus import CorpusError, load_corpus
    from assistant.errors import KnowledgeIndexError
    from assistant.index import KnowledgeIndex
    from assistant.index.embeddings import load_embeddings

    s = settings_from(ctx)
    try:
        corpus = load_corpus(s.corpus_dir)  # validate everything before touching the index
        idx = KnowledgeIndex(s, load_embeddings(s), check=False)  # sync repairs a damaged index
        result = (idx.rebuild(corpus, show_progress=not as_json) if rebuild
                  else idx.sync(corpus, show_progress=not as_json))
    except CorpusError as exc:
        _fail(f"{exc} (the index was not changed)")
        return
    except KnowledgeIndexError as exc:
        _fail(str(exc))
        return
    if as_json:
        click.echo(json.dumps(result.to_dict()))
    else:
        d = result.to_dict()
        click.echo("indexed: " + ", ".join(f"{k.removeprefix('num_')} {v}" for k, v in d.items()))


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats_cmd(ctx: click.Context, as_json: bool) -> None:
    """Chunks in the index, by section and by supplement."""
    from assistant.errors import KnowledgeIndexError
    from assistant.index import KnowledgeIndex
    from assistant.index.embeddings import load_embeddings

    s = settings_from(ctx)
    try:
        idx = KnowledgeIndex(s, load_embeddings(s))
        idx.check_fingerprint()
    except KnowledgeIndexError as exc:
        _fail(str(exc))
        return
    st = idx.stats()
    if as_json:
        click.echo(json.dumps(st))
        return
    click.echo(f"chunks: {st['chunks']}")
    for key in ("by_supplement", "by_section"):
        click.echo(key.replace("_", " ") + ":")
        for name, n in sorted(st[key].items()):
            click.echo(f"  {name}: {n}")


@cli.command("import")
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--alias", "aliases", multiple=True, help="Another name of the supplement (repeatable).")
@click.option("--dry-run", is_flag=True, help="Show what the page was understood to say; write nothing.")
@click.pass_context
def import_cmd(ctx: click.Context, page: Path, aliases: tuple[str, ...], dry_run: bool) -> None:
    """Turn a scraped monograph PAGE into corpus/<slug>/ (monograph.md + products/)."""
    from assistant.errors import PageError
    from assistant.importer import describe_page, import_page, parse_page, read_page

    s = settings_from(ctx)
    try:
        if dry_run:
            click.echo(describe_page(parse_page(read_page(page), str(page))))
            return
        folder = import_page(page, s.corpus_dir, list(aliases))
    except (PageError, UnicodeDecodeError) as exc:
        _fail(str(exc), 2)
        return
    click.echo(f"imported {page} -> {folder}")


@cli.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@click.pass_context
def ask_cmd(ctx: click.Context, question: str, as_json: bool) -> None:
    """Ask one question; prints the answer, its numbered sources and the cautions."""
    from assistant.corpus import CorpusError
    from assistant.errors import KnowledgeIndexError
    from assistant.pipeline import Assistant

    s = settings_from(ctx)
    try:
        a = Assistant(s)
        ans = a.ask(question)
    except ValueError as exc:
        if isinstance(exc, CorpusError):
            _fail(str(exc))
        _fail(str(exc), 2)
        return
    except KnowledgeIndexError as exc:
        _fail(str(exc))
        return
    if as_json:
        click.echo(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2))
        return
    for c in ans.cautions:
        click.echo(f"CAUTION: {c.text}" + (f" [{c.citation.marker}]" if c.citation else ""))
    if ans.cautions:
        click.echo()
    click.echo(ans.text)
    if ans.citations:
        click.echo("\nSources:")
        for cit in ans.citations:
            where = f"{cit.source}:{cit.span[0]}-{cit.span[1]}"
            click.echo(f"  [{cit.marker}] {cit.section} — {cit.title} ({where})")
            click.echo(f"      {cit.snippet}")


#: commands that other packages add (the evals, the benchmark, the web chat): see pyproject.toml
PLUGIN_GROUP = "assistant.commands"


def _add_plugin_commands(group: click.Group) -> None:
    """Add the commands of installed packages (entry points of ``PLUGIN_GROUP``), so the runtime
    library never imports the evals, the benchmark or the web chat itself."""
    for ep in importlib.metadata.entry_points(group=PLUGIN_GROUP):
        if ep.name in group.commands:
            continue
        try:
            group.add_command(ep.load(), ep.name)
        except ImportError as exc:  # an optional extra that is not installed
            log.debug("command %s unavailable: %s", ep.name, exc)


_add_plugin_commands(cli)


def main() -> None:
    cli(prog_name="assistant")


if __name__ == "__main__":
    main()
