#!/usr/bin/env bash
# Failing-test recall and precision per framework on the real CI log
# fixtures (BugSwarm), compiler and go test diagnostics, the excerpt on the
# fixtures and on LogChunks (logchunks-train, dev and holdout languages), as
# markdown tables. Fixtures: SELF_HEAL_FIXTURES,
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
echo
echo "### The excerpt on LogChunks (logchunks-train): marked lines quoted, beside the log's tail at the same budget"
echo
cargo run --quiet --release --example eval_logchunks
