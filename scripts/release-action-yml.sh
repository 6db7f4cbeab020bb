#!/usr/bin/env bash
# Points action.yml at a prebuilt image instead of the Dockerfile:
#   scripts/release-action-yml.sh docker://ghcr.io/OWNER/self-heal:v1.2.3 [action.yml]
# Used by the release workflow (the tagged commit's action.yml then starts in
# seconds instead of compiling) and by the act smoke test (which can't build
# the Rust stage without pulling an image).
set -euo pipefail

ref=${1:?usage: $0 docker://IMAGE:TAG [action.yml]}
file=${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/action.yml}

case "$ref" in
docker://?*) ;;
*) echo "error: image must be a docker:// reference, got '$ref'" >&2; exit 2 ;;
esac

count=$(grep -c '^  image: Dockerfile$' "$file" || true)
if [ "$count" != 1 ]; then
    echo "error: expected exactly one '  image: Dockerfile' line in $file, found $count" >&2
    exit 1
fi
# '|' as the delimiter: the reference contains '/' but never '|'.
sed -i "s|^  image: Dockerfile\$|  image: ${ref}|" "$file"
grep -n '^  image: ' "$file"
