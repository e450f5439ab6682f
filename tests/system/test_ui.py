"""The web chat: a live Gradio app over the session Assistant, driven with gradio_client.

The app is launched once per module on a free loopback port (``prevent_thread_lock=True``) and
closed at the end. Assertions are about behaviour (cautions present, abstention flag, citations),
not about the exact wording of answers.
"""

from __future__ import annotations

import ast
import json
import re
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
from assistant.types import Answer, AnswerEvent, Caution, Citation, ProductRow, SourcesEvent, TextEvent
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


def _run(app: ui.ChatApp, question: str, state: dict[str, Any] | None = None,
         supplement: str | None = None) -> list[tuple[Any, ...]]:
    return list(app.respond(question, state, supplement))


def _browser_roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    """What the browser gives back after a reload: the stored value, as JSON."""
    return json.loads(json.dumps(state))


def test_chat_streams_sources_then_text_and_records_the_answer(assistant: Assistant,
                                                              base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    steps = _run(app, WARFARIN)
    assert len(steps) >= 2  # the text arrives in more than one update
    assert all(step[-1] == gr.skip() for step in steps[:-1]), \
        "the conversation goes to the browser with the final answer only"
    display, banner, sources, table, box, state = steps[-1]
    assert box == ""
    assert [m["role"] for m in display] == ["user", "assistant"]
    assert '<a class="cite" href="#source-1">[1]</a>' in display[1]["content"]
    assert "[1]" not in display[1]["content"].replace('<a class="cite" href="#source-1">[1]</a>', "")
    assert banner["visible"] is True and "Caution" in banner["value"]
    assert 'href="#source-' in banner["value"] and 'data-turn="0"' in banner["value"]
    assert "Clinical Notes" in sources and "<mark>" in sources and 'id="source-1"' in sources
    assert 'data-turn="0"' in sources and "Copy answer with sources" in sources
    assert table["visible"] is False
    assert state["turns"][0]["question"] == WARFARIN
    answer = Answer.model_validate(state["turns"][0]["answer"])
    assert answer.cautions and answer.citations
    assert ui.history_of(state["turns"]) == [{"role": "user", "content": WARFARIN},
                                             {"role": "assistant", "content": answer.text}]


def test_every_marker_of_real_answers_is_a_link_to_a_listed_card(assistant: Assistant,
                                                                  base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    state = None
    for q in (WARFARIN, OSTEO_DOSE, "Which products contain MK-7?", "What is the upper intake limit of vitamin K2?"):
        display, _, sources, *_, state = _run(app, q, state)[-1]
        answer = Answer.model_validate(state["turns"][-1]["answer"])
        bubble = display[-1]["content"]
        markers = re.findall(r"\[(\d+)\]", answer.text)
        links = re.findall(r'<a class="cite" href="#source-(\d+)">\[(\d+)\]</a>', bubble)
        assert [a for a, _ in links] == markers and all(a == b for a, b in links), q
        cards = re.findall(r'<li class="source" id="source-(\d+)"', sources)
        cited = set(markers) | {str(c.citation.marker) for c in answer.cautions if c.citation}
        assert sorted(cited, key=int) == cards, "only the passages the text or a caution cites, each once"


def test_cautions_stay_in_the_banner_of_every_answer_they_apply_to(assistant: Assistant,
                                                                    base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    *_, state = _run(app, WARFARIN)[-1]
    _, banner, sources, table, _, state = _run(app, "Which products contain MK-7?", state)[-1]
    answer = Answer.model_validate(state["turns"][-1]["answer"])
    assert answer.cautions, "the conversation named warfarin: its cautions still apply"
    assert banner["visible"] is True
    for c in answer.cautions:
        assert render.esc(c.text) in banner["value"]
        assert c.citation is not None
        assert f'href="#source-{c.citation.marker}" data-turn="1">[{c.citation.marker}]</a>' in banner["value"]
        assert f'id="source-{c.citation.marker}"' in sources
    assert table["visible"] is True and 'data-turn="1"' in table["value"]


def test_chat_shows_an_abstention_and_a_friendly_error(assistant: Assistant,
                                                       base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    display, banner, sources, _, _, state = _run(app, MIGRAINE)[-1]
    assert "cover" in display[-1]["content"]  # the abstention message says the monograph doesn't cover it
    assert banner["visible"] is False
    assert "No sources" in sources
    steps = _run(app, "", state)
    assert len(steps) == 1
    display, *_, state = steps[0]
    assert "empty" in display[-1]["content"] and "Traceback" not in display[-1]["content"]
    assert len(display) == 4 and "notice" in state["turns"][1]
    assert len(ui.history_of(state["turns"])) == 2  # an error is not part of the history


def test_product_question_shows_the_comparison_table(assistant: Assistant,
                                                     base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    *_, table, _, _ = _run(app, "Which products contain MK-7?")[-1]
    assert table["visible"] is True
    assert "<table" in table["value"] and "MK-7" in table["value"] and 'href="#source-1"' in table["value"]


def test_a_reload_restores_the_conversation_and_its_last_panels(assistant: Assistant,
                                                                base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    *_, state = _run(app, WARFARIN)[-1]
    display, banner, sources, table, _, state = _run(app, "Which products contain MK-7?", state)[-1]
    restored = app.restore(_browser_roundtrip(state))
    assert restored == (display, banner, sources, table, ui.ALL_SUPPLEMENTS)
    assert app.restore(None)[0] == [] and app.restore({"version": 99, "turns": []})[0] == []


def test_a_tampered_conversation_is_checked_and_rendered_as_text(assistant: Assistant,
                                                                 base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    evil = '<img src=x onerror="alert(1)"> see [1]'
    state = {"version": 1, "supplement": "x", "turns": [
        {"question": evil, "notice": evil},
        {"question": "q", "answer": {"question": "q", "text": evil, "citations": "not a list"}},
        {"question": 3, "answer": None}, "junk",
        {"question": evil, "answer": {"question": evil, "text": f"{evil} [1]", "citations": []}},
    ]}
    display, *_ = app.restore(state)
    assert len(display) == 4  # the two well-formed turns
    assert all("<img" not in m["content"] and 'href="#' not in m["content"] for m in display)
    assert "&lt;img" in display[0]["content"]


def test_clicking_an_earlier_answer_shows_its_panels(assistant: Assistant, base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    *_, state = _run(app, "Which products contain MK-7?")[-1]
    _, _, sources, table, _, state = _run(app, OSTEO_DOSE, state)[-1]
    assert table["visible"] is False and 'data-turn="1"' in sources
    _, sources0, table0 = app.show_turn(state, gr.SelectData(None, {"index": 1, "value": "x"}))
    assert 'data-turn="0"' in sources0 and table0["visible"] is True
    assert app.show_turn(state, gr.SelectData(None, {"index": 2, "value": "x"}))[1] == sources  # its question
    assert app.show_turn(state, gr.SelectData(None, {"index": 9, "value": "x"})) == (gr.skip(),) * 3


def test_new_chat_empties_the_conversation_and_keeps_the_monograph(assistant: Assistant,
                                                                   base_settings: Settings) -> None:
    app = ui.ChatApp(assistant, base_settings)
    display, banner, sources, table, box, state = app.new_chat("vitamin-k2")
    assert display == [] and banner["visible"] is False and table["visible"] is False and box == ""
    assert "appear here" in sources
    assert state == ui.new_conversation("vitamin-k2") and state["turns"] == []


def test_copy_text_is_the_answer_as_markdown_with_numbered_references(assistant: Assistant) -> None:
    answer = assistant.ask(WARFARIN)
    md = render.answer_markdown(answer)
    assert md.startswith(f"**Question:** {WARFARIN}\n\n{answer.text}\n")
    assert "**Cautions**" in md and "**References**" in md
    for c in answer.citations:
        snippet = " ".join(c.snippet.split())
        assert f"- [{c.marker}] {c.section}" in md and f"{c.title}: “{snippet}” ({c.source})" in md
    table = render.answer_markdown(assistant.ask("Which products contain MK-7?"))
    assert "| Product | Nutrient | Amount | Unit | Form | Source |" in table


def test_feedback_vote_is_stored_and_read_back(assistant: Assistant, tmp_path: Path) -> None:
    settings = assistant.settings.model_copy(update={"feedback_db": tmp_path / "fb" / "votes.sqlite3"})
    app = ui.ChatApp(assistant, settings)
    *_, state = _run(app, WARFARIN)[-1]
    state = _browser_roundtrip(state)  # votes work on a restored conversation too
    app.vote(state, gr.LikeData(None, {"index": 1, "value": ["x"], "liked": True}))
    app.vote(state, gr.LikeData(None, {"index": 1, "value": ["x"], "liked": False}))
    app.vote(state, gr.LikeData(None, {"index": 1, "value": ["x"], "liked": ""}))  # a vote taken back
    app.vote(state, gr.LikeData(None, {"index": 0, "value": ["x"], "liked": True}))  # the question
    app.vote(state, gr.LikeData(None, {"index": 3, "value": ["x"], "liked": True}))  # no such answer
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
    assert "<script" not in render.render_header(payload, [payload], payload)


def _cit(marker: int, title: str = "T", snippet: str = "Some text.") -> Citation:
    return Citation(marker=marker, chunk_id=f"c{marker}", supplement="s", section="Sec", title=title,
                    source="a.md", snippet=snippet, span=(0, len(snippet)))


def test_only_real_markers_become_links() -> None:
    link = '<a class="cite" href="#source-{0}">[{0}]</a>'
    # a real marker of the answer: linked; a number the answer does not cite: text
    assert render.render_answer("K2 helps. [1] See [7].", [_cit(1)]) == f"K2 helps. {link.format(1)} See [7]."
    # a marker-like string in a product title (corpus) or in the question stays its escaped text
    title = 'Zebrafix [1] <a href="javascript:alert(1)">[2]</a> Drops'
    text = f"{title} (vitamin K2 50 mcg) [2]"
    html_ = render.render_answer(text, [_cit(1), _cit(2, title=title)])
    assert html_.count("<a ") == 1 and html_.endswith(link.format(2))
    assert "Zebrafix [1] &lt;a href=&quot;javascript:alert(1)&quot;&gt;[2]&lt;/a&gt; Drops" in html_
    q = "What about [1] and [2]?"
    assert "<a " not in render.render_answer(f"Quote: {q}", [_cit(1), _cit(2)], quoted=[q])
    # a marker inside a quoted snippet is the snippet's text, the marker after it is a link
    snippet = "ucOC fell [5][1] in trials."
    html_ = render.render_answer(f"{snippet} [1]", [_cit(1, snippet=snippet)])
    assert html_ == f"ucOC fell [5][1] in trials. {link.format(1)}"
    # a user's question is never linked
    assert "<a" not in render.chat_text("[1] <a href='#source-1'>[1]</a>")
    # the only markup in an answer bubble is the links: nothing else survives
    evil = '<a href="#source-1" onclick="x()">[1]</a><script>1</script> [1]'
    html_ = render.render_answer(evil, [_cit(1)])
    assert re.sub(r'<a class="cite" href="#source-1">\[1\]</a>', "", html_).count("<") == 0
    assert "onclick=&quot;x()&quot;" in html_


def test_cautions_table_and_cards_link_each_other() -> None:
    c1 = _cit(1, snippet="Avoid with warfarin.")
    banner = render.render_cautions([Caution(text="Avoid <b>with</b> warfarin.", citation=c1)], turn=3)
    assert 'Avoid &lt;b&gt;with&lt;/b&gt; warfarin. <a class="cite" href="#source-1" data-turn="3">[1]</a>' in banner
    rows = render.render_table([ProductRow(product="P <i>", nutrient="K2", amount="50", unit="mcg", marker=2)],
                               turn=3)
    assert '<a class="cite" href="#source-2" data-turn="3">[2]</a>' in rows and "P &lt;i&gt;" in rows
    panel = render.render_sources([c1], turn=3, question="<q>", markdown="**Q** <x>")
    assert '<li class="source" id="source-1" tabindex="-1">' in panel and 'data-turn="3"' in panel
    assert '<pre class="answer-markdown" hidden>**Q** &lt;x&gt;</pre>' in panel and "&lt;q&gt;" in panel


def test_the_header_names_the_monographs_loaded(assistant: Assistant, base_settings: Settings) -> None:
    demo = ui.build_app(assistant, base_settings)
    headers = [c["props"]["value"] for c in demo.config["components"]
               if c.get("props", {}).get("elem_id") == "page-header"]
    assert len(headers) == 1
    assert headers[0].startswith(f"<h1>{ui.TITLE}</h1>")
    assert "Answers from 1 monograph: <span class=\"monographs\">Vitamin K2</span>" in headers[0]
    assert render.render_header("T", ["A", "B <c>"], "d").count("B &lt;c&gt;") == 1


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
    *_, state = _run(app, "q", supplement="magnesium")[-1]
    assert state["supplement"] == "magnesium"
    assert app.restore(state)[-1] == "magnesium"  # a reload keeps the conversation's monograph
    _run(app, "q", supplement=ui.ALL_SUPPLEMENTS)
    assert fake.filters == [{"supplement": "magnesium"}, None]


def test_several_monographs_are_named_offered_and_give_their_examples(base_settings: Settings) -> None:
    from assistant.corpus import load_corpus
    from tests.conftest import FULL_CORPUS

    corpus = load_corpus(FULL_CORPUS)
    assert len(corpus.monographs) > 1

    class Several:
        settings = base_settings

        def __init__(self) -> None:
            self.corpus = corpus
            self.supplements = [m.slug for m in corpus.monographs]

    demo = ui.build_app(Several(), base_settings)  # type: ignore[arg-type]
    props = {c["props"].get("elem_id"): c["props"] for c in demo.config["components"] if "props" in c}
    header = props["page-header"]["value"]
    assert f"Answers from {len(corpus.monographs)} monographs:" in header
    assert all(render.esc(m.title) in header for m in corpus.monographs)
    choices = [tuple(c) for c in props["supplement-filter"]["choices"]]
    assert choices == [("All monographs", ui.ALL_SUPPLEMENTS), *[(m.title, m.slug) for m in corpus.monographs]]
    assert props["supplement-filter"]["value"] == ui.ALL_SUPPLEMENTS
    examples = [c["props"]["value"] for c in demo.config["components"]
                if "example-question" in (c.get("props", {}).get("elem_classes") or [])]
    assert examples == ui.example_questions(Several())  # type: ignore[arg-type]
    for m in corpus.monographs:  # each monograph's own front matter examples are offered
        assert set(m.meta.get("examples") or []) <= set(examples), m.slug


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
        display, *_, state = _run(app, "q")[-1]
        assert display[-1]["content"] == ui.SORRY
        assert "boom" not in str(display) and "partial" not in str(display)
        assert state["turns"] == [{"question": "q", "notice": ui.SORRY}]
        assert ui.history_of(state["turns"]) == []


def test_api_failure_is_an_apology_and_a_logged_traceback(base_settings: Settings,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    class Broken:  # a fault injected into the endpoint: an Assistant whose answering fails
        settings = base_settings

        def ask(self, question: str) -> Any:
            raise RuntimeError("boom at /secret/path")

    app = ui.ChatApp(Broken(), base_settings)  # type: ignore[arg-type]
    with caplog.at_level("ERROR"), pytest.raises(gr.Error) as err:
        app.ask("q")
    assert err.value.message == ui.SORRY and "boom" not in str(err.value)
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


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
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the web chat process's output goes (its tracebacks, for a failing load test to show)."""
    return tmp_path_factory.mktemp("ui-process") / "ui.log"


@pytest.fixture(scope="module")
def server_process_url(assistant: Assistant, base_settings: Settings, server_log: Path) -> Iterator[str]:
    """The web chat as its own process (`python ui.py` on the session's index), so the load test's
    clients and the server do not share one interpreter."""
    import os

    port = free_port()
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(base_settings.corpus_dir),
           "ASSISTANT_INDEX_DIR": str(base_settings.index_dir), "ASSISTANT_PORT": str(port),
           "ASSISTANT_FEEDBACK_DB": str(base_settings.feedback_db)}
    url = f"http://127.0.0.1:{port}/"
    with service([sys.executable, str(Path(entry_point.__file__))], lambda: http_ok(url), env=env, timeout=120,
                 log=server_log):
        yield url


def _log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def _server_errors(log: Path, since: int, chars: int = 6000) -> str:
    """The web chat process's output written after byte ``since``, from its first traceback on (or
    its tail)."""
    with log.open("rb") as f:
        f.seek(since)
        text = f.read().decode("utf-8", errors="replace")
    at = text.find("Traceback")
    return text[at:at + chars] if at >= 0 else text[-chars:]


@pytest.mark.load
@pytest.mark.parametrize(("sessions", "per_session", "budget_s"), [(20, 5, 240), (50, 20, 300)])
def test_concurrent_sessions(server_process_url: str, server_log: Path, sessions: int, per_session: int,
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
    since = _log_size(server_log)  # the process serves every parameter set: only this run's output

    def session(n: int) -> int:
        c = client(live_url)
        try:
            for i in range(per_session):
                q = questions[(n + i) % len(questions)]
                t0 = time.perf_counter()
                try:
                    result = c.submit(q, api_name="/ask").result(timeout=max(1.0, deadline - time.monotonic()))
                except Exception as exc:  # an app error, a timeout, a dropped connection: what the server said
                    raise AssertionError(f"{q!r} failed ({exc!r}); the web chat process wrote:\n"
                                         f"{_server_errors(server_log, since)}") from exc
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
