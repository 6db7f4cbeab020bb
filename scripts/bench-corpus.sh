#!/usr/bin/env bash
# Throughput and peak memory of `self-heal analyze` (the release binary, one
# core) on inputs our parsers do not know, beside bench-analyze.sh's friendly
# logs: a corpus mixing every kind of fixture with synthetic unrecognised,
# Travis-style and random-byte logs; the real LogChunks logs (Travis, 29
# languages, mostly unrecognised) concatenated; a log with no recognised
# failure and no step markers; one 100 MB line; random bytes; a zip; a zip
# bomb; an endless stream on stdin; a FIFO. Prints a markdown table (MB/s by
# CPU time, peak RSS from /usr/bin/time -v). SIZE_MB sets the size of the
# mixed corpus and of the LogChunks one (default 512).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB="${SIZE_MB:-512}"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
bench_prereqs
[ -n "${NO_BUILD:-}" ] || cargo build --release --bin self-heal >&2
BIN=./target/release/self-heal

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# One unit of the mixed corpus: every fixture log (CI logs, go test output,
# compiler and linter output) and synthetic logs, in a fixed shuffled order.
python3 - "$FIXTURES" "$WORK/unit.log" <<'PY'
import os, random, sys
fx, out = sys.argv[1], sys.argv[2]
rnd = random.Random(7)
parts = []
for root, _, files in os.walk(fx):
    for f in sorted(files):
        if f.endswith(('.log', '.txt', '.in')):
            with open(os.path.join(root, f), 'rb') as fh:
                parts.append(fh.read())
words = "the a build step cache module loaded version resolving fetching compiling linking ok done warning info debug took ms".split()
def unrecognised(n):
    return "".join(f"2024-01-0{rnd.randint(1,9)}T12:00:00.000Z [{rnd.choice(['INFO','DEBUG','TRACE'])}] "
                   + " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 25))) + "\n" for _ in range(n)).encode()
def travis(n):
    s = ["travis_fold:start:install\r\x1b[0K$ pip install -r requirements.txt\n"]
    for i in range(n):
        s.append(f"Collecting pkg{i}\n  Downloading pkg{i}-1.0.tar.gz ({i} kB)\n")
    s.append("travis_fold:end:install\r\x1b[0K$ make test\nmake: *** [test] Error 2\n")
    s.append('The command "make test" exited with 2.\n\nDone. Your build exited with 1.\n')
    return "".join(s).encode()
for _ in range(40):
    parts.append(unrecognised(2000))
    parts.append(travis(1500))
    parts.append(bytes(rnd.getrandbits(8) for _ in range(20000)) + b"\n")
    parts.append(b"x" * 200000 + b"\n")
rnd.shuffle(parts)
with open(out, 'wb') as fh:
    for p in parts:
        fh.write(p)
        fh.write(b"\n")
PY
TARGET=$((SIZE_MB * 1024 * 1024))
: > "$WORK/mixed.log"
while [ "$(stat -c %s "$WORK/mixed.log")" -lt "$TARGET" ]; do cat "$WORK/unit.log" >> "$WORK/mixed.log"; done
# The LogChunks logs in file order, repeated to the same size.
: > "$WORK/logchunks.log"
if [ -d "$FIXTURES/logchunks-train/logs" ]; then
  find "$FIXTURES/logchunks-train/logs" -name '*.log' -print0 | sort -z | xargs -0 cat > "$WORK/logchunks-unit.log"
  while [ "$(stat -c %s "$WORK/logchunks.log")" -lt "$TARGET" ]; do cat "$WORK/logchunks-unit.log" >> "$WORK/logchunks.log"; done
fi

python3 - "$WORK" <<'PY'
import random, sys, zipfile
w = sys.argv[1]
rnd = random.Random(3)
words = "the a build step cache module loaded version resolving fetching compiling ok done".split()
with open(f"{w}/unrecognised.log", "w") as fh:
    line = 0
    while fh.tell() < 100 * 2**20:
        fh.write(" ".join(rnd.choice(words) for _ in range(12)) + f" {line}\n")
        line += 1
with open(f"{w}/random.bin", "wb") as fh:
    fh.write(rnd.randbytes(200 * 2**20))
with zipfile.ZipFile(f"{w}/logs.zip", "w", zipfile.ZIP_DEFLATED) as z:
    with open(f"{w}/unit.log", "rb") as fh:
        unit = fh.read()
    for i in range(8):
        z.writestr(f"job{i}/{i+1}_Run tests.txt", unit)
with zipfile.ZipFile(f"{w}/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("0_job.txt", "w", force_zip64=True) as e:
        chunk = b"\0" * (1 << 20)
        for _ in range(2048):
            e.write(chunk)
PY
head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$WORK/one-line.log"
mkfifo "$WORK/fifo"

cat "$WORK"/*.log > /dev/null

measure() { # name, input bytes (0: unknown), command...
  local name="$1" bytes="$2"; shift 2
  /usr/bin/time -v "$@" > /dev/null 2> "$WORK/time.txt" || true
  local u s r e note
  u=$(awk -F': ' '/User time/ {print $2}' "$WORK/time.txt")
  s=$(awk -F': ' '/System time/ {print $2}' "$WORK/time.txt")
  r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  e=$(awk -F': ' '/Exit status/ {print $2}' "$WORK/time.txt")
  note=$(grep -m1 -o 'self-heal: .*\|error: .*' "$WORK/time.txt" | cut -c1-90 || true)
  awk -v n="$name" -v b="$bytes" -v u="$u" -v s="$s" -v r="$r" -v e="$e" -v note="$note" 'BEGIN {
    t = u + s; mbs = (b > 0 && t > 0) ? sprintf("%.0f", b / 1e6 / t) : "-";
    printf "| %s | %s | %.2f s | %s | %.1f MB | %s | %s |\n", n, (b > 0 ? sprintf("%.0f MB", b / 1e6) : "-"), t, mbs, r / 1024, e, note }'
}
size() { stat -c %s "$1"; }
echo "| input | size | CPU | MB/s (CPU) | peak RSS | exit | note |"
echo "|---|---:|---:|---:|---:|---:|---|"
measure "mixed corpus (every fixture kind, unrecognised, Travis, random bytes, long lines)" "$(size "$WORK/mixed.log")" "$BIN" analyze "$WORK/mixed.log"
if [ -s "$WORK/logchunks.log" ]; then
  measure "LogChunks logs (real Travis logs, 29 languages) concatenated" "$(size "$WORK/logchunks.log")" "$BIN" analyze "$WORK/logchunks.log"
else
  echo "| LogChunks logs | – | – | – | – | – | no $FIXTURES/logchunks-train/logs |"
fi
measure "no recognised failure, no step markers" "$(size "$WORK/unrecognised.log")" "$BIN" analyze "$WORK/unrecognised.log"
measure "one 100 MB line, no newline" "$(size "$WORK/one-line.log")" "$BIN" analyze "$WORK/one-line.log"
measure "random bytes" "$(size "$WORK/random.bin")" "$BIN" analyze "$WORK/random.bin"
measure "run-logs zip (8 step files of the corpus unit)" "$((8 * $(size "$WORK/unit.log")))" "$BIN" analyze "$WORK/logs.zip"
measure "zip bomb (2 GiB of zeros, $(( $(size "$WORK/bomb.zip") / 1024 )) KiB)" "$((1 << 30))" "$BIN" analyze "$WORK/bomb.zip"
measure "endless stream on stdin (/dev/zero as -)" "$((1 << 30))" sh -c "$BIN analyze - < /dev/zero"
measure "FIFO that never closes" 0 timeout 10 "$BIN" analyze "$WORK/fifo"
measure "/dev/zero as a path" 0 timeout 10 "$BIN" analyze /dev/zero
