"""Widen the concept lexicon with WordNet: write ``engine/reflections/lexicon_wordnet.py``.

Run ``python -m devtools.wordnet_lexicon [WORDNET_DIR]`` (default ``/usr/share/wordnet``, Debian's
``wordnet-base`` package: Princeton WordNet 3.0, whose licence allows redistribution with its
notice). Nothing here runs when Crossroads runs: the generated module is plain data.

The words of every concept in :mod:`crossroads.engine.reflections.lexicon` are its *seed*. Any
other WordNet word joins the concept whose seed words its dictionary entry uses most: the
definition of its commonest sense, its synonyms and the words of the sense above it (``nephew``:
"a son of your brother or sister" → *Looking after family*). A word is kept only when it is one
plain word, not very ambiguous (few senses), and one concept wins outright. Nothing is taken from
any labelled set of reflections; the parameters were chosen on ``tests/data/themes.jsonl`` and
``themes_holdout.jsonl``, never on ``themes_holdout2.jsonl``.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections import Counter, defaultdict
from pathlib import Path

from crossroads.engine.reflections import lexicon
from crossroads.engine.reflections.text import STOPWORDS, stem

OUT = Path(__file__).resolve().parent.parent / "engine" / "reflections" / "lexicon_wordnet.py"
#: How many of a seed word's senses (commonest first) are followed.
SENSES = 2
#: A gathered word with more senses than this is too ambiguous to file under one concept.
MAX_SENSES = 5
_POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
#: How many steps up from a word's commonest sense are read.
DEPTH = 1
#: Seed words a word's definition must hold for it to join a concept.
VOTES = 1


def _index(root: Path) -> tuple[dict[tuple[str, str], list[int]], dict[str, int]]:
    """(lemma, pos) → synset offsets, commonest first; lemma → its sense count (all pos)."""
    senses: dict[tuple[str, str], list[int]] = {}
    count: dict[str, int] = defaultdict(int)
    for pos, name in _POS.items():
        for line in (root / f"index.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            parts = line.split()
            lemma, n_synsets, n_ptrs = parts[0], int(parts[2]), int(parts[3])
            offsets = [int(x) for x in parts[6 + n_ptrs:]]
            senses[(lemma, pos)] = offsets
            count[lemma] += n_synsets
    return senses, count


Synset = tuple[list[str], list[tuple[str, str, int]], str]


def _synsets(root: Path) -> dict[tuple[str, int], Synset]:
    """(pos, offset) → (its words, its pointers as (symbol, pos, offset), its gloss)."""
    out: dict[tuple[str, int], Synset] = {}
    for pos, name in _POS.items():
        for line in (root / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            head, _, gloss = line.partition(" | ")
            parts = head.split()
            offset, n_words = int(parts[0]), int(parts[3], 16)
            words = [parts[4 + 2 * k].split("(")[0].lower() for k in range(n_words)]
            k = 4 + 2 * n_words
            n_ptrs = int(parts[k])
            ptrs = []
            for j in range(n_ptrs):
                sym, off, ppos = parts[k + 1 + 4 * j:k + 4 + 4 * j]
                ptrs.append((sym, "a" if ppos == "s" else ppos, int(off)))
            key_pos = "a" if pos == "a" else pos
            out[(key_pos, offset)] = (words, ptrs, gloss.split(";")[0])
    return out


def gather(root: Path) -> dict[str, list[str]]:
    """Concept phrase → the new words WordNet adds to it, sorted.

    A word's commonest sense is read as a dictionary reader would: its definition, its
    synonyms and the words for the sense above it (:data:`DEPTH` step: ``nephew`` → "a son of
    your brother or sister"). The seed words found there vote; a word joins the concept with
    :data:`VOTES` or more votes and more than any other concept (a tie files it nowhere).
    """
    senses, n_senses = _index(root)
    synsets = _synsets(root)
    seeds = {name: set(words.split()) for name, words in lexicon._CONCEPTS.items()}
    by_stem: dict[str, set[str]] = defaultdict(set)
    for concept, words in seeds.items():
        for word in words:
            by_stem[stem(word)].add(concept)
    out: dict[str, list[str]] = defaultdict(list)
    done: set[str] = set()
    for (lemma, pos), offsets in sorted(senses.items()):
        if lemma in done or not offsets or not lemma.isalpha() or len(lemma) <= 2:
            continue
        if lemma in STOPWORDS or stem(lemma) in by_stem or n_senses.get(lemma, 0) > MAX_SENSES:
            continue
        done.add(lemma)
        text: list[str] = []
        frontier = [(pos, offsets[0])]
        for depth in range(DEPTH + 1):
            nxt = []
            for key in frontier:
                entry = synsets.get(key)
                if entry is None:
                    continue
                text += [w for w in entry[0] if w != lemma]
                if depth == 0:
                    text += re.findall(r"[a-z][a-z-]+", entry[2].lower())
                nxt += [(p, o) for sym, p, o in entry[1] if sym in ("@", "@i")]
            frontier = nxt
        votes: Counter[str] = Counter()
        for s in {stem(w) for w in text}:
            for concept in by_stem.get(s, ()):
                votes[concept] += 1
        ranked = votes.most_common(2)
        if ranked and ranked[0][1] >= VOTES and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
            out[ranked[0][0]].append(lemma)
    return dict(out)


def render(found: dict[str, list[str]]) -> str:
    """The generated module's text."""
    lines = [
        '"""Words WordNet adds to each concept of :mod:`crossroads.engine.reflections.lexicon`.',
        "",
        "Generated by ``python -m devtools.wordnet_lexicon`` from Princeton WordNet 3.0 (WordNet",
        "3.0 Copyright 2006 by Princeton University; used under its licence, which allows",
        "redistribution with this notice). Do not edit by hand.",
        '"""',
        "",
        "WORDS: dict[str, str] = {",
    ]
    for concept in lexicon._CONCEPTS:
        words = found.get(concept, [])
        if not words:
            continue
        lines.append(f"    {concept!r}: (")
        for chunk in textwrap.wrap(" ".join(words), 88):
            lines.append(f'        "{chunk} "')
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the generated module."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("wordnet", nargs="?", default="/usr/share/wordnet", type=Path)
    args = parser.parse_args(argv)
    if not (args.wordnet / "data.noun").is_file():
        print(f"{args.wordnet}: no WordNet data here (apt-get install wordnet-base)",
              file=sys.stderr)
        return 2
    found = gather(args.wordnet)
    OUT.write_text(render(found), encoding="utf-8")
    print(f"wrote {OUT}: " + ", ".join(f"{c} +{len(w)}" for c, w in found.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
