"""Deterministic synthetic reflections, for benchmarks, demos and tests of scale.

Each reflection has a main topic (workload, recognition, change, onboarding, remote work,
conflict, trust, growth) and mixes sentences of its topic with a few from others, with names,
roles and moments filled in, so that themes have something real to find. The same ``seed``
always gives the same reflections.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

NAMES = (
    "Priya", "Tom", "Lucia", "Ahmed", "Dana", "Akira", "Ruth", "Oskar", "Nadia", "Jin", "Kemi",
    "Mark", "Chloe", "Leon", "Bev", "Sam", "Hannah", "Tariq", "Petra", "Manuel",
)
ROLES = ("manager", "team lead", "director", "supervisor", "new lead", "boss", "mentor")
MOMENTS = (
    "on my first Monday", "last spring", "in my second week", "after the merger",
    "the week before the launch", "during the reorganisation", "one Friday evening",
    "two years ago", "in the middle of the audit", "on the night shift",
)

TOPICS: dict[str, tuple[str, ...]] = {
    "workload": (
        "{moment} my {role} added three more projects to my list without asking what I had.",
        "I was working until midnight most nights and nobody seemed to notice the hours.",
        "The deadlines kept moving forward while the team kept getting smaller.",
        "{name} told me the workload was temporary, but it lasted the whole year.",
        "I started skipping lunch just to keep up with the tickets in the queue.",
        "By the end of the quarter I was exhausted and close to burning out.",
        "When I finally asked for help, {name} took two of my projects the same afternoon.",
        "I remember crying in the car park because the overtime never stopped.",
        "Nobody planned for the extra work the acquisition brought to our desks.",
        "My {role} said we would hire more people, and for months we only lost people.",
    ),
    "recognition": (
        "{moment} my {role} thanked me in front of the whole department for the report.",
        "{name} took credit for my analysis in the client meeting and I said nothing.",
        "A handwritten card from {name} meant more to me than the bonus.",
        "I spent months on the dashboard and nobody ever said thank you for it.",
        "When the project shipped, the praise went to the people who presented it.",
        "My {role} named every person who had worked on the release, even the interns.",
        "I felt invisible because my work only got noticed when something went wrong.",
        "{name} made sure my name was on the slides when the executives saw them.",
        "Being thanked for the quiet work changed how I felt about the whole job.",
        "The award went to the loudest person in the room, not to the one who did the work.",
    ),
    "change": (
        "{moment} the announcement about the merger came in a three-line email.",
        "Nobody explained why the departments were being combined or what it meant for us.",
        "We heard about the new structure from rumours before we heard it from {name}.",
        "The town hall answered none of the questions people actually had about their jobs.",
        "My {role} admitted she did not know the answers yet and promised to find out.",
        "Every week the reorganisation plan changed and we had to guess where we stood.",
        "{name} held a meeting to explain the reasons, and the fear in the room went down.",
        "I learned that my role was under review from a calendar invitation.",
        "The uncertainty about the restructuring was worse than the change itself.",
        "People started leaving before anyone told us what the new teams would be.",
    ),
    "onboarding": (
        "{moment} nobody had prepared a desk or a laptop for me.",
        "{name} sat with me for an hour and showed me every system on my first day.",
        "I ate lunch alone at my desk for two weeks before anyone invited me out.",
        "My {role} gave me a buddy and a plan for my first month, and it made all the difference.",
        "I did not know who to ask, so I pretended to understand the tools for weeks.",
        "The welcome pack was a list of acronyms that nobody had explained.",
        "On the first morning I waited in reception for two hours because they forgot I started.",
        "{name} introduced me to everyone on the floor and told them what I was good at.",
        "The induction training was three days of slides read out loud.",
        "Being new, I was scared to ask questions in the team channel.",
    ),
    "remote": (
        "{moment} the team split across two time zones and our calls moved to six in the morning.",
        "Working from home, I felt cut off from the conversations that really mattered.",
        "My {role} organised a video call every Friday just to talk, not about work.",
        "Decisions were made in the office kitchen while those of us at home never heard them.",
        "{name} made sure the people on the video call spoke first in every hybrid meeting.",
        "The return to the office four days a week pushed two parents on my team to resign.",
        "Remote work gave me my commute back and I finally saw my children in the evening.",
        "My camera was off for months and I think people forgot I was on the team.",
        "Our hybrid meetings were people in a room talking to each other while we listened.",
        "I moved to the countryside and my {role} let me keep the job remotely.",
    ),
    "conflict": (
        "{moment} my {role} shouted at me in front of a customer.",
        "{name} and I had a big argument about the deadline in the team chat.",
        "The next morning {name} came to my desk with coffee and apologised first.",
        "The tension between the two departments made every meeting a fight.",
        "I reported a colleague for bullying a junior and nothing happened for months.",
        "My {role} sat us both down and asked each of us what we needed from the other.",
        "I avoided the conflict for weeks and it only grew bigger.",
        "The argument ended when we finally talked about what we were both afraid of.",
        "People took sides in the dispute and the whole team stopped talking to each other.",
        "{name} mediated the disagreement without blaming anyone, and we worked together after.",
    ),
    "trust": (
        "{moment} I admitted a mistake that cost a client two days of data.",
        "My {role} said we would fix it together and stayed with me until nine that night.",
        "{name} kept every promise made in our one-on-ones, so I started telling the truth.",
        "When my father was in hospital, my {role} covered my work without telling anyone.",
        "I stopped trusting the leadership after they denied the layoffs a week before.",
        "Honesty from {name} about the bad news made me trust the good news later.",
        "The manager who read my messages during our meetings lost my trust for good.",
        "I told my {role} I was struggling and nothing bad happened, which surprised me.",
        "Trust came back slowly, one kept promise at a time.",
        "{name} defended me in a meeting I was not even in, and I only heard about it later.",
    ),
    "growth": (
        "{moment} I told my {role} that I wanted to move into design.",
        "{name} found me a mentor and gave me a day a month to learn something new.",
        "I was passed over for promotion and nobody could tell me why.",
        "My {role} wrote down three things to improve and three months later I passed my review.",
        "The training budget was cut, so I paid for the course myself.",
        "{name} gave me a project nobody wanted, and it changed my career.",
        "I asked for feedback on my career and was told I was not a culture fit.",
        "Leading the small project taught me more than any course I had taken.",
        "When I got the promotion, I had to manage my closest friend at work.",
        "My {role} pushed me to present to the board even though I was terrified.",
    ),
}

FILLER = (
    "Looking back, it changed how I work with people.",
    "I still think about it most weeks.",
    "It was a small thing, but it stayed with me.",
    "I did not say anything at the time.",
    "Later I understood why it had mattered so much.",
    "Honestly I think managers should ask more questions.",
    "At the time I did not have the words for it.",
    "It took me months to see it clearly.",
)


@dataclass(frozen=True, slots=True)
class SyntheticReflection:
    """A generated reflection (``author`` is None for the anonymous ones)."""

    id: str
    text: str
    author: str | None
    topic: str


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        name=rng.choice(NAMES), role=rng.choice(ROLES), moment=rng.choice(MOMENTS)
    )


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def generate(count: int, *, seed: int = 0, words: int = 150, anonymous_share: float = 0.3) -> (
    Iterator[SyntheticReflection]
):
    """Yield ``count`` reflections of about ``words`` words, deterministically.

    Args:
        count: how many.
        seed: the same seed always yields the same reflections.
        words: the approximate length of each.
        anonymous_share: the share whose author is None.
    """
    rng = random.Random(seed)
    topics = sorted(TOPICS)
    # Unequal topic sizes, like real cohorts.
    weights = [1.0 + 0.5 * k for k in range(len(topics))]
    for i in range(count):
        topic = rng.choices(topics, weights)[0]
        parts: list[str] = []
        length = 0
        while length < words:
            roll = rng.random()
            if roll < 0.75:
                sentence = _fill(rng.choice(TOPICS[topic]), rng)
            elif roll < 0.9:
                sentence = _fill(rng.choice(TOPICS[rng.choice(topics)]), rng)
            else:
                sentence = rng.choice(FILLER)
            parts.append(_capitalise(sentence))
            length += len(sentence.split())
        author = None if rng.random() < anonymous_share else f"Learner {i + 1}"
        yield SyntheticReflection(f"syn-{seed}-{i + 1}", " ".join(parts), author, topic)
