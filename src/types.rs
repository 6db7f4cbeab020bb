//! Plain values shared by several top-level modules. This module depends on
//! nothing else in the crate, so `llm`, `repair`, `report` and `github` can all
//! use these without importing each other (no module cycles).

use serde::{Deserialize, Serialize};

/// One proposed edit (docs/how-it-works.md, "The model"). An empty `search` creates a new file.
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
