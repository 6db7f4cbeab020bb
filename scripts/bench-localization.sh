#!/usr/bin/env bash
# Localization benchmark (issue 19; README "Measurements"): does the first request
# carry the buggy code? For every sample with `context_must_include` in its
# expected.json (the localization samples and the older ones), the binary repairs a
# temp git copy from its real CI log against a local fake model that answers the
# expected fix only when the request holds every `context_must_include` line, and
# proposes no edits otherwise (scripts/bench/fake_llm.py --needles); a retry sample
# answers its first request with `localization.first_reply`. Validation is real.
#
# Columns: the sample's shape (`localization.kind`); buggy lines in request 1
# (yes/no); the rank of the buggy function in the report's `localization` suspects
# (`-` while the report has none); prompt tokens of request 1 (characters / 4 of
# what was sent); requests until fixed (`-` and the status when not fixed); coverage
# overhead (the report's coverage time over its scoped test run, `-` while the
# report has no coverage timing or the run measured nothing). Summary rows end the table.
#
#   scripts/bench-localization.sh                 release build, every sample
#   BIN=target/debug/self-heal scripts/bench-localization.sh py-ini-long-module ...
#   KEEP_REQUESTS=DIR ...                          also keep each request and report in DIR/SAMPLE/
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

if [ $# -gt 0 ]; then
  dirs=()
  for name in "$@"; do dirs+=("sample_projects/${name%/}/"); done
else
  dirs=(sample_projects/*/)
fi

rows="$work/rows.tsv"
: > "$rows"
for dir in "${dirs[@]}"; do
  name=$(basename "$dir")
  exp="$dir/expected.json"
  [ -f "$exp" ] || continue
  python3 - "$exp" "$work" <<'PY' || continue
import json, sys
e = json.load(open(sys.argv[1])); out = sys.argv[2]
if not e.get("context_must_include"):
    sys.exit(1)
json.dump({"diagnosis": "bench", "edits": e["fix"]}, open(f"{out}/reply.json", "w"))
json.dump(e["context_must_include"], open(f"{out}/needles.json", "w"))
first = (e.get("localization") or {}).get("first_reply")
open(f"{out}/first.json", "w").write(json.dumps(first) if first else "")
PY
  rm -rf "$work/requests"
  mkdir -p "$work/requests"
  first=()
  [ -s "$work/first.json" ] && first=(--first "$work/first.json")
  fake_llm_start "$work" "$work/reply.json" --needles "$work/needles.json" --record "$work/requests" "${first[@]}"
  sample_checkout "$dir" "$work/repo"
  rm -f "$work/report.json"
  (
    cd "$work/repo"
    env -u GITHUB_TOKEN -u OPENAI_API_KEY "$bin" run --log ci.log --yes \
      --openai-base-url "http://127.0.0.1:$FAKE_LLM_PORT/v1" --openai-api-key bench \
      --report "$work/report.json" >/dev/null 2>&1
  ) || true
  fake_llm_stop
  if [ -n "${KEEP_REQUESTS:-}" ]; then
    mkdir -p "$KEEP_REQUESTS/$name"
    cp "$work"/requests/* "$work/report.json" "$KEEP_REQUESTS/$name/" 2>/dev/null || true
  fi
  python3 - "$exp" "$work/report.json" "$work/requests" "$name" >> "$rows" <<'PY'
import json, os, sys
exp = json.load(open(sys.argv[1]))
try:
    r = json.load(open(sys.argv[2]))
except (OSError, ValueError):
    r = {"status": "error", "llm": {"requests": 0}}
req_dir, name = sys.argv[3], sys.argv[4]
loc = exp.get("localization") or {}
eco = exp.get("ecosystem", "python")
kind = "localization" if loc else "older"

first = os.path.join(req_dir, "request-1.txt")
text = open(first, encoding="utf-8").read() if os.path.exists(first) else None
carried = "-" if text is None else ("yes" if all(n in text for n in exp["context_must_include"]) else "no")
tokens = "-" if text is None else str(len(text) // 4)

def rank():
    """1-based rank of the first expected buggy function among the report's suspects.

    The report's `localization` is a list of suspects or an object holding one
    (`suspects`); a suspect names its file (`file`/`path`) and function
    (`function`/`name`/`symbol`)."""
    got = r.get("localization")
    if isinstance(got, dict):
        got = got.get("suspects") or got.get("ranked") or []
    if not isinstance(got, list) or not got:
        return "-"
    wanted = [f.split(":", 1) for f in loc.get("functions", [])]
    if not wanted:
        return "-"
    for i, s in enumerate(got, 1):
        if not isinstance(s, dict):
            continue
        path = s.get("file") or s.get("path") or ""
        func = s.get("function") or s.get("name") or s.get("symbol") or ""
        simple = func.replace("::", ".").split(".")[-1]
        for wpath, wfunc in wanted:
            if path.endswith(wpath) and simple == wfunc.replace("::", ".").split(".")[-1]:
                return str(i)
    return f">{len(got)}"

def coverage():
    t = r.get("timings") or {}
    cov = next((v for k, v in t.items() if "coverage" in k and isinstance(v, (int, float))), None)
    if not cov:
        return "-"
    # A run that measured nothing (the tool is missing) is no overhead to compare.
    loc_ = r.get("localization")
    if isinstance(loc_, dict) and loc_.get("mode") == "static":
        return f"- (none measured, {cov} ms)"
    base = next((v for k, v in t.items() if ("scoped" in k or "reproduce" in k) and "coverage" not in k
                 and isinstance(v, (int, float)) and v > 0), None)
    return f"{cov} ms" + (f" ({cov / base:.1f}x)" if base else "")

status = r.get("status", "error")
requests = str(r["llm"]["requests"]) if status == "fixed" else f"- ({status})"
shape = loc.get("kind") or "-"
print("\t".join([kind, name, eco, shape, carried, rank(), tokens, requests, coverage(), status,
                 str(r["llm"].get("requests", 0))]))
PY
done

printf '| sample | ecosystem | shape | buggy lines in request 1 | rank of the buggy function | prompt tokens (request 1) | requests to fix | coverage overhead |\n|---|---|---|---|---|---|---|---|\n'
sort -t$'\t' -k1,1 -k2,2 "$rows" | awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8, $9}'
printf '\n| samples | buggy lines in request 1 | fixed | requests per fix | prompt tokens (request 1, mean) | buggy function ranked first |\n|---|---|---|---|---|---|\n'
awk -F'\t' '
  { for (g = 1; g <= 2; g++) {
      k = (g == 1) ? $1 : "all"; n[k]++
      if ($5 == "yes") c[k]++
      if ($10 == "fixed") { f[k]++; q[k] += $11 }
      if ($7 != "-") { tk[k] += $7; tn[k]++ }
      if ($6 == "1") r1[k]++
      if ($6 != "-") rn[k]++ } }
  END { split("localization older all", order, " ")
        for (o = 1; o <= 3; o++) { k = order[o]; if (!n[k]) continue
          printf "| %s (%d) | %d of %d | %d of %d | %s | %s | %s |\n", k, n[k], c[k], n[k], f[k], n[k],
            f[k] ? sprintf("%.2f", q[k] / f[k]) : "-", tn[k] ? sprintf("%d", tk[k] / tn[k]) : "-",
            rn[k] ? sprintf("%d of %d", r1[k], rn[k]) : "-" } }' "$rows"
