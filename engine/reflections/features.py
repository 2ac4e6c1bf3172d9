"""The cues that tell an experience from an opinion, each found as phrases in the text.

Every cue is a small, readable rule (a regular expression or a word list) that either leans
toward ``story`` (first person, past tense, particular people, moments and places) or toward
``opinion`` (prescriptions, generalisations, advice to "you", evaluations). The classifier turns
the number of matches of each cue into a score; the matched phrases are its evidence.

Quoted speech ("Don't think about work," she said) is part of a story: prescriptive cues ignore
text inside double quotes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Label = Literal["story", "opinion"]
Span = tuple[int, int]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
_QUOTED = re.compile(r"\"[^\"\n]{0,400}\"|\u201c[^\u201d\n]{0,400}\u201d")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)([A-Za-z']+)")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")

Token = tuple[str, int, int]


def _tokens(text: str) -> list[Token]:
    """Lowercased words with their spans (``manager's`` counts as ``manager``)."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group().lower()
        if w.endswith("'s") and len(w) > 3:
            w = w[:-2]
        out.append((w, m.start(), m.end()))
    return out




def _words(*words: str) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_IRREGULAR_PAST = _words(
    "was", "were", "had", "did", "said", "told", "went", "came", "took", "gave", "got", "made",
    "felt", "knew", "thought", "saw", "left", "met", "sat", "stood", "ran", "found", "heard",
    "kept", "brought", "bought", "wrote", "spoke", "began", "became", "lost", "paid", "sent",
    "spent", "taught", "caught", "held", "led", "meant", "slept", "stuck", "threw", "understood",
    "woke", "won", "wore", "drove", "rode", "ate", "drank", "fell", "forgot", "hid", "hung",
    "rang", "rose", "shook", "sang", "broke", "chose", "froze", "grew", "drew", "flew", "swore",
    "tore", "fought", "struck", "swept", "wept", "dealt", "built", "fed", "fled", "sold",
    "wasn't", "weren't", "didn't", "hadn't", "couldn't", "became", "taught", "overheard",
)
_NOT_PAST_ED = frozenset(
    (
        "indeed", "speed", "proceed", "succeed", "exceed", "breed", "bleed", "greed", "embed",
        "naked", "wicked", "sacred", "hundred", "kindred", "shred", "biased", "need", "feed",
        "seed", "weed", "bed", "red", "shed",
    )
)
_PASSIVE_BEFORE = frozenset(
    (
        "is", "are", "be", "been", "being", "am", "get", "gets", "feel", "feels", "more", "less",
        "very", "so", "too", "'re", "'s",
    )
)
_SUBJECTS = r"(?:i|we|he|she|they)"
_ROLES = _words(
    "manager", "boss", "lead", "team lead", "supervisor", "director", "colleague", "colleagues",
    "mentor", "coach", "teacher", "mum", "mom", "dad", "father", "mother", "brother", "sister",
    "son", "daughter", "husband", "wife", "partner", "friend", "grandmother", "grandfather",
    "uncle", "aunt", "neighbour", "neighbor", "landlord", "client", "customer", "team", "first",
    "last", "old", "new", "second", "third", "job", "shift", "office", "class", "first day",
    "department", "site", "platoon", "sergeant", "lead's", "ceo", "founder", "head", "principal",
    "foreman", "trainer", "employer", "company", "startup", "store", "restaurant", "nurse",
    "patient", "kids", "children", "child", "parents", "family", "pastor", "professor",
)
_GENERIC_GROUPS = _words(
    "managers", "leaders", "companies", "organisations", "organizations", "employees", "workers",
    "people", "teams", "staff", "bosses", "teachers", "nurses", "parents", "coaches", "doctors",
    "executives", "owners", "landlords", "employers", "businesses", "founders", "supervisors",
    "colleagues", "employee", "manager", "leader", "company", "organisation", "organization",
    "worker", "person", "team", "boss", "business", "workplace", "school", "coach", "employer",
    "head teacher", "leadership", "management", "volunteers", "charities", "humans", "everybody",
)
_NUMBER_WORDS = _words(
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "a few",
    "a couple of", "half an", "an", "a",
)
_UNITS = _words(
    "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
    "year", "years", "times", "people", "calls", "am", "pm",
)
_DAYS = _words(
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "morning",
    "evening", "night", "afternoon", "weekend", "week", "month", "year", "spring", "summer",
    "autumn", "winter", "time", "day", "season", "term", "christmas", "semester", "shift",
)
_EVAL_ADJ = _words(
    "important", "essential", "crucial", "vital", "key", "better", "best", "worst", "wrong",
    "unfair", "fair", "pointless", "a waste", "underrated", "overrated", "obvious", "simple",
    "useless", "the problem", "the answer", "the key", "necessary", "unacceptable", "harmful",
    "not okay", "not ok", "the most important", "no excuse", "a mistake", "a core", "the fastest",
    "more productive", "more important", "worse", "dangerous", "toxic", "great", "bad", "good",
)


@dataclass(frozen=True, slots=True)
class Doc:
    """A text prepared once for every cue."""

    text: str
    """The normalised text (spans index the original too)."""
    plain: str
    """The same with quoted speech blanked out (same length)."""
    tokens: list[Token]
    """Lowercased words of ``text`` with spans."""
    plain_tokens: list[Token]
    """Lowercased words of ``plain`` with spans."""


@dataclass(frozen=True, slots=True)
class Cue:
    """One rule: its name, the label it leans toward, what it means, and how it finds phrases."""

    name: str
    leans: Label
    meaning: str
    find: Callable[[Doc], list[Span]]
    """Return the spans this cue matches in a prepared text."""


def _regex(
    pattern: str, *, unquoted: bool = False, flags: int = re.IGNORECASE
) -> Callable[[Doc], list[Span]]:
    compiled = re.compile(pattern, flags)

    def find(doc: Doc) -> list[Span]:
        return [m.span() for m in compiled.finditer(doc.plain if unquoted else doc.text)]

    return find


def _past_ed(doc: Doc) -> list[Span]:
    spans: list[Span] = []
    prev = ""
    for word, a, b in doc.tokens:
        if (
            len(word) > 4
            and word.endswith("ed")
            and word not in _NOT_PAST_ED
            and prev not in _PASSIVE_BEFORE
        ):
            spans.append((a, b))
        prev = word
    return spans


_CAPITAL = re.compile(r"(?<![.!?:\"\u201c]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
_NOT_NAMES = frozenset(
    (
        "The", "This", "That", "These", "Those", "When", "Then", "After", "Before", "And", "But",
        "Our", "My", "His", "Her", "Their", "Your", "Its", "Monday", "Tuesday", "Wednesday",
        "Thursday", "Friday", "Saturday", "Sunday", "HR", "CEO", "Okay", "Don", "Honestly",
        "Maybe", "Perhaps", "Always", "Never", "Every", "Managers", "Leaders", "Companies",
        "People",
    )
)


def _names(doc: Doc) -> list[Span]:
    text = doc.text
    spans: list[Span] = []
    for m in _CAPITAL.finditer(text):
        if m.group(1) in _NOT_NAMES:
            continue
        before = text[: m.start()].rstrip()
        if not before or before[-1] in ".!?\n\"\u201c":
            continue  # a sentence start, not a name
        spans.append(m.span(1))
    return spans


def _set(*words: str) -> frozenset[str]:
    return frozenset(words)


_PAST_SET = frozenset(_IRREGULAR_PAST.split("|"))
_SUBJECT_SET = _set("i", "we", "he", "she", "they")
_FIRST_PERSON = _set("i", "me", "my", "myself", "we", "us", "our")
_SECOND_PERSON = _set("you", "your", "yourself", "u", "ur")
_GROUP_SET = frozenset(w for w in _GENERIC_GROUPS.split("|") if " " not in w) | {"teacher"}
_GROUP_PREFIX = _set(
    "every", "any", "all", "most", "no", "few", "many", "good", "bad", "great", "best", "worst",
    "decent", "young", "new", "senior", "middle",
)
_GROUP_NOT_BEFORE = _set("said", "told", "asked", "was", "were", "had", "did", "came", "went")
_NUMBER_SET = frozenset(w for w in _NUMBER_WORDS.split("|") if " " not in w) | {"few", "couple"}
_UNIT_SET = frozenset(_UNITS.split("|"))
_PRESENT_SET = _set(
    "is", "are", "isn't", "aren't", "doesn't", "don't", "can't", "cannot", "won't", "matters",
    "means", "works", "makes", "kills", "destroys", "builds", "comes", "leads", "needs", "wants",
    "care", "cares",
)
_DIGITS = re.compile(r"\b\d+(?:[.:]\d+)?(?:\s?(?:am|pm)\b)?", re.IGNORECASE)

def _in_set(words: frozenset[str], *, unquoted: bool = False) -> Callable[[Doc], list[Span]]:
    def find(doc: Doc) -> list[Span]:
        return [(a, b) for w, a, b in (doc.plain_tokens if unquoted else doc.tokens) if w in words]

    return find


def _is_past(word: str) -> bool:
    return word in _PAST_SET or (
        len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST_ED
    )


def _subject_past(doc: Doc) -> list[Span]:
    toks = doc.tokens
    spans: list[Span] = []
    for k, (w, a, _) in enumerate(toks):
        if w not in _SUBJECT_SET:
            continue
        for nxt in toks[k + 1 : k + 3]:
            if _is_past(nxt[0]):
                spans.append((a, nxt[2]))
                break
    return spans


def _generic_group(doc: Doc) -> list[Span]:
    toks = doc.plain_tokens
    spans: list[Span] = []
    for k, (w, a, b) in enumerate(toks):
        if w not in _GROUP_SET:
            continue
        if k + 1 < len(toks) and toks[k + 1][0] in _GROUP_NOT_BEFORE:
            continue  # "the manager said": a person in a story, not a generalisation
        if k and toks[k - 1][0] in _GROUP_PREFIX:
            a = toks[k - 1][1]
        spans.append((a, b))
    return spans


def _quantity(doc: Doc) -> list[Span]:
    spans = [m.span() for m in _DIGITS.finditer(doc.text)]
    toks = doc.tokens
    for k in range(len(toks) - 1):
        if toks[k][0] in _NUMBER_SET and toks[k + 1][0] in _UNIT_SET:
            spans.append((toks[k][1], toks[k + 1][2]))
    return sorted(spans)


_IMPERATIVES = frozenset(
    (
        "don't", "do", "never", "always", "be", "make", "try", "remember", "ask", "treat", "stop",
        "let", "listen", "give", "take", "keep", "praise", "avoid", "assume", "focus", "trust",
        "respect", "start", "show", "tell", "lead", "hire", "pay", "protect", "involve",
    )
)


def _imperative(doc: Doc) -> list[Span]:
    spans: list[Span] = []
    for m in _SENTENCE_START.finditer(doc.plain):
        if m.group(1).lower() in _IMPERATIVES:
            # "Always assume", "Don't promise"; but not "Never once did I..." (rare) — kept simple
            spans.append(m.span(1))
    return spans


#: Every cue, in the order the weights file lists them.
CUES: tuple[Cue, ...] = (
    # ---- story
    Cue("i_past", "story", "someone did something (I/we/he/she + past tense)", _subject_past),
    Cue("past_irregular", "story", "past tense", _in_set(_PAST_SET)),
    Cue("past_ed", "story", "past tense", _past_ed),
    Cue("first_person", "story", "first person", _in_set(_FIRST_PERSON)),
    Cue("time_marker", "story", "a particular moment",
        _regex(
            rf"\b(?:yesterday|last\s+(?:{_DAYS})|(?:that|one|the\s+next|the\s+following|"
            rf"the\s+first|my\s+first|my\s+second|on\s+my\s+\w+)\s+(?:{_DAYS})|"
            rf"on\s+(?:{_DAYS})|(?:[a-z]+|\d+)\s+(?:{_UNITS})\s+(?:ago|later)|in\s+(?:19|20)\d\d|"
            rf"back\s+(?:in|then)|at\s+the\s+time|years?\s+ago|when\s+i\s+was|"
            rf"the\s+day\s+(?:after|before|i|my|we|our)|afterwards|that\s+evening|"
            rf"the\s+first\s+time|at\s+(?:sixteen|seventeen|eighteen|nineteen|twenty|\d\d)\b|"
            rf"until\s+\w+|once\b)"
        )),
    Cue("particular_person", "story", "a particular person or place",
        _regex(rf"\b(?:my|our)\s+(?:{_ROLES})\b")),
    Cue("name", "story", "a named person", _names),
    Cue("quantity", "story", "a concrete amount", _quantity),
    Cue("quoted_speech", "story", "someone's words, quoted",
        _regex(r"\"[^\"\n]{1,400}\"|\u201c[^\u201d\n]{1,400}\u201d")),
    Cue("narrative", "story", "a sequence of events",
        _regex(rf"\b(?:then|after\s+that|the\s+next|later|suddenly|when\s+{_SUBJECTS}\s+\w+ed|"
               rf"when\s+{_SUBJECTS}\s+(?:{_IRREGULAR_PAST})|used\s+to|still\s+remember|"
               r"i\s+remember|remember\s+(?:the|when|my))\b")),
    # ---- opinion
    Cue("prescription", "opinion", "a prescription (should, must, need to)",
        _regex(r"\b(?:should(?:n't)?(?:\s+(?:have|of))?|must(?:n't)?|ought\s+to|needs?\s+to|"
               r"has\s+to|have\s+to|have\s+got\s+to|deserves?|is\s+supposed\s+to|"
               r"are\s+supposed\s+to|it'?s\s+time\s+to|had\s+better)\b", unquoted=True)),
    Cue("counterfactual", "opinion", "a verdict on what should have happened",
        _regex(r"\b(?:should(?:n't)?|would(?:n't)?|could(?:n't)?)\s+(?:have|of)\b|"
               r"\bwould\s+be\s+(?:better|best|nice|good)\b", unquoted=True)),
    Cue("opinion_marker", "opinion", "a stated view",
        _regex(r"\b(?:i\s+(?:really\s+|strongly\s+|honestly\s+)?(?:think|believe|feel\s+like|"
               r"feel\s+that|reckon|guess|suppose|would\s+say|'d\s+say|'d\s+argue|"
               r"would\s+argue|don't\s+think|don't\s+believe)|i'd\s+(?:say|argue)|"
               r"i'?m\s+(?:convinced|sure)|in\s+my\s+(?:humble\s+)?(?:opinion|view)|"
               r"my\s+view\s+is|imo|imho|it\s+seems(?:\s+to\s+me|\s+obvious)?|"
               r"the\s+truth\s+is|the\s+(?:real\s+)?problem\s+(?:is|with)|what\s+matters|"
               r"in\s+general|generally(?:\s+speaking)?|maybe|perhaps|"
               r"simple\s+as\s+that|no\s+exceptions|no\s+excuse)\b", unquoted=True)),
    Cue("generic_group", "opinion", "a generalisation about a group", _generic_group),
    Cue("quantifier", "opinion", "a generalisation (always, never, everyone)",
        _regex(r"\b(?:always|never|everyone|everybody|nobody|no\s+one|rarely|usually|often|"
               r"tend\s+to|tends\s+to|most|every\s+(?:company|manager|leader|employee|"
               r"workplace|team|time|single\s+one))\b", unquoted=True)),
    Cue("second_person", "opinion", "advice to \"you\"", _in_set(_SECOND_PERSON, unquoted=True)),
    Cue("imperative", "opinion", "an instruction", _imperative),
    Cue("evaluation", "opinion", "an evaluation (is important, the best)",
        _regex(rf"\b(?:is|are|isn't|aren't|was|were|'s|be|seems?|makes?\s+(?:a|all\s+the))\s+"
               rf"(?:(?:so|very|really|more|most|much|always|never|not|the|a|just|only|"
               rf"often|rarely)\s+)*(?:{_EVAL_ADJ})\b", unquoted=True)),
    Cue("present_general", "opinion", "a general present-tense claim",
        _in_set(_PRESENT_SET, unquoted=True)),
    Cue("conditional", "opinion", "a general condition (if you…, when a team…)",
        _regex(r"\b(?:if|when|whenever|unless)\s+(?:you|u|a|an|the\s+company|people|"
               r"someone|a\s+team|leaders|managers|companies|employees|workers)\b|"
               r"\bif\s+\w+\s+(?:want|wants|can't|cannot|don't|doesn't)\b", unquoted=True)),
)

CUE_NAMES: tuple[str, ...] = tuple(c.name for c in CUES)

#: Every feature the scorer weighs: one per cue, then the balance of past over present tense.
FEATURE_NAMES: tuple[str, ...] = (*CUE_NAMES, "past_over_present")

_PAST = ("past_irregular", "past_ed")
_PRESENT = ("present_general", "prescription", "imperative")


@dataclass(frozen=True, slots=True)
class CueMatches:
    """The spans one cue matched in a text."""

    cue: Cue
    spans: tuple[Span, ...]

    @property
    def value(self) -> float:
        """The feature value: log(1 + number of matches), so many matches saturate."""
        return math.log1p(len(self.spans))


def normalise(text: str) -> str:
    """Normalise curly apostrophes so ``don’t`` and ``don't`` match the same rules.

    Each character maps to one character, so spans in the result index the original too.
    """
    return text.translate(_APOSTROPHES)


def _blank_quotes(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def extract(text: str) -> list[CueMatches]:
    """Find every cue's matches in ``text``, in :data:`CUES` order."""
    norm = normalise(text)
    plain = _blank_quotes(norm)
    tokens = _tokens(norm)
    doc = Doc(norm, plain, tokens, tokens if plain == norm else _tokens(plain))
    return [CueMatches(cue, tuple(cue.find(doc))) for cue in CUES]


def features(matches: list[CueMatches]) -> list[float]:
    """The feature vector (in :data:`FEATURE_NAMES` order) of a text's cue matches."""
    counts = {m.cue.name: len(m.spans) for m in matches}
    past = sum(counts[n] for n in _PAST)
    present = sum(counts[n] for n in _PRESENT)
    return [*(m.value for m in matches), (past - present) / (past + present + 1)]


def vector(text: str) -> list[float]:
    """The feature vector of ``text``, in :data:`FEATURE_NAMES` order."""
    return features(extract(text))
