"""The web chat: a live Gradio app over the session Assistant, driven with gradio_client.

The app is launched once per module on a free loopback port (``prevent_thread_lock=True``) and
closed at the end. Assertions are about behaviour (cautions present, abstention flag, citations),
not about the exact wording of answers.
"""

from __future__ import annotations

import ast
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError, AuthenticationError

import ui as entry_point
from assistant import Assistant, Settings
from assistant.config import REPO_ROOT
from assistant.types import Answer, AnswerEvent, Citation, SourcesEvent, TextEvent
from evals.bench.procs import free_port, http_ok, service
from webchat import app as ui
from webchat import render
from webchat.feedback import FeedbackStore

WARFARIN = "Does vitamin K2 interact with warfarin?"
OSTEO_DOSE = "What dose of MK-4 was used in women with osteoporosis?"
MIGRAINE = "Is vitamin K2 good for migraines?"


def client(url: str) -> Client:
    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


@pytest.fixture(scope="module")
def live_url(assistant: Assistant, base_settings: Settings) -> Iterator[str]:
    settings = base_settings.model_copy(update={"port": free_port()})
    demo = ui.build_app(assistant, settings)
    _, url, _ = ui.launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        demo.close()


@pytest.fixture(scope="module")
def api(live_url: str) -> Iterator[Client]:
    c = client(live_url)
    yield c
    c.close()


# ------------------------------------------------------------------------------- the /ask endpoint


def test_warfarin_question_returns_cautions_and_citations(api: Client) -> None:
    result = api.predict(WARFARIN, api_name="/ask")
    assert isinstance(result, dict)
    assert result["abstained"] is False
    assert result["cautions"], "a warfarin question must come with a caution"
    assert result["citations"], "an answer must cite its sources"
    assert "[1]" in result["text"]
    for c in result["citations"]:
        assert {"marker", "section", "title", "snippet", "source", "highlights"} <= set(c)
    assert all(c["citation"] is None or c["citation"]["snippet"] for c in result["cautions"])


def test_out_of_scope_question_abstains(api: Client) -> None:
    result = api.predict(MIGRAINE, api_name="/ask")
    assert result["abstained"] is True
    assert result["citations"] == []
    assert result["text"]


def test_empty_question_is_a_clear_error_and_the_server_keeps_serving(api: Client) -> None:
    with pytest.raises(AppError, match="empty"):
        api.predict("   ", api_name="/ask")
    with pytest.raises(AppError, match="limit"):
        api.predict("why " * 2000, api_name="/ask")
    result = api.predict(OSTEO_DOSE, api_name="/ask")
    assert result["abstained"] is False and result["citations"]


def test_only_the_ask_endpoint_is_public(api: Client) -> None:
    info = api.view_api(print_info=False, return_format="dict")
    assert isinstance(info, dict)
    assert list(info["named_endpoints"]) == ["/ask"]


# ------------------------------------------------------------------------------- the chat handlers


def _run(app: ui.ChatApp, question: str, session: dict[str, Any] | None = None,
         supplement: str | None = None) -> list[tuple[Any, ...]]:
    return list(app.respond(question, session, supplement))


def test_chat_streams_sources_then_text_and_records_the_answer(assistant: Assistant,
                                                              base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    steps = _run(app, WARFARIN)
    assert len(steps) >= 2  # the text arrives in more than one update
    display, banner, sources, table, box, session = steps[-1]
    assert box == ""
    assert [m["role"] for m in display] == ["user", "assistant"]
    assert "[1]" in display[1]["content"]
    assert banner["visible"] is True and "Caution" in banner["value"]
    assert "Clinical Notes" in sources and "<mark>" in sources
    assert table["visible"] is False
    assert session["records"][1]["question"] == WARFARIN
    assert session["records"][1]["citations"]
    assert session["turns"][0] == {"role": "user", "content": WARFARIN}


def test_chat_shows_an_abstention_and_a_friendly_error(assistant: Assistant,
                                                       base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    display, banner, sources, _, _, session = _run(app, MIGRAINE)[-1]
    assert "cover" in display[-1]["content"]  # the abstention message says the monograph doesn't cover it
    assert banner["visible"] is False
    assert "No sources" in sources
    steps = _run(app, "", session)
    assert len(steps) == 1
    display, *_, session = steps[0]
    assert "empty" in display[-1]["content"] and "Traceback" not in display[-1]["content"]
    assert len(session["records"]) == 1  # an error is not an answer one can vote on


def test_product_question_shows_the_comparison_table(assistant: Assistant,
                                                     base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    *_, table, _, _ = _run(app, "Which products contain MK-7?")[-1]
    assert table["visible"] is True
    assert "<table" in table["value"] and "MK-7" in table["value"] and 'href="#source-1"' in table["value"]


def test_feedback_vote_is_stored_and_read_back(assistant: Assistant, tmp_path: Path) -> None:
    settings = assistant.settings.model_copy(update={"feedback_db": tmp_path / "fb" / "votes.sqlite3"})
    app = ui.ChatApp(assistant, settings)
    *_, session = _run(app, WARFARIN)[-1]
    app.vote(session, gr.LikeData(None, {"index": 1, "value": ["x"], "liked": True}))
    app.vote(session, gr.LikeData(None, {"index": 1, "value": ["x"], "liked": False}))
    app.vote(session, gr.LikeData(None, {"index": 1, "value": ["x"], "liked": ""}))  # a vote taken back
    app.vote(session, gr.LikeData(None, {"index": 0, "value": ["x"], "liked": True}))  # the question
    with sqlite3.connect(settings.feedback_db) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = con.execute("SELECT question, answer, citations, vote, created_at FROM feedback "
                           "ORDER BY id").fetchall()
    assert [r[3] for r in rows] == ["up", "down"]
    assert rows[0][0] == WARFARIN and "[1]" in rows[0][1] and '"snippet"' in rows[0][2] and rows[0][4]


def test_feedback_store_is_append_only(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    assert store.add("q", "a [1]", [{"marker": 1}], "up") == 1
    assert store.add("q2", "a2", [], "down") == 2
    with pytest.raises(ValueError):
        store.add("q", "a", [], "meh")
    with sqlite3.connect(tmp_path / "f.sqlite3") as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE feedback SET vote = 'down' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM feedback")
    again = FeedbackStore(tmp_path / "f.sqlite3")  # reopening keeps the rows
    assert [(r.question, r.vote, r.citations) for r in again.all()] == [
        ("q", "up", [{"marker": 1}]), ("q2", "down", [])]
    assert again.count() == 2


def test_feedback_survives_a_killed_writer(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite3"
    code = ("import sys\nfrom webchat.feedback import FeedbackStore\n"
            "s = FeedbackStore(sys.argv[1])\nprint('ready', flush=True)\n"
            "while True:\n    s.add('q', 'a' * 500, [{'marker': 1}], 'up')\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while FeedbackStore(db).count() < 50 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)  # mid-write, no clean shutdown
        proc.wait(timeout=10)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = FeedbackStore(db)
    before = store.count()
    assert before >= 50
    store.add("after", "the crash", [], "down")
    assert store.count() == before + 1 and store.all()[-1].question == "after"


def test_feedback_store_concurrent_writers(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(lambda i: store.add(f"q{i}", "a", [], "up"), range(80)))
    assert store.count() == 80


# ------------------------------------------------------------------------------- rendering is text


def test_rendering_escapes_corpus_and_user_text() -> None:
    payload = '<script>window.__xss=1</script><img src=x onerror="alert(1)">'
    snippet = f"Safe start. {payload} Cited end."
    cit = Citation(marker=1, chunk_id="c", supplement="s", section="Sec <b>", title=payload, source="a.md",
                   snippet=snippet, span=(0, len(snippet)), highlights=[(0, 11), (len(snippet) - 10, 999)])
    html_ = render.render_sources([cit])
    assert "<script" not in html_ and "<img" not in html_ and "<b>" not in html_
    assert "&lt;script&gt;" in html_ and "onerror=&quot;alert(1)&quot;" in html_
    assert "<mark>Safe start.</mark>" in html_ and "<mark>Cited end.</mark>" in html_
    assert "<script" not in render.chat_text(payload)
    assert render.highlight_snippet("abcdef", [(2, 4), (3, 5), (-3, 1)]) == "<mark>a</mark>b<mark>cde</mark>f"


def test_supplement_filter_only_with_several_monographs(assistant: Assistant,
                                                        base_settings: Settings) -> None:
    def dropdowns(demo: gr.Blocks) -> list[dict[str, Any]]:
        return [c for c in demo.config["components"] if c.get("props", {}).get("elem_id") ==
                "supplement-filter"]

    assert len(assistant.supplements) == 1
    assert dropdowns(ui.build_app(assistant, base_settings)) == []

    class TwoMonographs:
        """A stand-in Assistant with two monographs that records the filters it is given."""

        def __init__(self) -> None:
            self.settings = base_settings
            self.corpus = assistant.corpus
            self.filters: list[dict[str, str] | None] = []

        @property
        def supplements(self) -> list[str]:
            return ["vitamin-k2", "magnesium"]

        def stream(self, question: str, history: Any = None, *,
                   filters: dict[str, str] | None = None) -> Iterator[Any]:
            self.filters.append(filters)
            yield SourcesEvent(citations=[])
            yield TextEvent(delta="ok")
            yield AnswerEvent(answer=Answer(question=question, text="ok"))

    fake = TwoMonographs()
    assert len(dropdowns(ui.build_app(fake, base_settings))) == 1  # type: ignore[arg-type]
    app = ui.ChatApp(fake, base_settings)  # type: ignore[arg-type]
    _run(app, "q", supplement="magnesium")
    _run(app, "q", supplement=ui.ALL_SUPPLEMENTS)
    assert fake.filters == [{"supplement": "magnesium"}, None]


def test_a_failing_assistant_gives_a_message_not_a_traceback(assistant: Assistant,
                                                              base_settings: Settings) -> None:
    class Broken:
        settings = base_settings
        corpus = assistant.corpus
        supplements = ("vitamin-k2",)

        def __init__(self, fail_after: int) -> None:
            self.fail_after = fail_after

        def stream(self, question: str, history: Any = None, **kw: Any) -> Iterator[Any]:
            if self.fail_after > 0:
                yield SourcesEvent(citations=[])
                yield TextEvent(delta="partial <b>")
            raise RuntimeError("boom at /secret/path")

    for fail_after in (0, 1):
        app = ui.ChatApp(Broken(fail_after), base_settings)  # type: ignore[arg-type]
        display, *_, session = _run(app, "q")[-1]
        assert display[-1]["content"] == ui.SORRY
        assert "boom" not in str(display) and "partial" not in str(display)
        assert session["records"] == {} and session["turns"] == []


# ------------------------------------------------------------------------------- launching


def test_launch_options_are_safe_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ASSISTANT_HOST", "ASSISTANT_PORT", "ASSISTANT_AUTH_USER", "ASSISTANT_AUTH_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    opts = ui.launch_options(Settings(_env_file=None))  # type: ignore[call-arg]
    assert opts["server_name"] == "127.0.0.1" and opts["server_port"] == 7860
    assert opts["share"] is False and opts["auth"] is None
    monkeypatch.setenv("ASSISTANT_AUTH_USER", "ann")
    monkeypatch.setenv("ASSISTANT_AUTH_PASSWORD", "s3cret")
    assert ui.launch_options(Settings(_env_file=None))["auth"] == ("ann", "s3cret")  # type: ignore[call-arg]
    with pytest.raises(SystemExit):
        ui.launch_options(Settings(_env_file=None, auth_password=None))  # type: ignore[call-arg]


def test_login_is_required_when_configured(assistant: Assistant, base_settings: Settings) -> None:
    settings = base_settings.model_copy(
        update={"port": free_port(), "auth_user": "ann", "auth_password": "s3cret"})
    demo = ui.build_app(assistant, settings)
    _, url, _ = ui.launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        with pytest.raises(AuthenticationError):
            client(url)
        with pytest.raises(ValueError, match="login"):
            Client(url, auth=("ann", "wrong"), verbose=False, analytics_enabled=False)
        c = Client(url, auth=("ann", "s3cret"), verbose=False, analytics_enabled=False)
        try:
            assert c.predict(WARFARIN, api_name="/ask")["cautions"]
        finally:
            c.close()
    finally:
        demo.close()


def test_main_loads_one_assistant_with_progress_and_launches(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        assistant: Assistant, base_settings: Settings) -> None:
    made: list[dict[str, Any]] = []
    launched: list[dict[str, Any]] = []

    def fake_assistant(settings: Settings, **kw: Any) -> Assistant:
        made.append({"settings": settings, **kw})
        return assistant

    monkeypatch.setattr(ui, "Assistant", fake_assistant)
    monkeypatch.setattr(ui, "launch", lambda demo, s, **kw: launched.append({"demo": demo, "s": s}))
    ui.main(base_settings)
    assert made == [{"settings": base_settings, "show_progress": True}]
    assert isinstance(launched[0]["demo"], gr.Blocks) and launched[0]["s"] is base_settings
    assert "index" in capsys.readouterr().out


def _import_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module
            roots.add(node.module.split(".")[0])
    return roots - set(sys.stdlib_module_names) - {"__future__"}


def test_the_web_chat_imports_only_assistant_and_gradio() -> None:
    """ui.py only starts the web chat; the web chat is a layer over the Python API and gradio."""
    assert _import_roots(REPO_ROOT / "ui.py") == {"webchat"}
    roots: set[str] = set()
    for path in (REPO_ROOT / "webchat").glob("*.py"):
        roots |= _import_roots(path)
    assert roots - {"webchat", "click"} == {"assistant", "gradio"}
    assert len((REPO_ROOT / "ui.py").read_text(encoding="utf-8").splitlines()) <= 30


# ------------------------------------------------------------------------------- load


@pytest.fixture(scope="module")
def server_process_url(assistant: Assistant, base_settings: Settings) -> Iterator[str]:
    """The web chat as its own process (`python ui.py` on the session's index), so the load test's
    clients and the server do not share one interpreter."""
    import os

    port = free_port()
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(base_settings.corpus_dir),
           "ASSISTANT_INDEX_DIR": str(base_settings.index_dir), "ASSISTANT_PORT": str(port),
           "ASSISTANT_FEEDBACK_DB": str(base_settings.feedback_db)}
    url = f"http://127.0.0.1:{port}/"
    with service([sys.executable, str(Path(entry_point.__file__))], lambda: http_ok(url), env=env, timeout=120):
        yield url


@pytest.mark.load
@pytest.mark.parametrize(("sessions", "per_session", "budget_s"), [(20, 5, 240), (50, 20, 300)])
def test_concurrent_sessions(server_process_url: str, sessions: int, per_session: int,
                             budget_s: float) -> None:
    """N simultaneous gradio_client sessions on loopback against the web chat process, bounded in
    count and time: no errors, every answer is the answer to its own question (no cross-talk),
    p50/p95 latency and the wall time printed. The time bound makes the test stop by itself; it is
    not a speed target (50x20 took about 95 s here)."""
    live_url = server_process_url
    checks = {
        WARFARIN: lambda r: not r["abstained"] and r["cautions"] and r["citations"],
        OSTEO_DOSE: lambda r: not r["abstained"] and "45 mg" in r["text"] and r["citations"],
        MIGRAINE: lambda r: r["abstained"] and not r["citations"],
        "Which products contain MK-7?": lambda r: not r["abstained"] and r["table"] and r["citations"],
        "What is the upper intake limit of vitamin K2?": lambda r: not r["abstained"] and r["citations"],
    }
    questions = list(checks)
    failures: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + budget_s

    def session(n: int) -> int:
        c = client(live_url)
        try:
            for i in range(per_session):
                q = questions[(n + i) % len(questions)]
                t0 = time.perf_counter()
                result = c.submit(q, api_name="/ask").result(timeout=max(1.0, deadline - time.monotonic()))
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    if result.get("question") != q or not checks[q](result):
                        failures.append(f"session {n}: {q!r} -> {result.get('text')!r}")
            return per_session
        finally:
            c.close()

    pool = ThreadPoolExecutor(max_workers=sessions)
    try:
        futures = [pool.submit(session, n) for n in range(sessions)]
        done, not_done = wait(futures, timeout=max(1.0, deadline - time.monotonic() + 5))
        assert not not_done, f"{len(not_done)} sessions did not finish in time"
        assert sum(f.result() for f in done) == sessions * per_session
        assert failures == []
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    elapsed = budget_s - (deadline - time.monotonic())
    lat = sorted(latencies)
    p50, p95 = lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.95))]
    print(f"\nload {sessions}x{per_session}: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"{elapsed:.0f} s in all")
