"""A small concept lexicon: words people use about work and life, grouped by what they are about.

Two reflections about the same thing rarely share words ("my son's school rang" and "the nursery
called about Mia" share none), so word overlap alone groups them no better than chance. Each
concept here gathers the everyday words for one subject of workplace reflections; a reflection's
concepts are counted beside its words, and a theme whose reflections share a concept is named by
the concept's phrase ("Looking after family"), a phrase a person would write.

The list is general on purpose (it was not fitted to any one story); a story's own codebook, or a
facilitator's, says more about its prompts than this can. (Words gathered from WordNet's
definitions of these were tried for issue 14 and made coding and grouping worse on every
labelled set, so only these hand-written words are used.)
"""

from __future__ import annotations

from crossroads.engine.reflections.text import stem

_CONCEPTS: dict[str, str] = {
    "Looking after family": """
        family child children kid kids son sons daughter daughters baby babies  toddler
        nursery school schools childcare parent parents mother mum mom father dad gran granny
        grandmother grandfather grandparent sibling siblings brother sister wife husband partner
        carer caring care maternity paternity parental pick-up pickup bedtime home elderly
        """,
    "Health and illness": """
        ill illness sick sickness hospital doctor doctors nurse  appointment appointments
        fall accident injury surgery diagnosis cancer disability disabled wheelchair autism
        therapy medication temperature fever recovery health mental dementia dialysis
        appendix operation
        """,
    "Speaking up or staying silent": """
        speak spoke speaking silent silence voice raise raised raising objection
        objections object disagree disagreed disagreement challenge challenged
        concern concerns doubt doubts dare dared afraid interrupt interrupted question questions
        questioned quiet quietly mention mentioned
        """,
    "Too much work": """
        workload overload overloaded overworked busy exhausted exhaustion tired tiredness
        burnout burned burnt stress stressed overtime weekend weekends night nights late hours
        shift shifts double deadline deadlines inbox calendar back-to-back  pressure
        targets sick-leave signed covering cover   break breaks holiday holidays
        """,
    "Fair and unfair treatment": """
        fair unfair fairness unequal equal equality favourite favourites favouritism favour
        favoured bias biased discrimination discriminate gap pay paid earn earned salary bonus
        promotion promoted passed overlooked woman women man men older younger race
        foreign accent disability rules rule exception privilege treated treatment deserve
        """,
    "Recognition and thanks": """
        thank thanks thanked thank-you grateful gratitude praise praised credit recognise
        recognised recognition notice noticed appreciate appreciated appreciation acknowledged
        compliment card  reward rewarded award named mention feedback appraisal
        appraisals review
        """,
    "Trust and broken promises": """
        trust trusted distrust mistrust promise promised promises broke broken lie lied lying
        honest honesty dishonest truth rumour rumours confidence confidential secret betray
        betrayed assure assured swore guarantee commitment commitments word kept believe
        believed transparent transparency
        """,
    "Losing or leaving a job": """
        redundancy redundancies layoff layoffs laid fired sacked dismissed resign resigned
        quit quitting leaving left notice restructure restructuring reorganisation reorg merger
        closure contract
        """,
    "Money worries": """
        money rent bills debt debts loan afford salary wages wage pay overdraft mortgage cost
        costs expensive poor poverty savings pension pensions budget
        """,
    "Learning and growing": """
        learn learned learning mentor mentored coaching coach training course grow growth
        develop development skill skills career junior senior apprentice study progress
        """,
    "Conflict at work": """
        argue argued argument conflict row shouted shouting angry anger fight fought tension
        hostile bully bullied bullying rude blame blamed criticised yelled upset
        """,
    "Belonging and being left out": """
        belong belonging excluded exclusion lonely loneliness alone isolated outsider welcome
        welcomed included inclusion team friends friendship newcomer new-hire
        """,
    "Making a hard decision": """
        decision decisions decide decided choose chose chosen choice dilemma option options
        tradeoff weigh weighed risk judgement call
        """,
    "Working remotely": """
        remote remotely wfh zoom video camera cameras webcam mute muted unmute online virtual
        hybrid commute commuting timezone timezones time-zone distributed async screen
        """,
    "Change and uncertainty": """
        change changes changing reorganisation reorganization reorg restructure restructuring
        merger merged announcement announced uncertainty uncertain transition structure
        """,
    "Starting a new job": """
        onboarding induction welcome first-day starter starters newcomer joined joining
        buddy orientation probation handbook
        """,
    "Safety and wellbeing": """
        safety safe unsafe danger dangerous hazard wellbeing well-being harm injury protect
        protected risk site
        """,
}


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w.lower()) for w in words.split())


CONCEPTS: dict[str, frozenset[str]] = {name: _stems(words) for name, words in _CONCEPTS.items()}
"""Concept phrase → the stems of its words."""

_BY_STEM: dict[str, tuple[str, ...]] = {}
for _name, _words in CONCEPTS.items():
    for _s in _words:
        _BY_STEM[_s] = (*_BY_STEM.get(_s, ()), _name)


def concepts_of(stems: list[str]) -> list[str]:
    """The concept phrases the content-word ``stems`` of a text touch, once per word."""
    out: list[str] = []
    for s in stems:
        out.extend(_BY_STEM.get(s, ()))
    return out

