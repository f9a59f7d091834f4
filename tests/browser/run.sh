#!/usr/bin/env bash
# Browser tests: the container, the built-in components and the host shell in real
# headless Chromium (Debian's package; installed here if missing and we are root),
# driven by playwright-core (pinned in package.json, installed here).
#
#   bash tests/browser/run.sh [test files…]
#
# OPENMINI_BIN: the openmini binary the end-to-end tests start (target/debug/openmini).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

if [ -z "${CHROMIUM:-}" ]; then
  CHROMIUM="$(command -v chromium || true)"
fi
if [ -z "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || {
      apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
    }
    CHROMIUM="$(command -v chromium)"
  else
    echo "Chromium is needed (Debian package chromium); set CHROMIUM=/path/to/chromium" >&2
    exit 1
  fi
fi
export CHROMIUM

# Chinese text in the screenshots the tests leave under target/screenshots/.
if ! fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk\|droid sans fallback"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 || true
  fi
fi

cd "$HERE"
if [ ! -d node_modules/playwright-core ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

export OPENMINI_BIN="${OPENMINI_BIN:-$REPO/target/debug/openmini}"
if [ $# -gt 0 ]; then
  exec node --test --test-concurrency=1 --test-reporter=spec "$@"
fi
exec node --test --test-concurrency=1 --test-reporter=spec
