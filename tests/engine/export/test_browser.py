"""The done-when test: five play, the facilitator's HTML report renders in headless Chromium.

A copy of the page gets a probe script (placed before the page's own Content Security Policy,
so the policy still governs everything the page itself does) that records errors, resource
loads and CSP violations, measures the drawn flows, and writes the result into the DOM, which
``--dump-dom`` prints. A PNG screenshot of the untouched page goes to ``artifacts/``.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from crossroads.tui.cli import main
from tests.conftest import ROOT
from tests.engine.cohort_world import COHORT, STORY_PATH
from tests.engine.export.conftest import Five, chromium

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]

PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  __errors.push('error: ' + (e.message || (t && (t.src || t.href)) || 'resource'));
}, true);
window.addEventListener('unhandledrejection', function (e) { __errors.push('rejection'); });
document.addEventListener('securitypolicyviolation', function (e) {
  __errors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
});
(function () {
  var original = console.error;
  console.error = function () {
    __errors.push('console: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
window.addEventListener('load', function () {
  var svgs = Array.prototype.slice.call(document.querySelectorAll('svg.decision'));
  var svg = svgs[0];
  var flows = Array.prototype.slice.call(document.querySelectorAll('svg.decision path.flow'));
  // every label's height on screen: its font size times the SVG's scale, and its drawn box
  var labels = [];
  svgs.forEach(function (s) {
    var box = s.getBoundingClientRect();
    var scale = box.width / s.viewBox.baseVal.width;
    Array.prototype.forEach.call(s.querySelectorAll('text'), function (t) {
      var r = t.getBoundingClientRect();
      labels.push({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                   height: r.height, inside: r.right <= box.right + 1 && r.left >= box.left - 1});
    });
  });
  var drawn = flows.filter(function (p) {
    var box = p.getBBox();
    return p.getTotalLength() > 0 && (box.width > 0 || box.height > 0) &&
      parseFloat(getComputedStyle(p).strokeWidth) > 0 &&
      getComputedStyle(p).stroke !== 'none';
  });
  var rect = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  var out = document.createElement('pre');
  out.id = 'probe-result';
  out.textContent = JSON.stringify({
    flows: flows.length, drawn: drawn.length, nodes: document.querySelectorAll(
      'svg.decision g.node').length, width: rect.width, height: rect.height,
    charts: svgs.length, labels: labels, page: document.documentElement.scrollWidth,
    counts: flows.map(function (p) { return +p.getAttribute('data-count'); }),
    errors: __errors, resources: performance.getEntriesByType('resource').length,
    title: document.title, themes: document.querySelectorAll('.theme').length,
    quotes: Array.prototype.map.call(document.querySelectorAll('.theme blockquote'),
      function (q) { return q.textContent; }),
    voices: Array.prototype.map.call(document.querySelectorAll('.voices'),
      function (v) { return v.textContent; })
  });
  document.body.appendChild(out);
});
</script>"""


def _chromium(browser: str, args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=90, check=False)


def _probe(browser: str, page: Path, tmp: Path) -> dict[str, Any]:
    probed = tmp / "probed.html"
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("<head>", "<head>\n" + PROBE, 1), encoding="utf-8")
    done = _chromium(browser, ["--dump-dom", "--virtual-time-budget=5000",
                               "--window-size=1280,2200", probed.as_uri()],
                     tmp / "profile-dom")
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', done.stdout, re.S)
    assert found, f"no probe result; chromium said:\n{done.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    # Chromium logs page console messages and uncaught errors as CONSOLE lines
    result["console"] = [line for line in done.stderr.splitlines()
                         if "CONSOLE" in line or "Uncaught" in line]
    return result


def test_five_play_and_the_report_renders_in_chromium(five: Five, tmp_path: Path) -> None:
    browser = chromium()
    page = tmp_path / "report.html"
    assert main(["report", COHORT, "--story", str(STORY_PATH), "--bank", str(five.path),
                 "--html", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    # the page says where the five parted and how they ended
    assert "Where paths parted" in text and "Monday, the gate</td><td class=\"num\">6<" in text
    assert "Together</td><td>good</td><td class=\"num\">3<" in text

    result = _probe(browser, page, tmp_path)
    assert result["errors"] == [] and result["console"] == []
    assert result["resources"] == 0  # nothing fetched: the page is self-contained
    # one chart per decision shown (the hill's split is withheld), one band per choice taken
    assert result["charts"] == 4
    assert result["flows"] == result["drawn"] == 7
    assert sorted(result["counts"]) == [1, 1, 2, 2, 3, 3, 3]  # learners, not visits
    assert result["nodes"] == 4 + 7
    assert result["width"] > 300 and result["height"] > 80
    # readable at 1280 px: every label at least 11 px high, inside its chart, no sideways scroll
    labels = result["labels"]
    assert len(labels) == 2 * 7
    assert min(label["px"] for label in labels) >= 11, labels
    assert min(label["height"] for label in labels) >= 11, labels
    assert all(label["inside"] for label in labels), labels
    assert result["page"] <= 1280
    assert any("Take the river road" in label["text"] for label in labels)
    assert any("→ Tuesday, the river · 3 learners" in label["text"] for label in labels)
    assert result["title"] == "The Crossing — cohort spring-24"
    # the themes section: the bank-wide reflections, learner text shown as text, never run
    # the themes section: what the cohort shared (its facilitator reads it), never private
    # text; learner text shown as text, never run; each quote one person's, with their name
    quotes = sorted(result["quotes"])
    assert "“<script>alert(1)</script> we waited” — ana" in quotes
    assert "“an anonymous story” — anonymous" in quotes
    assert not any("a private story" in q for q in quotes)
    assert all(q.count("” — ") == 1 for q in quotes)
    assert result["voices"] == ["2 of 2 voices represented", "3 of 3 voices represented"]

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "cohort-report.png"
    shot.unlink(missing_ok=True)
    done = _chromium(browser, [f"--screenshot={shot}", "--window-size=1280,2200",
                               page.as_uri()], tmp_path / "profile-shot")
    assert shot.exists(), done.stderr[-3000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_a_broken_page_is_caught_by_the_probe(tmp_path: Path) -> None:
    # the probe is not blind: a page that fetches and throws is reported
    browser = chromium()
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><head><title>x</title></head><body>"
                    "<svg class=\"decision\" viewBox=\"0 0 4000 400\" width=\"400\">"
                    "<text font-size=\"12\">tiny</text><path class=\"flow\" d=\"M0,0\"/></svg>"
                    "<img src=\"missing.png\"><script>undefined_function();</script>"
                    "</body></html>", encoding="utf-8")
    result = _probe(browser, page, tmp_path)
    assert result["flows"] == 1 and result["drawn"] == 0
    assert result["labels"][0]["px"] < 2  # a squeezed chart's labels are caught as too small
    assert any("undefined_function" in e for e in result["errors"])
    assert any("missing.png" in e for e in result["errors"])
    assert any("undefined_function" in line for line in result["console"])
