#!/usr/bin/env bash
# Regenerates the ci.log of the Go, Rust, JavaScript/TypeScript, Java and Ruby samples from the
# real toolchains and proves each expected fix (scripts/regen-sample-logs-eco.py says how).
# Called by scripts/regen-sample-logs.sh; runnable alone.
#
# Needs: Go >= 1.22, cargo, Node 20 with npm, Maven and Gradle with JDK 17, Ruby with rspec,
# minitest and rake (Debian's ruby, ruby-rspec, ruby-minitest, rake), python3. npm packages
# and Maven/Gradle artifacts are installed by the script into a cache
# (SELF_HEAL_SAMPLE_CACHE, default ~/.cache/self-heal-samples), so a rerun is fast;
# cargo-nextest is installed with `cargo install` when missing.
#
# Usage: scripts/regen-sample-logs-eco.sh [--check] [SAMPLE_DIR...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have python3 || missing+=("python3")
have go || missing+=("go (Go >= 1.22 on PATH)")
have cargo || missing+=("cargo (rustup)")
have node || missing+=("node (Node.js 20)")
have npm || missing+=("npm (comes with Node.js)")
have mvn || missing+=("mvn (apt-get install maven)")
have javac || missing+=("javac (JDK 17: apt-get install openjdk-17-jdk-headless)")
have gradle || missing+=("gradle (apt-get install gradle)")
have ruby || missing+=("ruby (apt-get install ruby)")
have rspec || missing+=("rspec (apt-get install ruby-rspec)")
have rake || missing+=("rake (apt-get install rake)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'missing: %s\n' "${missing[@]}" >&2
  exit 1
fi
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "installing cargo-nextest" >&2
  cargo install --locked --quiet cargo-nextest
fi
exec python3 "$root/scripts/regen-sample-logs-eco.py" "$@"
