#!/usr/bin/env bash
# Runs the wechatpy compatibility suite against target/debug/openmini
# (override with OPENMINI_BIN). Needs only python3 on a fresh machine.
#
#   bash tests/sdk/run.sh [extra pytest args]
#
# The virtualenv lives in ${OPENMINI_VENV:-<repo>/.venv-sdk}; it is created if
# missing and brought up to date with requirements.txt on every run.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${OPENMINI_VENV:-$REPO/.venv-sdk}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$HERE/requirements.txt"

cd "$REPO"
set +e
"$VENV/bin/python" -m pytest tests/sdk -q -p no:cacheprovider "$@"
status=$?
set -e
exit "$status"
