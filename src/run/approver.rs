//! Who decides on a validated fix.

use crate::approve::{self, Decision, Proposal};
use crate::config::ApproveMode;
use crate::progress::Sink;
use std::future::Future;
use std::pin::Pin;

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
