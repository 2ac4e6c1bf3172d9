"""Play ``crossroads play … --plain`` the way a person at the keyboard does: wait until a prompt is
whole on screen, read it, type an answer.

Used by the tests that play a whole story through a real process (the installed wheel, the
Spanish First Week). ``answer(prompt, transcript)`` gets the unfinished last line and everything
shown so far; it returns what to type, or None for a prompt the learner does not know, which fails
the test at once (an English prompt in a Spanish game, say).
"""

from __future__ import annotations

import os
import selectors
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Answer = Callable[[str, str], str | None]

PROMPT_ENDS = (": ", "] ", "> ")
"""How every prompt of the plain player ends: a question, a [Y/n] choice, a reflection line."""


def play_at_keyboard(argv: list[str], answer: Answer, *, cwd: Path,
                     env: dict[str, str]) -> tuple[int, str, str]:
    """Run ``argv`` and answer its prompts; its exit code, what it printed, what it said on
    standard error."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=cwd, env=env)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    transcript = b""
    for _ in range(500):
        if not selector.select(timeout=60):
            proc.kill()
            pytest.fail("the player stopped answering: " + transcript.decode()[-500:])
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        transcript += chunk
        text = transcript.decode(errors="replace")
        tail = text.rsplit("\n", 1)[-1]
        if not tail.endswith(PROMPT_ENDS):
            continue  # not a whole prompt yet
        typed = answer(tail, text)
        if typed is None:
            proc.kill()
            pytest.fail(f"a prompt this learner was not expecting: {tail!r}\n{text[-800:]}")
        proc.stdin.write(typed.encode() + b"\n")
        proc.stdin.flush()
    proc.stdin.close()
    code = proc.wait(timeout=60)
    return code, transcript.decode(), proc.stderr.read().decode()
