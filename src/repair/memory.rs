//! `.self-heal/memory.json`: failure fingerprint → outcome and accepted fix.

use super::edits::Edit;
use crate::analyze::Analysis;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryEntry {
    pub fingerprint: String,
    /// Report status of the run that recorded it.
    pub outcome: String,
    pub diagnosis: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub entries: Vec<MemoryEntry>,
}

/// A stable fingerprint of a failure set (kinds, tests, files, normalised messages).
pub fn fingerprint(analysis: &Analysis) -> String {
    let _ = analysis;
    todo!()
}

impl Memory {
    /// Loads `.self-heal/memory.json` under `workdir`; missing or unreadable → empty.
    pub fn load(workdir: &Path) -> Memory {
        let _ = workdir;
        todo!()
    }
    pub fn lookup(&self, fingerprint: &str) -> Option<&MemoryEntry> {
        let _ = fingerprint;
        todo!()
    }
    pub fn record(&mut self, entry: MemoryEntry) {
        let _ = entry;
        todo!()
    }
    /// Writes atomically, creating `.self-heal/.gitignore` with `*`.
    pub fn save(&self, workdir: &Path) -> std::io::Result<()> {
        let _ = workdir;
        todo!()
    }
}

/// The earlier fix, worded for the prompt.
pub fn hint(entry: &MemoryEntry) -> String {
    let _ = entry;
    todo!()
}
