//! Proving a fix: a sandbox copy of the checkout, the failing tests, then the full command.
//!
//! The pass rule: the failing tests (scoped run) must pass, and the full command
//! must pass — or, when it fails, every test it reports as failing must be one
//! of [`ValidationPlan::pre_existing_failures`] (tests that already failed before
//! the change and are not what this fix is for). Which tests failed is read from
//! the ecosystem (pytest's `FAILED`/`ERROR` lines); when they cannot be read
//! completely (another framework, `-rN`, a crash), a failing full command fails the validation.

mod docker;
mod exec;
pub mod results;
mod sandbox;
pub mod scope;

pub use exec::{is_secret_env, scrubbed_env, HEAD_BYTES, TAIL_BYTES};
pub use sandbox::Sandbox;

use crate::ecosystem::{self, Language};
use exec::{Exit, Outcome};
use serde::{Deserialize, Serialize};
use std::path::Path;
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
    /// From the analysis, to pick the test runner; guessed from the test ids when None.
    pub language: Option<Language>,
    /// The full command: `test-command`, else the failed step's command, else detected.
    pub test_command: Option<String>,
    pub setup_command: Option<String>,
    /// Per command. Zero means [`DEFAULT_TIMEOUT`].
    pub timeout: Duration,
    /// Run only the failing tests (the baseline that tells real failures from flaky ones).
    pub scope_only: bool,
    /// Tests that already failed before the change and that this fix does not
    /// target (other CI failures, or [`baseline_failures`] of the original tree):
    /// the full command may still fail on these.
    pub pre_existing_failures: Vec<String>,
}

/// The outcome, as the report records it (design.md 3.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub passed: bool,
    pub commands: Vec<String>,
    pub output_tail: String,
}

/// Per-command timeout when the plan gives none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// `output_tail` of a validation skipped by `validation: none`.
pub const DISABLED: &str = "validation disabled by configuration";

/// Bytes of a passing step's output kept in `output_tail`.
const PASSED_STEP_TAIL: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Setup,
    Scoped,
    Full,
}

/// Runs the plan in `root` (the sandbox): setup, the failing tests, the full command.
/// `Runner::None` skips everything and passes, with [`DISABLED`] as the output.
pub async fn validate(
    root: &Path,
    plan: &ValidationPlan,
    runner: &Runner,
) -> Result<Validation, ValidateError> {
    if *runner == Runner::None {
        return Ok(Validation {
            passed: true,
            commands: Vec::new(),
            output_tail: DISABLED.to_string(),
        });
    }
    let language = language_of(plan);
    let full = plan
        .test_command
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| ecosystem::detect_test_command(root, language));
    let scoped = ecosystem::scoped_command(language, &plan.failing_tests);
    if full.is_none() && scoped.is_none() {
        return Ok(Validation {
            passed: false,
            commands: Vec::new(),
            output_tail: "no test command to validate with: set test-command".to_string(),
        });
    }
    let mut steps = Vec::new();
    if let Some(s) = plan.setup_command.clone().filter(|c| !c.trim().is_empty()) {
        steps.push((Step::Setup, s));
    }
    let has_scoped = scoped.is_some();
    if let Some(s) = scoped {
        steps.push((Step::Scoped, s));
    }
    if let Some(s) = full.filter(|_| !(plan.scope_only && has_scoped)) {
        steps.push((Step::Full, s));
    }

    let timeout = effective_timeout(plan.timeout);
    let executor = Executor::start(root, runner).await?;
    let result = run_steps(&executor, &steps, plan, timeout).await;
    executor.stop().await;
    result
}

/// The tests the full command reports failing on the unchanged tree in `root`
/// (after the setup command): `Some(vec![])` when it passes, None when it fails
/// in a way whose failing tests cannot be read. Feed the result into
/// [`ValidationPlan::pre_existing_failures`] (minus the targeted tests).
pub async fn baseline_failures(
    root: &Path,
    plan: &ValidationPlan,
    runner: &Runner,
) -> Result<Option<Vec<String>>, ValidateError> {
    if *runner == Runner::None {
        return Ok(Some(Vec::new()));
    }
    let language = language_of(plan);
    let Some(full) = plan
        .test_command
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| ecosystem::detect_test_command(root, language))
    else {
        return Ok(None);
    };
    let timeout = effective_timeout(plan.timeout);
    let executor = Executor::start(root, runner).await?;
    let mut result = Ok(None);
    let setup_ok = match plan
        .setup_command
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        Some(setup) => match executor.exec(setup, timeout).await {
            Ok(o) => o.exit.success(),
            Err(e) => {
                result = Err(e);
                false
            }
        },
        None => true,
    };
    if setup_ok {
        result = executor.exec(&full, timeout).await.map(|o| {
            if o.exit.success() {
                Some(Vec::new())
            } else if o.exit == Exit::Code(1) {
                ecosystem::or_default(language)
                    .failed_tests(&o.capture.report_lines, o.capture.summary_line.as_deref())
            } else {
                None
            }
        });
    }
    executor.stop().await;
    result
}

fn effective_timeout(t: Duration) -> Duration {
    if t.is_zero() {
        DEFAULT_TIMEOUT
    } else {
        t
    }
}

/// The plan's language, else the one whose form the test ids have (pytest node ids).
fn language_of(plan: &ValidationPlan) -> Option<Language> {
    plan.language
        .or_else(|| Language::of_test_ids(&plan.failing_tests))
}

async fn run_steps(
    executor: &Executor<'_>,
    steps: &[(Step, String)],
    plan: &ValidationPlan,
    timeout: Duration,
) -> Result<Validation, ValidateError> {
    let mut v = Validation::default();
    let mut sections: Vec<String> = Vec::new();
    for (step, cmd) in steps {
        v.commands.push(cmd.clone());
        let out = executor.exec(cmd, timeout).await?;
        let (ok, note) = judge(*step, &out, plan);
        let body = if ok && note.is_none() {
            out.capture.last(PASSED_STEP_TAIL)
        } else {
            out.capture.text()
        };
        let mut section = format!("$ {cmd}\n");
        if !body.trim().is_empty() {
            section.push_str(body.trim_end());
            section.push('\n');
        }
        section.push_str(&format!("[{}]", out.exit.describe()));
        if let Some(n) = note {
            section.push_str(&format!("\n{n}"));
        }
        sections.push(section);
        if !ok {
            v.passed = false;
            v.output_tail = sections.join("\n\n");
            return Ok(v);
        }
    }
    v.passed = true;
    v.output_tail = sections.join("\n\n");
    Ok(v)
}

/// Whether a step passed, with a note on why when that is not just its exit code.
fn judge(step: Step, out: &Outcome, plan: &ValidationPlan) -> (bool, Option<String>) {
    if out.exit.success() {
        return (true, None);
    }
    match step {
        Step::Setup => (false, Some("setup command failed".to_string())),
        Step::Scoped => {
            let not_found = match (&out.exit, language_of(plan)) {
                (Exit::Code(code), Some(l)) => ecosystem::of(l).scoped_found_nothing(*code),
                _ => false,
            };
            let note = if not_found {
                "the scoped run did not find the failing tests; check the test ids and the working directory".to_string()
            } else {
                "the previously failing tests still fail".to_string()
            };
            (false, Some(note))
        }
        Step::Full => {
            if out.exit != Exit::Code(1) {
                return (false, Some("full test command failed".to_string()));
            }
            let Some(failed) = ecosystem::or_default(language_of(plan)).failed_tests(
                &out.capture.report_lines,
                out.capture.summary_line.as_deref(),
            ) else {
                return (
                    false,
                    Some("full test command failed (its failing tests could not be read)".into()),
                );
            };
            let new: Vec<&String> = failed
                .iter()
                .filter(|f| {
                    !plan
                        .pre_existing_failures
                        .iter()
                        .any(|p| scope::same_test(f, p))
                })
                .collect();
            if new.is_empty() {
                (
                    true,
                    Some(format!(
                        "accepted: the full command fails only on tests that already failed before: {}",
                        failed.join(", ")
                    )),
                )
            } else {
                let list: Vec<&str> = new.iter().map(|s| s.as_str()).collect();
                (
                    false,
                    Some(format!("full test command fails on: {}", list.join(", "))),
                )
            }
        }
    }
}

/// Runs step commands either as local subprocesses or in one docker container.
enum Executor<'a> {
    Local {
        root: &'a Path,
        env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    },
    Docker(docker::Container),
}

impl<'a> Executor<'a> {
    async fn start(root: &'a Path, runner: &Runner) -> Result<Executor<'a>, ValidateError> {
        match runner {
            Runner::Docker { image } => Ok(Executor::Docker(
                docker::Container::start(&docker::docker_binary()?, image, root).await?,
            )),
            _ => Ok(Executor::Local {
                root,
                env: exec::scrubbed_env(),
            }),
        }
    }

    async fn exec(&self, cmd: &str, timeout: Duration) -> Result<Outcome, ValidateError> {
        match self {
            Executor::Local { root, env } => {
                exec::run("sh", &[String::from("-c"), merged(cmd)], root, env, timeout)
                    .await
                    .map_err(|e| ValidateError::Spawn {
                        command: cmd.to_string(),
                        reason: e.to_string(),
                    })
            }
            Executor::Docker(c) => c.exec(&merged(cmd), cmd, timeout).await,
        }
    }

    async fn stop(self) {
        if let Executor::Docker(c) = self {
            c.remove().await;
        }
    }
}

/// The script `sh -c` runs: the command with stderr merged into stdout, so the
/// captured output keeps the order it was written in.
fn merged(cmd: &str) -> String {
    format!("exec 2>&1\n{cmd}")
}

/// The project's own test command, from its files, for the language named
/// `language` (see [`ecosystem::detect_test_command`]).
pub fn detect_test_command(root: &Path, language: Option<&str>) -> Option<String> {
    ecosystem::detect_test_command(root, language.and_then(Language::from_name))
}
