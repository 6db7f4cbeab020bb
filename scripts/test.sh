#!/usr/bin/env bash
# The one test command (README "First repair" names it; CONTRIBUTING.md says what it covers): installs what the tests need, then runs
# formatting and lint checks, the whole Rust test suite (unit + integration, with real
# pytest, git, fake GitHub and OpenAI servers on 127.0.0.1), the model side against a
# real llama.cpp server (scripts/test-local-model.sh), a short cargo-fuzz run
# of every target (scripts/fuzz.sh), the linters of what we
# ship, and the Action end to end through act and a local Docker engine.
#
#   scripts/test.sh            everything
#   SKIP_ACTION=1 scripts/test.sh   everything but the Docker/act part (faster local loop)
#   SKIP_LOCAL_MODEL=1 scripts/test.sh   also without the llama-server tests
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "installing test prerequisites"
scripts/install-test-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --all-targets --locked -- -D warnings

step "cargo test"
cargo test --locked --all-targets

if [ "${SKIP_LOCAL_MODEL:-0}" != 1 ]; then
  step "a real model server: llama.cpp's llama-server with a 270M model"
  scripts/test-local-model.sh
else
  step "SKIP_LOCAL_MODEL=1: the tests against llama-server are not run"
fi

step "cargo fuzz (a few seconds per target)"
scripts/fuzz.sh

if [ "${SKIP_ACTION:-0}" != 1 ]; then
  step "lint what we ship (action.yml, workflows, Dockerfile, shell)"
  scripts/lint-shipped.sh
  step "the Action as GitHub runs it (act + Docker)"
  scripts/test-action.sh
fi
step "all tests passed"
