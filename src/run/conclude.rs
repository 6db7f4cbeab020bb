//! Stage 7, conclude: the validated fix is approved or declined and goes where the
//! [`Destination`] says; memory records how it ended (a dry run changes nothing, not
//! even memory).

use super::approver::Approver;
use super::destination::{Delivery, Destination};
use super::repair::Validated;
use super::Ending;
use crate::approve::{pending, Decision, Proposal};
use crate::config::Config;
use crate::github::publish::{PublishError, PublishMode};
use crate::github::publish_fix::{self, FixToPublish, Published};
use crate::github::{comment, suggest, FailedRun};
use crate::progress::Sink;
use crate::repair::memory::{Memory, MemoryEntry};
use crate::repair::repair_loop::ValidatedFix;
use crate::report::{Report, Status};
use crate::types::Edit;

pub async fn conclude(
    cfg: &Config,
    approver: &dyn Approver,
    validated: Validated,
    destination: Destination,
    report: &Report,
    progress: &dyn Sink,
) -> Ending {
    let proposal = Proposal {
        diagnosis: validated.fix.diagnosis.clone(),
        patch: report.patch.clone(),
        changes: validated.fix.changes.clone(),
        failures: report.failures.clone(),
        validation: validated.fix.validation.clone(),
    };
    let delivery = match destination {
        Destination::DryRun(failed) => {
            let comment = match failed {
                Some(failed) if cfg.comment && !report.patch.is_empty() => {
                    comment::comment_proposal(&failed, report).await.err()
                }
                _ => None,
            };
            return Ending::DryRun {
                validated: validated.reason,
                comment,
            };
        }
        Destination::Deliver(delivery) => delivery,
    };
    let decision = approver.decide(&proposal, progress).await;
    let Validated {
        fix,
        reason,
        fingerprint,
    } = validated;
    let ending = match (decision, delivery) {
        (Decision::Declined(why), Delivery::WorkingTree(_)) => Ending::Pending {
            saved: pending::save(&cfg.workdir, &proposal).map(|_| ()),
            validated: reason,
            why,
        },
        (Decision::Declined(why), Delivery::Publish(..) | Delivery::Review(..)) => {
            Ending::Declined {
                validated: reason,
                why,
            }
        }
        // The same all-or-nothing write approve-ui uses: refuses if a file changed meanwhile.
        (Decision::Approved, Delivery::WorkingTree(_)) => {
            match pending::apply(&cfg.workdir, &proposal) {
                Ok(_) => Ending::Applied { validated: reason },
                Err(e) => Ending::NotApplied(e),
            }
        }
        (Decision::Approved, Delivery::Publish(failed, mode)) => {
            let published = publish(cfg, &failed, mode, &fix, &fingerprint, report, progress);
            match published.await {
                Ok(published) => Ending::Published {
                    validated: reason,
                    published,
                },
                Err(e) => Ending::NotPublished(e),
            }
        }
        (Decision::Approved, Delivery::Review(failed, target)) => {
            let suggested = suggest::suggest_fix(
                &failed,
                &target,
                &cfg.workdir,
                &fix.changes,
                report,
                &cfg.secrets,
                progress,
            );
            match suggested.await {
                Ok(suggested) => Ending::Suggested {
                    validated: reason,
                    suggested,
                },
                Err(e) => Ending::NotSuggested(e),
            }
        }
    };
    remember(cfg, &fingerprint, ending.status(), &fix, progress);
    ending
}

async fn publish(
    cfg: &Config,
    failed: &FailedRun,
    mode: PublishMode,
    fix: &ValidatedFix,
    fingerprint: &str,
    report: &Report,
    progress: &dyn Sink,
) -> Result<Published, PublishError> {
    let token = cfg
        .pr_token
        .clone()
        .or_else(|| cfg.github_token.clone())
        .unwrap_or_default();
    let fix = FixToPublish {
        mode,
        workdir: &cfg.workdir,
        changes: &fix.changes,
        diagnosis: &fix.diagnosis,
        report,
        fingerprint,
        token,
        token_starts_workflows: cfg.pr_token.is_some(),
        base_branch: cfg.base_branch.clone(),
        branch_prefix: &cfg.branch_prefix,
        sign_off: cfg.sign_off,
        secrets: &cfg.secrets,
    };
    publish_fix::publish_fix(failed, fix, progress).await
}

/// Records the outcome so a later failure with the same fingerprint gets it as a hint.
fn remember(
    cfg: &Config,
    fingerprint: &str,
    status: Status,
    fix: &ValidatedFix,
    progress: &dyn Sink,
) {
    let mut memory = Memory::load(&cfg.workdir);
    // The memory file stays in the checkout: the model's text goes in masked.
    let mask = |t: &str| cfg.secrets.mask(t);
    memory.record(MemoryEntry {
        fingerprint: fingerprint.to_string(),
        outcome: status.as_str().to_string(),
        diagnosis: mask(&fix.diagnosis),
        edits: fix
            .edits
            .iter()
            .map(|e| Edit {
                path: mask(&e.path),
                search: mask(&e.search),
                replace: mask(&e.replace),
            })
            .collect(),
    });
    if let Err(e) = memory.save(&cfg.workdir) {
        progress.say(&format!("warning: cannot save .self-heal/memory.json: {e}"));
    }
}
