#!/usr/bin/env bash
# Failing-test recall and precision per framework on the real CI log
# fixtures (BugSwarm), as a markdown table. Fixtures: SELF_HEAL_FIXTURES,
# else ../shared/fixtures, else /work/shared/fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "### Failing tests in real CI logs (BugSwarm)"
echo
cargo run --quiet --release --example eval_logs -- "$@"
echo
echo "### go test, compiler and linter diagnostics (go-junit-report, reviewdog/errorformat)"
echo
cargo run --quiet --release --example eval_diagnostics
echo
echo "### The excerpt: share of the lines that matter it quotes, and its tokens"
echo
cargo run --quiet --release --example eval_excerpt
