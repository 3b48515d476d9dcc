"""The HTML report and the KPI page in a real browser (headless Chromium through Playwright):
not blank, every chart drawn with a non-empty box, no console error; and hostile ticket data
(subjects, team names, tags with <script>, quotes and javascript: links) rendered inert."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import REFERENCE, SAMPLE_CONFIG, write

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (apt-get install -y chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def _open(browser, path):
    """(page, console errors, dialogs) of the file opened at 1000 px wide."""
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    errors, dialogs = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, dialogs


def _boxes(page) -> list[dict]:
    return page.eval_on_selector_all("svg.chart", "els => els.map(e => { const b = e.getBoundingClientRect(); "
                                     "const inner = e.getBBox(); return {id: e.closest('figure').id, w: b.width, "
                                     "h: b.height, iw: inner.width, ih: inner.height, shapes: "
                                     "e.querySelectorAll('rect,polyline,circle').length}; })")


def test_the_demo_report_renders_with_every_chart_visible(cli, demo_db, browser, tmp_path):
    html = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "report", "--as-of", REFERENCE, "--format", "html").stdout
    page_file = write(tmp_path / "report.html", html)
    page, errors, _ = _open(browser, page_file)
    boxes = _boxes(page)
    assert [b["id"] for b in boxes] == ["chart-trend", "chart-backlog", "chart-sla-teams", "chart-breaches-teams",
                                        "chart-channels", "chart-heatmap", "chart-aging"]
    assert all(b["w"] > 300 and b["h"] > 100 and b["iw"] > 300 and b["ih"] > 100 and b["shapes"] > 3 for b in boxes)
    shot = page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    blank = browser.new_page(viewport={"width": 1000, "height": 800})
    blank.set_content("<html><body></body></html>")
    assert len(shot) > 20 * len(blank.screenshot(full_page=True))  # (a page of charts, not a blank one)
    assert page.evaluate("document.characterSet") == "UTF-8" and "–" in page.title()
    assert errors == []


def test_the_kpi_page_renders_its_charts(cli, demo_db, browser, tmp_path):
    html = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "kpi", "--as-of", REFERENCE, "--by", "channel",
               "--format", "html").stdout
    page, errors, _ = _open(browser, write(tmp_path / "kpi.html", html))
    boxes = _boxes(page)
    assert [b["id"] for b in boxes] == ["chart-daily", "chart-groups", "chart-groups-sla"]
    assert all(b["iw"] > 300 and b["ih"] > 80 for b in boxes) and errors == []


HOSTILE = ('id,subject,priority,status,team,channel,tags,created_at,first_response_at\n'
           'X1,"<script>alert(1)</script> ""quoted""",high,open,"Ops""><img src=x onerror=alert(2)>",chat,'
           '"javascript:alert(3);<b>bold</b>",2026-03-30T09:00:00Z,\n'
           'X2,"<a href=""javascript:alert(4)"">click</a>",high,open,Ops,email,plain,2026-03-30T10:00:00Z,\n')


def test_hostile_data_is_rendered_inert(cli, tmp_path, browser):
    write(tmp_path / "t.csv", HOSTILE)
    assert cli("import", "tickets", "t.csv").exit_code == 0
    shown = {"report": "&lt;script&gt;alert(1)&lt;/script&gt;",  # (the subject, among the worst five)
             "kpi": "Ops&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"}  # (the team, a group and a bar)
    for args in (("report", "--as-of", "2026-03-31T12:00:00Z"), ("kpi", "--as-of", "2026-03-31T12:00:00Z",
                                                                  "--by", "team")):
        html = cli(*args, "--format", "html").stdout
        assert "<script>" not in html and "<img src=x" not in html and "<b>bold" not in html
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.I)
        assert shown[args[0]] in html
        page, errors, dialogs = _open(browser, write(tmp_path / f"{args[0]}.html", html))
        assert dialogs == [] and errors == []
        assert page.eval_on_selector_all("script, img[src=x], a[href^='javascript']", "els => els.length") == 0
