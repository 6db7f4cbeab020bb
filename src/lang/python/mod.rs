//! Python: pytest (and unittest ids), pyproject/setup.cfg/tox projects.

pub mod context;
pub mod log;

use super::{quoted_words, Lang};
use crate::failure::LogParser;
use std::path::Path;
use std::process::Command;

pub struct Python;

/// The Python interpreter name to put in commands: `python` where it exists
/// (virtualenvs, setup-python), else `python3` (Debian images).
pub fn python() -> &'static str {
    if which::which("python").is_ok() {
        "python"
    } else {
        "python3"
    }
}

impl Lang for Python {
    fn name(&self) -> &'static str {
        "python"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["py"]
    }

    fn tools(&self) -> &'static [&'static str] {
        &[
            "pytest",
            "unittest",
            "python",
            "mypy",
            "flake8",
            "ruff",
            "black",
            "isort",
            "pylint",
            "pep8",
            "pycodestyle",
        ]
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["py"]
    }

    fn fence_tag(&self, ext: &str) -> Option<&'static str> {
        (ext == "py").then_some("python")
    }

    fn detect_test_command(&self, root: &Path, declared: bool) -> Option<String> {
        let has = |p: &str| root.join(p).exists();
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
        let configured = has("pytest.ini")
            || read("pyproject.toml").contains("[tool.pytest")
            || read("setup.cfg").contains("[tool:pytest]")
            || read("tox.ini").contains("[pytest]")
            || has("conftest.py")
            || root.join("tests").is_dir()
            || root.join("test").is_dir()
            || top_level_tests(root);
        let python_project = has("pyproject.toml") || has("setup.py") || has("setup.cfg");
        (configured || (declared && python_project)).then(|| format!("{} -m pytest -q", python()))
    }

    fn scoped_command(&self, tests: &[&str]) -> Option<String> {
        Some(format!(
            "{} -m pytest -q -p no:cacheprovider {}",
            python(),
            quoted_words(tests)
        ))
    }

    fn failed_tests(&self, report_lines: &[String], summary: Option<&str>) -> Option<Vec<String>> {
        pytest_failures(report_lines, summary)
    }

    /// pytest: 4 = usage error (no such file), 5 = nothing collected.
    fn scoped_found_nothing(&self, code: i32) -> bool {
        matches!(code, 4 | 5)
    }

    /// pytest node ids (`file.py::test`) or test files.
    fn claims_test_ids(&self, ids: &[String]) -> bool {
        ids.iter()
            .all(|t| t.contains(".py::") || t.ends_with(".py"))
    }

    fn test_file_name(&self, stem: &str, ext: &str) -> Option<bool> {
        (ext == "py")
            .then(|| stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest")
    }

    fn recipes(&self) -> &'static [&'static str] {
        &[
            "python-did-you-mean",
            "black",
            "ruff-format",
            "isort",
            "ruff-fix",
        ]
    }

    fn manifests(&self) -> &'static [&'static str] {
        &[
            "pyproject.toml",
            "setup.py",
            "setup.cfg",
            "pytest.ini",
            "tox.ini",
        ]
    }

    fn docker_image(&self) -> &'static str {
        "python:3.11"
    }

    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        vec![Box::new(log::Python::new())]
    }

    fn context(&self) -> &'static dyn super::context::SourceContext {
        &context::PythonContext
    }

    /// A pytest command needs pytest importable by the interpreter it starts.
    fn check_test_tool(&self, cmd: &str, program: &str) -> Option<Result<(), String>> {
        if !(cmd.contains("pytest") && (program.starts_with("python") || program == "pytest")) {
            return None;
        }
        let python = if program == "pytest" {
            "python3"
        } else {
            program
        };
        let ok = Command::new(python)
            .args(["-m", "pytest", "--version"])
            .output()
            .is_ok_and(|o| o.status.success());
        Some(if ok {
            Ok(())
        } else {
            Err(format!(
                "pytest is not installed for {python} (pip install pytest)"
            ))
        })
    }
}

fn top_level_tests(root: &Path) -> bool {
    let Ok(dir) = std::fs::read_dir(root) else {
        return false;
    };
    dir.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
    })
}

/// The tests a pytest run reports as failed or errored, from its `FAILED`/`ERROR`
/// lines; None when the report cannot be trusted to be complete (no summary line,
/// or fewer lines than the summary counts).
pub(super) fn pytest_failures(
    report_lines: &[String],
    summary: Option<&str>,
) -> Option<Vec<String>> {
    let summary = summary?;
    let mut expected = 0usize;
    let words: Vec<&str> = summary
        .split(|c: char| c.is_whitespace() || c == ',' || c == '=')
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        if let Ok(n) = pair[0].parse::<usize>() {
            if matches!(pair[1], "failed" | "error" | "errors") {
                expected += n;
            }
        }
    }
    let mut ids: Vec<String> = Vec::new();
    for line in report_lines {
        let rest = line
            .strip_prefix("FAILED ")
            .or_else(|| line.strip_prefix("ERROR "))
            .unwrap_or(line);
        let id = node_id(rest);
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    (ids.len() >= expected && expected > 0).then_some(ids)
}

/// The node id of a `FAILED` line's rest: up to ` - message`, minding `[params - x]`.
fn node_id(rest: &str) -> String {
    let mut depth = 0i32;
    let bytes = rest.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' => depth -= 1,
            b' ' if depth <= 0 && rest[i..].starts_with(" - ") => {
                return rest[..i].trim().to_string();
            }
            _ => {}
        }
    }
    rest.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pytest_report_parsing_needs_a_complete_report() {
        let lines = vec![
            "FAILED tests/test_a.py::test_x - assert 1 == 2".to_string(),
            "FAILED tests/test_a.py::test_p[a - b] - boom".to_string(),
        ];
        assert_eq!(
            pytest_failures(&lines, Some("2 failed, 3 passed in 0.10s")),
            Some(vec![
                "tests/test_a.py::test_x".to_string(),
                "tests/test_a.py::test_p[a - b]".to_string()
            ])
        );
        assert_eq!(pytest_failures(&lines, Some("3 failed in 0.1s")), None);
        assert_eq!(pytest_failures(&lines, None), None);
    }
}
