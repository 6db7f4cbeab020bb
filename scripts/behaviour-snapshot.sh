#!/usr/bin/env bash
# Behaviour snapshot for refactors (issue 7, item 9): `analyze --json` on every fixture
# log and the report of a repair of every sample project (fake model answering the
# expected fix; timings and temp paths normalised). Usage:
#   scripts/behaviour-snapshot.sh OUT_DIR            record
#   scripts/behaviour-snapshot.sh OUT_DIR BASE_DIR   record, then diff against BASE_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
out="$1"; base="${2:-}"
cargo build --quiet
bin="$PWD/target/debug/self-heal"
mkdir -p "$out/analyze" "$out/repair"
work=$(mktemp -d)
trap 'kill "${llm_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
fixtures="${FIXTURES:-/work/shared/fixtures}"
{ find "$fixtures/ci-logs" "$fixtures/go-test" -type f \( -name '*.log' -o -name '*.txt' -o -name '*.json' -o -name '*.zip' \) ! -name expected.json 2>/dev/null
  ls sample_projects/*/ci.log; } | sort | while read -r log; do
  name=$(echo "$log" | tr '/' '_')
  "$bin" analyze --json --workdir "$work" "$log" > "$out/analyze/$name.json" 2>&1 || echo "exit $?" >> "$out/analyze/$name.json"
done
for dir in sample_projects/*/; do
  name=$(basename "$dir")
  [ -f "$dir/expected.json" ] || continue
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(json.dumps({"diagnosis":"snap","edits":e["fix"]}))' \
    "$dir/expected.json" > "$work/reply.json"
  mkfifo "$work/port.$name"
  python3 scripts/bench/fake_llm.py 0 "$work/reply.json" > "$work/port.$name" &
  llm_pid=$!
  read -r port < "$work/port.$name"
  rm -rf "$work/repo"; cp -r "$dir" "$work/repo"
  (cd "$work/repo" && env -u GITHUB_TOKEN -u OPENAI_API_KEY -u GITHUB_ACTIONS "$bin" run --log ci.log --yes \
    --openai-base-url "http://127.0.0.1:$port/v1" --openai-api-key "${KEY:-sk-snapshot-0123456789}" \
    --report "$work/report.json" >/dev/null 2>&1) || true
  kill "$llm_pid" 2>/dev/null || true; wait "$llm_pid" 2>/dev/null || true
  python3 - "$work/report.json" "$work" "$port" > "$out/repair/$name.json" <<'PY'
import json, sys, re
r = json.load(open(sys.argv[1]))
# The tools' own clocks differ from run to run on unchanged code: go test -json's
# Time/Elapsed, durations (pytest, go, node, Maven, Gradle, rspec, minitest), dates, seeds.
TIMINGS = [
    (r'"Time":"[^"]*"', '"Time":"T"'),
    (r'"Elapsed":[\d.]+', '"Elapsed":0'),
    (r"\b(\d+h )?(\d+m )?\d+(\.\d+)?\s?(ms|s|sec|seconds)\b", "N"),
    (r"(Finished at:|Total time:)\s*\S+", r"\1 X"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", "DATE"),
    (r"[\d.]+ runs/s, [\d.]+ assertions/s", "N runs/s"),
    (r"--seed \d+", "--seed N"),
    (r"\d{4}-\d\d-\d\dT\d\d_\d\d_\d\d_\d+Z", "DATE"),  # npm's log file names
    (r"duration_ms:? [\d.]+", "duration_ms N"),  # node:test's TAP and spec
]
def tail(v):
    # A passing step keeps the last bytes of its output: where they start depends on
    # the (timed) lines before, so a step's first line (two of a long one) is dropped.
    out, body = [], []
    def flush():
        if len(body) >= 3:
            del body[: 2 if len("\n".join(body)) >= 900 else 1]
        out.extend(body)
        body.clear()
    for line in v.split("\n"):
        if line.startswith("$ "):
            flush()
            out.append(line)
        else:
            body.append(line)
    flush()
    return "\n".join(out)
def norm(v, key=""):
    if isinstance(v, dict):
        return {k: (0 if k.endswith("_ms") else norm(x, k)) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, str):
        v = v.replace(sys.argv[2], "$WORK").replace(sys.argv[3], "$PORT")
        v = re.sub(r"self-heal-sandbox-\w+", "self-heal-sandbox-X", v)
        v = re.sub(r" in \d+\.\d+s\b", " in N.NNs", v)  # pytest's durations, as before
        if key == "output_tail":
            v = tail(v)
        for rx, rep in TIMINGS:
            v = re.sub(rx, rep, v)
        return v
    return v
print(json.dumps(norm(r), indent=1, sort_keys=True))
PY
  (cd "$work/repo" && find . -type f ! -path './.self-heal/*' ! -name '*.pyc' | sort | xargs sha256sum) >> "$out/repair/$name.json"
done
if [ -n "$base" ]; then diff -r "$base" "$out" && echo "behaviour identical"; fi
