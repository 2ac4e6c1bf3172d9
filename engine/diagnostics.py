"""Diagnostics and the user-facing error hierarchy.

Every problem Crossroads reports to a person is a :class:`Diagnostic`: a stable code, a
severity, a message, a hint on how to fix it, and a position (file, 1-based line and column).

Exception tree: every error Crossroads shows a person is a :class:`CrossroadsError`, printed as
one line (or one line per diagnostic) and never as a traceback; anything else escaping the command
line is a bug, except an ``OSError``, which the command line prints as ``path: reason``::

    CrossroadsError                 base; carries zero or more diagnostics (exit code 1)
    ├── StoryError                  a story failed to load or validate (diagnostics say where)
    ├── UsageError                  the command line or an argument is wrong (exit code 2)
    ├── ProgrammeError              a cohort's programme file is not valid, positioned
    │                               (engine.programme; exit code 2)
    ├── SaveError                   a saved session cannot be used with this story
    ├── NotSaved                    a record is durable nowhere yet (bank and journal failed);
    │                               kept in memory and saved at the next step (engine.bank.store)
    ├── BankError                   the story bank cannot be opened, migrated or written
    │   ├── BankUnavailable         the bank cannot be reached right now; try again later
    │   │   │                       (engine.bank.base; the player keeps a journal meanwhile)
    │   │   └── ServerUnreachable   a cohort server gives no answer, or a 5xx one
    │   │                           (engine.remote.client)
    │   ├── ServerRefused           a cohort server refused a request (HTTP 4xx;
    │   │   │                       engine.remote.client)
    │   │   ├── NotSignedIn         401: no valid token (sign in again)
    │   │   ├── NotAllowed          403: not allowed for this caller
    │   │   ├── NotFound            404: not one of the caller's cohorts, learners, stories
    │   │   └── TooManyAttempts     429: too many wrong invitation codes
    │   └── AuthError               a cohort server's caller is unknown or may not do this
    │       │                       (engine.bank.identity; HTTP 401 or 403)
    │       └── RateLimited         too many failed invitation codes; try again later (HTTP 429)
    ├── LrsError                    a Learning Record Store refused statements or cannot be
    │                               reached (engine.export.lrs)
    ├── ModelError                  a model endpoint for themes cannot be used
    │                               (engine.reflections.remote)
    └── OutputError                 an output file or folder cannot be written (engine.files)

Errors that never reach a person: the validator turns them into diagnostics::

    ExpressionSyntaxError           a condition or effect expression does not parse
                                    (engine.expressions; becomes CR120)
    TemplateSyntaxError             a passage's {if}…{end} template does not parse
                                    (engine.templates; becomes CR123)

Private control flow, caught where raised: ``_Fail`` (engine.loader, one reason a value is
refused) and ``_EndOfInput`` (tui.plain, standard input closed).

Lower-level errors (``sqlite3``, ``psycopg``, ``OSError``, ``urllib``) are translated where they
happen, with ``raise … from err`` so that the original stays in ``__cause__`` for whoever
debugs it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from crossroads.engine.terminal_text import one_line

Severity = Literal["error", "warning", "info"]

#: Stable diagnostic codes and their short names. Codes never change meaning once shipped.
CODES: dict[str, str] = {
    # reading and parsing
    "CR100": "unreadable-path",
    "CR101": "yaml-syntax",
    "CR102": "not-utf8",
    "CR103": "empty-file",
    "CR104": "not-a-mapping",
    "CR105": "duplicate-key",
    "CR106": "forbidden-tag",
    "CR107": "alias-bomb",
    "CR108": "too-deep",
    "CR109": "no-stories",
    # the format
    "CR110": "unknown-key",
    "CR111": "missing-field",
    "CR112": "invalid-value",
    "CR113": "unknown-format",
    # expressions and text
    "CR120": "expression-syntax",
    "CR121": "unknown-name",
    "CR122": "expression-type",
    "CR123": "template-syntax",
    "CR124": "unknown-scene-ref",
    "CR125": "undeclared-meter-or-flag",
    "CR126": "unknown-cast",
    # limits on hostile or runaway input (issue 12)
    "CR130": "too-complex",
    "CR131": "number-out-of-range",
    "CR132": "check-failed",
    # the scene graph
    "CR201": "missing-target",
    "CR202": "missing-start",
    "CR203": "unreachable-scene",
    "CR204": "dead-end",
    "CR205": "no-way-to-ending",
    "CR206": "ending-with-choices",
    "CR207": "duplicate-id",
    "CR208": "no-endings",
    "CR209": "unknown-paired-story",
    # style warnings
    "CR301": "single-choice",
    "CR302": "unused-meter",
    "CR303": "unused-flag",
    "CR304": "long-passage",
    "CR305": "opinion-prompt",
    # state-aware exploration (check --deep)
    "CR401": "impossible-choice",
    "CR402": "unreachable-ending",
    "CR403": "unreachable-under-rules",
    "CR404": "constant-text-block",
    "CR405": "few-reflections",
    "CR406": "dominant-choice",
    "CR407": "state-space-sampled",
    "CR408": "stuck-under-rules",
    "CR409": "ending-witness",
    # what a story teaches: strategies, assumptions, shared worlds (issue 15)
    "CR410": "unknown-stance",
    "CR411": "unknown-best-ending",
    "CR412": "stance-always-wins",
    "CR413": "greedy-always-wins",
    "CR414": "assumption-broken",
    "CR415": "assumption-unproven",
    "CR416": "unknown-debrief-prompt",
    "CR420": "world-not-found",
    "CR421": "world-redefined",
    "CR422": "paired-worlds-differ",
    "CR423": "paired-cast-contradiction",
    "CR424": "unknown-fact",
    # Twine interop (crossroads import twee): positions are in the Twee file
    "CR501": "no-passages",
    "CR502": "bad-passage-header",
    "CR503": "unknown-start-passage",
    "CR510": "computed-target",
    "CR511": "javascript",
    "CR512": "unsupported-macro",
    "CR513": "unmapped-state",
    "CR514": "unmapped-condition",
    "CR515": "conditional-state",
    "CR520": "broken-link",
    "CR521": "special-passage",
    "CR522": "unreached-passage",
    "CR523": "duplicate-passage",
    # translations (locale/LANG/STORY.po beside a story): positions are in the PO file
    "CR530": "bad-translation-file",
    "CR531": "translation-placeholders-differ",
    "CR532": "untranslated",
    "CR533": "translation-entry-missing",
    "CR534": "stale-translation-entry",
    "CR535": "fuzzy-translation",
    "CR536": "choice-without-id",
}


#: The hint a diagnostic carries when the code that raised it gave none.
DEFAULT_HINTS: dict[str, str] = {
    "CR100": "check the path",
    "CR101": "fix the indentation or quoting here",
    "CR102": "save the file as UTF-8",
    "CR103": "start from 'crossroads new STORY-ID' or see docs/authoring.md",
    "CR104": "a story is a mapping that starts with 'format: crossroads/1'",
    "CR105": "remove or rename one of them",
    "CR106": "remove the tag: stories hold plain text, numbers, lists and mappings",
    "CR107": "write the values out instead of nesting aliases",
    "CR108": "a story needs only a few levels; check the indentation",
    "CR109": "point at a story file or a folder of them",
    "CR111": "add the missing key",
    "CR113": "write 'format: crossroads/1'",
    "CR124": "use the id of a scene under 'scenes:'",
    "CR125": "declare it under 'meters:' or 'flags:'",
    "CR126": "add them under 'cast:' or fix the id",
    "CR130": "split it up: at most 100 levels of nesting and 10,000 terms in one expression",
    "CR131": "use a number between -1,000,000 and 1,000,000",
    "CR201": "point it at the id of a scene under 'scenes:'",
    "CR202": "set 'start:' to the id of a scene",
    "CR203": "link to it from another scene, or remove it",
    "CR204": "add choices, a 'next:' scene, or an 'ending:'",
    "CR205": "give a scene in this loop a way towards an ending",
    "CR206": "remove 'choices'/'next', or remove 'ending'",
    "CR208": "mark at least one scene with 'ending: {kind: good, title: …}'",
    "CR209": "fix the id, or check the folder that holds that story",
    "CR301": "add an alternative, or use 'next:' to continue without a choice",
    "CR302": "use it in an effect and a condition, or remove it",
    "CR303": "set it on a choice and test it in a condition, or remove it",
    "CR304": "split the passage into two scenes",
    "CR305": "ask for a story: 'Think of a time… What happened?'",
    "CR110": "check the spelling; schema/story.schema.json lists the keys allowed here",
    "CR112": "see schema/story.schema.json for the type expected here",
    "CR120": "conditions look like 'trust >= 40 and not asked_leads'",
    "CR121": "declare it under 'meters:' or 'flags:', or fix the spelling",
    "CR122": "compare numbers (trust >= 50); join conditions with and/or/not",
    "CR123": "blocks are {if condition}…{else}…{end}; write {{ and }} for literal braces",
    "CR207": "ids must be unique",
    "CR401": "change the condition or the effects that lead here",
    "CR402": "make some path's conditions allow it, or remove the ending",
    "CR403": "check the conditions on the choices that lead here",
    "CR404": "the block's condition is constant on every path: simplify the text",
    "CR405": "add a reflect: prompt on the paths that have too few",
    "CR406": "give the other choices a real advantage, or a cost to this one",
    "CR407": "raise the exploration bound, or simplify the meters the conditions read",
    "CR410": "declare the stance under 'stances:' (id: what it means)",
    "CR411": "list ending scenes under 'balance: {best: [...]}'",
    "CR412": "make the stance cost something somewhere, so judgment matters",
    "CR413": "make raising the meters cost something somewhere, so judgment matters",
    "CR414": "make the scene's text fit every path that reaches it, or gate the paths",
    "CR415": "simplify the meters the conditions read so exploration is exhaustive",
    "CR416": "use the id of a 'reflect:' prompt of this story",
    "CR420": "create worlds/NAME.yaml beside the story, or fix the name",
    "CR421": "remove it from the story and use the world's",
    "CR422": "give paired stories the same 'world:'",
    "CR423": "move the cast into a shared world file so both stories read the same people",
    "CR424": "add it under 'facts:' in the story or its world",
    "CR501": "a Twee 3 passage starts with a line ':: Name'",
    "CR502": "escape [ ] { } in passage names with a backslash; metadata is a JSON object",
    "CR503": "set 'start' in StoryData, or name a passage 'Start'",
    "CR510": "link to a literal passage name so the link can be followed statically",
    "CR511": "JavaScript does not come over; rewrite it as choices, effects and conditions",
    "CR512": "rewrite it with links, <<set>>/(set:) and <<if>>/(if:), or add it by hand",
    "CR513": "only numbers and true/false with literal changes become meters and flags",
    "CR514": "write the condition with variables, numbers, comparisons and and/or/not",
    "CR515": "move the change onto the links that lead on",
    "CR520": "add the passage or fix the link's target (spaces count)",
    "CR522": "link to it from a passage that is reached, or delete it",
    "CR523": "rename or remove one of them",
    "CR530": "open it in Poedit, or run 'crossroads l10n update' again",
    "CR531": "use exactly the {…} of the source (msgid), in any order",
    "CR532": "translate them (Poedit), then check again",
    "CR533": "run 'crossroads l10n update' to add it",
    "CR534": "run 'crossroads l10n update'",
    "CR535": "review it and remove the fuzzy mark",
    "CR536": "give the choice an 'id:' (a short name, unique in the scene)",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a story, positioned at ``file:line:col`` (both 1-based)."""

    code: str
    severity: Severity
    message: str
    file: str
    line: int = 1
    col: int = 1
    hint: str = ""
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        """The code's short, human name (``missing-target`` for ``CR201``)."""
        return CODES.get(self.code, "")

    def __post_init__(self) -> None:
        if not self.hint and self.code in DEFAULT_HINTS:
            object.__setattr__(self, "hint", DEFAULT_HINTS[self.code])

    def format(self) -> str:
        """Return the one-line form ``file:line:col: CODE severity: message (hint)``."""
        text = f"{self.file}:{self.line}:{self.col}: {self.code} {self.severity}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return one_line(text)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready mapping of every field plus the code's name."""
        out = asdict(self)
        out["name"] = self.name
        if not out["data"]:
            del out["data"]
        return out


def sort_key(diag: Diagnostic) -> tuple[str, int, int, str]:
    """Order diagnostics by file, position, then code."""
    return (diag.file, diag.line, diag.col, diag.code)


class CrossroadsError(Exception):
    """Base of every error shown to a person; carries diagnostics when it has a position."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics: list[Diagnostic] = list(diagnostics or [])

    def lines(self) -> list[str]:
        """Return the one-line forms of the diagnostics, or the message when there are none."""
        if self.diagnostics:
            return [d.format() for d in sorted(self.diagnostics, key=sort_key)]
        return [self.message]


class StoryError(CrossroadsError):
    """A story failed to load or validate; its diagnostics say where and why."""


class UsageError(CrossroadsError):
    """The command line or one of its arguments is wrong."""

    exit_code = 2


class SaveError(CrossroadsError):
    """A saved session cannot be used with this story (edited story, corrupt save)."""


class NotSaved(CrossroadsError):
    """A record could be made durable neither in the bank nor in the local journal (a full disk,
    say): the player keeps it in memory, says so, and saves it at the next step."""


class BankError(CrossroadsError):
    """The story bank cannot be opened, migrated or written."""


class OutputError(CrossroadsError):
    """An output file or folder cannot be written; the message is ``path: reason``."""
