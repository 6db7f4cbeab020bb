//! `self-heal run` as a library function: source → repair → approval → one conclude
//! step (apply, pending, branch or PR) → memory → the report and its files.
//!
//! The binary only parses flags, calls [`run`] and [`write_outputs`], prints and maps
//! the status to an exit code.

use crate::approve::{self, pending, Decision, Proposal};
use crate::config::{ApproveMode, Config, Publish};
use crate::pipeline::{self, Repaired};
use crate::remote::{self, RemoteRun, Source, SourceError};
use crate::progress::Sink;
use crate::report::workflow::{write_to_workflow, WorkflowFiles};
use crate::report::{Report, Status, WriteError};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

/// A run that could not start: bad usage or configuration (exit 2), nothing changed.
pub use crate::config::Usage;

/// Decides on a validated fix. [`ApproveMode`] asks as the `approve` setting says.
pub trait Approver: Sync {
    fn decide<'a>(
        &'a self,
        proposal: &'a Proposal,
        progress: &'a dyn Sink,
    ) -> Pin<Box<dyn Future<Output = Decision> + 'a>>;
}

impl Approver for ApproveMode {
    fn decide<'a>(
        &'a self,
        proposal: &'a Proposal,
        progress: &'a dyn Sink,
    ) -> Pin<Box<dyn Future<Output = Decision> + 'a>> {
        Box::pin(async move { approve::ask(*self, proposal, &|l: &str| progress.say(l)).await })
    }
}

/// What a run ended with: the report (not yet masked or written) and the failed run's
/// page when it came from GitHub.
pub struct Outcome {
    pub report: Report,
    pub run_url: Option<String>,
}

/// Where a fix goes once approved.
enum Target<'a> {
    WorkingTree,
    Remote(&'a RemoteRun),
}

/// The whole loop from the configured source to the final report. `Err` is a usage
/// error; every other ending is a report. `total_ms` is measured here.
pub async fn run(
    cfg: &Config,
    approver: &dyn Approver,
    progress: &dyn Sink,
) -> Result<Outcome, Usage> {
    let started = std::time::Instant::now();
    let mut outcome = repair(cfg, approver, progress).await?;
    outcome.report.timings.total_ms = started.elapsed().as_millis().try_into().unwrap_or(u64::MAX);
    Ok(outcome)
}

async fn repair(
    cfg: &Config,
    approver: &dyn Approver,
    progress: &dyn Sink,
) -> Result<Outcome, Usage> {
    let say = |l: &str| progress.say(l);
    let source = match remote::resolve_source(cfg, &say).await {
        Ok(s) => s,
        Err(SourceError::Usage(msg)) => return Err(Usage(msg)),
        Err(SourceError::Report(r)) => {
            return Ok(Outcome {
                report: *r,
                run_url: None,
            })
        }
    };
    let (repaired, target, run_url, dispatch_dry_run) = match &source {
        Source::Local(analysis) => (
            {
                let mut analysis = analysis.clone();
                pipeline::with_local_changes(cfg, &mut analysis, progress);
                pipeline::repair_analysis(cfg, &analysis, progress).await
            },
            Target::WorkingTree,
            None,
            false,
        ),
        Source::Remote(run) => {
            // Validating (and committing on top of) another commit than the one that
            // failed would prove nothing: move the checkout first, or stop.
            if let Err(report) = remote::align_checkout(cfg, run, &say) {
                return Ok(Outcome {
                    report: *report,
                    run_url: None,
                });
            }
            (
                pipeline::repair_logs(
                    cfg,
                    (*run.analysis).clone(),
                    pipeline::FailedRun {
                        client: &run.client,
                        repo: &run.repo,
                        run: &run.fetched.run,
                    },
                    progress,
                )
                .await,
                Target::Remote(run),
                run.run_url().map(str::to_string),
                run.run.dispatch_dry_run == Some(true),
            )
        }
    };
    let Some(proposal) = repaired.proposal() else {
        return Ok(Outcome {
            report: repaired.report,
            run_url,
        });
    };
    // A workflow_dispatch's own `dry-run` input counts too.
    let decision = if cfg.dry_run || dispatch_dry_run {
        None
    } else {
        Some(approver.decide(&proposal, progress).await)
    };
    let report = conclude(cfg, repaired, decision, &target, progress).await;
    Ok(Outcome { report, run_url })
}

/// The one ending of every path with a validated fix: `decision` None is a dry run
/// (nothing changes, not even memory); approved fixes are applied to the working tree
/// or published as a branch or PR; declined ones are kept pending locally. Memory
/// records the outcome the same way whichever happened.
async fn conclude(
    cfg: &Config,
    repaired: Repaired,
    decision: Option<Decision>,
    target: &Target<'_>,
    progress: &dyn Sink,
) -> Report {
    let Some(fix) = repaired.fix.clone() else {
        return repaired.report;
    };
    let fingerprint = repaired.fingerprint.clone();
    let publish_to = match target {
        Target::Remote(run) if cfg.publish != Publish::None => Some(*run),
        _ => None,
    };
    let report = match (decision.clone(), publish_to) {
        (None, _) => {
            let mut report = repaired.report;
            report.status = Status::Proposed;
            report.reason = format!("{}; dry run, nothing changed", report.reason);
            if let Target::Remote(run) = target {
                remote::comment_proposal(cfg, run, &mut report).await;
            }
            // A dry run changes nothing, not even self-heal's memory.
            return report;
        }
        (Some(Decision::Approved), Some(run)) if cfg.publish == Publish::Suggest => {
            remote::suggest_fix(cfg, run, repaired, &|l: &str| progress.say(l)).await
        }
        (Some(Decision::Approved), Some(run)) => {
            remote::publish_fix(cfg, run, repaired, &|l: &str| progress.say(l)).await
        }
        (Some(Decision::Declined(why)), Some(_)) => {
            let mut report = repaired.report;
            report.reason = format!("{}; not published ({why})", report.reason);
            report
        }
        (Some(Decision::Approved), None) => apply(cfg, repaired),
        (Some(Decision::Declined(why)), None) => keep_pending(cfg, repaired, &why),
    };
    pipeline::remember(cfg, &fingerprint, &report, &fix, progress);
    report
}

/// The same all-or-nothing write approve-ui uses: refuses if a file changed meanwhile.
fn apply(cfg: &Config, repaired: Repaired) -> Report {
    let proposal = repaired.proposal();
    let mut report = repaired.report;
    let Some(proposal) = proposal else {
        return report;
    };
    match pending::apply(&cfg.workdir, &proposal) {
        Ok(_) => {
            report.status = Status::Fixed;
            report.reason = format!("{}; applied to the working tree", report.reason);
        }
        Err(e) => {
            report.status = Status::Error;
            report.reason = format!("validated fix not applied: {e}");
        }
    }
    report
}

/// Declined locally: saved as `.self-heal/pending.json` for `approve-ui`.
fn keep_pending(cfg: &Config, repaired: Repaired, why: &str) -> Report {
    let proposal = repaired.proposal();
    let mut report = repaired.report;
    let Some(proposal) = proposal else {
        return report;
    };
    report.status = Status::Proposed;
    report.reason = match pending::save(&cfg.workdir, &proposal) {
        Ok(_) => format!(
            "{}; not applied ({why}); review it with `self-heal approve-ui`",
            report.reason
        ),
        Err(e) => format!(
            "{}; not applied ({why}); could not save it for approve-ui: {e}",
            report.reason
        ),
    };
    report
}

/// What [`write_outputs`] wrote, and the workflow commands to print in Actions.
pub struct Written {
    /// The report as written: every secret masked.
    pub report: Report,
    pub report_path: PathBuf,
    pub patch_path: PathBuf,
    pub workflow_commands: Vec<String>,
}

/// Writes the report (secrets masked), the patch beside it, and in Actions the step
/// outputs and the job summary.
pub fn write_outputs(
    cfg: &Config,
    report: &Report,
    run_url: Option<&str>,
) -> Result<Written, WriteError> {
    // Nothing written or printed may carry a token, whatever a log or the model said.
    let report = report.masked(&cfg.secrets);
    let patch_path = report.write_with_patch(&cfg.report)?;
    let workflow_commands = if cfg.in_actions {
        let files = WorkflowFiles {
            output: cfg.github_output.as_deref(),
            summary: cfg.step_summary.as_deref(),
            report_path: &cfg.report,
            patch_path: &patch_path,
            run_url,
        };
        write_to_workflow(&report, &files, &cfg.secrets.runner_masks())
            .map_err(WriteError::Workflow)?
    } else {
        Vec::new()
    };
    Ok(Written {
        report,
        report_path: cfg.report.clone(),
        patch_path,
        workflow_commands,
    })
}

/// Validation runs code the model wrote, before anyone approved it. Keep the tokens
/// out of its reach: no environment variable holding one is inherited by any child
/// (git gets the token explicitly, for one push), and, where the kernel allows, other
/// processes of the same user cannot read this process's memory or initial
/// environment through /proc (root still can: prefer `validation: docker`).
/// Runs before any thread exists, which is what makes changing the environment sound.
pub fn hide_secrets(cfg: &Config) {
    for (key, value) in std::env::vars_os() {
        let value = value.to_string_lossy();
        // A dummy key (`test`) is not a secret, but its own variable still goes.
        let holds_key = [cfg.github_token.as_deref(), cfg.pr_token.as_deref()]
            .into_iter()
            .chain([cfg.llm.as_ref().map(|l| l.api_key.as_str())])
            .flatten()
            .any(|s| !s.trim().is_empty() && value.trim() == s.trim());
        if holds_key || cfg.secrets.appear_in(&value) {
            std::env::remove_var(&key);
        }
    }
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) only changes this process's dumpable flag.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}
