"""A writer process for the fault tests: ``python -m tests.engine.bank.writer MODE BANK NAME N``.

With ``CROSSROADS_TEST_GO`` set to a path, the writer opens the bank, prints ``ready`` and waits
for that file to exist before writing, so that several writers really start at once.

``raw``: N single-event transactions (one in five a reflection) into one playthrough.
``play``: plays the example story with the bank as its store, N saves in all, reflecting at
every prompt. After each save returns it prints ``saved <playthrough> <events>`` and flushes, so a
parent that kills the process knows what was reported saved.
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid

from crossroads.engine.bank import Batch, open_bank, open_session_store
from crossroads.engine.loader import load_path
from crossroads.engine.runtime import Session
from tests.conftest import STORIES


def _wait_for_go() -> None:
    go = os.environ.get("CROSSROADS_TEST_GO")
    if go:
        print("ready", flush=True)
        while not os.path.exists(go):
            time.sleep(0.005)


def raw(bank_url: str, name: str, n: int) -> None:
    """N transactions of one event each."""
    bank = open_bank(bank_url)
    pt = str(uuid.uuid4())
    _wait_for_go()
    for seq in range(n):
        if seq % 5 == 4:
            event = {"type": "reflection", "scene": "a", "prompt": "p", "text": f"{name} {seq}",
                     "visibility": "bank", "anonymous": False, "at": None}
        else:
            event = {"type": "choice", "scene": "a", "index": 0, "key": "k", "to": "a",
                     "meters": {"m": seq}, "ms": seq, "at": None}
        bank.write(Batch(pt, name, "crowd", "s", "h", "2024-03-01T08:00:00+00:00", seq, [event]))
        print(f"saved {pt} {seq + 1}", flush=True)
    bank.close()


def play(bank_url: str, name: str, n: int) -> None:
    """Play the example story again and again, saving after every choice and reflection."""
    story = load_path(STORIES / "first-week.yaml")
    store = open_session_store(bank_url, "crowd")
    rng = random.Random(name)
    saves = 0
    _wait_for_go()
    while saves < n:
        session = Session.start(story, name)
        while not session.finished and saves < n:
            if session.current.reflect and not session.answered_here("reflection"):
                session.reflect(f"{name} at {session.scene}", rng.choice(["private", "bank"]))
            else:
                session.choose(rng.choice([o.index for o in session.options() if o.enabled]))
            store.save(session)
            saves += 1
            print(f"saved {store.playthrough_id(session)} {len(session.events)}", flush=True)
    store.close()


if __name__ == "__main__":
    mode, url, who, count = sys.argv[1:5]
    {"raw": raw, "play": play}[mode](url, who, int(count))
