#!/usr/bin/env bash
# Benchmark of the repair loop on every sample project (docs/measurements.md).
# For each sample: the release binary repairs a temp copy from its real CI log, with a
# local fake model that answers the expected fix instantly. The report's timings split
# the wall time into model latency, validation (real pytest runs) and the rest: the
# overhead of self-heal itself (log reading, analysis, context, sandboxes, edits).
# Prompt tokens are characters / 4 of what was sent.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
cargo build --release --quiet
bin="$PWD/target/release/self-heal"
work=$(mktemp -d)
trap 'kill "${llm_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

printf '| sample | fixed by | LLM requests | prompt tokens | total ms | validation ms | overhead ms (median of %s) |\n|---|---|---|---|---|---|---|\n' "$runs"
for dir in sample_projects/*/; do
  name=$(basename "$dir")
  [ -f "$dir/expected.json" ] || continue
  # The other ecosystems' samples are not wired into the repair loop yet.
  grep -q '"ecosystem"' "$dir/expected.json" && continue
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(json.dumps({"diagnosis":"bench","edits":e["fix"]}))' \
    "$dir/expected.json" > "$work/reply.json"
  mkfifo "$work/port.$name"
  python3 scripts/bench/fake_llm.py 0 "$work/reply.json" > "$work/port.$name" &
  llm_pid=$!
  read -r port < "$work/port.$name"
  overheads=()
  for _ in $(seq "$runs"); do
    rm -rf "$work/repo"
    cp -r "$dir" "$work/repo"
    (cd "$work/repo" && env -u GITHUB_TOKEN -u OPENAI_API_KEY "$bin" run --log ci.log --yes \
      --openai-base-url "http://127.0.0.1:$port/v1" --openai-api-key bench \
      --report "$work/report.json" >/dev/null 2>&1) || true
    read -r status source requests tokens total validation llm < <(python3 -c '
import json,sys
r=json.load(open(sys.argv[1])); t=r.get("timings",{})
src=r["attempts"][-1]["source"] if r["attempts"] else "-"
print(r["status"], src, r["llm"]["requests"], r["llm"]["prompt_tokens"], t.get("total_ms",0), t.get("validation_ms",0), t.get("llm_ms",0))' "$work/report.json")
    overheads+=($((total - validation - llm)))
  done
  kill "$llm_pid" 2>/dev/null || true
  wait "$llm_pid" 2>/dev/null || true
  median=$(printf '%s\n' "${overheads[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '| %s | %s (%s) | %s | %s | %s | %s | %s |\n' "$name" "$status" "$source" "$requests" "$tokens" "$total" "$validation" "$median"
done
