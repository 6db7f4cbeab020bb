//! Go: `go test` on modules (go.mod).

pub mod context;
pub mod log;

use super::{Framework, Lang, Scoping};
use crate::failure::LogParser;
use std::path::Path;

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

    fn scoping(&self, root: &Path, _command: Option<&str>) -> Option<Scoping> {
        go_scoping(root)
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

    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        vec![Box::new(log::Parser)]
    }

    fn context(&self) -> &'static dyn super::context::SourceContext {
        &context::GoContext
    }
}

/// `go test` with the module path of `go.mod` (packages are given as `./dir`).
fn go_scoping(root: &Path) -> Option<Scoping> {
    let text = std::fs::read_to_string(root.join("go.mod")).ok()?;
    let module = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("module "))
        .map(|m| m.trim().trim_matches('"').to_string());
    Some(Scoping {
        go_module: module,
        ..Scoping::new(Framework::GoTest)
    })
}

#[cfg(test)]
mod tests {
    use crate::lang::{scoping, Framework, Language};

    #[test]
    fn go_test_knows_the_module() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.mod"),
            "module example.com/m\n\ngo 1.22\n",
        )
        .unwrap();
        let s = scoping(Some(Language::named("go")), dir.path(), None).unwrap();
        assert_eq!(s.framework, Framework::GoTest);
        assert_eq!(s.go_module.as_deref(), Some("example.com/m"));
    }
}
