//! Deterministic fixes tried before any model.

use super::edits::Edit;
use crate::analyze::Analysis;
use std::path::Path;

pub mod levenshtein;

/// A fix found without a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeFix {
    /// Which recipe (`python-did-you-mean`, ...).
    pub recipe: String,
    pub diagnosis: String,
    pub edits: Vec<Edit>,
}

/// Candidate deterministic fixes for the analysed failures, best first.
pub fn find(workdir: &Path, analysis: &Analysis) -> Vec<RecipeFix> {
    let _ = (workdir, analysis);
    todo!()
}
