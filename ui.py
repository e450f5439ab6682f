"""Web chat over :class:`assistant.Assistant` (Gradio): cited answers, sources, cautions, feedback.

A thin layer: it imports only ``assistant`` and ``gradio``. :func:`build_app` builds the page from
any ``Assistant``; :func:`main` loads one (building the index first if there is none) and serves it
on ``settings.host:settings.port`` (127.0.0.1:7860 by default), never with ``share=True``, with
Gradio analytics off and an optional login (``ASSISTANT_AUTH_USER`` / ``ASSISTANT_AUTH_PASSWORD``).

Every piece of corpus or user text is HTML-escaped before it reaches the page, and the chat renders
no Markdown, no LaTeX and no raw HTML tags: a ``<script>`` in a question or a snippet shows as text.

API: ``gradio_client.Client(url).predict("Does K2 interact with warfarin?", api_name="/ask")``
returns the Answer as a JSON dict (``text``, ``citations``, ``cautions``, ``abstained``, ...).

Run: ``python ui.py``, ``assistant serve`` or ``make run``.
"""

from __future__ import annotations

import html
import logging
import sys
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

from assistant.config import Settings, disable_telemetry, get_settings

disable_telemetry()  # before gradio is imported: analytics off

import gradio as gr  # noqa: E402

from assistant import Assistant  # noqa: E402
from assistant.feedback import FeedbackStore  # noqa: E402
from assistant.types import (  # noqa: E402
    AnswerEvent,
    Caution,
    Citation,
    ProductRow,
    SourcesEvent,
    StreamEvent,
    TextEvent,
)

log = logging.getLogger(__name__)

TITLE = "Supplement monograph assistant"
DISCLAIMER = "Information from the monograph, not medical advice."
ALL_SUPPLEMENTS = "__all__"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: questions answered at the same time (the chat and the API share this limit)
CONCURRENCY = 4
SORRY = "Sorry, something went wrong while answering. Please try again."

#: example questions for the vitamin K2 monograph: a dose, a warfarin question, a product question
K2_EXAMPLES = [
    "What dose of MK-4 was used in women with osteoporosis?",
    "Can I take vitamin K2 if I'm on warfarin?",
    "Which products contain MK-7?",
]

_BANNER_CSS = """
.caution-box { background: #fff4e5; color: #4a2a00; border: 1px solid #f0b060;
  border-left: 8px solid #d97706; border-radius: 8px; padding: 10px 14px; margin: 0; }
.caution-box .caution-title { font-weight: 700; font-size: 1.05em; margin: 0 0 4px 0; color: #8a3c00; }
.caution-box ul { margin: 0; padding-left: 1.2em; }
.caution-box li { margin: 2px 0; }
.caution-box .ref { color: #8a3c00; font-size: 0.85em; white-space: nowrap; }
"""

_SOURCES_CSS = """
.sources-title { font-weight: 700; font-size: 1.05em; margin: 0 0 6px 0; }
.sources-empty { opacity: 0.75; font-style: italic; }
ol.source-list { list-style: none; margin: 0; padding: 0; }
li.source { border: 1px solid var(--border-color-primary, #ddd); border-radius: 8px;
  padding: 8px 10px; margin: 0 0 8px 0; }
.source-head { font-size: 0.9em; margin-bottom: 4px; }
.source-head .marker { font-weight: 700; margin-right: 4px; }
.source-head .section { font-weight: 600; }
.source-head .title { opacity: 0.85; }
.snippet { margin: 4px 0; line-height: 1.45; white-space: pre-wrap; }
.snippet mark { background: #fde68a; color: #1f2937; padding: 0 1px; border-radius: 2px; }
.source-file { font-family: var(--font-mono, monospace); font-size: 0.8em; opacity: 0.75; }
"""

_TABLE_CSS = """
.table-title { font-weight: 700; margin: 0 0 6px 0; }
table.products { border-collapse: collapse; width: 100%; font-size: 0.9em; }
table.products th, table.products td { border: 1px solid var(--border-color-primary, #ddd);
  padding: 4px 6px; text-align: left; vertical-align: top; }
table.products th { background: var(--background-fill-secondary, #f5f5f5); }
"""


# ---------------------------------------------------------------------------------------- rendering


def esc(text: object) -> str:
    """HTML-escape any text (quotes too) so the browser shows it literally."""
    return html.escape("" if text is None else str(text), quote=True)


def chat_text(text: str) -> str:
    """Text for a chat bubble: escaped, line breaks kept (the Chatbot renders no Markdown)."""
    return esc(text).replace("\n", "<br>")


def highlight_snippet(snippet: str, highlights: Sequence[tuple[int, int]]) -> str:
    """The escaped snippet with the (start, end) ranges wrapped in ``<mark>``."""
    n = len(snippet)
    spans: list[list[int]] = []
    for start, end in sorted((max(0, min(int(s), n)), max(0, min(int(e), n))) for s, e in highlights):
        if end <= start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(esc(snippet[pos:start]))
        out.append(f"<mark>{esc(snippet[start:end])}</mark>")
        pos = end
    out.append(esc(snippet[pos:]))
    return "".join(out)


def render_sources(citations: Sequence[Citation], *, abstained: bool = False) -> str:
    """The sources panel: for each citation its section, title, highlighted snippet and file."""
    if not citations:
        note = ("No sources: the monograph doesn't cover this question." if abstained
                else "The sources of the latest answer appear here.")
        return f'<div class="sources-title">Sources</div><div class="sources-empty">{esc(note)}</div>'
    items = []
    for c in citations:
        section = esc(c.section) + (f" › {esc(c.subsection)}" if c.subsection else "")
        items.append(
            f'<li class="source" id="source-{int(c.marker)}">'
            f'<div class="source-head"><span class="marker">[{int(c.marker)}]</span>'
            f'<span class="section">{section}</span> · <span class="title">{esc(c.title)}</span></div>'
            f'<div class="snippet">{highlight_snippet(c.snippet, c.highlights)}</div>'
            f'<div class="source-file">{esc(c.source)}</div></li>'
        )
    return f'<div class="sources-title">Sources</div><ol class="source-list">{"".join(items)}</ol>'


def render_cautions(cautions: Sequence[Caution]) -> str:
    """The caution banner (empty string when there is no caution)."""
    if not cautions:
        return ""
    items = []
    for c in cautions:
        ref = ""
        if c.citation is not None:
            ref = f' <span class="ref">[{int(c.citation.marker)}] {esc(c.citation.section)}</span>'
        items.append(f"<li>{esc(c.text)}{ref}</li>")
    return (f'<div class="caution-box" role="alert"><div class="caution-title">⚠ Caution</div>'
            f'<ul>{"".join(items)}</ul></div>')


def render_table(rows: Sequence[ProductRow]) -> str:
    """The product comparison table (empty string when the answer compares no products)."""
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{esc(r.product)}</td><td>{esc(r.nutrient)}</td><td>{esc(r.amount or '—')}</td>"
        f"<td>{esc(r.unit or '—')}</td><td>{esc(r.form or '—')}</td>"
        f'<td><a href="#source-{int(r.marker)}">[{int(r.marker)}]</a></td></tr>'
        for r in rows
    )
    return ('<div class="table-title">Compared products</div><table class="products"><thead><tr>'
            "<th>Product</th><th>Nutrient</th><th>Amount</th><th>Unit</th><th>Form</th><th>Source</th>"
            f"</tr></thead><tbody>{body}</tbody></table>")


def friendly_error(exc: Exception) -> str:
    return f"Please ask again: {exc}."


def example_questions(assistant: Assistant) -> list[str]:
    """Three clickable questions (a dose, a warfarin question, a product question)."""
    slugs = assistant.supplements
    if not slugs or "vitamin-k2" in slugs:
        return list(K2_EXAMPLES)
    title = next((m.title for m in assistant.corpus.monographs), slugs[0])
    return [f"What dose of {title} is used?", f"Can I take {title} if I'm on warfarin?",
            f"Which products contain {title}?"]


# ---------------------------------------------------------------------------------------- the app


def _new_session() -> dict[str, Any]:
    # turns: raw text history for Assistant; display: the Chatbot value; records: message index -> answer
    return {"turns": [], "display": [], "records": {}}


class ChatApp:
    """The handlers of the page, bound to one Assistant and one feedback store."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.feedback = FeedbackStore(settings.feedback_db)

    # -- the API endpoint
    def ask(self, question: str) -> dict[str, Any]:
        """Answer one question from the monographs. Returns the Answer as JSON: text (with [n]
        markers), citations, cautions, abstained, table, mode, support."""
        try:
            return self.assistant.ask(question).to_dict()
        except ValueError as exc:
            raise gr.Error(f"Invalid question: {exc}", print_exception=False) from None

    # -- the chat
    def respond(self, message: str | None, session: dict[str, Any] | None,
                supplement: str | None) -> Iterator[tuple[Any, ...]]:
        session = session or _new_session()
        question = message if isinstance(message, str) else ""
        display: list[dict[str, str]] = list(session["display"])
        display.append({"role": "user", "content": chat_text(question) if question.strip() else "…"})
        filters = {"supplement": supplement} if supplement and supplement != ALL_SUPPLEMENTS else None
        events: Iterator[StreamEvent] = self.assistant.stream(question, session["turns"], filters=filters)
        try:
            first = next(events)  # the Assistant validates and answers here
        except ValueError as exc:
            yield self._notice(session, display, friendly_error(exc))
            return
        except Exception:  # never show a traceback; the server keeps serving
            log.exception("answering %r failed", question[:200])
            yield self._notice(session, display, SORRY)
            return

        display.append({"role": "assistant", "content": ""})
        index = len(display) - 1
        text = ""
        banner = gr.update(value="", visible=False)
        sources = render_sources([])
        table = gr.update(value="", visible=False)
        stream = chain([first], events)
        while True:
            try:
                ev = next(stream)
            except StopIteration:
                break
            except Exception:  # a failure mid-answer: drop the partial text, say so, keep serving
                log.exception("answering %r failed", question[:200])
                del display[index:]
                session["records"].pop(index, None)
                yield self._notice(session, display, SORRY)
                return
            if isinstance(ev, SourcesEvent):
                cautions = render_cautions(ev.cautions)
                banner = gr.update(value=cautions, visible=bool(cautions))
                sources = render_sources(ev.citations)
            elif isinstance(ev, TextEvent):
                text += ev.delta
            elif isinstance(ev, AnswerEvent):
                ans = ev.answer
                text = ans.text
                sources = render_sources(ans.citations, abstained=ans.abstained)
                rows = render_table(ans.table)
                table = gr.update(value=rows, visible=bool(rows))
                session["turns"] = [*session["turns"], {"role": "user", "content": question},
                                    {"role": "assistant", "content": ans.text}]
                session["records"][index] = {
                    "question": question, "answer": ans.text,
                    "citations": [c.model_dump(mode="json") for c in ans.citations]}
            display[index] = {"role": "assistant", "content": chat_text(text)}
            session["display"] = display
            yield display, banner, sources, table, "", session

    def _notice(self, session: dict[str, Any], display: list[dict[str, str]],
                message: str) -> tuple[Any, ...]:
        display.append({"role": "assistant", "content": chat_text(message)})
        session["display"] = display
        return (display, gr.update(value="", visible=False), render_sources([]),
                gr.update(value="", visible=False), "", session)

    def clear(self) -> tuple[Any, ...]:
        return ([], gr.update(value="", visible=False), render_sources([]),
                gr.update(value="", visible=False), "", _new_session())

    # -- thumbs up/down
    def vote(self, session: dict[str, Any] | None, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, (tuple, list)) else data.index
        record = (session or {}).get("records", {}).get(int(index))
        if data.liked is True:
            vote = "up"
        elif data.liked is False:
            vote = "down"
        else:
            return  # a vote taken back, or not an answer
        if record is None:
            return
        self.feedback.add(record["question"], record["answer"], record["citations"], vote)
        gr.Info("Thanks, your vote was saved.")


def build_app(assistant: Assistant, settings: Settings | None = None) -> gr.Blocks:
    """The chat page over ``assistant`` (feedback goes to ``settings.feedback_db``)."""
    settings = get_settings(settings if settings is not None else assistant.settings)
    app = ChatApp(assistant, settings)
    outputs_common: dict[str, Any] = {"concurrency_limit": CONCURRENCY, "concurrency_id": "assistant"}

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        session = gr.State(_new_session())
        gr.Markdown(f"## {TITLE}\n{DISCLAIMER}", elem_id="disclaimer")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                supplements = assistant.supplements
                if len(supplements) > 1:
                    titles = {m.slug: m.title for m in assistant.corpus.monographs}
                    supplement: gr.components.Component = gr.Dropdown(
                        choices=[("All monographs", ALL_SUPPLEMENTS),
                                 *[(titles.get(s, s), s) for s in supplements]],
                        value=ALL_SUPPLEMENTS, label="Supplement", interactive=True,
                        elem_id="supplement-filter")
                else:
                    supplement = gr.State(None)
                banner = gr.HTML("", visible=False, elem_id="caution-banner", css_template=_BANNER_CSS,
                                 js_on_load=None)
                chatbot = gr.Chatbot(
                    label="Chat", elem_id="chat", height=460, render_markdown=False, sanitize_html=True,
                    latex_delimiters=[], allow_tags=False, feedback_options=("Like", "Dislike"),
                    buttons=[], placeholder="Ask a question about the monograph.")
                table = gr.HTML("", visible=False, elem_id="products-table", css_template=_TABLE_CSS,
                                js_on_load=None)
                with gr.Row(equal_height=True):
                    question = gr.Textbox(placeholder="Type a question and press Enter", show_label=False,
                                          scale=6, elem_id="question", lines=1, max_lines=4,
                                          autofocus=True)
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask-button")
                    clear = gr.Button("Clear", variant="secondary", scale=1, min_width=80,
                                      elem_id="clear-button")
                gr.Markdown("Try an example:", elem_id="examples-label")
                with gr.Row():
                    examples = [gr.Button(q, size="sm", elem_classes=["example-question"])
                                for q in example_questions(assistant)]
            with gr.Column(scale=2):
                sources = gr.HTML(render_sources([]), elem_id="sources", css_template=_SOURCES_CSS,
                                  js_on_load=None, max_height=780)

        outputs = [chatbot, banner, sources, table, question, session]
        chat_kw: dict[str, Any] = {"api_visibility": "private", "show_progress": "minimal",
                                   "show_progress_on": [chatbot], **outputs_common}
        question.submit(app.respond, [question, session, supplement], outputs, **chat_kw)
        send.click(app.respond, [question, session, supplement], outputs, **chat_kw)
        for btn in examples:
            btn.click(lambda q: q, [btn], [question], api_visibility="private", queue=False).then(
                app.respond, [question, session, supplement], outputs, **chat_kw)
        clear.click(app.clear, None, outputs, api_visibility="private", queue=False)
        chatbot.clear(app.clear, None, outputs, api_visibility="private", queue=False)
        chatbot.like(app.vote, [session], None, api_visibility="private", queue=False)
        gr.api(app.ask, api_name="ask", **outputs_common)
    return demo


# ---------------------------------------------------------------------------------------- launching


def launch_options(settings: Settings) -> dict[str, Any]:
    """The ``Blocks.launch`` options for these settings: bind address, port, login, no share link."""
    user, password = settings.auth_user, settings.auth_password
    if bool(user) != bool(password):
        raise SystemExit("error: set both ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD to require "
                         "a login, or neither")
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "auth": (user, password) if user and password else None,
        "auth_message": "Log in to the monograph assistant." if user else None,
        "show_error": False,
        "ssr_mode": False,
        "mcp_server": False,
        "max_threads": 40,
    }


def launch(demo: gr.Blocks, settings: Settings, **overrides: Any) -> tuple[Any, str, str]:
    """Launch ``demo`` with :func:`launch_options` (``overrides`` win, e.g. ``prevent_thread_lock``)."""
    options = {**launch_options(settings), **overrides}
    return demo.launch(**options)


def main(settings: Settings | None = None) -> None:
    """Load the Assistant once (building the index if missing) and serve the chat."""
    s = get_settings(settings)
    print(f"Loading the embedding model and the index at {s.index_dir} "
          "(the index is built from the corpus first if there is none; this can take a minute)...",
          flush=True)
    assistant = Assistant(s, show_progress=True)
    launch_options(s)  # fail early on a half-set login
    if s.host not in LOOPBACK and not (s.auth_user and s.auth_password):
        print(f"warning: serving on {s.host} without a login; anyone on the network can use it "
              "(set ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD)", file=sys.stderr, flush=True)
    print(f"Chat on http://{s.host}:{s.port}", flush=True)
    launch(build_app(assistant, s), s)


if __name__ == "__main__":
    main()
