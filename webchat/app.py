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
from assistant.types import Answer, AnswerEvent, Citation, SourcesEvent, StreamEvent, TextEvent
from webchat.feedback import FeedbackStore
from webchat.render import (
    PAGE_CSS,
    PAGE_JS,
    answer_markdown,
    chat_text,
    render_answer,
    render_cautions,
    render_header,
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
#: the browser's localStorage key of the conversation (encrypted by Gradio with a per-run secret)
STORAGE_KEY = "supplement-monograph-chat"
#: turns kept in the browser (the oldest go first)
MAX_TURNS = 40
CONVERSATION_VERSION = 1


def friendly_error(exc: Exception) -> str:
    return f"Please ask again: {exc}."


def example_questions(assistant: Assistant) -> list[str]:
    """The clickable example questions: each loaded monograph's front matter ``examples:``."""
    out: list[str] = []
    for m in assistant.corpus.monographs:
        out.extend(str(q) for q in (m.meta.get("examples") or []) if str(q).strip())
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------------------------------- the conversation
#
# The conversation lives in the browser (gr.BrowserState), so it survives a reload:
#   {"version": 1, "supplement": slug | "__all__", "turns": [{"question": str, "answer": Answer-JSON}
#                                                            | {"question": str, "notice": str}]}
# Turn k is chat messages 2k (the question) and 2k + 1 (the answer or the notice). Everything on the
# page is rendered again from this data, never taken from the browser as HTML.


def new_conversation(supplement: str | None = None) -> dict[str, Any]:
    return {"version": CONVERSATION_VERSION, "supplement": supplement or ALL_SUPPLEMENTS, "turns": []}


def load_conversation(value: Any) -> dict[str, Any]:
    """The conversation from the browser, checked: turns that are not well-formed are dropped."""
    if not isinstance(value, dict) or value.get("version") != CONVERSATION_VERSION:
        return new_conversation()
    supplement = value.get("supplement")
    conv = new_conversation(supplement if isinstance(supplement, str) else None)
    for turn in value.get("turns") or []:
        if not isinstance(turn, dict) or not isinstance(turn.get("question"), str):
            continue
        if isinstance(turn.get("notice"), str):
            conv["turns"].append({"question": turn["question"], "notice": turn["notice"]})
            continue
        try:
            answer = Answer.model_validate(turn.get("answer"))
        except ValueError:
            continue
        conv["turns"].append({"question": turn["question"], "answer": answer.to_dict()})
    conv["turns"] = conv["turns"][-MAX_TURNS:]
    return conv


def _answer(turn: dict[str, Any]) -> Answer | None:
    data = turn.get("answer")
    return Answer.model_validate(data) if data is not None else None


def history_of(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The answered turns as the Assistant's history (notices are not part of it)."""
    out: list[dict[str, str]] = []
    for t in turns:
        ans = _answer(t)
        if ans is not None:
            out += [{"role": "user", "content": t["question"]}, {"role": "assistant", "content": ans.text}]
    return out


def _user_bubble(question: str) -> dict[str, str]:
    return {"role": "user", "content": chat_text(question) if question.strip() else "…"}


def _answer_bubble(text: str, citations: list[Citation], question: str) -> dict[str, str]:
    return {"role": "assistant", "content": render_answer(text, citations, quoted=[question])}


def display_of(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The chat messages of the conversation: each question, then its answer (markers linked)."""
    display: list[dict[str, str]] = []
    for t in turns:
        display.append(_user_bubble(t["question"]))
        ans = _answer(t)
        if ans is None:
            display.append({"role": "assistant", "content": chat_text(str(t.get("notice", "")))})
        else:
            display.append(_answer_bubble(ans.text, ans.citations, t["question"]))
    return display


def _hidden() -> Any:
    return gr.update(value="", visible=False)


def panels(answer: Answer | None, k: int | None) -> tuple[Any, str, Any]:
    """The caution banner, the sources panel and the product table of one answer (turn ``k``)."""
    if answer is None:
        return _hidden(), render_sources([]), _hidden()
    cautions = render_cautions(answer.cautions, turn=k)
    rows = render_table(answer.table, turn=k)
    sources = render_sources(answer.citations, abstained=answer.abstained, turn=k, question=answer.question,
                             markdown=answer_markdown(answer))
    return (gr.update(value=cautions, visible=bool(cautions)), sources,
            gr.update(value=rows, visible=bool(rows)))


def last_panels(turns: list[dict[str, Any]]) -> tuple[Any, str, Any]:
    """The panels of the latest answer (the empty panels when the last turn is a notice)."""
    if not turns:
        return panels(None, None)
    return panels(_answer(turns[-1]), len(turns) - 1)


# ---------------------------------------------------------------------------------------- the app


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
        except Exception:  # logged with its traceback; the caller gets the chat's apology, never the trace
            log.exception("answering %r failed", str(question)[:200])
            raise gr.Error(SORRY, print_exception=False) from None

    # -- the chat
    def respond(self, message: str | None, state: Any,
                supplement: str | None) -> Iterator[tuple[Any, ...]]:
        """Stream one answer: yields (chat, banner, sources, table, question box, conversation); the
        conversation is sent to the browser with the final answer only."""
        conv = load_conversation(state)
        conv["supplement"] = supplement or ALL_SUPPLEMENTS
        turns: list[dict[str, Any]] = conv["turns"][-(MAX_TURNS - 1):]  # room for this one
        conv["turns"] = turns
        question = message if isinstance(message, str) else ""
        k = len(turns)
        display = [*display_of(turns), _user_bubble(question)]
        filters = {"supplement": supplement} if supplement and supplement != ALL_SUPPLEMENTS else None
        events: Iterator[StreamEvent] = self.assistant.stream(question, history_of(turns), filters=filters)
        try:
            first = next(events)  # the Assistant validates and answers here
        except ValueError as exc:
            yield self._notice(conv, display, question, friendly_error(exc))
            return
        except Exception:  # never show a traceback; the server keeps serving
            log.exception("answering %r failed", question[:200])
            yield self._notice(conv, display, question, SORRY)
            return

        text = ""
        preview: list[Citation] = []
        banner, sources, table = panels(None, None)
        stream = chain([first], events)
        while True:
            try:
                ev = next(stream)
            except StopIteration:
                break
            except Exception:  # a failure mid-answer: drop the partial text, say so, keep serving
                log.exception("answering %r failed", question[:200])
                yield self._notice(conv, display, question, SORRY)
                return
            done = None
            if isinstance(ev, SourcesEvent):
                preview = list(ev.citations)
                cautions = render_cautions(ev.cautions, turn=k)
                banner = gr.update(value=cautions, visible=bool(cautions))
                sources = render_sources(preview, turn=k, question=question)
            elif isinstance(ev, TextEvent):
                text += ev.delta
            elif isinstance(ev, AnswerEvent):
                done = ev.answer
                text, preview = done.text, done.citations
                banner, sources, table = panels(done, k)
                turns.append({"question": question, "answer": done.to_dict()})
            bubbles = [*display, _answer_bubble(text, preview, question)]
            yield bubbles, banner, sources, table, "", (conv if done is not None else gr.skip())

    def _notice(self, conv: dict[str, Any], display: list[dict[str, str]], question: str,
                message: str) -> tuple[Any, ...]:
        conv["turns"] = [*conv["turns"], {"question": question, "notice": message}][-MAX_TURNS:]
        banner, sources, table = panels(None, None)
        return display_of(conv["turns"]), banner, sources, table, "", conv

    def restore(self, state: Any) -> tuple[Any, ...]:
        """The page after a reload: the conversation, the panels of its last answer, its monograph."""
        conv = load_conversation(state)
        banner, sources, table = last_panels(conv["turns"])
        return display_of(conv["turns"]), banner, sources, table, conv["supplement"]

    def new_chat(self, supplement: str | None = None) -> tuple[Any, ...]:
        """An empty conversation (the monograph chosen stays chosen)."""
        banner, sources, table = panels(None, None)
        return [], banner, sources, table, "", new_conversation(supplement)

    def show_turn(self, state: Any, data: gr.SelectData) -> tuple[Any, ...]:
        """A click on an earlier message shows that answer's cautions, sources and table."""
        turns = load_conversation(state)["turns"]
        index = data.index[0] if isinstance(data.index, (tuple, list)) else data.index
        k = int(index) // 2 if isinstance(index, int) else -1
        if not 0 <= k < len(turns) or _answer(turns[k]) is None:
            return gr.skip(), gr.skip(), gr.skip()
        return panels(_answer(turns[k]), k)

    # -- thumbs up/down
    def vote(self, state: Any, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, (tuple, list)) else data.index
        if data.liked is True:
            vote = "up"
        elif data.liked is False:
            vote = "down"
        else:
            return  # a vote taken back
        turns = load_conversation(state)["turns"]
        if not isinstance(index, int) or index % 2 != 1 or not 0 <= index // 2 < len(turns):
            return  # not an answer
        turn = turns[index // 2]
        ans = _answer(turn)
        if ans is None:
            return  # a notice is not an answer one can vote on
        self.feedback.add(turn["question"], ans.text, [c.model_dump(mode="json") for c in ans.citations],
                          vote)
        gr.Info("Thanks, your vote was saved.")


def build_app(assistant: Assistant, settings: Settings | None = None) -> gr.Blocks:
    """The chat page over ``assistant`` (feedback goes to ``settings.feedback_db``)."""
    settings = get_settings(settings if settings is not None else assistant.settings)
    app = ChatApp(assistant, settings)
    outputs_common: dict[str, Any] = {"concurrency_limit": CONCURRENCY, "concurrency_id": "assistant"}
    titles = {m.slug: m.title for m in assistant.corpus.monographs}
    monographs = [(slug, titles.get(slug, slug)) for slug in assistant.supplements]
    private: dict[str, Any] = {"api_visibility": "private", "queue": False}

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        state = gr.BrowserState(new_conversation(), storage_key=STORAGE_KEY)
        gr.HTML(render_header(TITLE, [title for _, title in monographs], DISCLAIMER), elem_id="page-header",
                head=f"<style>{PAGE_CSS}</style>", js_on_load=None)
        with gr.Row(equal_height=False, elem_id="main-row"):
            with gr.Column(scale=3, min_width=300):
                if len(monographs) > 1:
                    supplement: gr.components.Component = gr.Dropdown(
                        choices=[("All monographs", ALL_SUPPLEMENTS),
                                 *[(title, slug) for slug, title in monographs]],
                        value=ALL_SUPPLEMENTS, label="Monograph", interactive=True,
                        elem_id="supplement-filter")
                else:
                    supplement = gr.State(None)
                banner = gr.HTML("", visible=False, elem_id="caution-banner", js_on_load=None)
                chatbot = gr.Chatbot(
                    label="Chat", elem_id="chat", height=460, render_markdown=False, sanitize_html=True,
                    latex_delimiters=[], allow_tags=False, feedback_options=("Like", "Dislike"),
                    buttons=[], placeholder="Ask a question about the monographs.")
                table = gr.HTML("", visible=False, elem_id="products-table", js_on_load=None)
                with gr.Row(equal_height=True, elem_id="input-row"):
                    question = gr.Textbox(placeholder="Type a question and press Enter", label="Question",
                                          show_label=False, scale=6, elem_id="question", lines=1,
                                          max_lines=4, autofocus=True)
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask-button")
                    new = gr.Button("New chat", variant="secondary", scale=1, min_width=100,
                                    elem_id="new-chat")
                gr.HTML("<p>Try an example:</p>", elem_id="examples-label", js_on_load=None)
                with gr.Row(elem_id="examples-row"):
                    examples = [gr.Button(q, size="sm", elem_classes=["example-question"])
                                for q in example_questions(assistant)]
            with gr.Column(scale=2, min_width=280):
                sources = gr.HTML(render_sources([]), elem_id="sources", js_on_load=PAGE_JS, max_height=780)

        outputs = [chatbot, banner, sources, table, question, state]
        chat_kw: dict[str, Any] = {"api_visibility": "private", "show_progress": "minimal",
                                   "show_progress_on": [chatbot], **outputs_common}
        question.submit(app.respond, [question, state, supplement], outputs, **chat_kw)
        send.click(app.respond, [question, state, supplement], outputs, **chat_kw)
        for btn in examples:
            btn.click(lambda q: q, [btn], [question], **private).then(
                app.respond, [question, state, supplement], outputs, **chat_kw)
        new.click(app.new_chat, [supplement], outputs, **private)
        chatbot.clear(app.new_chat, [supplement], outputs, **private)
        chatbot.like(app.vote, [state], None, **private)
        chatbot.select(app.show_turn, [state], [banner, sources, table], **private)
        restored = [chatbot, banner, sources, table]
        if isinstance(supplement, gr.Dropdown):
            restored.append(supplement)

        def restore(value: Any) -> tuple[Any, ...]:
            return app.restore(value)[:len(restored)]

        demo.load(restore, [state], restored, **private)
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
        "footer_links": ["api", "gradio"],  # no settings image whose alt repeats its text
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
    assistant.warm_up()  # before the port opens: the first question is as fast as the next
    launch_options(s)  # fail early on a half-set login
    if s.host not in LOOPBACK and not (s.auth_user and s.auth_password):
        print(f"warning: serving on {s.host} without a login; anyone on the network can use it "
              "(set ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD)", file=sys.stderr, flush=True)
    print(f"Chat on http://{s.host}:{s.port}", flush=True)
    launch(build_app(assistant, s), s)
