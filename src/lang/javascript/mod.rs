//! JavaScript and TypeScript: npm projects, jest.

pub mod context;
pub mod coverage;
pub mod grammar;
pub mod grammar_typescript;
pub mod jest_json;
pub mod log;
pub mod roots;
pub mod runners;
pub mod tap;

use super::framework::Framework;
use super::Lang;
use crate::failure::LogParser;
use runners::JsRunner;
use std::path::Path;
use std::sync::Arc;

pub struct JavaScript;

impl Lang for JavaScript {
    fn name(&self) -> &'static str {
        "javascript"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["js", "typescript", "ts", "node", "jest"]
    }

    fn tools(&self) -> &'static [&'static str] {
        &[
            "jest", "vitest", "mocha", "tsc", "eslint", "prettier", "node", "npm",
        ]
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["js", "jsx", "ts", "tsx", "mjs", "cjs"]
    }

    fn fence_tag(&self, ext: &str) -> Option<&'static str> {
        match ext {
            "js" | "mjs" | "cjs" => Some("javascript"),
            "ts" | "tsx" => Some("typescript"),
            _ => None,
        }
    }

    fn detect_test_command(&self, root: &Path, _declared: bool) -> Option<String> {
        let text = std::fs::read_to_string(root.join("package.json")).unwrap_or_default();
        let pkg: serde_json::Value = serde_json::from_str(&text).ok()?;
        let test = pkg.get("scripts")?.get("test")?.as_str()?;
        // `npm init` writes a test script that only fails.
        (!test.contains("no test specified")).then(|| "npm test".to_string())
    }

    /// The runner of the full command, else of `package.json`'s test script, else the
    /// one among the dependencies.
    fn coverage(&self) -> Option<&'static dyn super::coverage::CoverageRunner> {
        Some(&coverage::NodeCoverage)
    }

    fn framework(&self, root: &Path, command: Option<&str>) -> Option<Framework> {
        JsRunner::of_project(root, command).map(|r| Arc::new(r) as Framework)
    }

    /// jest's `x.test.js` is also the rule for files no ecosystem claims, so
    /// `is_test_path` applies [`test_or_spec_segment`] to both.
    fn test_file_name(&self, _stem: &str, _ext: &str) -> Option<bool> {
        None
    }

    fn recipes(&self) -> &'static [&'static str] {
        &["prettier", "eslint-fix", "tsc-did-you-mean"]
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["package.json"]
    }

    fn docker_image(&self) -> &'static str {
        "node:20"
    }

    fn source_roots(
        &self,
        repo: &dyn crate::lang::context::RepoView,
    ) -> crate::lang::roots::SourceRoots {
        roots::source_roots(repo)
    }

    fn grammars(&self) -> &'static [&'static dyn crate::syntax::Grammar] {
        &[
            &grammar::JavaScript,
            &grammar_typescript::TypeScript,
            &grammar_typescript::Tsx,
        ]
    }

    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        vec![Box::new(log::Js::new())]
    }

    fn context(&self) -> &'static dyn super::context::SourceContext {
        &context::JsContext
    }
}

/// `x.test.js`, `x.spec.tsx`, ...: a `test`/`spec` segment before the extension (the
/// jest/mocha convention, also the rule for files of languages without their own).
pub(super) fn test_or_spec_segment(name: &str) -> bool {
    let mut segs = name.split('.');
    segs.next();
    let segs: Vec<&str> = segs.collect();
    segs.len() >= 2
        && segs[..segs.len() - 1]
            .iter()
            .any(|s| *s == "test" || *s == "spec")
}
