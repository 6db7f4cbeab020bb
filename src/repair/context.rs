//! The source the model sees: failing tests and the code they exercise, line-numbered, under a budget.

use crate::analyze::Analysis;
use std::path::Path;

/// One file given to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    /// Line-numbered text (`  12| code`), possibly a window of the file.
    pub numbered: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairContext {
    pub files: Vec<SourceFile>,
    /// The repository's own instructions (`AGENTS.md`, `.github/self-heal.md`).
    pub instructions: Option<String>,
}

/// Gathers the implicated files (failing tests, the code they import, located files)
/// within `budget_chars`.
pub fn gather(workdir: &Path, analysis: &Analysis, budget_chars: usize) -> RepairContext {
    let _ = (workdir, analysis, budget_chars);
    todo!()
}
