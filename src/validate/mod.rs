//! Proving a fix: a sandbox copy of the checkout, the failing tests, then the full command.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error("cannot create sandbox: {0}")]
    Sandbox(String),
    #[error("cannot run {command}: {reason}")]
    Spawn { command: String, reason: String },
    #[error("docker validation unavailable: {0}")]
    Docker(String),
}

/// A temporary copy of the checkout; removed on drop.
pub struct Sandbox {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Sandbox {
    /// Copies `workdir` (skipping what .gitignore ignores and `.git` internals) to a temp dir.
    pub fn create(workdir: &Path) -> Result<Sandbox, ValidateError> {
        let _ = workdir;
        todo!()
    }
}

/// Where validation commands run (`validation` setting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runner {
    Subprocess,
    Docker { image: String },
    None,
}

/// What to run to prove a fix.
#[derive(Debug, Clone, Default)]
pub struct ValidationPlan {
    /// Test ids that failed in CI, in the framework's form (pytest node ids).
    pub failing_tests: Vec<String>,
    /// `python`, `go`, ... (from the analysis) to pick the test runner.
    pub language: Option<String>,
    /// The full command: `test-command`, else the failed step's command, else detected.
    pub test_command: Option<String>,
    pub setup_command: Option<String>,
    /// Per command.
    pub timeout: Duration,
    /// Run only the failing tests (the baseline that tells real failures from flaky ones).
    pub scope_only: bool,
}

/// The outcome, as the report records it (design.md 3.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub passed: bool,
    pub commands: Vec<String>,
    pub output_tail: String,
}

/// Runs the plan in `root` (the sandbox).
pub async fn validate(
    root: &Path,
    plan: &ValidationPlan,
    runner: &Runner,
) -> Result<Validation, ValidateError> {
    let _ = (root, plan, runner);
    todo!()
}

/// The project's own test command, from its files (pytest.ini, pyproject, go.mod, Cargo.toml, ...).
pub fn detect_test_command(root: &Path, language: Option<&str>) -> Option<String> {
    let _ = (root, language);
    todo!()
}
