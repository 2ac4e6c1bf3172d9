"""The language server: pygls wiring between the protocol and :mod:`crossroads.lsp.features`.

Diagnostics are published when a story is opened and shortly after each change: changes that
arrive within :data:`DEBOUNCE` seconds of each other are checked once, for the latest text.
A document that does not look like a story (no ``format: crossroads/…`` and no ``scenes:``) gets
no diagnostics, so the server can be attached to every YAML file.

Positions: :mod:`crossroads.lsp.features` counts columns in characters (code points). The
protocol counts UTF-16 code units unless client and server agree otherwise: the server takes
UTF-32 (code points) when the client offers it, and otherwise converts every position it reads
and writes with the workspace's position codec, so a line holding an emoji is not shifted.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from crossroads import __version__
from crossroads.engine.worlds import WORLDS
from crossroads.lsp import features
from crossroads.lsp.document import StoryDocument

#: Seconds to wait after a change for the next one before checking.
DEBOUNCE = 0.015
_STORY_LIKE = re.compile(r"^(format:\s*crossroads/|scenes:)", re.M)
log = logging.getLogger(__name__)


def _file_of(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def _is_world_file(file: str) -> bool:
    """A world file (``worlds/NAME.yaml``) is not a story: it is checked through its stories."""
    return Path(file).parent.name == WORLDS


class _Protocol(LanguageServerProtocol):
    """The protocol, preferring UTF-32 positions (code points, as Python counts) when the
    client can use them; otherwise pygls takes the client's first choice, UTF-16 by default."""

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(
        self, params: lsp.InitializeParams
    ) -> Generator[Any, Any, lsp.InitializeResult]:
        general = params.capabilities.general
        offered = general.position_encodings if general is not None else None
        if general is not None and offered and lsp.PositionEncodingKind.Utf32 in offered:
            general.position_encodings = [lsp.PositionEncodingKind.Utf32]
        return (yield from super().lsp_initialize(params))


class StoryServer(LanguageServer):
    """A language server that knows crossroads/1 stories."""

    def __init__(self) -> None:
        super().__init__("crossroads", __version__, protocol_cls=_Protocol)
        self.documents: dict[str, StoryDocument] = {}
        self._pending: dict[str, asyncio.Task[None]] = {}

    # ------------------------------------------------------------------ positions
    def _lines(self, uri: str) -> list[str]:
        try:
            return self.workspace.get_text_document(uri).source.split("\n")
        except OSError:
            return []

    def from_client(self, uri: str, pos: lsp.Position) -> lsp.Position:
        """A client's position in ``uri`` as line and character (code point) column."""
        at = self.workspace.position_codec.position_from_client_units(
            self._lines(uri), lsp.Position(pos.line, pos.character))
        return lsp.Position(at.line, at.character)

    def range_from_client(self, uri: str, rng: lsp.Range) -> lsp.Range:
        """A client's range in ``uri`` in characters."""
        return lsp.Range(self.from_client(uri, rng.start), self.from_client(uri, rng.end))

    def to_client(self, uri: str, rng: lsp.Range, lines: list[str] | None = None) -> lsp.Range:
        """A range in characters as the client counts, in the negotiated encoding (``lines``:
        the text of ``uri`` when the caller has it already)."""
        if lines is None:
            lines = self._lines(uri)
        start, end = (self.workspace.position_codec.position_to_client_units(lines, p)
                      for p in (rng.start, rng.end))
        if rng.start.line >= len(lines):  # past the end (an insertion after the last line)
            start = rng.start
        if rng.end.line >= len(lines):
            end = rng.end
        return lsp.Range(start, end)

    def location_to_client(self, loc: lsp.Location) -> lsp.Location:
        """A location with its range as the client counts."""
        return lsp.Location(loc.uri, self.to_client(loc.uri, loc.range))

    def edit_to_client(self, edit: lsp.WorkspaceEdit) -> lsp.WorkspaceEdit:
        """A workspace edit with every range as the client counts."""
        changes = {}
        for uri, edits in (edit.changes or {}).items():
            lines = self._lines(uri)
            changes[uri] = [lsp.TextEdit(self.to_client(uri, e.range, lines), e.new_text)
                            for e in edits]
        return lsp.WorkspaceEdit(changes=changes)

    def diagnostic_to_client(self, uri: str, diag: lsp.Diagnostic, lines: list[str]
                             ) -> lsp.Diagnostic:
        """A diagnostic (and its related places) with ranges as the client counts."""
        related = [
            lsp.DiagnosticRelatedInformation(self.location_to_client(r.location), r.message)
            for r in diag.related_information or []
        ]
        return lsp.Diagnostic(
            range=self.to_client(uri, diag.range, lines), message=diag.message,
            severity=diag.severity, code=diag.code, source=diag.source, data=diag.data,
            related_information=related or None,
        )

    def readers(self, uri: str, doc: StoryDocument) -> list[tuple[str, StoryDocument]]:
        """The other stories of ``doc``'s world, open in the editor or read from disk."""
        if doc.world is None:
            return []
        out = []
        by_file = {d.file: (u, d) for u, d in self.documents.items()}
        for file in features.world_readers(doc.world[0], doc.file):
            if file in by_file:
                other_uri, other = by_file[file]
                self.document(other_uri)
            else:
                other_uri, other = features.file_uri(file), StoryDocument(file)
                try:
                    other.update(Path(file).read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError):
                    continue
            out.append((other_uri, other))
        return out

    def document(self, uri: str) -> StoryDocument:
        """The story document for ``uri``, checked against the workspace's current text."""
        text = self.workspace.get_text_document(uri).source
        doc = self.documents.get(uri)
        if doc is None:
            doc = self.documents[uri] = StoryDocument(_file_of(uri))
        if doc.text != text or not doc.text:
            self.check_now(uri)
        return doc

    def check_now(self, uri: str) -> None:
        """Check the document's current text and publish its diagnostics."""
        text = self.workspace.get_text_document(uri).source
        doc = self.documents.get(uri)
        if doc is None:
            doc = self.documents[uri] = StoryDocument(_file_of(uri))
        if not _STORY_LIKE.search(text) or _is_world_file(doc.file):
            doc.text = text
            diagnostics: list[lsp.Diagnostic] = []
        else:
            try:
                analysis = doc.update(text)
                lines = text.split("\n")
                diagnostics = [self.diagnostic_to_client(uri, d, lines)
                               for d in features.to_protocol(doc, analysis.diagnostics)]
                # What the story's models hold lives until the next edits: keep it out of the
                # collector's way (reference counting still frees it), or a 10,000-scene story
                # costs a full collection now and then.
                gc.freeze()
            except Exception as err:  # a bug must not take the author's editor down
                log.exception("checking %s failed", uri)
                self.window_log_message(lsp.LogMessageParams(
                    lsp.MessageType.Error, f"crossroads: checking failed: {err!r}"))
                return
        version = self.workspace.get_text_document(uri).version
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def check_soon(self, uri: str) -> None:
        """Check after :data:`DEBOUNCE` seconds unless another change comes first."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._pending[uri] = asyncio.get_running_loop().create_task(self._later(uri))

    async def _later(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE)
        self._pending.pop(uri, None)
        self.check_now(uri)


server = StoryServer()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: StoryServer, params: lsp.DidOpenTextDocumentParams) -> None:
    """Check a story as soon as it is opened."""
    ls.check_now(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: StoryServer, params: lsp.DidChangeTextDocumentParams) -> None:
    """Check a story again shortly after it changes."""
    ls.check_soon(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: StoryServer, params: lsp.DidSaveTextDocumentParams) -> None:
    """Nothing to do: every change is checked already."""


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: StoryServer, params: lsp.DidCloseTextDocumentParams) -> None:
    """Forget a closed story and clear its diagnostics."""
    uri = params.text_document.uri
    ls.documents.pop(uri, None)
    pending = ls._pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: StoryServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
    """Go to where a scene, meter, flag or cast member is declared."""
    uri = params.text_document.uri
    found = features.definition(ls.document(uri), uri, ls.from_client(uri, params.position))
    return [ls.location_to_client(loc) for loc in found]


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: StoryServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    """Every place a scene, meter, flag or cast member is named."""
    uri = params.text_document.uri
    found = features.references(
        ls.document(uri), uri, ls.from_client(uri, params.position),
        params.context.include_declaration,
    )
    return [ls.location_to_client(loc) for loc in found]


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: StoryServer, params: lsp.HoverParams) -> lsp.Hover | None:
    """What a name stands for."""
    uri = params.text_document.uri
    found = features.hover(ls.document(uri), ls.from_client(uri, params.position))
    if found is not None and found.range is not None:
        found.range = ls.to_client(uri, found.range)
    return found


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=[" ", "{", ".", "[", ","]),
)
def completion(ls: StoryServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    """Scene ids after to:/next:/start:, meters and flags in conditions, effects and text."""
    uri = params.text_document.uri
    items = features.completion(ls.document(uri), ls.from_client(uri, params.position))
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: StoryServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
    """The name a rename would change (scenes, meters and flags)."""
    uri = params.text_document.uri
    found = features.prepare_rename(ls.document(uri), ls.from_client(uri, params.position))
    return None if found is None else ls.to_client(uri, found)


@server.feature(lsp.TEXT_DOCUMENT_RENAME)
def rename(ls: StoryServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    """Rename a scene id, a meter, a flag, a cast member or a fact across the story (and a
    world's cast member or fact across the world file and every story of that world)."""
    uri = params.text_document.uri
    doc = ls.document(uri)
    edit = features.rename(doc, uri, ls.from_client(uri, params.position), params.new_name,
                           ls.readers(uri, doc))
    return None if edit is None else ls.edit_to_client(edit)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def code_action(ls: StoryServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """Create a missing scene; fix a misspelt name."""
    uri = params.text_document.uri
    diagnostics = [
        lsp.Diagnostic(range=ls.range_from_client(uri, d.range), message=d.message,
                       severity=d.severity, code=d.code, source=d.source, data=d.data)
        for d in params.context.diagnostics
    ]
    original = {id(mine): theirs
                for mine, theirs in zip(diagnostics, params.context.diagnostics, strict=True)}
    actions = features.code_actions(ls.document(uri), uri, diagnostics)
    for action in actions:
        if action.edit is not None:
            action.edit = ls.edit_to_client(action.edit)
        action.diagnostics = [original.get(id(d), d) for d in action.diagnostics or []]
    return actions


def serve() -> None:
    """Serve over standard input and output."""
    server.start_io()
