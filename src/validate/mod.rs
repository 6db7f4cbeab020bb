//! Proving a fix: a sandbox copy of the checkout, the failing tests, then the full command.
//!
//! The pass rule: the failing tests (scoped run) must pass, and the full command
//! must pass — or, when it fails, every test it reports as failing must be one
//! of [`ValidationPlan::pre_existing_failures`] (tests that already failed before
//! the change and are not what this fix is for). Which tests failed is read from
//! the language's test framework (pytest's `FAILED`/`ERROR` lines, Surefire's
//! reports); when they cannot be read completely (no framework, `-rN`, a crash), a
//! failing full command fails the validation.
//!
//! The scoped run is the framework's own ([`scope::scoped_run`]); one that leaves a
//! report is judged by it ([`report`]), never by its exit code: only "the named
//! tests ran and passed" passes (pytest's is judged by its exit code, which says as
//! much). A scoped run that ran nothing is never a pass; on
//! the unchanged tree (the baseline reproduction) a run of nothing that exited 0
//! means the ids or the scoping are wrong, which is [`ValidateError::Environment`]:
//! neither "flaky" nor a verdict on a fix.

pub mod coverage;
mod docker;
mod exec;
mod report;
mod sandbox;
pub mod scope;
mod steps;
mod venv;

pub use docker::{
    default_cpus, DockerOptions, DEFAULT_MEMORY, DEFAULT_PIDS, LABEL as DOCKER_LABEL,
};
pub use exec::{is_secret_env, scrubbed_env, HEAD_BYTES, OUTPUT, TAIL_BYTES};
pub use report::{junit_reports, remove_stale_reports};
pub use sandbox::Sandbox;
pub use steps::DEFAULT_SHELL;

use crate::lang::framework::{
    self, sh_quote, Framework, OutputLines, ResultsAt, ScopedCommand, TestFramework,
};
use crate::lang::reports::{TestRun, Verdict};
use crate::lang::{self, Language};
use exec::{Exit, Outcome};
use report::{
    own_files, read_full_report, read_report, remove_full_reports, FULL_OUTPUT, SCOPED_OUTPUT,
};
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
    /// A step could not run for a reason outside the code: a missing tool or
    /// interpreter (exit 126/127, `No module named pytest`), a missing shell, a
    /// failed setup command. Not a test result: nothing was proven either way.
    #[error("{reason}")]
    Environment {
        reason: String,
        /// The steps run so far, their output included, for the report.
        validation: Validation,
    },
}

/// Where validation commands run (`validation` setting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runner {
    Subprocess,
    Docker(DockerOptions),
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
    /// The `shell:` template the full command ran under in CI (`/usr/bin/bash -e
    /// {0}`), when it is the failed step's command; else [`DEFAULT_SHELL`].
    pub test_shell: Option<String>,
    pub setup_command: Option<String>,
    /// Per command. Zero means [`DEFAULT_TIMEOUT`].
    pub timeout: Duration,
    /// Run only the failing tests (the baseline that tells real failures from flaky ones).
    pub scope_only: bool,
    /// Tests that already failed before the change and that this fix does not
    /// target (other CI failures, or [`baseline_failures`] of the original tree):
    /// the full command may still fail on these.
    pub pre_existing_failures: Vec<String>,
    /// Where every step runs, relative to the checkout: a monorepo's project
    /// ([`crate::lang::project::project_dir`]); None for the root.
    pub project_dir: Option<PathBuf>,
}

/// The outcome, as the report records it (docs/report.md).
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

/// One step: what it is, its command, and the `shell:` template it runs under.
struct PlannedStep {
    kind: Step,
    command: String,
    shell: String,
    /// The framework of a scoped or full step, which reads what it did.
    framework: Option<Framework>,
    /// A scoped run judged by its report: how to read it, and the tests it is for.
    report: Option<(ScopedCommand, Vec<String>)>,
    /// The full run's report, which names its failing tests (see [`full_step`]).
    full: Option<ScopedCommand>,
}

impl PlannedStep {
    fn new(kind: Step, command: String, shell: Option<&str>) -> PlannedStep {
        let shell = shell
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(DEFAULT_SHELL)
            .to_string();
        PlannedStep {
            kind,
            command,
            shell,
            framework: None,
            report: None,
            full: None,
        }
    }

    /// The scoped run of `sc`; a report on stdout is also kept in [`SCOPED_OUTPUT`]
    /// (the captured output is only its head and tail).
    /// The scoped run of `sc` in `framework`; a report on stdout is also kept in
    /// [`SCOPED_OUTPUT`] (the captured output is only its head and tail). The step
    /// runs under `bash -eo pipefail`, so the `tee` keeps the runner's exit code.
    fn scoped(sc: ScopedCommand, wanted: Vec<String>, framework: Framework) -> PlannedStep {
        let line = sc.shell();
        let command = match sc.results {
            ResultsAt::Stdout => format!("{line} | tee {SCOPED_OUTPUT}"),
            ResultsAt::Output => format!("{line} 2>&1 | tee {SCOPED_OUTPUT}"),
            ResultsAt::File(_) | ResultsAt::JUnitDirs(_) | ResultsAt::ExitCode => line,
        };
        // A run judged by its exit code reads no report.
        let report = (sc.results != ResultsAt::ExitCode).then_some((sc, wanted));
        PlannedStep {
            framework: Some(framework),
            report,
            ..PlannedStep::new(Step::Scoped, command, None)
        }
    }
}

/// Runs the plan in `root` (the sandbox): setup, the failing tests, the full command.
/// `Runner::None` skips everything and passes, with [`DISABLED`] as the output.
/// A step that cannot run for a reason outside the code is
/// [`ValidateError::Environment`], never a failed validation.
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
    let sandbox = root;
    let project = project_root(root, plan)?;
    let root = project.as_path();
    let language = language_of(plan, root);
    let full = full_command(root, plan, language);
    let framework = language.and_then(|l| l.framework(root, full.as_deref()));
    let scoped = scoped_step(plan, framework.clone());
    if full.is_none() && scoped.is_none() {
        return Ok(Validation {
            passed: false,
            commands: Vec::new(),
            output_tail: "no test command to validate with: set test-command".to_string(),
        });
    }
    let mut steps = Vec::new();
    if let Some(s) = setup_command(plan) {
        steps.push(PlannedStep::new(Step::Setup, s, None));
    }
    let has_scoped = scoped.is_some();
    if let Some(s) = scoped {
        steps.push(s);
    }
    if let Some(s) = full.filter(|_| !(plan.scope_only && has_scoped)) {
        steps.push(full_step(plan, framework, s));
    }

    let timeout = effective_timeout(plan.timeout);
    let mut executor = Executor::start(root, sandbox, runner, &steps).await?;
    let result = run_steps(&mut executor, root, &steps, plan, timeout).await;
    executor.stop().await;
    // The evidence says where the commands ran, so a reader can run them again.
    let cd = |v: &mut Validation| {
        if let Some(dir) = &plan.project_dir {
            let dir = sh_quote(&dir.display().to_string());
            for c in &mut v.commands {
                *c = format!("cd {dir} && {c}");
            }
        }
    };
    match result {
        Ok(mut v) => {
            cd(&mut v);
            Ok(v)
        }
        Err(ValidateError::Environment {
            reason,
            mut validation,
        }) => {
            cd(&mut validation);
            Err(ValidateError::Environment { reason, validation })
        }
        Err(e) => Err(e),
    }
}

/// The directory the steps run in: `root` or the plan's project inside it.
fn project_root(root: &Path, plan: &ValidationPlan) -> Result<PathBuf, ValidateError> {
    let Some(dir) = &plan.project_dir else {
        return Ok(root.to_path_buf());
    };
    let at = root.join(dir);
    if !at.is_dir() {
        return Err(ValidateError::Sandbox(format!(
            "the project directory {} is not in the checkout",
            dir.display()
        )));
    }
    Ok(at)
}

/// The scoped step: the framework's own run of the failing tests, read back by its
/// report (or judged by its exit code where the framework says so).
fn scoped_step(plan: &ValidationPlan, framework: Option<Framework>) -> Option<PlannedStep> {
    let framework = framework?;
    let wanted: Vec<String> = plan
        .failing_tests
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let sc = framework::scoped(framework.as_ref(), &wanted)?;
    Some(PlannedStep::scoped(sc, wanted, framework))
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
    let sandbox = root;
    let project = project_root(root, plan)?;
    let root = project.as_path();
    let language = language_of(plan, root);
    let Some(full) = full_command(root, plan, language) else {
        return Ok(None);
    };
    let framework = language.and_then(|l| l.framework(root, Some(&full)));
    let mut steps = Vec::new();
    if let Some(s) = setup_command(plan) {
        steps.push(PlannedStep::new(Step::Setup, s, None));
    }
    steps.push(full_step(plan, framework, full));
    let timeout = effective_timeout(plan.timeout);
    let mut executor = Executor::start(root, sandbox, runner, &steps).await?;
    let result = baseline_steps(&mut executor, root, &steps, timeout).await;
    executor.stop().await;
    result
}

async fn baseline_steps(
    executor: &mut Executor<'_>,
    root: &Path,
    steps: &[PlannedStep],
    timeout: Duration,
) -> Result<Option<Vec<String>>, ValidateError> {
    let mut v = Validation::default();
    for (i, step) in steps.iter().enumerate() {
        if step.kind == Step::Full {
            remove_full_reports(root, step);
        }
        let out = run_one(executor, i, step, timeout, &mut v).await?;
        if step.kind == Step::Full {
            return Ok(if out.exit.success() {
                Some(Vec::new())
            } else {
                full_failures(root, step, &out).ok()
            });
        }
    }
    Ok(None)
}

/// The full step: the full command, adapted to leave a report naming every
/// failing test ([`framework::TestFramework::full`]) when it is one plain call of
/// the project's framework and runs under a POSIX shell; else unchanged (pytest's
/// lines are read from its output; Surefire's reports of a one-module build are
/// read where they are).
fn full_step(plan: &ValidationPlan, framework: Option<Framework>, full: String) -> PlannedStep {
    let plain = PlannedStep::new(Step::Full, full.clone(), plan.test_shell.as_deref());
    let Some(framework) = framework else {
        return plain;
    };
    let posix = {
        let sh = plain.shell.split_whitespace().next().unwrap_or("");
        matches!(sh.rsplit('/').next(), Some("bash" | "sh"))
    };
    let adapted = posix.then(|| framework.full(&full)).flatten();
    let Some(sc) = adapted else {
        return PlannedStep {
            full: framework.report_of(&full),
            framework: Some(framework),
            ..plain
        };
    };
    let line = sc.shell();
    // No pipe: the step's shell may lack `pipefail`, and the runner's exit code must stay.
    let command = match sc.results {
        ResultsAt::Stdout => {
            format!("rc=0; {line} > {FULL_OUTPUT} || rc=$?; cat {FULL_OUTPUT}; exit $rc")
        }
        ResultsAt::Output => {
            format!("rc=0; {line} > {FULL_OUTPUT} 2>&1 || rc=$?; cat {FULL_OUTPUT}; exit $rc")
        }
        ResultsAt::File(_) | ResultsAt::JUnitDirs(_) | ResultsAt::ExitCode => line,
    };
    PlannedStep {
        command,
        framework: Some(framework),
        full: Some(sc),
        ..plain
    }
}

/// The tests a failed full run reports failing: from its report (see
/// [`full_step`]), else the lines its framework reads from its output (exit code
/// 1, "tests failed"); Err says why they cannot be read completely.
fn full_failures(root: &Path, step: &PlannedStep, out: &Outcome) -> Result<Vec<String>, String> {
    if let (Some(sc), Some(framework)) = (&step.full, &step.framework) {
        let text = match sc.results {
            ResultsAt::Stdout | ResultsAt::Output => {
                std::fs::read_to_string(root.join(FULL_OUTPUT)).unwrap_or_default()
            }
            _ => out.capture.text(),
        };
        let run = read_full_report(root, sc, framework.as_ref())?;
        if !run.errors.is_empty() {
            return Err(format!(
                "the run broke outside any test: {}",
                run.errors.join("; ")
            ));
        }
        if let Some(why) = framework.incomplete(&text) {
            return Err(why);
        }
        let failed: Vec<String> = run.failed().into_iter().map(str::to_string).collect();
        if failed.is_empty() {
            return Err(format!(
                "it failed ({}) but its report names no failing test",
                out.exit.describe()
            ));
        }
        return Ok(failed);
    }
    if out.exit != Exit::Code(1) {
        return Err(format!(
            "{} is not \"tests failed\" (exit code 1)",
            out.exit.describe()
        ));
    }
    step.framework
        .as_ref()
        .and_then(|f| f.failed_in_output(&out.capture.lines, out.capture.summary.as_deref()))
        .ok_or_else(|| "no list of failing tests in its output".to_string())
}

fn full_command(root: &Path, plan: &ValidationPlan, language: Option<Language>) -> Option<String> {
    plan.test_command
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| lang::detect_test_command(root, language))
}

fn setup_command(plan: &ValidationPlan) -> Option<String> {
    plan.setup_command.clone().filter(|c| !c.trim().is_empty())
}

fn effective_timeout(t: Duration) -> Duration {
    if t.is_zero() {
        DEFAULT_TIMEOUT
    } else {
        t
    }
}

/// The plan's language, else the one whose form the test ids have (pytest node ids),
/// else the project's at `root` as detection finds it; None when none claims it.
fn language_of(plan: &ValidationPlan, root: &Path) -> Option<Language> {
    plan.language
        .or_else(|| Language::of_test_ids(&plan.failing_tests))
        .or_else(|| Language::detect(root))
}

/// Runs step `i`, adds it to `v` (command and output section), and turns an
/// outcome that shows the step could not run into [`ValidateError::Environment`].
async fn run_one(
    executor: &mut Executor<'_>,
    i: usize,
    step: &PlannedStep,
    timeout: Duration,
    v: &mut Validation,
) -> Result<Outcome, ValidateError> {
    if step.kind != Step::Setup {
        executor.before_tests().await?;
    }
    v.commands.push(step.command.clone());
    // A full run's failing tests may be read from lines of its output.
    let keep = step
        .framework
        .as_ref()
        .filter(|_| step.kind == Step::Full)
        .and_then(|f| f.output_lines());
    let out = executor.exec(i, &step.command, timeout, keep).await?;
    if let Some(reason) = unrunnable(step, &out, &executor.place()) {
        let section = section(&step.command, &out.capture.text(), &out.exit, Some(&reason));
        push_section(v, section);
        v.passed = false;
        return Err(ValidateError::Environment {
            reason: format!("{reason}; {}", executor.hint()),
            validation: std::mem::take(v),
        });
    }
    Ok(out)
}

fn section(cmd: &str, body: &str, exit: &Exit, note: Option<&str>) -> String {
    let mut section = format!("$ {cmd}\n");
    if !body.trim().is_empty() {
        section.push_str(body.trim_end());
        section.push('\n');
    }
    section.push_str(&format!("[{}]", exit.describe()));
    if let Some(n) = note {
        section.push_str(&format!("\n{n}"));
    }
    section
}

fn push_section(v: &mut Validation, section: String) {
    if !v.output_tail.is_empty() {
        v.output_tail.push_str("\n\n");
    }
    v.output_tail.push_str(&section);
}

async fn run_steps(
    executor: &mut Executor<'_>,
    root: &Path,
    steps: &[PlannedStep],
    plan: &ValidationPlan,
    timeout: Duration,
) -> Result<Validation, ValidateError> {
    let mut v = Validation::default();
    if let Some(line) = executor.banner() {
        v.output_tail = line;
    }
    for (i, step) in steps.iter().enumerate() {
        if let Some((sc, _)) = &step.report {
            remove_stale_reports(root, sc);
            let _ = std::fs::remove_file(root.join(SCOPED_OUTPUT));
        } else if step.kind == Step::Full {
            remove_full_reports(root, step);
        }
        let out = run_one(executor, i, step, timeout, &mut v).await?;
        // In docker the reports are written inside the container: bring them back.
        if let (Executor::Docker { container, .. }, Some((sc, _))) = (&*executor, &step.report) {
            let rel = match &sc.results {
                ResultsAt::Stdout | ResultsAt::Output => Some(SCOPED_OUTPUT),
                ResultsAt::File(f) => Some(f.as_str()),
                ResultsAt::JUnitDirs(_) => Some("."),
                ResultsAt::ExitCode => None,
            };
            if let Some(rel) = rel {
                container.copy_out(rel, root).await;
            }
        }
        let (ok, note) = match &step.report {
            Some((sc, wanted)) => {
                let framework = step
                    .framework
                    .as_deref()
                    .expect("a scoped run has its framework");
                let report = read_report(root, sc, framework);
                if plan.scope_only {
                    if let Some(reason) = found_nothing(&out, &report, wanted, framework) {
                        return Err(not_reproducible(v, step, &out, reason));
                    }
                }
                judge_report(&out, &report, wanted, framework)
            }
            None => {
                if plan.scope_only {
                    if let Some(reason) = found_nothing_by_exit(step, &out) {
                        return Err(not_reproducible(v, step, &out, reason));
                    }
                }
                judge(step, &out, plan, root)
            }
        };
        executor.remove_own_files(root, &own_files(step)).await;
        let mut body = if ok && note.is_none() {
            out.capture.last(PASSED_STEP_TAIL)
        } else {
            out.capture.text()
        };
        // A full run made to print a report (`go test -json`) is shown as it prints for people.
        if let (Some(_), Some(framework)) = (&step.full, &step.framework) {
            if let Some(rendered) = framework.render(&body) {
                body = rendered;
            }
        }
        push_section(
            &mut v,
            section(&step.command, &body, &out.exit, note.as_deref()),
        );
        if !ok {
            v.passed = false;
            return Ok(v);
        }
    }
    v.passed = true;
    Ok(v)
}

/// Why a step that did not succeed could not run at all, when its outcome shows
/// that (the reason names what is missing and `place`, "on this machine").
fn unrunnable(step: &PlannedStep, out: &Outcome, place: &str) -> Option<String> {
    if out.exit.success() {
        return None;
    }
    let text = out.capture.text();
    if let Some(line) = text.lines().find(|l| l.starts_with(steps::MISSING_SHELL)) {
        let what = line[steps::MISSING_SHELL.len()..]
            .trim()
            .trim_end_matches(" is not installed here");
        return Some(format!(
            "the step's shell `{what}` (`{}`) is not installed {place}",
            step.shell
        ));
    }
    let cmd = first_line(&step.command);
    let last = last_meaningful_line(&text);
    match out.exit {
        Exit::Code(127) => {
            return Some(match missing_command(&text) {
                Some(name) => format!(
                    "`{name}` is not installed {place} (command not found, exit code 127, running `{cmd}`)"
                ),
                None => format!(
                    "a command was not found {place} (exit code 127, running `{cmd}`): {last}"
                ),
            })
        }
        Exit::Code(126) => {
            return Some(format!(
                "a command cannot be executed {place} (exit code 126, running `{cmd}`): {last}"
            ))
        }
        _ => {}
    }
    if let Some((what, said)) = Language::all().find_map(|l| l.missing_tool(&step.command, &text)) {
        return Some(format!(
            "{what} is not installed {place} ({said}, running `{cmd}`)"
        ));
    }
    if step.kind == Step::Setup && !matches!(out.exit, Exit::TimedOut(_)) {
        return Some(format!(
            "the setup command `{cmd}` failed {place} ({}): {last}",
            out.exit.describe()
        ));
    }
    None
}

fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

fn last_meaningful_line(text: &str) -> String {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}

/// `pytest` from `sh: 1: pytest: not found`, `bash: line 1: pytest: command not
/// found`, `step-2.sh: 3: mvn: not found`.
fn missing_command(text: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?m)([^\s:]+): (?:command )?not found\s*$").expect("valid regex")
    });
    re.captures_iter(text).last().map(|c| c[1].to_string())
}

/// Whether a step passed, with a note on why when that is not just its exit code.
fn judge(
    step: &PlannedStep,
    out: &Outcome,
    plan: &ValidationPlan,
    root: &Path,
) -> (bool, Option<String>) {
    if out.exit.success() {
        return (true, None);
    }
    match step.kind {
        Step::Setup => (false, Some("setup command failed".to_string())),
        Step::Scoped => {
            let note = if found_nothing_by_exit(step, out).is_some() {
                "the scoped run did not find the failing tests; check the test ids and the working directory".to_string()
            } else {
                "the previously failing tests still fail".to_string()
            };
            (false, Some(note))
        }
        Step::Full => {
            if out.exit != Exit::Code(1) && step.full.is_none() {
                return (false, Some("full test command failed".to_string()));
            }
            let failed = match full_failures(root, step, out) {
                Ok(f) => f,
                Err(why) => {
                    return (
                        false,
                        Some(format!(
                            "full test command failed (its failing tests could not be read: {why})"
                        )),
                    )
                }
            };
            let new: Vec<&String> = failed
                .iter()
                .filter(|f| {
                    !plan.pre_existing_failures.iter().any(|p| {
                        scope::same_test(f, p)
                            || step.framework.as_ref().is_some_and(|fw| fw.same_test(p, f))
                    })
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

/// On the unchanged tree: why a scoped run that exited 0 and ran none of `wanted`
/// says nothing about the code (the ids or the scoping do not match the project).
fn found_nothing(
    out: &Outcome,
    report: &Result<TestRun, String>,
    wanted: &[String],
    framework: &dyn TestFramework,
) -> Option<String> {
    let Ok(run) = report else { return None };
    match framework::verdict(framework, run, wanted) {
        Verdict::RanNothing { errors } if errors.is_empty() && out.exit.success() => Some(format!(
            "the scoped run ran none of the failing tests ({}) on the unchanged code; check the test ids and the working directory",
            wanted.join(", ")
        )),
        _ => None,
    }
}

/// The baseline's scoped run said nothing about the code: its section (with the
/// reason) closes the validation, which is an environment error, not a reproduction.
fn not_reproducible(
    mut v: Validation,
    step: &PlannedStep,
    out: &Outcome,
    reason: String,
) -> ValidateError {
    let section = section(&step.command, &out.capture.text(), &out.exit, Some(&reason));
    push_section(&mut v, section);
    v.passed = false;
    ValidateError::Environment {
        reason,
        validation: v,
    }
}

/// On the unchanged tree: why a scoped run judged by its exit code (pytest's) says
/// nothing about the code: it found none of the failing tests, so its failure is
/// not the failure reproduced.
fn found_nothing_by_exit(step: &PlannedStep, out: &Outcome) -> Option<String> {
    let (Step::Scoped, Some(framework), Exit::Code(code)) = (step.kind, &step.framework, &out.exit)
    else {
        return None;
    };
    framework
        .found_nothing(*code, &out.capture.text())
        .then(|| format!(
            "the scoped run found none of the failing tests on the unchanged code (exit code {code}); check the test ids and the working directory"
        ))
}

/// A scoped run judged by its report, whatever its exit code: it passes only when
/// the named tests ran and passed (and the runner agreed, exiting 0).
fn judge_report(
    out: &Outcome,
    report: &Result<TestRun, String>,
    wanted: &[String],
    framework: &dyn TestFramework,
) -> (bool, Option<String>) {
    let run = match report {
        Ok(r) => r,
        Err(e) => {
            return (
                false,
                Some(format!(
                    "the scoped run's report could not be read ({e}): nothing is proven"
                )),
            )
        }
    };
    let with_errors = |mut note: String, errors: &[String]| {
        if !errors.is_empty() {
            note.push_str(&format!("; the run broke: {}", errors.join("; ")));
        }
        note
    };
    match framework::verdict(framework, run, wanted) {
        Verdict::Passed if out.exit.success() => (
            true,
            Some(format!(
                "the failing tests ran and passed: {}",
                wanted.join(", ")
            )),
        ),
        Verdict::Passed => (
            false,
            Some(format!(
                "the failing tests passed but the scoped run failed ({})",
                out.exit.describe()
            )),
        ),
        Verdict::RanNothing { errors } => (
            false,
            Some(with_errors(
                format!(
                    "the scoped run ran none of the failing tests ({}): that is never a pass",
                    wanted.join(", ")
                ),
                &errors,
            )),
        ),
        Verdict::Missing { missing } => (
            false,
            Some(format!(
                "the scoped run did not run: {}",
                missing.join(", ")
            )),
        ),
        Verdict::Failed { failed, errors } => {
            let note = if failed.is_empty() {
                "the previously failing tests did not pass".to_string()
            } else {
                format!(
                    "the previously failing tests still fail: {}",
                    failed.join(", ")
                )
            };
            (false, Some(with_errors(note, &errors)))
        }
    }
}

/// Runs step commands either as local subprocesses or in one docker container.
/// The step scripts live in a temp dir of their own, outside the sandbox.
enum Executor<'a> {
    Local {
        root: &'a Path,
        env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
        _steps: tempfile::TempDir,
        launchers: Vec<String>,
    },
    Docker {
        container: docker::Container,
        opts: DockerOptions,
        _steps: tempfile::TempDir,
        launchers: Vec<String>,
    },
}

impl<'a> Executor<'a> {
    /// Runs the steps in `root`, the project's directory in the sandbox at `sandbox`
    /// (where the venv copies are).
    async fn start(
        root: &'a Path,
        sandbox: &Path,
        runner: &Runner,
        steps: &[PlannedStep],
    ) -> Result<Executor<'a>, ValidateError> {
        Executor::start_with(root, sandbox, runner, steps, &[]).await
    }

    /// [`Executor::start`] with `support` files for the steps in `coverage/` beside
    /// the step scripts (outside the sandbox; in docker they go into the container
    /// with the scripts).
    async fn start_with(
        root: &'a Path,
        sandbox: &Path,
        runner: &Runner,
        steps: &[PlannedStep],
        support: &[lang::coverage::SupportFile],
    ) -> Result<Executor<'a>, ValidateError> {
        let dir = tempfile::Builder::new()
            .prefix("self-heal-steps-")
            .tempdir()
            .map_err(|e| ValidateError::Sandbox(format!("cannot create the step scripts: {e}")))?;
        coverage::write_support(&dir.path().join(coverage::SUPPORT_DIR), support)
            .map_err(|e| ValidateError::Sandbox(format!("cannot write the coverage files: {e}")))?;
        let specs: Vec<steps::StepSpec<'_>> = steps
            .iter()
            .map(|s| steps::StepSpec {
                command: &s.command,
                shell: &s.shell,
            })
            .collect();
        let write = |seen_as: &str| {
            steps::write(dir.path(), seen_as, &specs)
                .map_err(|e| ValidateError::Sandbox(format!("cannot write the step scripts: {e}")))
        };
        match runner {
            Runner::Docker(opts) => {
                // The venv copies' interpreter links point at this machine's Python.
                venv::remove_copies(sandbox).map_err(|e| {
                    ValidateError::Sandbox(format!("cannot remove the venv copies: {e}"))
                })?;
                let launchers = write(docker::STEPS_DIR)?;
                let setup_first = steps.first().is_some_and(|s| s.kind == Step::Setup);
                let container = docker::Container::start(
                    &docker::docker_binary()?,
                    opts,
                    root,
                    dir.path(),
                    setup_first,
                )
                .await?;
                Ok(Executor::Docker {
                    container,
                    opts: opts.clone(),
                    _steps: dir,
                    launchers,
                })
            }
            _ => {
                let launchers = write(&dir.path().to_string_lossy())?;
                let mut env = exec::scrubbed_env();
                venv::redirect_env(&mut env, sandbox);
                Ok(Executor::Local {
                    root,
                    env,
                    _steps: dir,
                    launchers,
                })
            }
        }
    }

    async fn exec(
        &self,
        i: usize,
        cmd: &str,
        timeout: Duration,
        keep: Option<OutputLines>,
    ) -> Result<Outcome, ValidateError> {
        let spawn = |e: std::io::Error| ValidateError::Spawn {
            command: cmd.to_string(),
            reason: e.to_string(),
        };
        match self {
            Executor::Local {
                root,
                env,
                launchers,
                ..
            } => exec::run("sh", &[launchers[i].clone()], root, env, timeout, keep)
                .await
                .map_err(spawn),
            Executor::Docker {
                container,
                launchers,
                ..
            } => {
                let out = container
                    .exec(&launchers[i], timeout, keep)
                    .await
                    .map_err(spawn)?;
                // The docker client's own error, not the step's: the container is gone.
                let head = out.capture.text();
                if !out.exit.success() && head.starts_with("Error response from daemon:") {
                    return Err(ValidateError::Docker(format!(
                        "docker exec failed: {}",
                        first_line(&head)
                    )));
                }
                Ok(out)
            }
        }
    }

    /// Removes self-heal's own report files `rels` from the sandbox at `root` (and
    /// from the container's copy), once read.
    async fn remove_own_files(&self, root: &Path, rels: &[String]) {
        for r in rels {
            let _ = std::fs::remove_file(root.join(r));
        }
        if let Executor::Docker { container, .. } = self {
            container.remove_files(rels).await;
        }
    }

    /// Before the first test command: the container loses the network.
    async fn before_tests(&mut self) -> Result<(), ValidateError> {
        match self {
            Executor::Docker { container, .. } => container.isolate().await,
            Executor::Local { .. } => Ok(()),
        }
    }

    /// "on this machine" / "in image `x`", for reasons.
    fn place(&self) -> String {
        match self {
            Executor::Docker { container, .. } => container.place(),
            Executor::Local { .. } => "on this machine".to_string(),
        }
    }

    /// What to do about a step that could not run.
    fn hint(&self) -> &'static str {
        match self {
            Executor::Docker { .. } => {
                "install it with setup-command, or set validation-image to an image that has it"
            }
            Executor::Local { .. } => "install it, or give a setup-command that does",
        }
    }

    /// The first line of a docker validation's output: what the sandbox was.
    fn banner(&self) -> Option<String> {
        match self {
            Executor::Docker { opts, .. } => Some(format!(
                "[docker sandbox: image {}, network {} for the tests, memory {}, cpus {}, pids {}]",
                opts.image,
                if opts.network { "on" } else { "off" },
                opts.memory,
                opts.cpus,
                opts.pids
            )),
            Executor::Local { .. } => None,
        }
    }

    async fn stop(self) {
        if let Executor::Docker { container, .. } = self {
            container.remove().await;
        }
    }
}

/// The project's own test command, from its files, for the language named
/// `language` (see [`lang::detect_test_command`]).
pub fn detect_test_command(root: &Path, language: Option<&str>) -> Option<String> {
    lang::detect_test_command(root, language.and_then(Language::from_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_commands_are_read_from_the_shells_words() {
        for (text, name) in [
            ("sh: 1: pytest: not found\n", "pytest"),
            ("/tmp/x/step-2.sh: line 3: mvn: command not found\n", "mvn"),
            ("sh: cargo: not found", "cargo"),
        ] {
            assert_eq!(missing_command(text).as_deref(), Some(name), "{text}");
        }
        assert_eq!(missing_command("assert 'x' not found in list\n"), None);
    }
}
