"""Generate a synthetic N-scene crossroads/1 story for benchmarks.

About 300 characters a passage, three choices a scene, with conditions and effects; every scene is
reachable and every path can reach an ending, so the story checks clean.

    python benchmarks/synth.py 10000 > /tmp/big.yaml
"""

from __future__ import annotations

import random
import sys

WORDS = [
    "the", "team", "meeting", "quiet", "voice", "calendar", "lead", "analyst", "rumour",
    "trust", "listen", "decision", "week", "morning", "notes", "office", "corridor", "message",
    "question", "answer", "project", "deadline", "review", "coffee",
]


def _passage(rng: random.Random, i: int) -> list[str]:
    words = [rng.choice(WORDS) for _ in range(48)]
    lines = [" ".join(words[k : k + 12]) for k in range(0, 48, 12)]
    if i % 5 == 0:
        lines[1] += " {if trust >= 50}They nod.{else}They look away.{end}"
    if i % 7 == 0:
        lines[2] += " You have {time} left."
    return lines


def synth_story(n: int, seed: int = 1) -> str:
    """Return the YAML text of a valid synthetic story with ``n`` scenes (n >= 10)."""
    rng = random.Random(seed)
    endings = max(3, n // 100)
    out = [
        "# yaml-language-server: $schema=../schema/story.schema.json",
        "format: crossroads/1",
        f"id: synth-{n}",
        f"title: Synthetic story of {n} scenes",
        "summary: Generated for benchmarks.",
        "cast:",
        "  akira: {name: Akira Johns, role: manager}",
        "  dana: {name: Dana Ruiz, role: analyst}",
        "pov: akira",
        "meters:",
        "  trust: {label: Team trust, start: 50}",
        "  time: {label: Your time, start: 70}",
        "flags: [asked, warned]",
        "start: s0",
        "scenes:",
    ]
    body = n - endings
    for i in range(body):
        out.append(f"  s{i}:")
        out.append(f"    title: Scene {i}")
        if i % 11 == 3:
            out.append("    pov: dana")
        out.append("    text: |")
        out.extend("      " + line for line in _passage(rng, i))
        targets = [i + k if i + k < body else body + (i + k) % endings for k in (1, 2, 3)]
        if i % 100 == 99:
            targets[2] = body + (i // 100) % endings
        elif i % 100 == 98:
            targets[2] = body + endings - 1 - (i // 100) % endings
        out.append("    choices:")
        for k, to in enumerate(targets):
            out.append(f"      - say: Option {k + 1} in scene {i}, {rng.choice(WORDS)} first")
            out.append(f"        to: s{to}")
            if k == 1:
                out.append(f"        if: trust >= {rng.randint(0, 40)} or asked")
            elif k == 2:
                out.append("        if: not warned and time > 5")
            sign = rng.choice("+-")
            out.append(f"        effects: {{trust: {sign}{rng.randint(1, 5)}, time: -1}}")
            if k == 0 and i % 13 == 0:
                out.append("        set: [asked, warned]")
            if k == 0 and i % 17 == 0:
                out.append("        clear: [warned]")
        if i % 50 == 25:
            out.append("    reflect:")
            out.append(f"      id: r{i}")
            out.append("      prompt: Think of a time you felt unheard at work. What happened?")
    kinds = ("good", "mixed", "hard")
    for e in range(endings):
        out.append(f"  s{body + e}:")
        out.append(f"    title: Ending {e}")
        out.append(f"    ending: {{kind: {kinds[e % 3]}, title: Ending number {e}}}")
        out.append("    text: |")
        out.extend("      " + line for line in _passage(rng, e))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(synth_story(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
