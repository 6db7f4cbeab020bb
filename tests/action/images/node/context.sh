#!/usr/bin/env bash
# Puts this machine's node and npm into $1/node (bin/node,
# lib/node_modules/npm), the jest sample's package files into $1/jest, and the
# test suite's npm cache into $1/npm-cache (empty when there is none yet).
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
# The cache tests/it/results.rs fills (SELF_HEAL_SAMPLE_CACHE); hard links
# where it is on the same filesystem.
cache=${SELF_HEAL_SAMPLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/self-heal-samples}
if [ -d "$cache/npm" ]; then
    cp -al "$cache/npm/." "$1/npm-cache/" 2>/dev/null || cp -a "$cache/npm/." "$1/npm-cache/"
fi
