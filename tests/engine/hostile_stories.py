"""Generators of hostile but small story texts for the hardening tests (issue 12)."""

from __future__ import annotations


def story_text(
    *,
    meter_max: str = "100",
    meter_min: str = "0",
    text: str = "Hello.",
    cond: str = "trust > 1",
    effect: str = "+1",
) -> str:
    """A two-scene story with one meter whose parts can be replaced by hostile ones."""
    return f"""format: crossroads/1
id: hostile
title: Hostile
meters:
  trust: {{label: Trust, min: {meter_min}, max: {meter_max}}}
start: a
scenes:
  a:
    text: "{text}"
    choices:
      - {{say: go, to: b, if: "{cond}", effects: {{trust: {effect}}}}}
      - {{say: wait, to: b, effects: {{trust: +2}}}}
  b:
    ending: {{kind: good, title: End}}
"""


def diamonds(n: int) -> str:
    """A valid story of ``n`` two-way diamonds in a row: 2**n routes to its one ending."""
    lines = [
        "format: crossroads/1",
        "id: diamonds",
        "title: Diamonds",
        "start: d0",
        "min_reflections: 0",
        "scenes:",
    ]
    for i in range(n):
        lines += [
            f"  d{i}:",
            "    text: Fork.",
            "    choices:",
            f"      - {{say: left, to: l{i}}}",
            f"      - {{say: right, to: r{i}}}",
            f"  l{i}: {{text: Left., next: d{i + 1}}}",
            f"  r{i}: {{text: Right., next: d{i + 1}}}",
        ]
    lines += [f"  d{n}:", "    ending: {kind: good, title: End}"]
    return "\n".join(lines) + "\n"


def wide_meter(lo: int, hi: int) -> str:
    """A story whose meter spans ``lo..hi``, with a loop that keeps adding to it, thresholds in
    conditions and in ``{if}`` blocks, a meter used in arithmetic, and a long ``{…}`` sum."""
    mid = (lo + hi) // 2
    total = " + ".join(["trust"] * 2000)
    return f"""format: crossroads/1
id: wide
title: Wide
min_reflections: 0
meters:
  trust: {{label: Trust, min: {lo}, max: {hi}, start: {lo}}}
  coins: {{label: Coins, min: {lo}, max: {hi}}}
flags: [rich]
start: hub
scenes:
  hub:
    text: "Trust {{trust}}. {{if trust >= {mid}}}High.{{else}}Low.{{end}} {{if coins > 3}}C.{{end}}"
    choices:
      - {{say: work, to: hub, effects: {{trust: +3, coins: +7}}}}
      - {{say: big, to: hub, if: "trust + 2 < {hi}", effects: {{trust: +{(hi - lo) // 3}}}}}
      - {{say: spend, to: hub, if: "coins >= 10", effects: {{coins: -10}}, set: [rich]}}
      - {{say: leave, to: end, if: "trust >= {mid} and rich"}}
      - {{say: quit, to: end}}
  end:
    text: "Total {{{total}}}."
    ending: {{kind: good, title: "End {{trust}}"}}
"""
