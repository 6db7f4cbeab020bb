//! Stage 3, where a validated fix will go, decided before anything is repaired: a dry
//! run, the working tree, a branch or pull request, or a review of the failed build's
//! pull request (which must exist: a refusal ends the run here).

use super::source::Source;
use super::{Ending, Stop};
use crate::config::{Config, Publish};
use crate::github::publish::PublishMode;
use crate::github::suggest::{self, ReviewTarget};
use crate::github::FailedRun;

pub enum Destination {
    /// Nothing changes (the `dry-run` setting, or a workflow_dispatch's own `dry-run`
    /// input); on a pull request's build the proposal may be commented there.
    DryRun(Option<Box<FailedRun>>),
    /// An approved fix is delivered.
    Deliver(Delivery),
}

pub enum Delivery {
    /// The working tree: local logs, or `publish: none`.
    WorkingTree(Option<Box<FailedRun>>),
    /// A branch or a pull request on the failed run's repository.
    Publish(Box<FailedRun>, PublishMode),
    /// A review of suggestions on the failed build's pull request.
    Review(Box<FailedRun>, ReviewTarget),
}

impl Destination {
    /// The failed run on GitHub, unless the logs were local.
    pub fn failed(&self) -> Option<&FailedRun> {
        match self {
            Destination::DryRun(failed) | Destination::Deliver(Delivery::WorkingTree(failed)) => {
                failed.as_deref()
            }
            Destination::Deliver(Delivery::Publish(failed, _) | Delivery::Review(failed, _)) => {
                Some(failed)
            }
        }
    }
}

pub async fn decide(cfg: &Config, source: Source) -> Result<Destination, Stop> {
    let failed = match source {
        Source::Local => None,
        Source::Remote(failed) => Some(failed),
    };
    let dispatch_dry_run = failed
        .as_ref()
        .is_some_and(|f| f.run.dispatch_dry_run == Some(true));
    if cfg.dry_run || dispatch_dry_run {
        return Ok(Destination::DryRun(failed));
    }
    let Some(failed) = failed else {
        return Ok(Destination::Deliver(Delivery::WorkingTree(None)));
    };
    let delivery = match cfg.publish {
        Publish::None => Delivery::WorkingTree(Some(failed)),
        Publish::Branch => Delivery::Publish(failed, PublishMode::Branch),
        Publish::Pr => Delivery::Publish(failed, PublishMode::Pr),
        // A review needs a pull request of this repository: known before the model is
        // asked anything.
        Publish::Suggest => match suggest::review_target(&failed).await {
            Ok(target) => Delivery::Review(failed, target),
            Err(reason) => return Err(Ending::Skipped(reason).into()),
        },
    };
    Ok(Destination::Deliver(delivery))
}
