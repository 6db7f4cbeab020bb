//! Failure analysis: one parser per ecosystem, triage, excerpt under a budget.

pub mod diagnostics;
mod failure;
pub mod go;
pub mod rust;

pub use failure::{Analysis, Failure, FailureKind};

use crate::logs::LogFile;
use std::path::PathBuf;

/// Knobs for [`analyze`].
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    /// The checkout, used to normalise paths and mark those not in it.
    pub workdir: Option<PathBuf>,
    /// Budget for [`Analysis::context`], in tokens (see README for how they are counted).
    pub budget_tokens: usize,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            workdir: None,
            budget_tokens: 1500,
        }
    }
}

/// Finds every failure in the given logs (already read and cleaned by [`crate::logs`]).
pub fn analyze(logs: &[LogFile], opts: &AnalyzeOptions) -> Analysis {
    let _ = (logs, opts);
    todo!("issue 4 helper")
}
