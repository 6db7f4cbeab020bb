# self-heal: Go tests under coverage, one cover profile per test (src/lang/go/coverage.rs).
# Each package's test binary is built once with `-cover -coverpkg=./...` (every
# package of the module counts); then each failing test runs alone, then the package's
# other tests, at most SELF_HEAL_COV_MAX_NEIGHBOURS of them, starting within
# SELF_HEAL_COV_BUDGET seconds of the failing tests' end. SELF_HEAL_COV_TESTS: one `package<TAB>-run pattern<TAB>id`
# a line. Writes .self-heal-coverage/*.out and index.tsv (`file<TAB>id<TAB>failing`).
set -u
out="$PWD/.self-heal-coverage"
if ! command -v go >/dev/null 2>&1; then
  echo "self-heal: go is not installed"
  exit 3
fi
tab=$(printf '\t')
: > "$out/index.tsv"
n=0
for pkg in $(printf '%s\n' "$SELF_HEAL_COV_TESTS" | cut -f1 | awk '!seen[$0]++'); do
  n=$((n + 1))
  bin="$out/pkg$n.test"
  if ! go test -c -cover -covermode=set -coverpkg=./... -o "$bin" "$pkg"; then
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
    (cd "$dir" && "$bin" -test.run "$run" -test.count=1 -test.coverprofile="$out/$f" >/dev/null 2>&1)
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
    (cd "$dir" && "$bin" -test.run "^$name\$" -test.count=1 -test.coverprofile="$out/$f" >/dev/null 2>&1)
    printf '%s\t%s\t0\n' "$f" "$import.$name" >> "$out/index.tsv"
  done
done
