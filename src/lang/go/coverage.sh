# self-heal: Go tests under coverage, one cover profile per test (src/lang/go/coverage.rs).
# Each package's test binary is built once with `-cover -coverpkg=./...` (every
# package of the module counts); then each failing test runs alone, then the package's
# other tests, at most SELF_HEAL_COV_MAX_NEIGHBOURS of them, starting within
# SELF_HEAL_COV_BUDGET seconds of the failing tests' end. SELF_HEAL_COV_TESTS: one `package<TAB>-run pattern<TAB>id`
# a line. Writes .self-heal-coverage/*.out and index.tsv (`file<TAB>id<TAB>failing`).
# A panicking test ends its binary before the profile is written: with go-overlay.tsv
# (`path<TAB>support file`: test files rewritten so that each test recovers its panic,
# no line moved), the binary is built with `-overlay` (Go 1.16+), else, or when that
# build fails, as before (no-overlay.txt says why). recovered.txt: the ids of the
# tests whose panic was recovered.
set -u
out="$PWD/.self-heal-coverage"
if ! command -v go >/dev/null 2>&1; then
  echo "self-heal: go is not installed"
  exit 3
fi
tab=$(printf '\t')
: > "$out/index.tsv"
: > "$out/recovered.txt"
overlay=""
if [ -s "$SELF_HEAL_COV_SUPPORT/go-overlay.tsv" ]; then
  json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
  overlay="$out/overlay.json"
  {
    printf '{"Replace":{'
    sep=""
    while IFS="$tab" read -r rel file; do
      printf '%s"%s":"%s"' "$sep" "$(json "$PWD/$rel")" "$(json "$SELF_HEAL_COV_SUPPORT/$file")"
      sep=","
    done < "$SELF_HEAL_COV_SUPPORT/go-overlay.tsv"
    printf '}}\n'
  } > "$overlay"
fi
# Runs the test binary $1 in $2 with `-test.run $3`, profile $4; notes a recovered panic of id $5.
run_one() {
  (cd "$2" && "$1" -test.run "$3" -test.count=1 -test.coverprofile="$out/$4" >"$out/$4.txt" 2>&1)
  if grep -q "recovered by self-heal's coverage run" "$out/$4.txt"; then
    printf '%s\n' "$5" >> "$out/recovered.txt"
  fi
  rm -f "$out/$4.txt"
}
n=0
for pkg in $(printf '%s\n' "$SELF_HEAL_COV_TESTS" | cut -f1 | awk '!seen[$0]++'); do
  n=$((n + 1))
  bin="$out/pkg$n.test"
  if [ -n "$overlay" ] && go test -c -cover -covermode=set -coverpkg=./... -overlay "$overlay" -o "$bin" "$pkg" 2>"$out/overlay-build.txt"; then
    :
  elif go test -c -cover -covermode=set -coverpkg=./... -o "$bin" "$pkg"; then
    if [ -n "$overlay" ]; then
      printf '%s: %s\n' "$(go version 2>&1 | head -n 1)" "$(grep -v '^#' "$out/overlay-build.txt" | head -n 1)" >> "$out/no-overlay.txt"
    fi
  else
    echo "self-heal: cannot build the tests of $pkg with coverage"
    continue
  fi
  dir=$(go list -f '{{.Dir}}' "$pkg") || continue
  import=$(go list -f '{{.ImportPath}}' "$pkg") || continue
  k=0
  printf '%s\n' "$SELF_HEAL_COV_TESTS" | awk -F"$tab" -v p="$pkg" '$1 == p' > "$out/pkg$n.tsv"
  while IFS="$tab" read -r p run id; do
    k=$((k + 1))
    f="f$n-$k.out"
    run_one "$bin" "$dir" "$run" "$f" "$id"
    printf '%s\t%s\t1\n' "$f" "$id" >> "$out/index.tsv"
  done < "$out/pkg$n.tsv"
  # The package's other top-level tests, in the order the binary lists them.
  tops=$(cut -f2 "$out/pkg$n.tsv" | cut -d/ -f1)
  left=$SELF_HEAL_COV_MAX_NEIGHBOURS
  deadline=$(( $(date +%s) + ${SELF_HEAL_COV_BUDGET%.*} ))
  for name in $(cd "$dir" && "$bin" -test.list '.*' 2>/dev/null | grep -E '^(Test|Example|Fuzz)'); do
    [ "$left" -gt 0 ] || break
    [ "$(date +%s)" -le "$deadline" ] || break
    if printf '%s\n' "$tops" | grep -qxF "^$name\$"; then continue; fi
    left=$((left - 1))
    k=$((k + 1))
    f="p$n-$k.out"
    run_one "$bin" "$dir" "^$name\$" "$f" "$import.$name"
    printf '%s\t%s\t0\n' "$f" "$import.$name" >> "$out/index.tsv"
  done
done
