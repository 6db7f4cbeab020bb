#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a fixed time (FUZZ_SECONDS each, default 4),
# after one build shared by all of them. A crash stops the script with libFuzzer's
# report and the input saved under fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh                      the short run scripts/test.sh does
#   FUZZ_SECONDS=300 scripts/fuzz.sh     the longer local run (SECURITY.md "Fuzzing")
#   scripts/fuzz.sh parsers edits        only these targets
#
# Nightly when rustup has it; otherwise stable with RUSTC_BOOTSTRAP=1 (cargo-fuzz
# needs the -Z flags of the sanitizer coverage instrumentation).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

secs="${FUZZ_SECONDS:-4}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi
fuzz=(cargo fuzz)
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
fi
# Panics and hangs are what we look for in safe Rust: without a sanitizer the one
# build is several times faster on a 2-core runner, and so is every execution.
flags=(--sanitizer none)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <("${fuzz[@]}" list)
fi

echo "fuzz: building ${#targets[@]} targets"
"${fuzz[@]}" build "${flags[@]}"

# Seed the log and analysis targets with the real CI logs of the sample projects.
for t in log_reader analyze parsers; do
  mkdir -p "corpus/$t"
  for log in ../sample_projects/*/ci.log; do
    cp -n "$log" "corpus/$t/seed-$(basename "$(dirname "$log")")" 2>/dev/null || true
  done
done

status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  out="$(mktemp)"
  if "${fuzz[@]}" run "${flags[@]}" "$t" "corpus/$t" -- \
      -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$out" 2>&1; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out" | grep -o '[0-9]*$' || echo '?')"
    echo "fuzz: $t: $runs executions in ${secs}s, crashes: 0"
  else
    echo "fuzz: $t: FAILED" >&2
    tail -n 60 "$out" >&2
    status=1
  fi
  rm -f "$out"
done
exit "$status"
