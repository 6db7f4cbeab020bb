//! Search/replace edits: application (exact, then whitespace-tolerant), atomic writes, diffs.

use super::policy::{PathPolicy, PolicyError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One proposed edit (design.md 3.6). An empty `search` creates a new file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Edit {
    pub path: String,
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub replace: String,
}

/// The new content of one file, with the old one for diffs (None: new file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub before: Option<String>,
    pub after: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("{path}: search text not found")]
    NotFound { path: String },
    #[error("{path}: search text matches {count} times; it must match exactly once")]
    Ambiguous { path: String, count: usize },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Computes the changes `edits` make to the files under `root`, without writing.
/// Edits to the same file apply in order.
pub fn plan_edits(
    root: &Path,
    edits: &[Edit],
    policy: &PathPolicy,
) -> Result<Vec<FileChange>, EditError> {
    let _ = (root, edits, policy);
    todo!()
}

/// Writes the changes under `root`, each file atomically (temp file + rename).
pub fn write_changes(root: &Path, changes: &[FileChange]) -> Result<(), EditError> {
    let _ = (root, changes);
    todo!()
}

/// A unified diff (`a/` `b/` prefixes, as `git apply` takes it).
pub fn unified_diff(changes: &[FileChange]) -> String {
    let _ = changes;
    todo!()
}

/// The same diff with ANSI colours for a terminal.
pub fn colored_diff(changes: &[FileChange]) -> String {
    let _ = changes;
    todo!()
}
