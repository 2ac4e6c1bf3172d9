"""When to nudge a learner from a verdict toward the story behind it.

The nudge is gentle and never blocks, but a wrong one is still a small insult to someone who
just wrote about their life; so it needs a clear opinion: the classifier says so, at least one
phrase leans that way (a "should", a generalisation), and there are enough words to judge.
"""

from __future__ import annotations

from crossroads.engine.reflections.classify import Classification, classify

#: The question the nudge asks.
NUDGE = "What happened that brought you to this view?"
MIN_WORDS = 6
MIN_CONFIDENCE = 0.6


def opinion_nudge(text: str) -> Classification | None:
    """Return the verdict when ``text`` reads clearly as an opinion, else None."""
    if len(text.split()) < MIN_WORDS:
        return None
    verdict = classify(text)
    if not verdict.is_opinion or verdict.confidence < MIN_CONFIDENCE:
        return None
    if not any(e.leans == "opinion" for e in verdict.evidence):
        return None
    return verdict
