#!/usr/bin/env bash
# Puts this machine's node and npm into $1/node (bin/node,
# lib/node_modules/npm), the jest sample's package files into $1/jest, and an
# npm cache with everything they need into $1/npm-cache.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
command -v node >/dev/null 2>&1 || { echo "no node on this machine" >&2; exit 3; }
node=$(readlink -f "$(command -v node)")
mkdir -p "$1/node/bin" "$1/node/lib/node_modules" "$1/jest" "$1/npm-cache"
cp "$node" "$1/node/bin/node"
# npm lives next to node's prefix: /usr/lib for Debian's and NodeSource's
# packages, <prefix>/lib for a tarball.
prefix=$(dirname "$(dirname "$node")")
found=
for npm in "$prefix/lib/node_modules/npm" /usr/share/nodejs/npm; do
    if [ -f "$npm/bin/npm-cli.js" ]; then
        cp -a "$npm" "$1/node/lib/node_modules/npm"
        found=1
        break
    fi
done
[ -n "$found" ] || { echo "no npm next to $node" >&2; exit 3; }
cp "$root/sample_projects/js-jest-hop/package.json" "$root/sample_projects/js-jest-hop/package-lock.json" "$1/jest/"
# The test suite's npm cache (tests/it/results.rs fills it), completed by this
# machine's npm installing the jest sample's lock once: downloads happen here,
# once, into the shared cache, and the image build needs no network.
cache=${SELF_HEAL_SAMPLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/self-heal-samples}
mkdir -p "$cache/npm"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$1/jest/package.json" "$1/jest/package-lock.json" "$work/"
(cd "$work" && npm ci --prefer-offline --no-audit --no-fund --ignore-scripts --cache "$cache/npm" >"$work/npm.log" 2>&1) ||
    { tail -n 20 "$work/npm.log" >&2; echo "npm could not install the jest sample's lock" >&2; exit 1; }
# Hard links where the cache is on the same filesystem.
cp -al "$cache/npm/." "$1/npm-cache/" 2>/dev/null || cp -a "$cache/npm/." "$1/npm-cache/"
