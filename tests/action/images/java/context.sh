#!/usr/bin/env bash
# Puts the Java sample to warm the image's Maven repository with ($1/warm) and
# the test suite's Maven cache as its seed ($1/m2; empty when there is none yet).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
mkdir -p "$1/warm" "$1/m2"
cp -a "$root/sample_projects/java-junit5-hop/pom.xml" "$root/sample_projects/java-junit5-hop/src" "$1/warm/"
# The cache tests/it/results.rs fills (SELF_HEAL_SAMPLE_CACHE).
cache=${SELF_HEAL_SAMPLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/self-heal-samples}
if [ -d "$cache/m2" ]; then
    cp -a "$cache/m2/." "$1/m2/"
fi
