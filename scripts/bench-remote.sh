#!/usr/bin/env bash
# Peak memory of `self-heal run` on a run whose failed job log is large: a
# small local stand-in for the GitHub API (python3's standard library) answers
# the run, its jobs and the log endpoint's 302, and streams the log from the
# blob URL. self-heal streams the download to a temporary file and analyses it
# from there. Prints a markdown row per size (peak RSS from /usr/bin/time -v,
# wall time of the whole run). SIZES_MB (default "200 600": 600 is over the
# 256 MiB download cap, so it is cut with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES_MB="${SIZES_MB:-200 600}"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
bench_prereqs
[ -n "${NO_BUILD:-}" ] || cargo build --release --bin self-heal >&2
BIN="$PWD/target/release/self-heal"

WORK="$(mktemp -d)"
SERVER=""
cleanup() { [ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# The log: every fixture CI log, repeated, with unrecognised filler between.
python3 - "$FIXTURES" "$WORK/unit.log" <<'PY'
import os, random, sys
fx, out = sys.argv[1], sys.argv[2]
rnd = random.Random(11)
parts = []
for root, _, files in os.walk(os.path.join(fx, "ci-logs")):
    for f in sorted(files):
        if f.endswith((".log", ".txt")):
            with open(os.path.join(root, f), "rb") as fh:
                parts.append(fh.read())
words = "the a build step cache module loaded version resolving fetching compiling ok done".split()
for _ in range(30):
    parts.append("".join(" ".join(rnd.choice(words) for _ in range(12)) + "\n" for _ in range(3000)).encode())
rnd.shuffle(parts)
with open(out, "wb") as fh:
    fh.write(b"\n".join(parts))
PY

cat > "$WORK/server.py" <<'PY'
import http.server, json, os, shutil, sys
log_path, port_file = sys.argv[1], sys.argv[2]
RUN = {"id": 1, "name": "CI", "conclusion": "failure", "status": "completed",
       "head_branch": "main", "event": "push", "path": ".github/workflows/ci.yml",
       "html_url": "http://localhost/run/1", "pull_requests": []}
JOBS = {"total_count": 1, "jobs": [{"id": 7, "name": "test", "status": "completed",
        "conclusion": "failure", "html_url": "http://localhost/job/7",
        "steps": [{"name": "Run tests", "status": "completed", "conclusion": "failure", "number": 3}]}]}
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, code, body=b"", ctype="application/json", extra=()):
        self.send_response(code)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        for k, v in extra: self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        # The model is not what is measured: refuse at once.
        self.rfile.read(int(self.headers.get("content-length", 0)))
        return self.send(400, b'{"error":{"message":"bench: no model here"}}')
    def do_GET(self):
        p = self.path.split("?")[0]
        if p.endswith("/actions/runs/1"): return self.send(200, json.dumps(RUN).encode())
        if p.endswith("/actions/runs/1/jobs"): return self.send(200, json.dumps(JOBS).encode())
        if p.endswith("/actions/jobs/7/logs"):
            return self.send(302, extra=[("location", f"http://127.0.0.1:{self.server.server_port}/blob/7")])
        if p == "/blob/7":
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(os.path.getsize(log_path)))
            self.end_headers()
            try:
                with open(log_path, "rb") as fh: shutil.copyfileobj(fh, self.wfile, 1 << 20)
            except (BrokenPipeError, ConnectionResetError): pass
            return
        return self.send(404, b'{"message":"Not Found"}')
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(port_file, "w") as fh: fh.write(str(s.server_port))
s.serve_forever()
PY

echo "| remote job log | size | wall | peak RSS | exit | note |"
echo "|---|---:|---:|---:|---:|---|"
for mb in $SIZES_MB; do
  : > "$WORK/log.txt"
  while [ "$(stat -c %s "$WORK/log.txt")" -lt $((mb * 1024 * 1024)) ]; do cat "$WORK/unit.log" >> "$WORK/log.txt"; done
  rm -f "$WORK/port"
  python3 "$WORK/server.py" "$WORK/log.txt" "$WORK/port" & SERVER=$!
  for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  mkdir -p "$WORK/repo" "$WORK/tmp"
  ( cd "$WORK/repo" && env -i PATH="$PATH" HOME="$WORK" TMPDIR="$WORK/tmp" \
      GITHUB_API_URL="http://127.0.0.1:$(cat "$WORK/port")" GITHUB_TOKEN=ghs_bench \
      OPENAI_API_KEY=sk-bench OPENAI_BASE_URL="http://127.0.0.1:$(cat "$WORK/port")/llm" \
      /usr/bin/time -v "$BIN" run --repo o/r --run-id 1 --dry-run --publish none \
      > "$WORK/out.txt" 2> "$WORK/time.txt" ) || true
  kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""
  left=$(find "$WORK/tmp" -mindepth 1 -maxdepth 1 -name 'self-heal-logs-*' | wc -l)
  w=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
  r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  e=$(awk -F': ' '/Exit status/ {print $2}' "$WORK/time.txt")
  note=$(grep -m1 -o 'downloaded only the first [0-9]* bytes' "$WORK/time.txt" || true)
  st=$(grep -m1 -o 'status: .*' "$WORK/out.txt" | cut -c1-70 || true)
  note="${note:+$note; }$st"
  [ "$left" = 0 ] || note="$note; $left download dir(s) left behind!"
  awk -v b="$(stat -c %s "$WORK/log.txt")" -v w="$w" -v r="$r" -v e="$e" -v note="$note" 'BEGIN {
    printf "| served over HTTP, 302 to the blob host | %.0f MB | %s | %.1f MB | %s | %s |\n", b / 1e6, w, r / 1024, e, note }'
done
