#!/usr/bin/env bash
# Per-ecosystem numbers of the repair loop (docs/measurements.md): for every Go,
# Rust, JavaScript/TypeScript and Java sample, the binary repairs a temp git copy
# from its real CI log with a local fake model answering the expected fix
# (scripts/bench/fake_llm.py: prompt tokens are characters / 4 of what was sent),
# validated by the real toolchain. Overhead is the report's total minus its
# validation (toolchain runs in sandboxes, sandbox copies included) and model time.
# `npm ci` (shared cache) runs before the timed run, as a CI checkout has it done.
#
#   scripts/bench-ecosystems.sh              release build
#   BIN=target/debug/self-heal scripts/bench-ecosystems.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN="$PWD/target/release/self-heal"
fi
bin=$(realpath "$BIN")
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
sample_toolchain_env
work=$(mktemp -d)
trap 'fake_llm_stop; rm -rf "$work"' EXIT

rows="$work/rows.tsv"
: > "$rows"
for dir in sample_projects/*/; do
  name=$(basename "$dir")
  [ -f "$dir/expected.json" ] || continue
  eco=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("ecosystem","python"))' "$dir/expected.json")
  [ "$eco" = python ] && continue
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(json.dumps({"diagnosis":"bench","edits":e["fix"]}))' \
    "$dir/expected.json" > "$work/reply.json"
  fake_llm_start "$work" "$work/reply.json"
  sample_checkout "$dir" "$work/repo"
  (
    cd "$work/repo"
    env -u GITHUB_TOKEN -u OPENAI_API_KEY "$bin" run --log ci.log --yes \
      --openai-base-url "http://127.0.0.1:$FAKE_LLM_PORT/v1" --openai-api-key bench \
      --report "$work/report.json" >/dev/null 2>&1
  ) || true
  fake_llm_stop
  python3 - "$work/report.json" "$eco" "$name" >> "$rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); t = r.get("timings", {})
over = t.get("total_ms", 0) - t.get("validation_ms", 0) - t.get("llm_ms", 0)
print("\t".join(map(str, [sys.argv[2], sys.argv[3], r["status"], r["llm"]["requests"],
      r["llm"]["prompt_tokens"], t.get("validation_ms", 0), over])))
PY
done

printf '| sample | ecosystem | status | requests | prompt tokens | validation ms | overhead ms |\n|---|---|---|---|---|---|---|\n'
awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $1, $3, $4, $5, $6, $7}' "$rows"
printf '\n| ecosystem | samples fixed | requests per fix | prompt tokens per fix | overhead ms per fix |\n|---|---|---|---|---|\n'
awk -F'\t' '{n[$1]++; if ($3=="fixed") {f[$1]++; q[$1]+=$4; p[$1]+=$5; o[$1]+=$7}}
  END {for (e in n) {k=f[e]+0; printf "| %s | %d of %d | %s | %s | %s |\n", e, k, n[e],
    k ? sprintf("%.1f", q[e]/k) : "-", k ? sprintf("%d", p[e]/k) : "-", k ? sprintf("%d", o[e]/k) : "-"}}' "$rows" | sort
