#!/usr/bin/env bash
# Install extwee (the Twine community's Twee library and CLI, npm) into a folder of its own and
# print the line that tells the Twee tests where its CLI is:
#   extwee_env=$(bash .ci/setup-extwee.sh) && eval "$extwee_env"
# An existing install with a working CLI is reused. Everything but that line goes to stderr.
set -euo pipefail
DIR="${CROSSROADS_EXTWEE_DIR:-/tmp/extwee}"
CLI="$DIR/node_modules/.bin/extwee"
if ! "$CLI" --help >/dev/null 2>&1; then
  mkdir -p "$DIR"
  npm install --silent --no-audit --no-fund --prefix "$DIR" extwee@2.3.18 >&2
fi
"$CLI" --help >/dev/null
echo "export CROSSROADS_EXTWEE=$CLI"
