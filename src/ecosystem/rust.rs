//! Rust: cargo projects, libtest name filters.

use super::{quoted_words, sh_quote, Ecosystem, Language};
use std::path::Path;

pub struct Rust;

impl Ecosystem for Rust {
    fn language(&self) -> Language {
        Language::Rust
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["cargo"]
    }

    fn tools(&self) -> &'static [&'static str] {
        &["cargo", "rustc", "clippy", "rustfmt", "cargo test"]
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["rs"]
    }

    fn fence_tag(&self, ext: &str) -> Option<&'static str> {
        (ext == "rs").then_some("rust")
    }

    fn detect_test_command(&self, root: &Path, _declared: bool) -> Option<String> {
        root.join("Cargo.toml")
            .exists()
            .then(|| "cargo test".to_string())
    }

    fn scoped_command(&self, tests: &[&str]) -> Option<String> {
        Some(if tests.len() == 1 {
            format!("cargo test {}", sh_quote(tests[0]))
        } else {
            // libtest takes several name filters after `--`.
            format!("cargo test -- {}", quoted_words(tests))
        })
    }

    /// Cargo's tests live in `tests/` or inline; file names say nothing.
    fn test_file_name(&self, _stem: &str, _ext: &str) -> Option<bool> {
        None
    }

    fn recipes(&self) -> &'static [&'static str] {
        &["rustfmt", "clippy-fix", "rustc-similar-name"]
    }

    fn docker_image(&self) -> &'static str {
        "rust:1"
    }
}
