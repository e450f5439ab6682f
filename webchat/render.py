"""HTML for the web chat: the header, answers, the caution banner, the sources, the product table.

Pure functions. Every piece of corpus or user text is HTML-escaped here, and these functions are the
only place that writes markup. The only markup inside a chat bubble is the link of a real citation
marker, ``<a class="cite" href="#source-N" data-turn="T">[N]</a>``: a marker whose number is one of
the answer's citations and which is not text quoted from the corpus or the question (see
:func:`marker_spans`).

The citation links, the card marking and the copy button are driven by :data:`PAGE_JS`; the page's
look (colour contrast, the phone layout) by :data:`PAGE_CSS`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from assistant.types import Answer, Caution, Citation, ProductRow

PAGE_CSS = """
#page-header h1 { font-size: 1.6em; margin: 0 0 2px 0; }
#page-header p { margin: 2px 0; }
#page-header .monographs { font-weight: 600; }
#chat a.cite, #caution-banner a.cite, #products-table a.cite { font-weight: 700; text-decoration: underline;
  color: #1d4ed8; }
.dark #chat a.cite, .dark #products-table a.cite { color: #93c5fd; }
#caution-banner .caution-box { background: #fff4e5; color: #4a2a00; border: 1px solid #f0b060;
  border-left: 8px solid #d97706; border-radius: 8px; padding: 10px 14px; margin: 0; }
#caution-banner .caution-title { font-weight: 700; font-size: 1.05em; margin: 0 0 4px 0; color: #7a3500; }
#caution-banner ul { margin: 0; padding-left: 1.2em; }
#caution-banner li { margin: 2px 0; }
#caution-banner a.cite { color: #7a3500; }
#caution-banner .ref { color: #6b3000; font-size: 0.85em; }
#sources .sources-head { display: flex; flex-wrap: wrap; gap: 6px; align-items: center;
  justify-content: space-between; margin: 0 0 6px 0; }
#sources .sources-title { font-weight: 700; font-size: 1.05em; margin: 0; line-height: 1.3; }
#sources .sources-question { font-size: 0.9em; margin: 0 0 6px 0; overflow-wrap: anywhere; }
#sources .sources-empty { font-style: italic; }
#sources button.copy-answer { border: 1px solid #1d4ed8; color: #1d4ed8; background: #fff;
  border-radius: 6px; padding: 3px 8px; font-size: 0.85em; cursor: pointer; }
#sources button.copy-answer:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
#sources .copy-status { font-size: 0.85em; min-height: 1em; margin: 0 0 4px 0; }
#sources ol.source-list { list-style: none; margin: 0; padding: 0; }
#sources li.source { border: 1px solid var(--border-color-primary, #ccc); border-radius: 8px;
  padding: 8px 10px; margin: 0 0 8px 0; overflow-wrap: anywhere; scroll-margin: 12px; }
#sources li.source:target, #sources li.source.cited-target { border: 2px solid #1d4ed8;
  background: #eff6ff; color: #111827; box-shadow: 0 0 0 3px #bfdbfe; }
#sources li.source:target mark, #sources li.source.cited-target mark { outline: 2px solid #b45309; }
#sources .source-head { font-size: 0.9em; margin-bottom: 4px; }
#sources .source-head .marker { font-weight: 700; margin-right: 4px; }
#sources .source-head .section { font-weight: 600; }
#sources .snippet { margin: 4px 0; line-height: 1.45; white-space: pre-wrap; }
#sources .snippet mark { background: #fde68a; color: #1f2937; padding: 0 1px; border-radius: 2px; }
#sources .source-file { font-family: var(--font-mono, monospace); font-size: 0.8em; }
#products-table .table-title { font-weight: 700; margin: 0 0 6px 0; }
#products-table .table-scroll { overflow-x: auto; max-width: 100%; }
#products-table table.products { border-collapse: collapse; width: 100%; font-size: 0.9em; }
#products-table th, #products-table td { border: 1px solid var(--border-color-primary, #ccc);
  padding: 4px 6px; text-align: left; vertical-align: top; }
#products-table td:first-child { overflow-wrap: anywhere; }
#products-table th:first-child { width: 36%; }
#products-table th { background: var(--background-fill-secondary, #f3f4f6); }
#ask-button { background: #1d4ed8 !important; border-color: #1d4ed8 !important; color: #fff !important; }
#ask-button:hover { background: #1e40af !important; }
footer a, footer button, footer .show-api, footer .built-with { color: #374151 !important;
  opacity: 1 !important; }
.dark footer a, .dark footer button, .dark footer .show-api { color: #e5e7eb !important; }
html, body { overflow-x: hidden; }
#chat .message-content { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
  #main-row { flex-direction: column; }
  #main-row > .column { min-width: 0 !important; width: 100% !important; }
  #input-row { flex-wrap: wrap; }
  #input-row > * { min-width: 0 !important; }
  #input-row > :has(#question), #input-row > #question { flex: 1 1 100% !important; }
  #examples-row button { white-space: normal; max-width: 100%; }
  #products-table table.products { font-size: 0.75em; }
  #products-table th, #products-table td { padding: 2px 3px; }
}
"""

#: the citation links (scroll to the card, mark it and its highlighted sentence; the chat's own
#: select event switches the panels to an older answer first) and the copy button. Runs once per
#: page from the sources panel's ``js_on_load``.
PAGE_JS = r"""
const panelOf = () => document.querySelector('#sources .sources-panel');
if (!window.__webchatLinks) {
  window.__webchatLinks = true;
  document.addEventListener('click', (ev) => {
    const a = ev.target instanceof Element ? ev.target.closest('a.cite[href^="#source-"]') : null;
    if (!a) return;
    ev.preventDefault();
    const id = a.getAttribute('href').slice(1);
    // the panels' links carry their turn; a chat bubble's turn is its place among the answers
    // (the chat's sanitizer keeps no data attributes; each turn has exactly one answer bubble)
    const bubble = a.closest('#chat [data-testid="bot"]');
    const bubbles = Array.from(document.querySelectorAll('#chat [data-testid="bot"]'));
    const turn = bubble ? String(bubbles.indexOf(bubble)) : (a.dataset.turn || '');
    const panel = panelOf();
    if (panel && panel.dataset.turn === turn) ev.stopPropagation();  // already shown: no round trip
    const started = Date.now();
    const show = () => {
      const p = panelOf();
      const card = document.getElementById(id);
      if (!(p && card && p.dataset.turn === turn)) {
        if (Date.now() - started < 8000) setTimeout(show, 40);
        return;
      }
      document.querySelectorAll('#sources li.cited-target')
        .forEach((e) => e.classList.remove('cited-target'));
      card.classList.add('cited-target');
      card.scrollIntoView({block: 'nearest', inline: 'nearest'});
      card.focus({preventScroll: true});
      window.__webchatTarget = id;
    };
    show();
  }, true);
}
element.addEventListener('click', async (ev) => {
  const btn = ev.target instanceof Element ? ev.target.closest('button.copy-answer') : null;
  if (!btn) return;
  const src = element.querySelector('.answer-markdown');
  const status = element.querySelector('.copy-status');
  if (!src) return;
  const text = src.textContent;
  window.__webchatCopied = text;  // the exact text handed to the clipboard
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch (e) {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.left = '-9999px';
    document.body.appendChild(area);
    area.select();
    try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
    area.remove();
  }
  if (status) status.textContent = ok ? 'Copied the answer with its sources.'
                                      : 'Copying failed: select the text and copy it.';
});
"""

_MARKER = re.compile(r"\[(\d{1,4})\]")
#: characters before a marker compared with the corpus and the question: a marker that stands in
#: quoted text (with the characters before it) is that text, not a citation
_CONTEXT = 8


# ---------------------------------------------------------------------------------------- text


def esc(text: object) -> str:
    """HTML-escape any text (quotes too) so the browser shows it literally."""
    return html.escape("" if text is None else str(text), quote=True)


def chat_text(text: str) -> str:
    """Text for a chat bubble: escaped, line breaks kept (the Chatbot renders no Markdown)."""
    return esc(text).replace("\n", "<br>")


def _turn_attr(turn: int | None) -> str:
    return f' data-turn="{int(turn)}"' if turn is not None else ' data-turn=""'


def cite_link(marker: int, turn: int | None = None) -> str:
    """The link of one citation marker to its source card (of turn ``turn``, when given)."""
    n = int(marker)
    attr = f' data-turn="{int(turn)}"' if turn is not None else ""
    return f'<a class="cite" href="#source-{n}"{attr}>[{n}]</a>'


def marker_spans(text: str, citations: Sequence[Citation],
                 quoted: Iterable[str] = ()) -> list[tuple[int, int, int]]:
    """(start, end, n) of each real citation marker in ``text``.

    A ``[n]`` is a real marker when ``n`` is the number of one of ``citations`` and the marker, with
    the few characters before it, is not found in any of ``quoted`` (the question) or the citations'
    own text: a ``[1]`` that a product title or the question carries is that text, not a citation.
    (When in doubt the marker stays text: a link is never made from quoted text.)
    """
    numbers = {int(c.marker) for c in citations}
    sources = [s for s in quoted if s]
    for c in citations:
        sources.extend((c.snippet, c.title, c.section, c.subsection or ""))
    out: list[tuple[int, int, int]] = []
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if n not in numbers:
            continue
        context = text[max(0, m.start() - _CONTEXT):m.end()]
        if any(context in s for s in sources if s):
            continue
        out.append((m.start(), m.end(), n))
    return out


def render_answer(text: str, citations: Sequence[Citation], *, turn: int | None = None,
                  quoted: Iterable[str] = ()) -> str:
    """An answer for its chat bubble: escaped, each real marker a link to its source card (``turn``
    is for a link outside the chat; a link in the chat finds its turn from its bubble)."""
    out: list[str] = []
    pos = 0
    for start, end, n in marker_spans(text, citations, quoted):
        out.append(chat_text(text[pos:start]))
        out.append(cite_link(n, turn))
        pos = end
    out.append(chat_text(text[pos:]))
    return "".join(out)


def render_header(title: str, monographs: Sequence[str], disclaimer: str) -> str:
    """The page header: the level-one heading, the monographs answered from, the disclaimer."""
    names = ", ".join(esc(m) for m in monographs) or "none"
    noun = "monograph" if len(monographs) == 1 else "monographs"
    return (f"<h1>{esc(title)}</h1>"
            f'<p>Answers from {len(monographs)} {noun}: <span class="monographs">{names}</span>.</p>'
            f"<p>{esc(disclaimer)}</p>")


# ---------------------------------------------------------------------------------------- sources


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


def _section(c: Citation) -> str:
    return c.section + (f" › {c.subsection}" if c.subsection else "")


def render_sources(citations: Sequence[Citation], *, abstained: bool = False, turn: int | None = None,
                   question: str | None = None, markdown: str | None = None) -> str:
    """The sources panel of one answer (turn ``turn``): a card per cited passage with its section,
    title, highlighted snippet and file (card ``id="source-N"``), and, with ``markdown``, the copy
    button that puts that text on the clipboard."""
    head = '<div class="sources-head"><h2 class="sources-title">Sources</h2>'
    if markdown:
        head += ('<button type="button" class="copy-answer">Copy answer with sources</button>')
    head += "</div>"
    if markdown:
        head += ('<div class="copy-status" role="status" aria-live="polite"></div>'
                 f'<pre class="answer-markdown" hidden>{esc(markdown)}</pre>')
    if question:
        head += f'<p class="sources-question">For: “{esc(question)}”</p>'
    if not citations:
        note = ("No sources: the monograph doesn't cover this question." if abstained
                else "The sources of the latest answer appear here.")
        body = f'<p class="sources-empty">{esc(note)}</p>'
    else:
        items = []
        for c in citations:
            n = int(c.marker)
            items.append(
                f'<li class="source" id="source-{n}" tabindex="-1">'
                f'<div class="source-head"><span class="marker">[{n}]</span>'
                f'<span class="section">{esc(_section(c))}</span> · <span class="title">{esc(c.title)}</span>'
                f'</div><div class="snippet">{highlight_snippet(c.snippet, c.highlights)}</div>'
                f'<div class="source-file">{esc(c.source)}</div></li>'
            )
        body = f'<ol class="source-list">{"".join(items)}</ol>'
    return f'<section class="sources-panel" aria-label="Sources"{_turn_attr(turn)}>{head}{body}</section>'


def render_cautions(cautions: Sequence[Caution], *, turn: int | None = None) -> str:
    """The caution banner (empty string when there is no caution), each caution with its citation."""
    if not cautions:
        return ""
    items = []
    for c in cautions:
        ref = ""
        if c.citation is not None:
            ref = (f" {cite_link(c.citation.marker, turn)}"
                   f' <span class="ref">{esc(c.citation.section)}</span>')
        items.append(f"<li>{esc(c.text)}{ref}</li>")
    return (f'<div class="caution-box" role="alert"><div class="caution-title">⚠ Caution</div>'
            f'<ul>{"".join(items)}</ul></div>')


def render_table(rows: Sequence[ProductRow], *, turn: int | None = None) -> str:
    """The product comparison table (empty string when the answer compares no products)."""
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{esc(r.product)}</td><td>{esc(r.nutrient)}</td><td>{esc(r.amount or '—')}</td>"
        f"<td>{esc(r.unit or '—')}</td><td>{esc(r.form or '—')}</td>"
        f"<td>{cite_link(r.marker, turn)}</td></tr>"
        for r in rows
    )
    return ('<div class="table-title">Compared products</div><div class="table-scroll">'
            '<table class="products"><thead><tr>'
            "<th>Product</th><th>Nutrient</th><th>Amount</th><th>Unit</th><th>Form</th><th>Source</th>"
            f"</tr></thead><tbody>{body}</tbody></table></div>")


# ---------------------------------------------------------------------------------------- copying


def answer_markdown(answer: Answer) -> str:
    """The answer as Markdown with numbered references (section, title, snippet, file): what a
    pharmacist pastes into a note. Plain text, not HTML."""
    lines = [f"**Question:** {answer.question}", "", answer.text]
    if answer.cautions:
        lines += ["", "**Cautions**", ""]
        for c in answer.cautions:
            ref = f" [{int(c.citation.marker)}]" if c.citation is not None else ""
            lines.append(f"- {c.text}{ref}")
    if answer.table:
        lines += ["", "| Product | Nutrient | Amount | Unit | Form | Source |", "|---|---|---|---|---|---|"]
        for r in answer.table:
            cells = [r.product, r.nutrient, r.amount or "—", r.unit or "—", r.form or "—",
                     f"[{int(r.marker)}]"]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if answer.citations:
        lines += ["", "**References**", ""]
        for cit in answer.citations:
            snippet = " ".join(cit.snippet.split())
            lines.append(f"- [{int(cit.marker)}] {_section(cit)} — {cit.title}: “{snippet}” ({cit.source})")
    return "\n".join(lines) + "\n"
