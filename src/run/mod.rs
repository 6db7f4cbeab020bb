//! `self-heal run` as a library function, in stages that hand plain values forward,
//! one file each: acquire the source (`source.rs`) → analyse its logs (`analysis.rs`)
//! → decide where a fix will go (`destination.rs`) and put the checkout at the failed
//! commit (`checkout.rs`) → what changed (`changes.rs`) → plan (`plan.rs`, the model's context window: `window.rs`) → repair
//! (`repair.rs`) → approve and deliver (`conclude.rs`). Each stage returns its result
//! or a [`Stop`]; every way out is one [`Ending`], which alone writes the report's
//! status and reason.
//!
//! The binary only parses flags, calls [`run`] and [`write_outputs`], prints and maps
//! the status to an exit code.

mod analysis;
mod approver;
mod changes;
mod checkout;
mod conclude;
mod destination;
mod ending;
mod environment;
mod outputs;
mod plan;
mod repair;
mod source;
mod window;

pub use crate::config::Usage;
pub use approver::Approver;
pub use ending::{Ending, Stop};
pub use environment::hide_secrets;
pub use outputs::{write_outputs, Written};

use crate::config::Config;
use crate::progress::Sink;
use crate::report::Report;
use std::time::{Duration, Instant};

/// What a run ended with: the report (not yet masked or written) and the failed run's
/// page when it came from GitHub.
pub struct Outcome {
    pub report: Report,
    pub run_url: Option<String>,
}

/// The whole loop from the configured source to the final report. `Err` is a usage
/// error; every other ending is a report. `total_ms` is measured here.
pub async fn run(
    cfg: &Config,
    approver: &dyn Approver,
    progress: &dyn Sink,
) -> Result<Outcome, Usage> {
    let started = Instant::now();
    let mut report = Report::default();
    let mut run_url = None;
    let ending = match stages(cfg, approver, progress, &mut report, &mut run_url).await {
        Ok(ending) | Err(Stop::End(ending)) => ending,
        Err(Stop::Usage(usage)) => return Err(usage),
    };
    ending.write(&mut report);
    report.timings.total_ms = millis(started.elapsed());
    Ok(Outcome { report, run_url })
}

/// The report of a run interrupted (Ctrl-C) after `elapsed`: it can only land between
/// steps, so nothing was changed.
pub fn interrupted(elapsed: Duration) -> Report {
    let mut report = Report::default();
    Ending::Interrupted.write(&mut report);
    report.timings.total_ms = millis(elapsed);
    report
}

fn millis(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}

/// The stages in order. `report` gathers what they learn (failures, attempts, the
/// fix); `run_url` is known once the checkout is at the failed commit.
async fn stages(
    cfg: &Config,
    approver: &dyn Approver,
    progress: &dyn Sink,
    report: &mut Report,
    run_url: &mut Option<String>,
) -> Result<Ending, Stop> {
    let mut source = source::acquire(cfg, progress).await?;
    let mut analysis = analysis::analyse(cfg, &mut source, progress)?;
    let destination = destination::decide(cfg, source).await?;
    if let Some(failed) = destination.failed() {
        // Validating (and committing on top of) another commit than the one that
        // failed would prove nothing: move the checkout first, or stop.
        checkout::align(cfg, failed, progress)?;
        *run_url = failed.run_url().map(str::to_string);
    }
    changes::compare(cfg, &mut analysis, destination.failed(), progress).await;
    let fingerprint = crate::repair::memory::fingerprint(&analysis);
    report.failures = analysis.failures.clone();
    report.changed_since = analysis.changed_since.clone();
    report.input_cut = analysis.input_cut.clone();
    plan::triage(&analysis)?;
    let plan = match plan::Plan::new(cfg, &analysis, &fingerprint, progress).await {
        Ok(plan) => plan,
        Err(ending) => {
            // A setup error's report carries its reason only, like the source's errors.
            *report = Report::default();
            return Ok(ending);
        }
    };
    let validated = repair::repair(cfg, &analysis, &plan, fingerprint, progress, report).await?;
    Ok(conclude::conclude(cfg, approver, validated, destination, report, progress).await)
}
