#!/usr/bin/env bash
# Install Debian's Chromium for the HTML report's browser test and print the line that tells the
# tests where it is:   chromium_env=$(bash .ci/setup-chromium.sh) && eval "$chromium_env"
# Needs root for apt-get (CI); elsewhere it only looks for an installed browser.
set -euo pipefail
find_browser() {
  command -v chromium || command -v chromium-browser || command -v google-chrome || true
}
BROWSER="$(find_browser)"
if [ -z "$BROWSER" ] && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }
  install || { apt-get update -qq >/dev/null && install; }
  BROWSER="$(find_browser)"
fi
if [ -z "$BROWSER" ]; then
  echo "setup-chromium: no chromium found (run as root to install it with apt-get)" >&2
  exit 1
fi
echo "export CROSSROADS_CHROMIUM=$BROWSER"
