"""Phrases that say what a reflection is about when its nouns do not.

The nouns of a reflection name its setting (a site, a night, a kitchen); what a person codes it
by is usually a relation said in a phrase: who kept quiet, who was paid more, whose name was left
off, who said one thing and did another. Each rule here is a small regular expression for one
such everyday phrase or idiom, and names the concept of
:mod:`crossroads.engine.reflections.lexicon` it is evidence for. The rules are general English,
written from the phrases themselves, not fitted to any one set of reflections.
"""

from __future__ import annotations

import re

_NUM = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of"
        r"|several|a few)")
_PERSON = r"(?:he|she|they|we|it|you|there|nobody|no one|the \w+|our \w+|my \w+|his \w+|her \w+)"
_KIN = r"(?:nephew|niece|son|daughter|cousin|friend|friends|mate|mates|brother|sister|wife)"
_BOSS = r"(?:boss|owner|manager|director|supervisor|foreman|partner|head|chief)"

_RULES: dict[str, tuple[str, ...]] = {
    "Speaking up or staying silent": (
        r"\b(?:kept|keep|keeping) (?:my|our|his|her|their) mouths? shut\b",
        r"\b(?:said|say|says|saying) nothing\b",
        r"\b(?:didn't|did not|never|not|couldn't|could not) (?:say|said|mention|raise)"
        r" (?:anything|a word|it|that)\b",
        r"\b(?:spoke|speak|speaks|speaking) (?:up|out)\b",
        r"\b(?:push|pushed|pushing) back\b",
        r"\b(?:brought|bring|raised|raise) (?:it|this|that|the \w+) up\b",
        r"\bout loud\b|\baloud\b",
        r"\b(?:contradict|contradicted|questioned|objected|challenged)\b",
        r"\b(?:nobody|no one) (?:said|spoke|asked|objected) (?:anything|a word|up)?",
        r"\bnever sent\b|\b(?:didn't|did not) send\b",
        r"\bsay so\b|\bsaid so\b",
        r"\b(?:stayed|stay|staying|kept|keep|keeping|was|were) (?:quiet|silent)\b",
        r"\b(?:asked|ask|raised|raise) (?:a|the|my|any) (?:question|concern)s?\b",
    ),
    "Too much work": (
        rf"\b{_NUM} ?(?:a\.?m\.?|o'clock in the morning)",
        r"\buntil (?:midnight|late|dark|the small hours)\b",
        rf"\bjobs? of {_NUM} (?:people|colleagues|staff)\b",
        r"\b(?:not|never|wasn't|weren't|hadn't been|not been|never been) replaced\b",
        r"\b(?:fell|falling|fall) asleep\b",
        r"\b(?:no|skipped|skip|without|stopped eating) (?:lunch|breaks?|sleep)\b",
        r"\bin a row\b",
        r"\b(?:on|from|off) (?:my|our|her|his|their) plates?\b",
        r"\b(?:seven|six) days a week\b",
        r"\bsigned (?:me )?off\b",
        rf"\b{_NUM} (?:hours?|shifts?) (?:a|per) (?:day|night|week)\b",
    ),
    "Fair and unfair treatment": (
        r"\b(?:the )?same (?:job|work|role|hours|grade|title)\b",
        r"\bmore than (?:me|us|her|him|them)\b",
        r"\b(?:thousand|grand|\d+k|percent|per cent) more\b",
        r"\bthe rest of us\b|\beveryone else\b",
        rf"\b{_BOSS}'s {_KIN}\b|\b{_KIN} of (?:the|our|my) {_BOSS}\b",
        r"\b(?:went|go|goes|got|gets) (?:drinking|to the pub|for drinks) with\b",
        r"\bbecause (?:of )?(?:my|i'm|i am|i was|she's|he's) (?:a )?"
        r"(?:woman|accent|age|skin|name|colour|color|religion|gender|pregnant|older|younger)",
        r"\bonly (?:woman|women|man|black|brown|one over \w+)\b",
        r"\b(?:some|others|they) (?:could|can|were allowed|got to)\b.{0,80}\b(?:we|i|us)"
        r" (?:couldn't|could not|can't|got|had to)\b",
    ),
    "Recognition and thanks": (
        r"\b(?:my|her|his|our) name (?:was|wasn't|is|isn't|never|on|off)\b",
        r"\b(?:knew|remembered|forgot|forgets|knows) my name\b",
        r"\bwell done\b|\bgood job\b|\bgood work\b|\bnice work\b",
        r"\b(?:thanked|thank) (?:me|us|them|her|him)\b|\bsaid thank",
        r"\b(?:nobody|no one|anyone) (?:ever |once |even )?(?:noticed|mentioned|said thanks"
        r"|thanked|acknowledged)\b",
        r"\bpresent(?:ed|s)? (?:it|them|my \w+|our \w+|the results|the work) (?:to|at|as)\b",
        r"\b(?:took|takes|take|taking) (?:the )?credit\b",
        r"\b(?:his|her|their|own) idea\b",
    ),
    "Trust and broken promises": (
        rf"\b(?:said|told \w+|assured \w+|swore|promised)(?: that)? {_PERSON}"
        r" (?:would|wouldn't|would not|will|won't|was going to|were going to)\b",
        rf"\b(?:was|were) (?:told|assured|promised)(?: that)? {_PERSON}"
        r" (?:would|wouldn't|would not|will|won't|was going to|were going to)\b",
        r"\b(?:jobs?|pensions?|roles?|positions?|posts?|contracts?) (?:is|are|was|were|would be)"
        r" safe\b",
        r"\bbetween (?:us|you and me|the two of us)\b|\bin confidence\b",
        r"\bbehind (?:my|our|his|her) back\b",
        r"\b(?:believed|trusted|doubted) (?:him|her|them|it)\b",
        r"\b(?:at|on) face value\b|\bat (?:his|her|their) word\b",
        r"\b(?:whole \w+|everyone|everybody) knew\b",
        r"\bwent back on\b|\bgo back on\b|\bdid (?:exactly )?what (?:he|she|they) said\b",
        r"\bkept (?:his|her|their|your|my) word\b",
        r"\bcovered for (?:me|us)\b|\bbacked (?:me|us) up\b|\bhad (?:my|our) backs?\b",
        r"\bturned out to be (?:true|a lie|false)\b",
    ),
    "Looking after family": (
        r"\bschool run\b|\bpick(?:ed|ing)? (?:him|her|them|the kids) up\b",
        r"\blooking after (?:my|our|his|her)\b|\blook after (?:my|our|his|her)\b",
    ),
}

_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (concept, re.compile(pattern)) for concept, patterns in _RULES.items() for pattern in patterns
)


def relational_concepts(text: str) -> list[str]:
    """The concept each relational phrase of ``text`` is evidence for, once per match."""
    low = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return [concept for concept, rx in _COMPILED for _ in rx.finditer(low)]
