"""Charts as inline SVG (the HTML report and page) and as PNG (the e-mail), each with the table
of its numbers. Pure: a chart is a plain record, drawn here.

A chart record: {"id", "title", "kind": "lines" | "bars" | "heat", "unit" ("count", "pct" or
"duration"), "x_label", "y_label", "categories": [...], "series": [{"name", "values": [...]}],
"highlight": the index of the current period or None}. Lines are small multiples (one panel per
series, the current period marked and labelled, the previous one marked); bars are horizontal,
one bar per category and series (the second series hatched, so that it survives greyscale); the
heat map is a 7 x 24 grid shaded by value. Colours are the Okabe-Ito palette's blue and orange,
far apart in lightness too. Every text is escaped: subjects, team names and tags are data.
"""

from __future__ import annotations

import html
from typing import Any

from cstool.render.values import format_seconds

BLUE, ORANGE, GREY, INK = "#0072B2", "#D55E00", "#999999", "#222222"
WIDTH = 640
FONT = "font-family=\"DejaVu Sans, Arial, sans-serif\""
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "pct":
        return f"{value:.1f}%"
    if unit == "duration":
        return format_seconds(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _svg(chart: dict[str, Any], height: int, body: list[str]) -> str:
    title = _e(chart["title"])
    return (f"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" "
            f"viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{title}\" class=\"chart\" {FONT} "
            f"font-size=\"12\"><title>{title}</title><rect width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>"
            f"<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\" fill=\"{INK}\">{title}</text>"
            + "".join(body) + "</svg>")


def _panel(s: dict[str, Any], cats: list[str], box: tuple[int, int, int, int], highlight: int | None) -> list[str]:
    """One small multiple: the series' line in `box` (left, top, right, bottom), its first and
    last category under it, the current point marked and labelled, the previous one marked."""
    left, top, right, bottom = box
    values = [v for v in s["values"] if v is not None]
    lo, hi = (min(values), max(values)) if values else (0, 1)
    lo, hi = (lo - 1, hi + 1) if hi == lo else (lo, hi)

    def xy(k: int, v: float) -> tuple[float, float]:
        x = left + (right - left) * (k / max(len(cats) - 1, 1))
        return round(x, 1), round(bottom - (bottom - top) * (v - lo) / (hi - lo), 1)

    body = [f"<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"{GREY}\"/>"]
    points = [xy(k, v) for k, v in enumerate(s["values"]) if v is not None]
    if points:
        path = " ".join(f"{x},{y}" for x, y in points)
        body.append(f"<polyline points=\"{path}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2\"/>")
    body.append(f"<text x=\"{left}\" y=\"{bottom + 14}\" font-size=\"10\" fill=\"{INK}\">{_e(cats[0])}</text>")
    body.append(f"<text x=\"{right}\" y=\"{bottom + 14}\" font-size=\"10\" text-anchor=\"end\" fill=\"{INK}\">"
                f"{_e(cats[-1])}</text>")
    for k, colour, r in ((highlight - 1 if highlight else None, GREY, 3), (highlight, ORANGE, 5)):
        if k is not None and 0 <= k < len(s["values"]) and s["values"][k] is not None:
            x, y = xy(k, s["values"][k])
            body.append(f"<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\" fill=\"{colour}\" stroke=\"{INK}\"/>")
            if colour == ORANGE:
                body.append(f"<text x=\"{x - 4}\" y=\"{max(y - 8, top - 2)}\" text-anchor=\"end\" "
                            f"font-weight=\"bold\" fill=\"{INK}\">{_e(value_text(s['values'][k], s['unit']))}</text>")
    return body


def _lines(chart: dict[str, Any]) -> str:
    series, cats = chart["series"], chart["categories"]
    cols = min(3, len(series))
    rows = (len(series) + cols - 1) // cols
    pw, ph = WIDTH // 3, 120
    body: list[str] = []
    for i, s in enumerate(series):
        x0, y0 = (i % cols) * pw, 28 + (i // cols) * ph
        known = [v for v in s["values"] if v is not None]
        scale = (f" ({value_text(min(known), s['unit'])} to {value_text(max(known), s['unit'])})" if known else "")
        body.append(f"<text x=\"{x0 + 8}\" y=\"{y0 + 14}\" fill=\"{INK}\">{_e(s['name'])}"
                    f"<tspan font-size=\"10\">{_e(scale)}</tspan></text>")
        body += _panel(s, cats, (x0 + 12, y0 + 26, x0 + pw - 16, y0 + ph - 22), chart.get("highlight"))
    return _svg(chart, 28 + rows * ph, body)


def _bars(chart: dict[str, Any]) -> str:
    cats, series = chart["categories"], chart["series"]
    bar, gap, label_w = 14, 10, 150
    height = 40 + len(cats) * (bar * len(series) + gap) + 36
    top = max((v for s in series for v in s["values"] if v is not None), default=0) or 1
    if chart["unit"] == "pct":
        top = 100
    scale = (WIDTH - label_w - 70) / top
    body = ["<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
            f"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{ORANGE}\"/>"
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ffffff\" stroke-width=\"2\"/></pattern></defs>"]
    y = 36
    for c, cat in enumerate(cats):
        body.append(f"<text x=\"{label_w - 6}\" y=\"{y + bar * len(series) / 2 + 4}\" text-anchor=\"end\" "
                    f"fill=\"{INK}\">{_e(cat)}</text>")
        for j, s in enumerate(series):
            v = s["values"][c]
            w = round((v or 0) * scale, 1)
            fill = BLUE if j == 0 else "url(#hatch)"
            body.append(f"<rect x=\"{label_w}\" y=\"{y}\" width=\"{max(w, 1)}\" height=\"{bar - 2}\" fill=\"{fill}\" "
                        f"stroke=\"{INK}\" stroke-width=\"0.5\"/>")
            body.append(f"<text x=\"{label_w + w + 4}\" y=\"{y + bar - 4}\" font-size=\"11\" fill=\"{INK}\">"
                        f"{_e(value_text(v, chart['unit']))}</text>")
            y += bar
        y += gap
    body.append(f"<line x1=\"{label_w}\" y1=\"32\" x2=\"{label_w}\" y2=\"{y}\" stroke=\"{INK}\"/>")
    body.append(f"<text x=\"{label_w}\" y=\"{y + 16}\" font-size=\"11\" fill=\"{INK}\">{_e(chart['x_label'])}</text>")
    if len(series) > 1:
        legend = [(BLUE, series[0]["name"]), ("url(#hatch)", series[1]["name"])]
        x = WIDTH - 250
        for fill, name in legend:
            body.append(f"<rect x=\"{x}\" y=\"{y + 6}\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"{INK}\"/>"
                        f"<text x=\"{x + 16}\" y=\"{y + 16}\" font-size=\"11\" fill=\"{INK}\">{_e(name)}</text>")
            x += 125
    return _svg(chart, height, body)


def _heat(chart: dict[str, Any]) -> str:
    values = chart["series"][0]["values"]  # 168 values, Monday 00:00 first
    cell, left, top = 22, 40, 44
    peak = max((v for v in values if v), default=0) or 1
    body = [f"<text x=\"{left + cell * h}\" y=\"{top - 6}\" font-size=\"10\" fill=\"{INK}\">{h:02d}</text>"
            for h in range(0, 24, 3)]
    for d, day in enumerate(DAYS):
        body.append(f"<text x=\"6\" y=\"{top + d * cell + 15}\" fill=\"{INK}\">{day}</text>")
        for h in range(24):
            v = values[d * 24 + h] or 0
            shade = round(0.08 + 0.92 * v / peak, 3) if v else 0
            body.append(f"<rect x=\"{left + h * cell}\" y=\"{top + d * cell}\" width=\"{cell - 1}\" "
                        f"height=\"{cell - 1}\" fill=\"{BLUE}\" fill-opacity=\"{shade}\" stroke=\"#dddddd\">"
                        f"<title>{DAYS[d]} {h:02d}:00 {_e(value_text(v, chart['unit']))}</title></rect>")
    body.append(f"<text x=\"{left}\" y=\"{top + 7 * cell + 16}\" font-size=\"11\" fill=\"{INK}\">"
                f"{_e(chart['x_label'])}; darker is more (peak {_e(value_text(peak, chart['unit']))})</text>")
    return _svg(chart, top + 7 * cell + 28, body)


def svg(chart: dict[str, Any]) -> str:
    """The chart as one standalone SVG document (also valid inline in HTML)."""
    return {"lines": _lines, "bars": _bars, "heat": _heat}[chart["kind"]](chart)


def table(chart: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The chart's numbers: (headers, rows) — a row per category, a column per series."""
    if chart["kind"] == "heat":
        values = chart["series"][0]["values"]
        return (["day", *(f"{h:02d}" for h in range(24))],
                [[day, *(value_text(values[d * 24 + h], chart["unit"]) for h in range(24))]
                 for d, day in enumerate(DAYS)])
    if chart["kind"] == "lines":
        return ([chart["x_label"], *(s["name"] for s in chart["series"])],
                [[cat, *(value_text(s["values"][k], s["unit"]) for s in chart["series"])]
                 for k, cat in enumerate(chart["categories"])])
    return ([chart["y_label"], *(s["name"] for s in chart["series"])],
            [[cat, *(value_text(s["values"][k], chart["unit"]) for s in chart["series"])]
             for k, cat in enumerate(chart["categories"])])


def figure(chart: dict[str, Any], image: str | None = None) -> str:
    """The chart and its table as HTML: inline SVG, or `<img src=image>` (an e-mail's cid: part)."""
    from cstool.render.plain import html_table

    drawn = (svg(chart) if image is None else
             f"<img src=\"{_e(image)}\" alt=\"{_e(chart['title'])}\" width=\"{WIDTH}\" style=\"max-width:100%\">")
    headers, rows = table(chart)
    return (f"<figure id=\"{_e(chart['id'])}\"><div class=\"plot\">{drawn}</div><figcaption>{_e(chart['title'])}"
            f"</figcaption><details open><summary>The numbers</summary>{html_table(headers, rows)}</details></figure>")


def png(chart: dict[str, Any]) -> bytes:
    """The chart as PNG (cairosvg: mail clients that show no SVG show this), at twice the size."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg(chart).encode("utf-8"), scale=2)
