//! Rust: cargo projects, libtest name filters.

pub mod cargo;
pub mod context;
pub mod coverage;
pub mod grammar;
pub mod libtest;
pub mod log;
pub mod roots;

use super::framework::Framework;
use super::Lang;
use crate::failure::LogParser;
use cargo::Cargo;
use std::path::Path;
use std::sync::Arc;

pub struct Rust;

impl Lang for Rust {
    fn name(&self) -> &'static str {
        "rust"
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

    /// libtest's exact filters, or nextest's when the project's command runs nextest.
    fn coverage(&self) -> Option<&'static dyn super::coverage::CoverageRunner> {
        Some(&coverage::CargoCoverage)
    }

    fn framework(&self, root: &Path, command: Option<&str>) -> Option<Framework> {
        if !root.join("Cargo.toml").exists() {
            return None;
        }
        let nextest = command.is_some_and(|c| c.contains("nextest"));
        Some(Arc::new(if nextest {
            Cargo::nextest()
        } else {
            Cargo::test()
        }))
    }

    /// Cargo's tests live in `tests/` or inline; file names say nothing.
    fn test_file_name(&self, _stem: &str, _ext: &str) -> Option<bool> {
        None
    }

    fn recipes(&self) -> &'static [&'static str] {
        &["rustfmt", "clippy-fix", "rustc-similar-name"]
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["Cargo.toml"]
    }

    fn docker_image(&self) -> &'static str {
        "rust:1"
    }

    fn source_roots(
        &self,
        repo: &dyn crate::lang::context::RepoView,
    ) -> crate::lang::roots::SourceRoots {
        roots::source_roots(repo)
    }

    fn grammars(&self) -> &'static [&'static dyn crate::syntax::Grammar] {
        &[&grammar::Rust]
    }

    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        vec![Box::new(log::Parser)]
    }

    fn context(&self) -> &'static dyn super::context::SourceContext {
        &context::RustContext
    }
}
