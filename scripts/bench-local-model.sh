#!/usr/bin/env bash
# What a small local model manages (docs/local-model.md): starts
# llama.cpp's llama-server with the 270M model of scripts/local-model.sh (built or
# fetched once, cached), then runs `self-heal run` on a temp git copy of every Python
# sample that no recipe fixes, from its real CI log, with real pytest validation.
# One table row per sample: status, requests, the server's token counts, model time
# and the run's wall time, and what became of the last attempt.
#
#   scripts/bench-local-model.sh                 debug build, 1 attempt per sample
#   MAX_ATTEMPTS=3 BIN=target/release/self-heal scripts/bench-local-model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/local-model.sh
. scripts/local-model.sh
if [ -z "${BIN:-}" ]; then
  cargo build --quiet --locked
  BIN="$PWD/target/debug/self-heal"
fi
bin=$(realpath "$BIN")
attempts="${MAX_ATTEMPTS:-1}"

rc=0
local_model_build || rc=$?
[ "$rc" = 0 ] && { local_model_fetch || rc=$?; }
if [ "$rc" != 0 ]; then
  echo "SKIPPED: ${LOCAL_MODEL_UNAVAILABLE:-the server or the model could not be set up}" >&2
  exit 1
fi
work=$(mktemp -d)
pid=""
trap 'local_model_stop "$pid"; rm -rf "$work"' EXIT
local_model_start -c 4096 -np 1
pid="$LLAMA_PID"
model="$(basename "$LLAMA_MODEL" .gguf)"

rows="$work/rows.tsv"
: > "$rows"
for dir in sample_projects/py-*/; do
  name=$(basename "$dir")
  python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("recipe") is False else 1)' \
    "$dir/expected.json" || continue
  rm -rf "$work/repo" "$work/report.json"
  cp -r "$dir" "$work/repo"
  start=$(date +%s.%N)
  (
    cd "$work/repo"
    git init -q -b main && git add -A && git -c user.name=b -c user.email=b@b commit -qm sample
    env -u GITHUB_TOKEN -u OPENAI_API_KEY "$bin" run --log ci.log --yes \
      --openai-base-url "$LLAMA_URL/v1" --model "$model" --llm-timeout 900 \
      --max-attempts "$attempts" --report "$work/report.json" >/dev/null 2>"$work/$name.stderr"
  ) || true
  wall=$(python3 -c "import sys,time; print(round(time.time() - float(sys.argv[1]), 1))" "$start")
  python3 - "$work/report.json" "$name" "$wall" >> "$rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); t = r.get("timings", {}); llm = r.get("llm", {})
attempts = r.get("attempts", [])
last = attempts[-1] if attempts else {}
what = last.get("error") or ("validated" if r["status"] == "fixed" else "tests still fail")
print("\t".join(map(str, [sys.argv[2], r["status"], llm.get("requests", 0),
      llm.get("prompt_tokens", 0), llm.get("completion_tokens", 0),
      round(t.get("llm_ms", 0) / 1000, 1), sys.argv[3], what.replace("|", "/")[:120]])))
PY
  tail -1 "$rows" >&2
done

printf '| sample | status | requests | prompt tokens | completion tokens | model s | run s | last attempt |\n|---|---|---|---|---|---|---|---|\n'
sed 's/\t/ | /g; s/^/| /; s/$/ |/' "$rows"
