//! Our serde models of the REST shapes we read and write: only the fields we use,
//! and the ones octocrab's models lack (a run's `pull_requests`, see `event.rs`).

use serde::{Deserialize, Serialize};

/// A pull request, the fields we use from the `pull-request` shapes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PullRequest {
    pub number: u64,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default)]
    pub head: Option<super::event::BranchRef>,
    #[serde(default)]
    pub base: Option<super::event::BranchRef>,
}

impl PullRequest {
    pub fn head_ref(&self) -> Option<&str> {
        self.head.as_ref().and_then(|h| h.git_ref.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct IssueComment {
    pub id: u64,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub number: u64,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Job {
    pub id: u64,
    #[serde(default)]
    pub run_id: Option<u64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
pub(super) struct JobsPage {
    #[serde(default)]
    pub(super) total_count: u64,
    #[serde(default)]
    pub(super) jobs: Vec<Job>,
}

/// What `POST /pulls` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPull {
    pub title: String,
    /// Branch name in the same repository.
    pub head: String,
    pub base: String,
    pub body: String,
    pub draft: bool,
}

/// The pull request `create_pull` ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedPull {
    pub pr: PullRequest,
    /// True when GitHub said one already exists for the head and we reuse it.
    pub reused: bool,
}

/// The marker a self-heal PR body carries so later runs find it.
pub fn fingerprint_marker(fingerprint: &str) -> String {
    format!("<!-- self-heal:fingerprint={fingerprint} -->")
}
