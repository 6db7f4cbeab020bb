//! Go: `go test` on modules (go.mod).

pub mod context;
pub mod coverage;
pub mod gotest;
pub mod grammar;
pub mod json;
pub mod log;
pub mod recover;
pub mod scope;

use super::framework::Framework;
use super::Lang;
use crate::failure::LogParser;
use gotest::GoTest;
use std::path::Path;
use std::sync::Arc;

pub struct Go;

impl Lang for Go {
    fn name(&self) -> &'static str {
        "go"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["golang"]
    }

    fn tools(&self) -> &'static [&'static str] {
        &["go", "go test", "go vet", "govet", "golangci-lint", "gofmt"]
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["go"]
    }

    fn fence_tag(&self, ext: &str) -> Option<&'static str> {
        (ext == "go").then_some("go")
    }

    fn detect_test_command(&self, root: &Path, _declared: bool) -> Option<String> {
        root.join("go.mod")
            .exists()
            .then(|| "go test ./...".to_string())
    }

    /// `go test`, with the module path of `go.mod` (packages are given as `./dir`).
    fn coverage(&self) -> Option<&'static dyn super::coverage::CoverageRunner> {
        Some(&coverage::GoCoverage)
    }

    fn framework(&self, root: &Path, _command: Option<&str>) -> Option<Framework> {
        let text = std::fs::read_to_string(root.join("go.mod")).ok()?;
        let module = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("module "))
            .map(|m| m.trim().trim_matches('"').to_string());
        Some(Arc::new(GoTest { module, base: None }))
    }

    fn test_file_name(&self, stem: &str, ext: &str) -> Option<bool> {
        (ext == "go").then(|| stem.ends_with("_test"))
    }

    fn recipes(&self) -> &'static [&'static str] {
        &["gofmt", "go-undefined"]
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["go.mod"]
    }

    fn docker_image(&self) -> &'static str {
        "golang:1"
    }

    fn grammars(&self) -> &'static [&'static dyn crate::syntax::Grammar] {
        &[&grammar::Go]
    }

    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        vec![Box::new(log::Parser)]
    }

    fn context(&self) -> &'static dyn super::context::SourceContext {
        &context::GoContext
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::Language;

    #[test]
    fn go_test_knows_the_module() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.mod"),
            "module example.com/m\n\ngo 1.22\n",
        )
        .unwrap();
        let go = Language::named("go").framework(dir.path(), None).unwrap();
        // The module's own package is `.`.
        let sc = go.scoped(&["example.com/m.TestX"]).unwrap();
        assert_eq!(sc.argv.last().map(String::as_str), Some("."));
    }
}
