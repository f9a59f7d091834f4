#!/bin/sh
# Regenerate corpus outputs: out.json (flattened, default) and out.virtual.json (--keep-virtual)
cd "$(dirname "$0")/corpus" || exit 1
for d in [0-9]*/; do
  d=${d%/}
  node ../render.js "$d" index.wxml "$d/data.json" > "$d/out.json" 2> "$d/stderr.txt"; rc=$?
  node ../render.js "$d" index.wxml "$d/data.json" --keep-virtual > "$d/out.virtual.json" 2>/dev/null
  echo "$d rc=$rc"
done
