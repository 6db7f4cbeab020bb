//! Stage 6, repair: the loop (recipes, then the model), every edit proven in a sandbox
//! copy; the working tree is not touched.

use super::plan::Plan;
use super::Ending;
use crate::analyze::Analysis;
use crate::config::Config;
use crate::progress::Sink;
use crate::repair::edits;
use crate::repair::repair_loop::{self, ValidatedFix};
use crate::report::Report;

/// A fix that passed validation, waiting for approval.
pub struct Validated {
    pub fix: ValidatedFix,
    /// How it was proven: the start of the ending's reason.
    pub reason: String,
    /// The failure's fingerprint, for memory and the PR.
    pub fingerprint: String,
}

/// Runs the loop; `report` gets its attempts, model usage and timings, and the fix's
/// diagnosis, patch and files. No validated fix ends the run.
pub async fn repair(
    cfg: &Config,
    analysis: &Analysis,
    plan: &Plan,
    fingerprint: String,
    progress: &dyn Sink,
    report: &mut Report,
) -> Result<Validated, Ending> {
    let outcome = repair_loop::repair(&plan.input(cfg, analysis), progress).await;
    report.attempts = outcome.attempts;
    report.llm = outcome.llm;
    report.llm.requests = plan.llm_requests();
    report.timings = outcome.timings;
    report.localization = outcome.localization;
    let Some(fix) = outcome.fix else {
        return Err(Ending::Stopped {
            status: outcome.status,
            reason: outcome.reason,
        });
    };
    report.diagnosis = fix.diagnosis.clone();
    report.patch = edits::unified_diff(&fix.changes);
    report.changed_files = fix.changes.iter().map(|c| c.path.clone()).collect();
    Ok(Validated {
        fix,
        reason: outcome.reason,
        fingerprint,
    })
}
