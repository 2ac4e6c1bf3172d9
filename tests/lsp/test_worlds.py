"""Worlds and facts in the language server, and positions counted in UTF-16 code units."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.test_server import _apply, _diagnostics, _pos

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEACH = Path(__file__).resolve().parents[1] / "fixtures" / "teach"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two stories of the world 'northwind', as in tests/fixtures/teach."""
    (tmp_path / "worlds").mkdir()
    shutil.copy(TEACH / "worlds" / "northwind.yaml", tmp_path / "worlds")
    for name in ("seen-by-dana.yaml", "seen-by-akira.yaml"):
        shutil.copy(TEACH / name, tmp_path)
    return tmp_path


async def _open(client: LanguageClient, path: Path, text: str | None = None
                ) -> tuple[str, str, list[lsp.Diagnostic]]:
    text = path.read_text() if text is None else text
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "yaml", 1, text))
    )
    return uri, text, await _diagnostics(client, uri, 1)


def _close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))


async def test_definition_of_a_fact_and_a_world_cast_member_is_in_the_world_file(
    client: LanguageClient, folder: Path,
) -> None:
    uri, text, diags = await _open(client, folder / "seen-by-dana.yaml")
    assert [d for d in diags if d.severity == lsp.DiagnosticSeverity.Error] == []
    world = folder / "worlds" / "northwind.yaml"
    wtext = world.read_text()
    doc = lsp.TextDocumentIdentifier(uri)
    for needle, decl in (("{fact.hidden_work}", "  hidden_work:"),
                         ("{cast.akira.name}", "  akira:"),
                         ("pov: dana", "  dana:")):
        into = needle.index(".") + 1 if needle.startswith("{") else len("pov: ")
        found = await client.text_document_definition_async(
            lsp.DefinitionParams(text_document=doc, position=_pos(text, needle, into)))
        assert isinstance(found, list) and len(found) == 1, needle
        start = _pos(wtext, decl, 2)
        assert found[0].uri == world.as_uri()
        assert found[0].range.start == start, needle
        name = decl.strip(" :")
        assert found[0].range.end == lsp.Position(start.line, start.character + len(name))
    _close(client, uri)


async def test_references_completion_and_hover_of_facts(
    client: LanguageClient, folder: Path,
) -> None:
    uri, text, _ = await _open(client, folder / "seen-by-dana.yaml")
    doc = lsp.TextDocumentIdentifier(uri)
    at = _pos(text, "{fact.reorg_date}", len("{fact."))
    refs = await client.text_document_references_async(
        lsp.ReferenceParams(text_document=doc, position=at,
                           context=lsp.ReferenceContext(include_declaration=True)))
    assert refs is not None
    assert sorted((Path(r.uri[len("file://"):]).name, r.range.start.line) for r in refs) == [
        ("northwind.yaml", _pos((folder / "worlds" / "northwind.yaml").read_text(),
                                "reorg_date:").line),
        ("seen-by-dana.yaml", at.line),
    ]
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc, position=at))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "the first Monday of March" in hover.contents.value
    assert "northwind.yaml" in hover.contents.value

    # `{fact.` completes the world's facts; `pov: ` the world's cast
    typed = text.replace("asks about {fact.hidden_work}", "asks about {fact.")
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [lsp.TextDocumentContentChangeWholeDocument(text=typed)]))
    end = _pos(typed, "asks about {fact.", len("asks about {fact."))
    got = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc, position=end))
    assert isinstance(got, lsp.CompletionList)
    assert {i.label for i in got.items} == {"reorg_date", "hidden_work"}
    cast_at = _pos(typed, "pov: dana", len("pov: "))
    got = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc, position=cast_at))
    assert isinstance(got, lsp.CompletionList)
    assert {i.label for i in got.items} == {"dana", "akira"}
    _close(client, uri)


async def test_an_unknown_fact_is_reported_and_fixed(client: LanguageClient, folder: Path) -> None:
    path = folder / "seen-by-dana.yaml"
    text = path.read_text().replace("{fact.reorg_date}", "{fact.reorg_dat}")
    uri, text, diags = await _open(client, path, text)
    unknown = [d for d in diags if d.code == "CR424"]
    assert len(unknown) == 1
    start = _pos(text, "reorg_dat}")
    assert unknown[0].range == lsp.Range(
        start, lsp.Position(start.line, start.character + len("reorg_dat")))
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri), range=unknown[0].range,
        context=lsp.CodeActionContext(diagnostics=unknown)))
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, lsp.CodeAction) and a.edit)
    assert fix.title == "Change 'reorg_dat' to 'reorg_date'"
    assert fix.edit is not None and fix.edit.changes is not None
    assert "{fact.reorg_date}" in _apply(text, fix.edit.changes[uri])
    _close(client, uri)


async def test_world_errors_appear_on_the_story(client: LanguageClient, folder: Path) -> None:
    world = folder / "worlds" / "northwind.yaml"
    world.write_text(world.read_text().replace("id: northwind", "id: southwind"))
    uri, text, diags = await _open(client, folder / "seen-by-dana.yaml")
    assert [d.code for d in diags] == ["CR112"]
    at = _pos(text, "world: northwind", len("world: "))
    assert diags[0].range == lsp.Range(at, lsp.Position(at.line, at.character + len("northwind")))
    assert diags[0].message.startswith("northwind.yaml:2:5: ")
    assert "southwind" in diags[0].message
    related = diags[0].related_information
    assert related is not None and related[0].location.uri == world.as_uri()
    assert related[0].location.range.start == lsp.Position(1, 4)
    _close(client, uri)

    missing = text.replace("world: northwind", "world: nowhere")
    uri, _, diags = await _open(client, folder / "lost.yaml", missing)
    assert [d.code for d in diags] == ["CR420"]
    _close(client, uri)


async def test_renaming_a_world_fact_edits_the_world_and_every_story_of_it(
    client: LanguageClient, folder: Path,
) -> None:
    uri, text, _ = await _open(client, folder / "seen-by-dana.yaml")
    at = _pos(text, "{fact.hidden_work}", len("{fact."))
    edit = await client.text_document_rename_async(
        lsp.RenameParams(text_document=lsp.TextDocumentIdentifier(uri), position=at,
                         new_name="models"))
    assert edit is not None and edit.changes is not None
    world = folder / "worlds" / "northwind.yaml"
    akira = folder / "seen-by-akira.yaml"
    assert set(edit.changes) == {uri, world.as_uri(), akira.as_uri()}
    assert "{fact.models}" in _apply(text, edit.changes[uri])
    assert "  models: the price-elasticity models" in _apply(
        world.read_text(), edit.changes[world.as_uri()])
    assert "who built {fact.models}." in _apply(akira.read_text(), edit.changes[akira.as_uri()])
    # applied to the three files, the stories check clean again
    for file, key in ((world, world.as_uri()), (akira, akira.as_uri())):
        file.write_text(_apply(file.read_text(), edit.changes[key]))
    renamed = _apply(text, edit.changes[uri])
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [lsp.TextDocumentContentChangeWholeDocument(text=renamed)]))
    assert [d.code for d in await _diagnostics(client, uri, 2)
            if d.severity == lsp.DiagnosticSeverity.Error] == []
    _close(client, uri)


# ------------------------------------------------------------------ UTF-16 positions
EMOJI_STORY = """\
format: crossroads/1
id: emoji
title: Emoji
start: monday
scenes:
  monday:
    text: Hello.
    choices:
      - {say: "🎉🎉 party", to: nowher}
      - {say: "🎉 stay", to: monday}
  end:
    ending: {kind: good, title: End}
"""


def _utf16(line: str, chars: int) -> int:
    return len(line[:chars].encode("utf-16-le")) // 2


async def test_a_broken_link_after_an_emoji_is_ranged_in_utf16(
    client: LanguageClient, tmp_path: Path,
) -> None:
    uri, text, diags = await _open(client, tmp_path / "emoji.yaml", EMOJI_STORY)
    broken = [d for d in diags if d.code == "CR201"]
    assert len(broken) == 1
    line_no = _pos(text, "nowher}").line
    line = text.split("\n")[line_no]
    chars = line.index("nowher")
    assert _utf16(line, chars) == chars + 2  # two emoji, one extra unit each
    assert broken[0].range == lsp.Range(
        lsp.Position(line_no, _utf16(line, chars)),
        lsp.Position(line_no, _utf16(line, chars + len("nowher"))),
    )
    # a position the client counts in UTF-16 lands on the name
    stay = text.split("\n")[line_no + 1]
    at = lsp.Position(line_no + 1, _utf16(stay, stay.index("monday")) + 1)
    found = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=lsp.TextDocumentIdentifier(uri), position=at))
    assert isinstance(found, list) and [loc.range.start for loc in found] == [
        _pos(text, "  monday:", 2)]
    _close(client, uri)


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "crossroads", "lsp"]),
)
async def utf32_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    """A client that can count in UTF-16 or UTF-32 (code points)."""
    result = await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(general=lsp.GeneralClientCapabilities(
            position_encodings=[lsp.PositionEncodingKind.Utf16,
                                lsp.PositionEncodingKind.Utf32]))))
    lsp_client._test_encoding = result.capabilities.position_encoding  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_utf32_is_taken_when_the_client_offers_it(
    utf32_client: LanguageClient, tmp_path: Path,
) -> None:
    client = utf32_client
    assert client._test_encoding == lsp.PositionEncodingKind.Utf32  # type: ignore[attr-defined]
    _uri, text, diags = await _open(client, tmp_path / "emoji.yaml", EMOJI_STORY)
    broken = [d for d in diags if d.code == "CR201"]
    start = _pos(text, "nowher}")  # code points, as Python counts
    assert broken[0].range == lsp.Range(
        start, lsp.Position(start.line, start.character + len("nowher")))
