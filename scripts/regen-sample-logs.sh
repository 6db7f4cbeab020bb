#!/usr/bin/env bash
# Regenerates sample_projects/*/ci.log by really running `python -m pytest -q` in a
# copy of each sample, and proves each expected fix: applied to another copy, the
# same command must pass.
#
# The log is wrapped as a GitHub Actions step log (timestamps, ##[group]Run ...,
# ##[error]). Timestamps are synthetic and deterministic; the temp copy's path is
# rewritten to the runner's workspace path and the Python prefix to the runner's
# tool cache, so a rerun only differs in pytest's own timing ("in 0.03s").
#
# Usage: scripts/regen-sample-logs.sh [--check] [SAMPLE_DIR...]
#   --check  verify only; fail if a committed ci.log differs beyond timings.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
samples="$root/sample_projects"
check=0
dirs=()
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    *) dirs+=("$(cd "$a" && pwd)") ;;
  esac
done
if [ ${#dirs[@]} -eq 0 ]; then
  for d in "$samples"/*/; do
    [ -f "$d/expected.json" ] && dirs+=("${d%/}")
  done
fi

PY="${PYTHON:-python3}"
if ! "$PY" -m pytest --version >/dev/null 2>&1; then
  echo "installing pytest" >&2
  "$PY" -m pip install -q pytest
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# A fixed environment so the output does not depend on the caller's terminal or plugins.
run_pytest() {
  (cd "$1" && env -u PYTEST_ADDOPTS -u PYTHONPATH COLUMNS=80 PYTHONDONTWRITEBYTECODE=1 \
    PYTHONHASHSEED=0 "$PY" -m pytest -q)
}

copy_sample() { # src dst
  mkdir -p "$2"
  (cd "$1" && tar --exclude=ci.log --exclude=expected.json --exclude=__pycache__ \
    --exclude=.pytest_cache -cf - .) | (cd "$2" && tar -xf -)
}

fail=0
for dir in "${dirs[@]}"; do
  name="$(basename "$dir")"
  echo "== $name"
  work="$tmp/broken/$name"
  copy_sample "$dir" "$work"
  set +e
  run_pytest "$work" >"$tmp/out.txt" 2>&1
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    echo "   FAIL: pytest passed on the unfixed sample" >&2
    fail=1
    continue
  fi

  if ! "$PY" - "$dir" "$name" "$work" "$rc" "$tmp/out.txt" "$tmp/ci.log" <<'PY'
import json, re, sys, sysconfig, datetime
dir_, name, work, rc, out_path, log_path = sys.argv[1:]
out = open(out_path, encoding="utf-8").read()
ver = "%d.%d.%d" % sys.version_info[:3]
tool = f"/opt/hostedtoolcache/Python/{ver}/x64"
workspace = f"/home/runner/work/{name}/{name}"
# Longest first, so a prefix never replaces part of a longer path.
subs = sorted({work: workspace, sys.prefix: tool, sys.base_prefix: tool,
               sysconfig.get_paths()["purelib"]: f"{tool}/lib/python{ver.rsplit('.', 1)[0]}/site-packages"}.items(),
              key=lambda kv: -len(kv[0]))
for a, b in subs:
    out = out.replace(a, b)

expected = json.load(open(f"{dir_}/expected.json"))
reported = re.findall(r"^(?:FAILED|ERROR) (\S+)", out, re.M)
if sorted(set(reported)) != sorted(expected["failing_tests"]):
    sys.exit(f"   FAIL: pytest reported {reported}, expected.json says {expected['failing_tests']}")

lines = [
    "##[group]Run python -m pytest -q",
    "\x1b[36;1mpython -m pytest -q\x1b[0m",
    "shell: /usr/bin/bash -e {0}",
    "env:",
    f"  pythonLocation: {tool}",
    f"  PKG_CONFIG_PATH: {tool}/lib/pkgconfig",
    f"  Python_ROOT_DIR: {tool}",
    f"  Python2_ROOT_DIR: {tool}",
    f"  Python3_ROOT_DIR: {tool}",
    f"  LD_LIBRARY_PATH: {tool}/lib",
    "##[endgroup]",
]
lines += out.rstrip("\n").split("\n")
lines.append(f"##[error]Process completed with exit code {rc}.")
t0 = datetime.datetime(2026, 11, 28, 0, 0, 0)
with open(log_path, "w", encoding="utf-8", newline="\n") as f:
    for i, line in enumerate(lines):
        # 100 ns ticks, 7 fractional digits as Actions prints them.
        ticks = 1_000_000 + i * 123_457
        t = t0 + datetime.timedelta(microseconds=ticks // 10)
        f.write(t.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ " % (ticks % 10_000_000) + line + "\n")
PY
  then
    fail=1
    continue
  fi

  if [ "$check" -eq 1 ]; then
    strip_timing() { sed -E 's/ in [0-9.]+s( \([0-9:]+\))?( =+)?$/ in Xs/' "$1"; }
    if ! diff <(strip_timing "$dir/ci.log") <(strip_timing "$tmp/ci.log") >/dev/null; then
      echo "   FAIL: committed ci.log differs from a fresh run" >&2
      fail=1
    fi
  else
    cp "$tmp/ci.log" "$dir/ci.log"
  fi

  # Prove the expected fix: apply it to a fresh copy; the same command must pass.
  fixed="$tmp/fixed/$name"
  copy_sample "$dir" "$fixed"
  if ! "$PY" - "$dir/expected.json" "$fixed" <<'PY'
import json, sys
exp = json.load(open(sys.argv[1]))
for e in exp["fix"]:
    path = f"{sys.argv[2]}/{e['path']}"
    text = open(path, encoding="utf-8").read()
    n = text.count(e["search"])
    if n != 1:
        sys.exit(f"   FAIL: search text matches {n} times in {e['path']}")
    open(path, "w", encoding="utf-8").write(text.replace(e["search"], e["replace"]))
# A recipe sample must be one CPython would suggest: Levenshtein with substitution 2,
# case-only change 1, within (len(a) + len(b) + 3) * 2 // 6.
sug = exp.get("suggestion")
if exp.get("recipe"):
    a, b = sug["wrong"], sug["right"]
    prev = list(range(0, 2 * len(b) + 1, 2))
    for i, ca in enumerate(a, 1):
        cur = [2 * i]
        for j, cb in enumerate(b, 1):
            sub = 0 if ca == cb else (1 if ca.lower() == cb.lower() else 2)
            cur.append(min(prev[j] + 2, cur[j - 1] + 2, prev[j - 1] + sub))
        prev = cur
    if prev[-1] > (len(a) + len(b) + 3) * 2 // 6:
        sys.exit(f"   FAIL: {a!r} -> {b!r} is too far for a suggestion")
PY
  then
    fail=1
    continue
  fi
  if run_pytest "$fixed" >"$tmp/fixed.txt" 2>&1; then
    echo "   ok: fails with exit $rc, expected fix passes ($(tail -n 1 "$tmp/fixed.txt"))"
  else
    echo "   FAIL: pytest still fails after the expected fix:" >&2
    tail -n 20 "$tmp/fixed.txt" >&2
    fail=1
  fi
done
exit "$fail"
