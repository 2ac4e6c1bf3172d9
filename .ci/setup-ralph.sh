#!/usr/bin/env bash
# Install Ralph (an xAPI Learning Record Store, and the xAPI models the tests validate against)
# in a venv of its own — its pins differ from ours — and print the line that tells the tests
# where it is:   ralph_env=$(bash .ci/setup-ralph.sh) && eval "$ralph_env"
# An existing venv with a working `ralph` is reused. Everything but that line goes to stderr.
set -euo pipefail
VENV="${CROSSROADS_RALPH_VENV:-/tmp/ralph-venv}"
if ! "$VENV/bin/ralph" --help >/dev/null 2>&1; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install -q 'ralph-malph[backend-lrs,lrs,cli]==5.1.0' requests >&2
fi
"$VENV/bin/ralph" --help >/dev/null
echo "export CROSSROADS_RALPH_VENV=$VENV"
