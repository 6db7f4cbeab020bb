#!/usr/bin/env bash
# Throughput and peak memory of the streaming log analysis on a big log.
# Builds a log of at least SIZE_MB (default 512) by repeating the real
# BugSwarm fixture logs, streams it through the release `analyze_file`
# example (the same code path as `self-heal analyze`), and prints MB/s
# (wall and CPU) and peak RSS from /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB="${SIZE_MB:-512}"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
bench_prereqs
LOGS="$FIXTURES/ci-logs/bugswarm"
[ -d "$LOGS" ] || { echo "no fixtures at $LOGS (set SELF_HEAL_FIXTURES)" >&2; exit 2; }

cargo build --release --example analyze_file >&2

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
BIG="$WORK/big.log"
find "$LOGS" -name '*.log' -print0 | sort -z | xargs -0 cat > "$WORK/unit.log"
UNIT=$(stat -c %s "$WORK/unit.log")
TARGET=$((SIZE_MB * 1024 * 1024))
: > "$BIG"
while [ "$(stat -c %s "$BIG")" -lt "$TARGET" ]; do cat "$WORK/unit.log" >> "$BIG"; done
BYTES=$(stat -c %s "$BIG")
echo "log: $((BYTES / 1024 / 1024)) MiB ($((BYTES / UNIT)) copies of $((UNIT / 1024)) KiB of fixture logs)" >&2

# Warm the page cache so the disk is not what we measure.
cat "$BIG" > /dev/null

/usr/bin/time -v ./target/release/examples/analyze_file "$BIG" --summary 2> "$WORK/time.txt" | tee "$WORK/out.txt"
USER_S=$(awk -F': ' '/User time/ {print $2}' "$WORK/time.txt")
SYS_S=$(awk -F': ' '/System time/ {print $2}' "$WORK/time.txt")
RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
WALL=$(grep -o 'seconds=[0-9.]*' "$WORK/out.txt" | cut -d= -f2)
awk -v b="$BYTES" -v w="$WALL" -v u="$USER_S" -v s="$SYS_S" -v r="$RSS_KB" 'BEGIN {
  printf "| log size | wall | MB/s (wall) | CPU (user+sys) | MB/s (CPU) | peak RSS |\n|---:|---:|---:|---:|---:|---:|\n";
  printf "| %.0f MB | %.2f s | %.0f | %.2f s | %.0f | %.1f MB |\n", b/1e6, w, b/1e6/w, u+s, b/1e6/(u+s), r/1024 }'
