#!/usr/bin/env bash
# Runs every OpenMini test, as CI does: the Rust suites (the storage suite on SQLite and
# on PostgreSQL, HTTP, CLI with two serve nodes), a bounded fuzzing run of the
# compiler's parsers (scripts/fuzz.sh), the SDK compatibility suite (wechatpy, pinned,
# in its own venv) and the browser suites (Debian's Chromium, playwright-core pinned in
# tests/browser). Works on a fresh machine of the project's kind:
# it needs cargo, python3 and a PostgreSQL it can reach (started here if it is down).
set -euo pipefail
cd "$(dirname "$0")/.."

export OPENMINI_TEST_PG="${OPENMINI_TEST_PG:-postgres://root@127.0.0.1:5432/test}"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL at ${OPENMINI_TEST_PG%%\?*}"
pg_ready() { psql "$OPENMINI_TEST_PG" -qAtc 'select 1' >/dev/null 2>&1; }
if ! pg_ready; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "not answering; starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  fi
fi
pg_ready || { echo "PostgreSQL is required for the storage suite (set OPENMINI_TEST_PG)"; exit 1; }
# Leftovers of earlier runs: per-test schemas, one transaction each (dropping them all in
# one ran out of lock slots: each holds a few dozen tables).
psql "$OPENMINI_TEST_PG" -qAt -c "SELECT nspname FROM pg_namespace WHERE nspname ~ '^(t|bench)_[0-9]+_'" |
  while read -r s; do
    PGOPTIONS='-c client_min_messages=warning' psql "$OPENMINI_TEST_PG" -qAt -c "DROP SCHEMA \"$s\" CASCADE" >/dev/null || echo "could not drop schema $s"
  done

step "cargo test (workspace)"
cargo test --workspace --locked

# After the tests: the libraries they install (tests/libs) seed the fuzzers too.
step "fuzzing the compiler's parsers (WXML, expressions, WXSS, app.json)"
bash scripts/fuzz.sh "${OPENMINI_FUZZ_SECONDS:-30}"

step "SDK compatibility (wechatpy)"
cargo build --locked -p openmini
OPENMINI_BIN="$target_dir/debug/openmini" bash tests/sdk/run.sh

step "Container, components, APIs and host shell in headless Chromium"
OPENMINI_BIN="$target_dir/debug/openmini" bash tests/browser/run.sh
