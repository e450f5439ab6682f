"""The web chat over :class:`assistant.Assistant` (Gradio): cited answers, sources, cautions, feedback.

:func:`build_app` builds the page from any ``Assistant``; :func:`main` loads one (building the index
first if there is none) and serves it on ``settings.host:settings.port`` (127.0.0.1:7860 by default),
never with ``share=True``, with Gradio analytics off and an optional login (``ASSISTANT_AUTH_USER`` /
``ASSISTANT_AUTH_PASSWORD``). The chat renders no Markdown, no LaTeX and no raw HTML: corpus and user
text is escaped by :mod:`webchat.render`.

API: ``gradio_client.Client(url).predict("Does K2 interact with warfarin?", api_name="/ask")``
returns the Answer as a JSON dict (``text``, ``citations``, ``cautions``, ``abstained``, ...).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from itertools import chain
from typing import Any

import gradio as gr

from assistant import Assistant
from assistant.config import Settings, get_settings
from assistant.types import AnswerEvent, SourcesEvent, StreamEvent, TextEvent
from webchat.feedback import FeedbackStore
from webchat.render import (
    BANNER_CSS,
    SOURCES_CSS,
    TABLE_CSS,
    chat_text,
    render_cautions,
    render_sources,
    render_table,
)

log = logging.getLogger(__name__)

TITLE = "Supplement monograph assistant"
DISCLAIMER = "Information from the monograph, not medical advice."
ALL_SUPPLEMENTS = "__all__"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: questions answered at the same time (the chat and the API share this limit)
CONCURRENCY = 4
SORRY = "Sorry, something went wrong while answering. Please try again."


def friendly_error(exc: Exception) -> str:
    return f"Please ask again: {exc}."


def example_questions(assistant: Assistant) -> list[str]:
    """The clickable example questions: each loaded monograph's front matter ``examples:``."""
    out: list[str] = []
    for m in assistant.corpus.monographs:
        out.extend(str(q) for q in (m.meta.get("examples") or []) if str(q).strip())
    return list(dict.fromkeys(out))


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
                banner = gr.HTML("", visible=False, elem_id="caution-banner", css_template=BANNER_CSS,
                                 js_on_load=None)
                chatbot = gr.Chatbot(
                    label="Chat", elem_id="chat", height=460, render_markdown=False, sanitize_html=True,
                    latex_delimiters=[], allow_tags=False, feedback_options=("Like", "Dislike"),
                    buttons=[], placeholder="Ask a question about the monograph.")
                table = gr.HTML("", visible=False, elem_id="products-table", css_template=TABLE_CSS,
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
                sources = gr.HTML(render_sources([]), elem_id="sources", css_template=SOURCES_CSS,
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
