//! JavaScript and TypeScript: npm projects, jest.

pub mod context;
pub mod log;

use super::{Framework, Lang, Scoping};
use crate::failure::LogParser;
use std::path::Path;

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

    fn scoping(&self, root: &Path, command: Option<&str>) -> Option<Scoping> {
        js_scoping(root, command).map(Scoping::new)
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

/// The runner a command names (`npx vitest run`, `jest --ci`, `node --test`).
fn named_runner(command: &str) -> Option<Framework> {
    let words: Vec<&str> = command
        .split(|c: char| c.is_whitespace() || c == '/' || c == '&' || c == ';' || c == '|')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if has("vitest") {
        Some(Framework::Vitest)
    } else if has("jest") {
        Some(Framework::Jest)
    } else if has("mocha") {
        Some(Framework::Mocha)
    } else if has("node")
        && words
            .iter()
            .any(|w| *w == "--test" || w.starts_with("--test="))
    {
        Some(Framework::NodeTest)
    } else {
        None
    }
}

/// The runner of the full command, else of `package.json`'s test script, else the
/// one among the dependencies.
fn js_scoping(root: &Path, command: Option<&str>) -> Option<Framework> {
    let text = std::fs::read_to_string(root.join("package.json")).unwrap_or_default();
    let pkg: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let script = pkg
        .get("scripts")
        .and_then(|s| s.get("test"))
        .and_then(|t| t.as_str());
    let dep = |name: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|k| pkg.get(k).and_then(|d| d.get(name)).is_some())
    };
    command
        .and_then(named_runner)
        .or_else(|| script.and_then(named_runner))
        .or_else(|| {
            [
                ("vitest", Framework::Vitest),
                ("jest", Framework::Jest),
                ("mocha", Framework::Mocha),
            ]
            .into_iter()
            .find(|(name, _)| dep(name))
            .map(|(_, f)| f)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runner_comes_from_the_command_then_the_script_then_the_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = |json: &str| std::fs::write(dir.path().join("package.json"), json).unwrap();
        pkg(r#"{"scripts":{"test":"mocha"},"devDependencies":{"jest":"1"}}"#);
        assert_eq!(
            js_scoping(dir.path(), Some("npx vitest run")),
            Some(Framework::Vitest)
        );
        assert_eq!(
            js_scoping(dir.path(), Some("npm test")),
            Some(Framework::Mocha)
        );
        assert_eq!(
            js_scoping(dir.path(), Some("node --test --test-reporter=spec")),
            Some(Framework::NodeTest)
        );
        pkg(r#"{"devDependencies":{"jest":"1","typescript":"5"}}"#);
        assert_eq!(
            js_scoping(dir.path(), Some("npm test")),
            Some(Framework::Jest)
        );
        pkg(r#"{"devDependencies":{"typescript":"5"}}"#);
        assert_eq!(js_scoping(dir.path(), Some("npx tsc --noEmit")), None);
    }
}
