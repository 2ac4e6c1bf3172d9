"""The authoring guide quotes the shipped stories word for word (issue 16).

"What a story teaches" in ``docs/authoring.md`` shows stances, assumptions and worlds with
excerpts from the library, each introduced by the file it comes from (`` `stories/….yaml` `` in
the paragraph before the block). A story that changes under a quotation makes the guide lie; this
test catches it. A line ``# …`` inside a block marks lines left out: the pieces on either side
must appear in the file in that order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOC = ROOT / "docs" / "authoring.md"
SECTION = "## What a story teaches"
SOURCE = re.compile(r"`(stories/[\w./-]+\.yaml)`")
FENCE = re.compile(r"^```yaml\n(.*?)^```$", re.M | re.S)
ELISION = "# …"


@dataclass(frozen=True)
class Excerpt:
    """One quoted block: the file it names and the block's text."""

    source: str
    text: str
    line: int


def _section(doc: str) -> tuple[str, int]:
    start = doc.index(SECTION)
    end = doc.index("\n## ", start + len(SECTION))
    return doc[start:end], doc.count("\n", 0, start) + 1


def excerpts(doc: str) -> list[Excerpt]:
    """Every ```yaml block of the section, with the last file named before it."""
    section, first_line = _section(doc)
    found: list[Excerpt] = []
    for match in FENCE.finditer(section):
        before = section[: match.start()]
        names = SOURCE.findall(before.rsplit("```", 1)[-1])
        line = first_line + section.count("\n", 0, match.start())
        assert names, f"docs/authoring.md:{line}: a yaml block in {SECTION!r} names no story file"
        found.append(Excerpt(names[-1], match.group(1), line))
    return found


def pieces(text: str) -> list[str]:
    """The block split at ``# …`` lines; each piece is quoted verbatim."""
    chunks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip() == ELISION:
            chunks.append([])
        else:
            chunks[-1].append(line)
    return ["\n".join(c) + "\n" for c in chunks if c]


def quoted_in(source: str, text: str) -> bool:
    """Whether every piece of ``text`` occurs in ``source``, in order, line-aligned."""
    at = 0
    for piece in pieces(text):
        found = ("\n" + source).find("\n" + piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


EXCERPTS = excerpts(DOC.read_text(encoding="utf-8"))


def test_the_section_quotes_the_library() -> None:
    sources = {e.source for e in EXCERPTS}
    assert {"stories/first-week.yaml", "stories/worlds/northwind.yaml"} <= sources
    assert len(EXCERPTS) >= 6


@pytest.mark.parametrize("excerpt", EXCERPTS, ids=[f"line{e.line}" for e in EXCERPTS])
def test_each_excerpt_is_word_for_word(excerpt: Excerpt) -> None:
    path = ROOT / excerpt.source
    assert path.is_file(), f"docs/authoring.md:{excerpt.line}: {excerpt.source} does not exist"
    assert quoted_in(path.read_text(encoding="utf-8"), excerpt.text), (
        f"docs/authoring.md:{excerpt.line}: this block is not in {excerpt.source} as written; "
        "quote the file as it is now"
    )


def test_a_changed_excerpt_is_caught() -> None:
    source = "a: 1\nb:\n  c: 2\nd: 3\n"
    assert quoted_in(source, "b:\n  c: 2\n")
    assert quoted_in(source, "a: 1\n# …\nd: 3\n")
    assert not quoted_in(source, "b:\n  c: 3\n")
    assert not quoted_in(source, "d: 3\n# …\na: 1\n")
    assert not quoted_in(source, "  c: 2\nd: 4\n")


def test_a_block_without_a_source_is_reported(tmp_path: Path) -> None:
    doc = f"{SECTION}\n\nNo file named here:\n\n```yaml\na: 1\n```\n\n## Next\n"
    with pytest.raises(AssertionError, match="names no story file"):
        excerpts(doc)
