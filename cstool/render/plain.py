"""Plain-text, Markdown and HTML tables for the nightly report (no terminal features)."""

from __future__ import annotations

import html
import re


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)] if rows else [len(h) for h in headers]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


_MARKDOWN = re.compile(r"([\\|\[\]`])")


def md_cell(value: object) -> str:
    """Text for one Markdown table cell or heading that renders as the text itself: HTML and
    entities escaped, the characters of links, code and table cells backslashed, line breaks as
    spaces (a cell is one line; a line break could start a heading or a block)."""
    text = html.escape(" ".join(str(value).splitlines()), quote=False)
    return _MARKDOWN.sub(r"\\\1", text)


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    return "\n".join(["| " + " | ".join(md_cell(h) for h in headers) + " |", "|" + "---|" * len(headers),
                      *("| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows)])


def html_table(headers: list[str], rows: list[list[str]], notes: list[int] | None = None) -> str:
    """A table; with `notes`, each row's first cell links to its footnote (`#note-N`)."""
    head = "".join(f"<th align=\"left\">{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(
        f"<td>{html.escape(str(c))}" + (f" <sup><a href=\"#note-{notes[i]}\">{notes[i]}</a></sup>"
                                        if notes and j == 0 else "") + "</td>" for j, c in enumerate(r)) + "</tr>"
        for i, r in enumerate(rows))
    return f"<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr>{head}</tr>{body}</table>"


def html_page(title: str, body: str) -> str:
    """A standalone UTF-8 HTML page around `body` (no network, no script)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n"
            "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{padding:4px 8px}td{text-align:right}td:first-child{text-align:left}"
            "figure{margin:1.5em 0}details{overflow-x:auto}svg.chart{max-width:100%;height:auto}</style>\n"
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def mask_email(value: str | None) -> str:
    if not value:
        return ""
    if "@" not in value:
        return value[:1] + "***"
    local, domain = value.split("@", 1)
    return f"{local[:1]}***@{domain}"
