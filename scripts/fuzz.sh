#!/usr/bin/env bash
# Fuzzes the compiler's parsers (fuzz/: WXML, `{{ }}` expressions, WXSS, app.json) with
# libFuzzer for a bounded time each, on stable Rust: coverage instrumentation comes
# from rustc's `sancov-module` pass, with no sanitizer, so no nightly toolchain. Any
# panic, hang (-timeout), stack overflow or runaway memory (-rss_limit_mb) fails the
# run, with the input printed and saved under fuzz/artifacts/<target>/.
#
#   bash scripts/fuzz.sh [seconds per target] [target ...]
#
# Seeds are made here from the repository's fixtures (tests/wcc/corpus, and the
# component libraries of tests/libs when `cargo test` has installed them). What the
# fuzzer finds goes to $CARGO_TARGET_DIR/fuzz/corpus, emptied at the start of each run
# (re-running a corpus grown over many runs would take the whole time given) unless
# OPENMINI_FUZZ_KEEP_CORPUS=1, for long runs that resume. To reproduce a failure: run
# the target's binary (printed below) with the saved input as its only argument.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-${OPENMINI_FUZZ_SECONDS:-30}}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(wxml wxml_expr wxss app_json)
# Longer than this on one input (tens of KB at most) is a hang.
timeout="${OPENMINI_FUZZ_TIMEOUT:-2}"
jobs="${OPENMINI_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"

root="${CARGO_TARGET_DIR:-$PWD/target}/fuzz"
host="$(rustc -vV | sed -n 's/^host: //p')"
bin="$root/build/$host/release"

echo "building the fuzz targets (release, coverage-instrumented) in $root/build"
# `--target` keeps these flags off build scripts and proc macros.
RUSTFLAGS="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
--cfg fuzzing" \
  cargo build --release --manifest-path fuzz/Cargo.toml --target-dir "$root/build" --target "$host" --bins
if ! git diff --quiet -- fuzz/Cargo.lock 2>/dev/null; then
  echo "note: fuzz/Cargo.lock changed (the compiler's dependencies did); commit it"
fi

# Seeds, made afresh from the fixtures: one file per input, named by its hash.
python3 - "$root/seeds" <<'PY'
import hashlib, os, re, shutil, sys
out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True)
def files(top, ext, cap=None):
    found = sorted(os.path.join(d, f) for d, _, fs in os.walk(top) for f in fs if f.endswith("." + ext))
    found = [f for f in found if os.path.getsize(f) < 64 << 10]
    return found[:cap] if cap else found
def put(target, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)
def read(path):
    with open(path, "rb") as f:
        return f.read()
wcc, libs = "tests/wcc/corpus", "tests/libs/node_modules"  # libs: there once `cargo test` ran
wxml = files(wcc, "wxml") + files(libs, "wxml", 300)
for f in wxml + files(wcc, "wxs"):
    put("wxml", read(f))
# Packages of several files, as the wxml target splits its input: page NUL file NUL wxs.
for case in sorted(os.listdir(wcc)):
    d = os.path.join(wcc, case)
    others = [f for f in files(d, "wxml") if os.path.dirname(f) != d]
    wxs = files(d, "wxs")
    if os.path.isfile(os.path.join(d, "index.wxml")) and (others or wxs):
        put("wxml", read(os.path.join(d, "index.wxml")) + b"\0" + (read(others[0]) if others else b"") + b"\0" + (read(wxs[0]) if wxs else b""))
exprs = sorted({m for f in wxml for m in re.findall(rb"\{\{(.*?)\}\}", read(f), re.S)})
for e in exprs[:2000]:
    put("wxml_expr", e)
for f in files(libs, "wxss", 300):
    put("wxss", read(f))
for f in files(wcc, "json") + [f for f in files(libs, "json", 300) if not f.endswith("package.json")]:
    put("app_json", read(f))
for t in ("wxml", "wxml_expr", "wxss", "app_json"):
    if not os.path.isdir(os.path.join(out, t)):
        put(t, b" ")
PY
seeds="$root/seeds"

status=0
failed=0
mkdir -p "$root/logs"
run() { # run TARGET: fuzz it; on failure print what was found
  local t="$1" log="$root/logs/$1.log"
  [ "${OPENMINI_FUZZ_KEEP_CORPUS:-}" = 1 ] || rm -rf "${root:?}/corpus/$t"
  mkdir -p "$root/corpus/$t" "fuzz/artifacts/$t"
  local flags=(-max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="fuzz/artifacts/$t/" -dict="fuzz/dict/$t.dict")
  # A thread's stack (2 MB), not the main thread's 8: the server builds on threads.
  if (ulimit -s 2048 && exec "$bin/$t" "${flags[@]}" "$root/corpus/$t" "$seeds/$t") >"$log" 2>&1; then
    printf '%-10s ok: %s runs in %ss, %s inputs in the corpus\n' "$t" \
      "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" "$seconds" "$(ls "$root/corpus/$t" | wc -l)"
    return 0
  fi
  echo "==== $t FAILED; the fuzzer's report:"
  grep -v -E '^#[0-9]+|^INFO:|^stat::|NEW_FUNC|^WARNING: Failed to find' "$log" | tail -n 60
  local found
  found="$(grep -o "fuzz/artifacts/$t/[a-z-]*[0-9a-f]\{40\}" "$log" | tail -n1)"
  if [ -n "$found" ] && [ -f "$found" ]; then
    echo "---- the input ($found, $(wc -c <"$found") bytes; as text, then base64):"
    head -c 4000 "$found" | cat -v
    echo
    head -c 16384 "$found" | base64 -w 100
    echo "---- reproduce: $bin/$t $found"
  fi
  return 1
}

echo "fuzzing ${targets[*]}: ${seconds}s each, ${jobs} at a time"
running=0
for t in "${targets[@]}"; do
  run "$t" >"$root/logs/$t.report" 2>&1 &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=$((failed + 1))
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=$((failed + 1))
  running=$((running - 1))
done
for t in "${targets[@]}"; do cat "$root/logs/$t.report"; done
[ "$failed" -eq 0 ] || status=1
echo "fuzz: $((${#targets[@]} - failed)) passed, $failed failed"
exit "$status"
