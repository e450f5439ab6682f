"""The shape of the code: layers, imports, the repository standing alone."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli
from assistant.config import REPO_ROOT

RUNTIME = REPO_ROOT / "assistant"
CODE_DIRS = ("assistant", "evals", "webchat", "tests")
#: the longest function the runtime library may hold (lines, signature to last line)
MAX_FUNCTION_LINES = 60


def _python_files(*dirs: str) -> list[Path]:
    return [p for d in dirs for p in (REPO_ROOT / d).rglob("*.py")] + [REPO_ROOT / "ui.py"]


def test_import_assistant_loads_no_web_plotting_or_eval_code() -> None:
    code = ("import assistant, sys; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in {'gradio', 'matplotlib', 'evals', 'ui', 'webchat', 'chromadb', 'torch'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert out.stdout.strip() == "[]"


def test_the_runtime_library_imports_no_app_of_its_own() -> None:
    for path in RUNTIME.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in {"evals", "webchat", "ui", "gradio", "matplotlib"}, (
                    f"{path.relative_to(REPO_ROOT)} imports {name}")


def test_nothing_reads_outside_the_repository() -> None:
    pattern = re.compile(r"\.\./shared|REPO_ROOT\.parent|parent\.parent\.parent")
    offenders = [str(p.relative_to(REPO_ROOT)) for p in _python_files(*CODE_DIRS)
                 if p.name != "test_architecture.py" and pattern.search(p.read_text(encoding="utf-8"))]
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert offenders == [] and "../" not in makefile


def test_only_the_store_touches_chroma_internals() -> None:
    users = {str(p.relative_to(REPO_ROOT)) for p in RUNTIME.rglob("*.py")
             if re.search(r"\._collection\b|\bimport chromadb|from chromadb\b|langchain_chroma",
                          p.read_text(encoding="utf-8"))}
    assert users == {"assistant/index/store.py"}


def test_runtime_functions_are_short() -> None:
    long = []
    for path in RUNTIME.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name} ({n} lines)")
    assert long == []


def test_the_cli_offers_the_plugin_commands() -> None:
    out = CliRunner().invoke(cli, ["--help"]).output
    for command in ("index", "stats", "import", "ask", "eval", "bench", "serve"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command


def test_every_source_page_is_kept_in_its_monograph_folder() -> None:
    for mono in (REPO_ROOT / "corpus").glob("*/monograph.md"):
        text = mono.read_text(encoding="utf-8")
        source = re.search(r"(?m)^source: (.+)$", text)
        assert source and (mono.parent / source.group(1).strip()).is_file(), mono
