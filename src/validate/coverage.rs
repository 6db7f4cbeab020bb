//! Execution evidence: the failing tests, and passing tests from their files or
//! classes (bounded in count and time), run under the language's coverage tool in a
//! sandbox copy, on this machine or in the `validation: docker` container alike (the
//! same command is built for both). Nothing here can fail a repair: a missing tool,
//! a failed run or unreadable output is one line in [`CoverageOutcome::note`] and no
//! report, and localization goes on with static evidence. The user's tree never sees
//! a coverage file: the run writes into the sandbox, which is thrown away.

use super::{
    effective_timeout, full_command, language_of, project_root, Executor, PlannedStep, Runner,
    Sandbox, Step, ValidationPlan,
};
use crate::coverage::CoverageReport;
use crate::lang::coverage::{
    CoverageOutput, CoverageRequest, SupportContents, SupportFile, ToolCache, MISSING_TOOL_EXIT,
    OUT_DIR,
};
use crate::lang::framework;
use crate::localize::Frame;
use std::path::Path;
use std::time::{Duration, Instant};

/// The folder beside the step scripts that holds a runner's support files.
pub const SUPPORT_DIR: &str = "coverage";

/// How much a coverage run may do beyond the failing tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageLimits {
    /// Most passing tests (from the failing tests' files/classes) run as well.
    pub max_neighbours: usize,
    /// No passing test starts later than this after the failing tests are done (the
    /// failing tests always run). Give it less than the scoped run took, so that the
    /// whole run stays within about twice that.
    pub neighbour_time: Duration,
    /// The whole command's timeout; zero means validation's default.
    pub timeout: Duration,
}

impl Default for CoverageLimits {
    fn default() -> CoverageLimits {
        CoverageLimits {
            max_neighbours: 40,
            neighbour_time: Duration::from_secs(30),
            timeout: Duration::ZERO,
        }
    }
}

/// What the coverage stage found.
#[derive(Debug, Clone, Default)]
pub struct CoverageOutcome {
    /// None when nothing could be measured (then `note` says why).
    pub report: Option<CoverageReport>,
    /// Stack frames (a Rust panic's backtrace) where nothing was instrumented.
    pub frames: Vec<Frame>,
    /// One line for people: the tool and what it measured, or why there is nothing.
    pub note: String,
    /// The coverage command as it ran (in the project directory), when one ran.
    pub command: Option<String>,
    /// The whole stage: sandbox copy, setup command, the run, reading it.
    pub elapsed: Duration,
}

impl CoverageOutcome {
    fn nothing(note: impl Into<String>, started: Instant) -> CoverageOutcome {
        CoverageOutcome {
            note: format!("no coverage: {}", note.into()),
            elapsed: started.elapsed(),
            ..CoverageOutcome::default()
        }
    }
}

/// Runs the plan's failing tests under coverage with `runner` (never fails: see the
/// module's doc), in `reused`, the sandbox the failure was just reproduced in, or
/// else a fresh sandbox copy of `workdir`. A reused sandbox saves a second copy of
/// the checkout and its dependencies (on this machine also the setup command, which
/// already ran in it): that copy was about as long as the tests themselves.
/// `tools`: where downloaded tools are kept ([`ToolCache::user`]).
pub async fn measure(
    workdir: &Path,
    reused: Option<Sandbox>,
    plan: &ValidationPlan,
    runner: &Runner,
    limits: &CoverageLimits,
    tools: &ToolCache,
) -> CoverageOutcome {
    let started = Instant::now();
    if *runner == Runner::None {
        return CoverageOutcome::nothing("validation is off", started);
    }
    let failing: Vec<String> = plan
        .failing_tests
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if failing.is_empty() {
        return CoverageOutcome::nothing("no failing test to run", started);
    }
    // In a container the setup's work stays in the container the reproduction used.
    let set_up = reused.is_some() && *runner == Runner::Subprocess;
    let sandbox = match reused.map_or_else(|| Sandbox::create(workdir), Ok) {
        Ok(s) => s,
        Err(e) => return CoverageOutcome::nothing(e.to_string(), started),
    };
    let project = match project_root(&sandbox.root, plan) {
        Ok(p) => p,
        Err(e) => return CoverageOutcome::nothing(e.to_string(), started),
    };
    let Some(language) = language_of(plan, &project) else {
        return CoverageOutcome::nothing("the project's language is unknown", started);
    };
    let Some(runner_of_lang) = language.coverage() else {
        return CoverageOutcome::nothing(
            format!("self-heal has no coverage runner for {language}"),
            started,
        );
    };
    let full = full_command(&project, plan, Some(language));
    let Some(fw) = language.framework(&project, full.as_deref()) else {
        return CoverageOutcome::nothing("the project's test framework is unknown", started);
    };
    let Some(scoped) = framework::scoped(fw.as_ref(), &failing) else {
        return CoverageOutcome::nothing("the failing tests cannot be run alone", started);
    };
    let req = CoverageRequest {
        failing: &failing,
        scoped: &scoped,
        project: &project,
        max_neighbours: limits.max_neighbours,
        tools,
    };
    let cov = match runner_of_lang.plan(&req) {
        Ok(p) => p,
        Err(why) => return CoverageOutcome::nothing(why, started),
    };
    let command = command_line(&cov.command, limits.neighbour_time);
    let mut steps = Vec::new();
    if let Some(s) = plan.setup_command.clone().filter(|c| !c.trim().is_empty()) {
        if !set_up {
            steps.push(PlannedStep::new(Step::Setup, s, None));
        }
    }
    steps.push(PlannedStep::new(Step::Scoped, command.clone(), None));

    // `docker cp` copies into a folder that is already there.
    let _ = std::fs::remove_dir_all(project.join(OUT_DIR));
    let run = run_steps(
        &project,
        &sandbox.root,
        runner,
        &steps,
        &cov.support,
        limits,
    )
    .await;
    let (output, seen_root) = match run {
        Ok(r) => r,
        Err(why) => return CoverageOutcome::nothing(why, started),
    };
    let out_dir = project.join(OUT_DIR);
    let read = runner_of_lang.read(&CoverageOutput {
        dir: &out_dir,
        project: &project,
        seen_root: &seen_root,
        output: &output,
        failing: &failing,
    });
    let mut outcome = CoverageOutcome {
        command: Some(cov.command.clone()),
        ..CoverageOutcome::default()
    };
    match read {
        Ok(read) => {
            let prefix = plan
                .project_dir
                .as_ref()
                .map(|d| d.to_string_lossy().replace('\\', "/"))
                .filter(|d| !d.is_empty() && d != ".");
            let in_repo = |p: &str| match &prefix {
                Some(d) => format!("{}/{p}", d.trim_end_matches('/')),
                None => p.to_string(),
            };
            let report = read.report.map_paths(|p| Some(in_repo(p)));
            outcome.frames = read
                .frames
                .into_iter()
                .map(|f| Frame {
                    file: in_repo(&f.file),
                    line: f.line,
                })
                .collect();
            let files = report.all.values().filter(|l| !l.is_empty()).count();
            outcome.note = format!(
                "coverage ({}): {}; {} test record(s), {} file(s) executed",
                cov.tool,
                read.note,
                report.per_test.len(),
                files
            );
            outcome.report = Some(report);
        }
        Err(why) => outcome.note = format!("no coverage ({}): {why}", cov.tool),
    }
    outcome.elapsed = started.elapsed();
    outcome
}

/// The coverage step as it is written: where the support files and the output are,
/// the time passing tests have after the failing ones, then the runner's command.
pub fn command_line(runner_command: &str, neighbour_time: Duration) -> String {
    format!(
        "# self-heal: the failing tests under coverage (src/validate/coverage.rs)\n\
         SELF_HEAL_COV_SUPPORT=\"$(cd \"$(dirname \"$0\")\" && pwd)/{SUPPORT_DIR}\"\n\
         SELF_HEAL_COV_BUDGET={secs:.1}\n\
         export SELF_HEAL_COV_SUPPORT SELF_HEAL_COV_BUDGET\n\
         rm -rf {OUT_DIR} && mkdir -p {OUT_DIR}\n\
         {runner_command}\n",
        secs = neighbour_time.as_secs_f64(),
    )
}

/// Writes the support files into `dir` (created even when there are none).
pub(super) fn write_support(dir: &Path, files: &[SupportFile]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in files {
        let to = dir.join(&f.name);
        match &f.contents {
            SupportContents::Text(t) => std::fs::write(&to, t)?,
            SupportContents::Copy(from) => {
                std::fs::copy(from, &to)?;
            }
        }
        #[cfg(unix)]
        if f.name.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(())
}

/// Runs the steps; returns the coverage step's output and the project's path as the
/// tool saw it, or why nothing could be measured.
async fn run_steps(
    project: &Path,
    sandbox: &Path,
    runner: &Runner,
    steps: &[PlannedStep],
    support: &[SupportFile],
    limits: &CoverageLimits,
) -> Result<(String, String), String> {
    let timeout = effective_timeout(limits.timeout);
    let mut executor = Executor::start_with(project, sandbox, runner, steps, support)
        .await
        .map_err(|e| e.to_string())?;
    let result = async {
        let mut output = String::new();
        for (i, step) in steps.iter().enumerate() {
            if step.kind != Step::Setup {
                executor.before_tests().await.map_err(|e| e.to_string())?;
            }
            let out = executor
                .exec(i, &step.command, timeout, None)
                .await
                .map_err(|e| e.to_string())?;
            let text = out.capture.text();
            if step.kind == Step::Setup {
                if !out.exit.success() {
                    return Err(format!(
                        "the setup command failed {} ({})",
                        executor.place(),
                        out.exit.describe()
                    ));
                }
                continue;
            }
            match out.exit {
                super::Exit::Code(MISSING_TOOL_EXIT) | super::Exit::Code(127) => {
                    let last = super::last_meaningful_line(&text);
                    return Err(format!("a tool is missing {}: {last}", executor.place()));
                }
                super::Exit::TimedOut(_) => {
                    return Err(format!("the coverage run {}", out.exit.describe()))
                }
                _ => {}
            }
            if let Executor::Docker { container, .. } = &executor {
                container.copy_out(OUT_DIR, project).await;
            }
            output = text;
        }
        let seen = match &executor {
            Executor::Docker { .. } => super::docker::WORKDIR.to_string(),
            Executor::Local { .. } => project
                .canonicalize()
                .unwrap_or_else(|_| project.to_path_buf())
                .to_string_lossy()
                .into_owned(),
        };
        Ok((output, seen))
    }
    .await;
    executor.stop().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_finds_its_files_beside_it_and_gives_the_neighbours_a_budget() {
        let c = command_line("go test ./...", Duration::from_millis(200));
        assert!(
            c.contains("SELF_HEAL_COV_SUPPORT=\"$(cd \"$(dirname \"$0\")\" && pwd)/coverage\""),
            "{c}"
        );
        assert!(c.contains("SELF_HEAL_COV_BUDGET=0.2\n"), "{c}");
        assert!(
            c.contains(
                "rm -rf .self-heal-coverage && mkdir -p .self-heal-coverage\ngo test ./...\n"
            ),
            "{c}"
        );
    }
}
