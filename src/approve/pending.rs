//! `.self-heal/pending.json`: a validated fix that was not applied (status
//! `proposed`), kept so `self-heal approve-ui` can apply it later.
//!
//! Applying is guarded: the tree may have changed since validation, so every file
//! must still hold exactly the content the fix was computed from.
//!
//! The file may not come from self-heal (it can be committed to a cloned
//! repository), so loading shows the diff of the `changes` that would really be
//! written, never the stored `patch` text, and applying refuses the paths a fix
//! may never touch.

use super::Proposal;
use crate::analyze::Failure;
use crate::fsutil::write_atomic;
use crate::repair::edits::unified_diff;
use crate::repair::policy::PolicyError;
use crate::repair::{FileChange, PathPolicy};
use crate::validate::Validation;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io;
use std::path::{Component, Path, PathBuf};

const DIR: &str = ".self-heal";
const FILE: &str = "pending.json";
const VERSION: u32 = 1;

/// One file of the pending fix (a serialisable [`FileChange`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChange {
    pub path: String,
    /// The content the fix was computed from; `None`: the fix creates the file.
    pub before: Option<String>,
    pub after: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct PendingFile {
    version: u32,
    status: String,
    diagnosis: String,
    /// Written for people reading the file; never shown or trusted on load.
    #[serde(default)]
    patch: String,
    changes: Vec<PendingChange>,
    #[serde(default)]
    failures: Vec<Failure>,
    #[serde(default)]
    validation: Validation,
}

#[derive(Debug, thiserror::Error)]
pub enum PendingError {
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path} is not a pending fix: {reason}")]
    Invalid { path: String, reason: String },
    #[error(
        "{path} changed since the fix was validated; nothing was applied (run self-heal again)"
    )]
    Changed { path: String },
    #[error("{path}: refusing a path outside the checkout or inside .git")]
    UnsafePath { path: String },
    #[error("refusing the fix: {0}")]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Write(#[from] crate::repair::edits::EditError),
}

/// Where the pending proposal lives.
pub fn pending_path(workdir: &Path) -> PathBuf {
    workdir.join(DIR).join(FILE)
}

/// Writes the proposal to `.self-heal/pending.json` (atomically), creating
/// `.self-heal/.gitignore` with `*` if missing so it is never committed.
pub fn save(workdir: &Path, proposal: &Proposal) -> io::Result<PathBuf> {
    let dir = workdir.join(DIR);
    crate::fsutil::ensure_state_dir(&dir)?;
    let file = PendingFile {
        version: VERSION,
        status: "proposed".to_string(),
        diagnosis: proposal.diagnosis.clone(),
        patch: proposal.patch.clone(),
        changes: proposal
            .changes
            .iter()
            .map(|c| PendingChange {
                path: c.path.clone(),
                before: c.before.clone(),
                after: c.after.clone(),
            })
            .collect(),
        failures: proposal.failures.clone(),
        validation: proposal.validation.clone(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(io::Error::other)?;
    let path = dir.join(FILE);
    write_atomic(&path, &json)?;
    Ok(path)
}

/// The pending proposal, or `None` when there is none.
pub fn load(workdir: &Path) -> Result<Option<Proposal>, PendingError> {
    let path = pending_path(workdir);
    let shown = path.display().to_string();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(PendingError::Io {
                path: shown,
                source,
            })
        }
    };
    let file: PendingFile = serde_json::from_slice(&bytes).map_err(|e| PendingError::Invalid {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    if file.version != VERSION {
        return Err(PendingError::Invalid {
            path: shown,
            reason: format!("unsupported version {}", file.version),
        });
    }
    if file.status != "proposed" {
        return Err(PendingError::Invalid {
            path: shown,
            reason: format!("status is {:?}, not \"proposed\"", file.status),
        });
    }
    let changes: Vec<FileChange> = file
        .changes
        .into_iter()
        .map(|c| FileChange {
            path: c.path,
            before: c.before,
            after: c.after,
        })
        .collect();
    Ok(Some(Proposal {
        diagnosis: file.diagnosis,
        patch: unified_diff(&changes),
        changes,
        failures: file.failures,
        validation: file.validation,
    }))
}

/// Writes the proposal's changes into `workdir` and returns the changed paths.
///
/// Checks every file first: each must hold exactly its `before` content (or not
/// exist, for a new file), stay inside the checkout (also through symlinks) and
/// not be a protected path (`.git/`, `.github/workflows/`, `.self-heal/`, secret
/// files); otherwise nothing is written. Each file is written atomically; if a
/// later write fails, the files already written are put back.
pub fn apply(workdir: &Path, proposal: &Proposal) -> Result<Vec<String>, PendingError> {
    let root = workdir.canonicalize().map_err(|source| PendingError::Io {
        path: workdir.display().to_string(),
        source,
    })?;
    let mut seen = HashSet::new();
    // Test files may be edited: whether that was allowed was settled when the fix
    // was made; here only the rules no setting can lift apply.
    let policy = PathPolicy::new(&[], true)?;
    for change in &proposal.changes {
        let target = safe_target(&root, &change.path)?;
        policy.check(&root, &change.path)?;
        if !seen.insert(target.clone()) {
            return Err(PendingError::Invalid {
                path: pending_path(workdir).display().to_string(),
                reason: format!("{} appears twice", change.path),
            });
        }
        let current = match std::fs::read(&target) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(PendingError::Io {
                    path: change.path.clone(),
                    source,
                })
            }
        };
        if current.as_deref() != change.before.as_deref().map(str::as_bytes) {
            return Err(PendingError::Changed {
                path: change.path.clone(),
            });
        }
    }

    // The same all-or-nothing write as the run's own apply: a failure part-way puts
    // back what was written and removes the directories it created.
    crate::repair::edits::write_changes(&root, &proposal.changes)?;
    Ok(proposal.changes.iter().map(|c| c.path.clone()).collect())
}

/// `root.join(rel)` if `rel` is a plain relative path that stays inside `root`
/// (also through symlinks) and is not under `.git`.
fn safe_target(root: &Path, rel: &str) -> Result<PathBuf, PendingError> {
    let unsafe_path = || PendingError::UnsafePath {
        path: rel.to_string(),
    };
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(unsafe_path());
    }
    if p.components()
        .any(|c| c.as_os_str().eq_ignore_ascii_case(".git"))
    {
        return Err(unsafe_path());
    }
    let target = root.join(p);
    // The deepest existing ancestor (or the file itself) must resolve inside root;
    // a symlinked directory or file must not lead the write elsewhere.
    let mut probe = target.as_path();
    loop {
        match probe.canonicalize() {
            Ok(real) if real.starts_with(root) => break,
            Ok(_) => return Err(unsafe_path()),
            Err(_) => match probe.parent() {
                Some(parent) => probe = parent,
                None => return Err(unsafe_path()),
            },
        }
    }
    if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
        // Writing would replace the link by a file; refuse rather than guess.
        return Err(unsafe_path());
    }
    Ok(target)
}

/// Forgets the pending proposal (no error if there is none).
pub fn clear(workdir: &Path) -> io::Result<()> {
    match std::fs::remove_file(pending_path(workdir)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
