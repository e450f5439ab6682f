"""HTML for the web chat: the caution banner, the sources, the product table (pure functions).

Every piece of corpus or user text is HTML-escaped here; these functions are the only place that
writes markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from assistant.types import Caution, Citation, ProductRow

BANNER_CSS = """
.caution-box { background: #fff4e5; color: #4a2a00; border: 1px solid #f0b060;
  border-left: 8px solid #d97706; border-radius: 8px; padding: 10px 14px; margin: 0; }
.caution-box .caution-title { font-weight: 700; font-size: 1.05em; margin: 0 0 4px 0; color: #8a3c00; }
.caution-box ul { margin: 0; padding-left: 1.2em; }
.caution-box li { margin: 2px 0; }
.caution-box .ref { color: #8a3c00; font-size: 0.85em; white-space: nowrap; }
"""

SOURCES_CSS = """
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

TABLE_CSS = """
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
