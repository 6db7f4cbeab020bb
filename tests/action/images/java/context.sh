#!/usr/bin/env bash
# Puts the Java sample ($1/warm) and a Maven repository with everything its
# build needs ($1/m2) into the build context. The repository is the test suite's
# Maven cache (tests/it/results.rs fills it), completed by this machine's Maven
# building the sample once: downloads happen here, once, into the shared cache,
# and the image build itself needs no network.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
command -v mvn >/dev/null 2>&1 || { echo "no mvn on this machine" >&2; exit 3; }
cache=${SELF_HEAL_SAMPLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/self-heal-samples}
mkdir -p "$1/warm" "$1/m2" "$cache/m2"
cp -a "$root/sample_projects/java-junit5-hop/pom.xml" "$root/sample_projects/java-junit5-hop/src" "$1/warm/"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$1/warm/." "$work/"
# The sample's bug fails its test: ignored, only the downloads matter.
(cd "$work" && mvn -B -ntp -q -Dmaven.repo.local="$cache/m2" -Dmaven.test.failure.ignore=true test >"$work/mvn.log" 2>&1) ||
    { tail -n 20 "$work/mvn.log" >&2; echo "mvn could not build the Java sample" >&2; exit 1; }
cp -a "$cache/m2/." "$1/m2/"
