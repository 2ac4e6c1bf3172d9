"""Themes: every voice in exactly one theme, deterministic, anonymous stays anonymous."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

import pytest

from crossroads.engine.records import SharedReflection
from crossroads.engine.reflections import find_themes
from crossroads.engine.reflections.graphs import pagerank, top_neighbours
from crossroads.engine.reflections.summarise import ExtractiveSummariser, shorten
from crossroads.engine.reflections.text import Vocabulary, content_words, cosine, sentences, tfidf
from crossroads.engine.reflections.themes import OTHER_VOICES, ThemeReport
from devtools.synthetic_reflections import generate

SYNTHETIC = list(generate(300, seed=3, words=60))


def _shared(i: int, text: str, author: str | None) -> SharedReflection:
    return SharedReflection(f"r{i}", text, author, "2025-01-01T00:00:00Z", "bank")


def test_every_reflection_in_exactly_one_theme() -> None:
    report = find_themes(SYNTHETIC, seed=1)
    members = [m for t in report.themes for m in t.members]
    assert sorted(members) == sorted(r.id for r in SYNTHETIC)
    assert report.represented == report.total == 300
    assert report.voices == "300 of 300 voices represented"
    assert report.to_json()["voices"] == "300 of 300 voices represented"
    assert 2 <= len(report.themes) <= 12


def test_themes_follow_the_topics() -> None:
    topic = {r.id: r.topic for r in SYNTHETIC}
    report = find_themes(SYNTHETIC, seed=1)
    majority = sum(Counter(topic[m] for m in t.members).most_common(1)[0][1] for t in report.themes)
    assert majority / len(SYNTHETIC) >= 0.9


def test_each_theme_has_summary_quotes_and_keywords() -> None:
    report = find_themes(SYNTHETIC, seed=1)
    texts = {r.id: r.text for r in SYNTHETIC}
    for theme in report.themes:
        assert 1 <= len(theme.quotes) <= 3
        assert theme.summary
        assert theme.keywords or theme.other
        for quote in theme.quotes:
            assert quote.reflection_id in theme.members
            # a quote is verbatim (possibly cut with "…") from its own reflection
            assert quote.text.rstrip("…") in " ".join(texts[quote.reflection_id].split())
        assert len({q.text for q in theme.quotes}) == len(theme.quotes)
    sizes = [t.size for t in report.themes if not t.other]
    assert sizes == sorted(sizes, reverse=True)


def test_deterministic_for_a_seed() -> None:
    a = find_themes(SYNTHETIC, seed=7).to_json()
    b = find_themes(list(SYNTHETIC), seed=7).to_json()
    assert json.dumps(a) == json.dumps(b)


def test_isolated_and_empty_reflections_are_other_voices() -> None:
    odd = [
        _shared(1001, "Penguins waddled across the frozen harbour at dawn.", "Ana"),
        _shared(1002, "", "Ben"),
        _shared(1003, "!!!", None),
    ]
    report = find_themes([*SYNTHETIC[:100], *odd], seed=2)
    assert report.voices == "103 of 103 voices represented"
    last = report.themes[-1]
    assert last.other and last.title == OTHER_VOICES
    assert {"r1001", "r1002", "r1003"} <= set(last.members)
    assert sum(t.other for t in report.themes) == 1


def test_anonymous_authors_are_never_shown() -> None:
    texts = [r.text for r in SYNTHETIC[:60]]
    named = {i: f"Named Person {i}" for i in range(0, 60, 2)}
    records = [_shared(i, text, named.get(i)) for i, text in enumerate(texts)]
    report = find_themes(records, seed=0)
    for theme in report.themes:
        for quote in theme.quotes:
            index = int(quote.reflection_id[1:])
            if index in named:
                assert quote.author == named[index]
            else:
                assert quote.author is None and quote.byline == "anonymous"
    anonymous_only = find_themes([_shared(i, t, None) for i, t in enumerate(texts)], seed=0)
    dumped = json.dumps(anonymous_only.to_json())
    assert "Named Person" not in dumped
    assert all(q["author"] is None for t in anonymous_only.to_json()["themes"] for q in t["quotes"])


class _Recording:
    def __init__(self) -> None:
        self.calls: list[Sequence[str]] = []

    def summarise(self, texts: Sequence[str], *, max_sentences: int = 2) -> str:
        self.calls.append(list(texts))
        return f"{len(texts)} texts"


def test_a_plugged_in_summariser_gets_only_texts() -> None:
    plug = _Recording()
    report = find_themes(SYNTHETIC[:80], seed=0, summariser=plug)
    assert len(plug.calls) == len(report.themes)
    for call in plug.calls:
        assert all(isinstance(t, str) for t in call)
        assert 1 <= len(call) <= 12
    # themes are sorted after summarising: compare as multisets
    assert sorted(t.summary for t in report.themes) == sorted(f"{len(c)} texts" for c in plug.calls)


def test_progress_reaches_the_total() -> None:
    seen: list[tuple[int, int | None]] = []
    find_themes(SYNTHETIC[:150], seed=0, progress=lambda d, t: seen.append((d, t)))
    assert seen
    dones = [d for d, _ in seen]
    assert dones == sorted(dones)
    assert seen[-1][0] == seen[-1][1] == 450


@pytest.mark.parametrize("count", [0, 1, 2])
def test_tiny_inputs(count: int) -> None:
    records = [_shared(i, f"My manager listened to me on day {i}.", None) for i in range(count)]
    report = find_themes(records)
    assert isinstance(report, ThemeReport)
    assert report.voices == f"{count} of {count} voices represented"
    assert sum(t.size for t in report.themes) == count


def test_neighbour_index_matches_brute_force_when_nothing_is_cut() -> None:
    docs = [r.text for r in SYNTHETIC[:60]]
    vocab = Vocabulary()
    counts = [vocab.add(content_words(d)) for d in docs]
    idf = vocab.idf()
    vectors = [tfidf(c, idf) for c in counts]
    edges = top_neighbours(
        vectors, k=3, min_similarity=0.0, query_terms=10_000, posting_limit=10_000, max_df=1.0
    )
    expected: dict[tuple[int, int], float] = {}
    for i in range(len(vectors)):
        sims = sorted(
            ((cosine(vectors[i], vectors[j]), j) for j in range(len(vectors)) if j != i),
            key=lambda p: -p[0],
        )
        for s, j in sims[:3]:
            if s > 0:
                expected[(min(i, j), max(i, j))] = s
    assert set(edges) == set(expected)
    for key, value in expected.items():
        assert edges[key] == pytest.approx(value)


def test_pagerank_sums_to_one_and_favours_the_hub() -> None:
    ranks = pagerank(5, {(0, 1): 1.0, (0, 2): 1.0, (0, 3): 1.0})
    assert sum(ranks) == pytest.approx(1.0)
    assert ranks[0] == max(ranks)
    assert ranks[4] == min(ranks)  # isolated


def test_sentences_and_shorten() -> None:
    assert sentences('She said "go." Then I left!  Why?\n\nNew') == [
        'She said "go."', "Then I left!", "Why?", "New"
    ]
    cut = shorten("word " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("…")


def test_summary_is_extractive_and_skips_near_duplicates() -> None:
    texts = [
        "When I asked for help, Tom took two of my projects. The office was cold.",
        "When I asked for help, Priya took two of my projects.",
        "Asking for help felt risky, but my projects got shared out.",
    ]
    summary = ExtractiveSummariser().summarise(texts, max_sentences=2)
    assert not ("Tom took" in summary and "Priya took" in summary)
    pool = {s for t in texts for s in sentences(t)}
    assert summary.startswith(tuple(pool))
