"""The language server: pygls wiring between the protocol and :mod:`crossroads.lsp.features`.

Diagnostics are published when a story is opened and shortly after each change: changes that
arrive within :data:`DEBOUNCE` seconds of each other are checked once, for the latest text.
A document that does not look like a story (no ``format: crossroads/…`` and no ``scenes:``) gets
no diagnostics, so the server can be attached to every YAML file.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from crossroads import __version__
from crossroads.lsp import features
from crossroads.lsp.document import StoryDocument

#: Seconds to wait after a change for the next one before checking.
DEBOUNCE = 0.015
_STORY_LIKE = re.compile(r"^(format:\s*crossroads/|scenes:)", re.M)
log = logging.getLogger(__name__)


def _file_of(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


class StoryServer(LanguageServer):
    """A language server that knows crossroads/1 stories."""

    def __init__(self) -> None:
        super().__init__("crossroads", __version__)
        self.documents: dict[str, StoryDocument] = {}
        self._pending: dict[str, asyncio.Task[None]] = {}

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
        if not _STORY_LIKE.search(text):
            doc.text = text
            diagnostics: list[lsp.Diagnostic] = []
        else:
            try:
                analysis = doc.update(text)
                diagnostics = features.to_protocol(doc, analysis.diagnostics)
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
    return features.definition(ls.document(uri), uri, params.position)


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: StoryServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    """Every place a scene, meter, flag or cast member is named."""
    uri = params.text_document.uri
    return features.references(
        ls.document(uri), uri, params.position, params.context.include_declaration
    )


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: StoryServer, params: lsp.HoverParams) -> lsp.Hover | None:
    """What a name stands for."""
    return features.hover(ls.document(params.text_document.uri), params.position)


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=[" ", "{", ".", "[", ","]),
)
def completion(ls: StoryServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    """Scene ids after to:/next:/start:, meters and flags in conditions, effects and text."""
    items = features.completion(ls.document(params.text_document.uri), params.position)
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: StoryServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
    """The name a rename would change (scenes, meters and flags)."""
    return features.prepare_rename(ls.document(params.text_document.uri), params.position)


@server.feature(lsp.TEXT_DOCUMENT_RENAME)
def rename(ls: StoryServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    """Rename a scene id, a meter or a flag across the story."""
    uri = params.text_document.uri
    return features.rename(ls.document(uri), uri, params.position, params.new_name)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def code_action(ls: StoryServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """Create a missing scene; fix a misspelt name."""
    uri = params.text_document.uri
    return features.code_actions(ls.document(uri), uri, params.context.diagnostics)


def serve() -> None:
    """Serve over standard input and output."""
    server.start_io()
