# self-heal: Rust tests under coverage (src/lang/rust/coverage.rs).
# With llvm-tools (rustup's llvm-tools component, or LLVM_COV and LLVM_PROFDATA): the
# project's own crates are built with `-C instrument-coverage` (a rustc wrapper adds it
# to the primary packages only, so dependencies keep their build), then each failing
# test runs alone, then tests beside it (same module, or the same integration test
# file), at most SELF_HEAL_COV_MAX_NEIGHBOURS, starting within SELF_HEAL_COV_BUDGET
# seconds of the failing tests' end;
# each run's profile is exported with llvm-cov. Without llvm-tools: the scoped run
# with RUST_BACKTRACE=1, whose panic backtrace stands in.
# SELF_HEAL_COV_TESTS: the failing test names, one a line; SELF_HEAL_COV_SCOPED: the
# scoped run. Writes .self-heal-coverage/index.tsv (`file<TAB>id<TAB>failing`).
set -u
out="$PWD/.self-heal-coverage"
if ! command -v cargo >/dev/null 2>&1; then
  echo "self-heal: cargo is not installed"
  exit 3
fi
tab=$(printf '\t')
host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')
tools="$(rustc --print sysroot 2>/dev/null)/lib/rustlib/$host/bin"
cov=${LLVM_COV:-$tools/llvm-cov}
profdata=${LLVM_PROFDATA:-$tools/llvm-profdata}
if [ ! -x "$cov" ] || [ ! -x "$profdata" ]; then
  echo "self-heal: llvm-tools are not installed (rustup component add llvm-tools); the panic backtrace stands in"
  RUST_BACKTRACE=1 sh -c "$SELF_HEAL_COV_SCOPED" > "$out/backtrace.txt" 2>&1
  exit 0
fi
wrapper="$out/rustc-wrapper.sh"
cat > "$wrapper" <<'WRAP'
#!/bin/sh
if [ -n "${CARGO_PRIMARY_PACKAGE:-}" ]; then exec "$@" -C instrument-coverage; fi
exec "$@"
WRAP
chmod +x "$wrapper"
export RUSTC_WRAPPER="$wrapper"
export LLVM_PROFILE_FILE="$out/build-%p-%m.profraw"
# The failure may have been reproduced in this very copy, its crates built without the
# wrapper, which cargo's fingerprint does not count: the project's sources are made
# newer than that build so that its own crates are built again, instrumented.
find . -name '*.rs' -not -path './target/*' -not -path './.self-heal-coverage/*' -exec touch {} + 2>/dev/null
cargo test --no-run --message-format=json > "$out/build.json" 2> "$out/build.log" || {
  cat "$out/build.log"
  exit 1
}
# Test executables only: a `bin` target's executable is the program itself.
grep '"test":true' "$out/build.json" | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | sort -u > "$out/binaries.txt"
: > "$out/index.tsv"
k=0
# run BINARY ID FAILING: one test alone, its profile exported.
run() {
  k=$((k + 1))
  rm -f "$out"/run-*.profraw
  LLVM_PROFILE_FILE="$out/run-%p-%m.profraw" "$1" --exact "$2" --test-threads=1 </dev/null >/dev/null 2>&1
  "$profdata" merge -sparse "$out"/run-*.profraw -o "$out/t$k.profdata" 2>/dev/null || return 0
  "$cov" export -format=text -instr-profile="$out/t$k.profdata" "$1" > "$out/t$k.json" 2>/dev/null || return 0
  printf 't%s.json\t%s\t%s\n' "$k" "$2" "$3" >> "$out/index.tsv"
}
left=$SELF_HEAL_COV_MAX_NEIGHBOURS
while read -r bin; do
  "$bin" --list --format terse </dev/null 2>/dev/null | sed -n 's/: test$//p' > "$out/list.txt"
  printf '%s\n' "$SELF_HEAL_COV_TESTS" | while IFS= read -r id; do
    grep -qxF "$id" "$out/list.txt" && printf '%s\n' "$id"
  done > "$out/here.txt"
  [ -s "$out/here.txt" ] || continue
  while IFS= read -r id; do run "$bin" "$id" 1; done < "$out/here.txt"
  deadline=$(( $(date +%s) + ${SELF_HEAL_COV_BUDGET%.*} ))
  # Neighbours: the tests of the failing tests' modules (all of an integration test file).
  sed 's/[^:]*$//' "$out/here.txt" | sort -u > "$out/modules.txt"
  while IFS= read -r name; do
    [ "$left" -gt 0 ] || break
    [ "$(date +%s)" -le "$deadline" ] || break
    grep -qxF "$name" "$out/here.txt" && continue
    module=$(printf '%s\n' "$name" | sed 's/[^:]*$//')
    grep -qxF "$module" "$out/modules.txt" || continue
    left=$((left - 1))
    run "$bin" "$name" 0
  done < "$out/list.txt"
done < "$out/binaries.txt"
