//! Approval of a validated fix: automatic, terminal y/N, or a local web page.
//!
//! Nothing here changes the working tree except [`pending::apply`], and that only
//! after checking that every file is still exactly as it was when the fix was
//! validated.

mod ask;
pub mod pending;
pub mod terminal;
pub mod web;

use crate::analyze::Failure;
use crate::repair::FileChange;
use crate::validate::Validation;
use std::path::Path;

pub use ask::{ask, visible};
pub use pending::{PendingChange, PendingError};

/// A fix that passed validation and waits for a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub diagnosis: String,
    /// Unified diff of `changes`.
    pub patch: String,
    pub changes: Vec<FileChange>,
    pub failures: Vec<Failure>,
    pub validation: Validation,
}

/// What the user (or the `approve` setting) decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approved,
    /// Declined, with the reason for the report.
    Declined(String),
}

/// A fresh random token for one approval page (32 hex digits from the OS RNG).
pub fn new_token() -> Result<String, std::io::Error> {
    let mut bytes = [0u8; 16];
    rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| std::io::Error::other("the system random number generator failed"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// How `self-heal approve-ui` ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApproveUiOutcome {
    /// No `.self-heal/pending.json`: nothing to approve.
    NothingPending,
    /// Approved and written; the changed paths.
    Applied(Vec<String>),
    /// Rejected on the page; the proposal stays pending.
    Declined(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ApproveUiError {
    #[error(transparent)]
    Pending(#[from] PendingError),
    #[error("approval page failed: {0}")]
    Serve(#[from] std::io::Error),
}

/// A listener on 127.0.0.1:`port` (0: any free port) with a fresh page token, and the
/// page's address when a proposal is pending in `workdir`.
pub async fn open_page(
    workdir: &Path,
    port: u16,
) -> std::io::Result<(tokio::net::TcpListener, String, Option<String>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let token = new_token()?;
    let url = web::page_url(listener.local_addr()?, &token);
    let pending = pending::load(workdir).ok().flatten().is_some();
    Ok((listener, token, pending.then_some(url)))
}

/// `self-heal approve-ui`: serves the pending proposal on `listener`, applies it on
/// approval (refusing if the tree changed since) and then forgets it.
/// The caller binds the listener and prints [`web::page_url`] first.
pub async fn approve_ui(
    workdir: &Path,
    listener: tokio::net::TcpListener,
    token: String,
) -> Result<ApproveUiOutcome, ApproveUiError> {
    let Some(proposal) = pending::load(workdir)? else {
        return Ok(ApproveUiOutcome::NothingPending);
    };
    match web::serve(&proposal, listener, token).await? {
        Decision::Approved => {
            let written = pending::apply(workdir, &proposal)?;
            pending::clear(workdir).map_err(|source| PendingError::Io {
                path: pending::pending_path(workdir).display().to_string(),
                source,
            })?;
            Ok(ApproveUiOutcome::Applied(written))
        }
        Decision::Declined(reason) => Ok(ApproveUiOutcome::Declined(reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hex_and_differ() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
