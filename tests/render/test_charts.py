"""render/charts: each kind of chart is well-formed SVG with its title, escapes its texts, and
its table holds exactly the numbers drawn; the PNG is the same drawing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cstool.render.charts import figure, svg, table, value_text
from cstool.render.report_charts import chart

NS = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert(1)</script> "quoted" & more'

BARS = chart("c-bars", f"By team {EVIL}", "bars", "pct", ("% met", "team"), [EVIL, "Billing"],
             [{"name": "first response", "values": [81.5, None]}, {"name": "resolution", "values": [90.0, 75.25]}])
LINES = chart("c-lines", "Trend", "lines", "count", ("period from", ""), ["03-01", "03-08", "03-15"],
              [{"name": "Tickets", "unit": "count", "values": [10, 12, 9]},
               {"name": "Median", "unit": "duration", "values": [3600, None, 5400]}], 2)
HEAT = chart("c-heat", "Heat", "heat", "count", ("hour", "day"), [], [{"name": "t", "values": list(range(168))}])


@pytest.mark.parametrize("c", [BARS, LINES, HEAT], ids=lambda c: c["kind"])
def test_well_formed_svg_with_its_title(c):
    root = ET.fromstring(svg(c))
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    assert root.find(f"{NS}title").text == c["title"]
    assert len(root.findall(f".//{NS}rect")) + len(root.findall(f".//{NS}polyline")) >= 2


def test_texts_are_escaped_in_the_svg_and_the_figure():
    drawn = figure(BARS)
    assert "<script>" not in drawn and "&lt;script&gt;alert(1)&lt;/script&gt;" in drawn
    texts = [t.text for t in ET.fromstring(svg(BARS)).iter(f"{NS}text")]
    assert EVIL in texts  # (the category label, read back as the text it is)


def test_the_table_holds_the_numbers_drawn():
    assert table(BARS) == (["team", "first response", "resolution"], [[EVIL, "81.5%", "90.0%"],
                                                                       ["Billing", "–", "75.2%"]])
    assert table(LINES) == (["period from", "Tickets", "Median"], [["03-01", "10", "1h"], ["03-08", "12", "–"],
                                                                   ["03-15", "9", "1h 30m"]])
    headers, rows = table(HEAT)
    assert len(headers) == 25 and rows[0][:3] == ["Mon", "0", "1"] and rows[6][-1] == "167"
    assert value_text(2.5, "count") == "2.50" and value_text(None, "pct") == "–"


def test_an_e_mail_figure_shows_the_image_and_the_table():
    drawn = figure(LINES, "cid:c-lines@cstool")
    assert '<img src="cid:c-lines@cstool" alt="Trend"' in drawn and "<svg" not in drawn and "<table" in drawn


def test_the_png_is_the_same_drawing():
    pytest.importorskip("cairosvg", reason="cairosvg (and the cairo library) are needed for PNG charts")
    from cstool.render.charts import WIDTH, png

    data = png(LINES)
    assert data.startswith(b"\x89PNG")
    width = int.from_bytes(data[16:20], "big")
    assert width == 2 * WIDTH  # (drawn at twice the size: sharp on high-density screens)
