//! Python: pytest (and unittest ids), pyproject/setup.cfg/tox projects.

pub mod context;
pub mod coverage;
pub mod grammar;
pub mod log;
pub mod pytest;
pub mod roots;

use super::framework::Framework;
use super::Lang;
use crate::failure::LogParser;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

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

    fn coverage(&self) -> Option<&'static dyn super::coverage::CoverageRunner> {
        Some(&coverage::PytestCoverage)
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

    /// pytest, whatever the command: its `FAILED` lines are read from any run of it.
    fn framework(&self, _root: &Path, _command: Option<&str>) -> Option<Framework> {
        Some(Arc::new(pytest::Pytest))
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

    fn source_roots(
        &self,
        repo: &dyn crate::lang::context::RepoView,
    ) -> crate::lang::roots::SourceRoots {
        roots::source_roots(repo)
    }

    fn grammars(&self) -> &'static [&'static dyn crate::syntax::Grammar] {
        &[&grammar::Python]
    }

    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        vec![Box::new(log::Python::new())]
    }

    /// `python -m MODULE` whose output says the module is not installed.
    fn missing_tool(&self, command: &str, output: &str) -> Option<(String, String)> {
        let module = missing_module(command, output)?;
        Some((
            format!("the Python module `{module}`"),
            format!("No module named {module}"),
        ))
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

/// The module of `python -m MODULE` when the output says it is not installed.
fn missing_module(command: &str, text: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let module = words
        .windows(2)
        .find(|w| w[0] == "-m")
        .map(|w| w[1].split('.').next().unwrap_or(w[1]))?;
    // `No module named pytest`, not `No module named pytest_asyncio` (a plugin
    // the tests import: a dependency of the project, reported by pytest itself).
    let re = regex::Regex::new(&format!(
        r"(?m)No module named '?{}'?\s*$",
        regex::escape(module)
    ))
    .ok()?;
    re.is_match(text).then(|| module.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_module_is_read_from_pythons_words() {
        let m = |cmd: &str, text: &str| missing_module(cmd, text);
        assert_eq!(
            m(
                "python -m pytest -q",
                "/usr/bin/python3: No module named pytest\n"
            )
            .as_deref(),
            Some("pytest")
        );
        assert_eq!(
            m(
                "python -m pytest -q",
                "E   ModuleNotFoundError: No module named 'pytest_asyncio'\n"
            ),
            None
        );
        assert_eq!(
            m("pytest -q", "No module named pytest\n"),
            None,
            "not run with -m"
        );
    }
}
