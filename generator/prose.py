"""Markdown to safe HTML: the one way content text becomes markup.

Markdown may contain raw HTML; whatever it produces is cleaned with nh3 against
an allow-list, so a content file can never inject a script, an event handler
or a ``javascript:`` link into a page or the guide PDF.
"""

from __future__ import annotations

import re

import markdown
import nh3

from .cache import memoised

_TAGS = {"a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
         "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
         "caption"}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope", "colspan", "rowspan"},
               "td": {"colspan", "rowspan"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "ol": {"start"}}
_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "smarty", "toc", "attr_list", "def_list", "footnotes"]


def markdown_to_html(text: str, *, shift_headings: int = 0) -> str:
    """Render Markdown and sanitise the result; ``shift_headings`` moves h2 to h(2+n).

    Kept in the build cache by the text (20-100 ms a document with these extensions).
    """
    return memoised("markdown", (text, shift_headings), lambda: _markdown_to_html(text, shift_headings))


def _markdown_to_html(text: str, shift_headings: int) -> str:
    converter = markdown.Markdown(extensions=_EXTENSIONS, extension_configs={"toc": {"permalink": False},
                                                                          "smarty": {"smart_angled_quotes": False}},
                                  output_format="html")
    html = converter.convert(text)
    if shift_headings:
        html = re.sub(r"<(/?)h([1-6])", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift_headings)}", html)
    html = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer", strip_comments=True)
    return _stack_wide_tables(html)


#: From this many columns a Markdown table becomes one card per row on a phone (``table.stacked`` in site.css):
#: at 320 px three columns or more leave each a few dozen pixels, a word or less a line.
STACK_FROM_COLUMNS = 3
_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_CELL_TEXT = re.compile(r"<th[^>]*>(.*?)</th>", re.S)


def _stack_wide_tables(html: str) -> str:
    """Mark each table of STACK_FROM_COLUMNS columns or more as ``stacked`` and give every body cell its column's
    name (``data-label``), which the phone layout shows before the cell. Runs after nh3, on its output: the
    labels are the header cells' own (already escaped) text, so nothing new enters the markup."""

    def stack(table: re.Match) -> str:
        inner = table.group(1)
        head, _, body = inner.partition("</thead>")
        labels = [re.sub(r"<[^>]+>", "", cell).strip().replace('"', "&quot;") for cell in _CELL_TEXT.findall(head)]
        if not body or len(labels) < STACK_FROM_COLUMNS:
            return table.group(0)

        def label_row(row: re.Match) -> str:
            names = iter(labels)
            return re.sub(r"<td(?=[ >])", lambda _: f'<td data-label="{next(names, "")}"', row.group(0))

        body = re.sub(r"<tr>.*?</tr>", label_row, body, flags=re.S)
        return f'<table class="stacked">{head}</thead>{body}</table>'

    return _TABLE.sub(stack, html)


def headings(html: str) -> list[tuple[str, str]]:
    """(id, text) of each h2 in rendered HTML, for a table of contents."""
    return [(m.group(1), re.sub(r"<[^>]+>", "", m.group(2))) for m in re.finditer(r'<h2 id="([^"]+)">(.*?)</h2>', html)]
