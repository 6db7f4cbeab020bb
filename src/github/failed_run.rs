//! The failed run being repaired, as fetched: what the event said about it, what the
//! API answered, and the client that reaches its repository. Publishing, reviews and
//! comments go where it says.

use super::client::GithubClient;
use super::event::RunRef;
use super::fetch::FetchedRun;

pub struct FailedRun {
    pub client: GithubClient,
    /// `owner/name`.
    pub repo: String,
    pub run: RunRef,
    pub fetched: FetchedRun,
}

impl FailedRun {
    /// The run's page on GitHub.
    pub fn run_url(&self) -> Option<&str> {
        self.fetched
            .run
            .html_url
            .as_deref()
            .or(self.run.html_url.as_deref())
    }

    /// The commit that failed, empty when neither the API nor the event named it.
    pub fn head_sha(&self) -> String {
        self.fetched
            .run
            .head_sha
            .clone()
            .or_else(|| self.run.head_sha.clone())
            .unwrap_or_default()
    }

    /// The pull requests the run built, from the event, else from the API (a fork's
    /// build lists none: matched on its head commit).
    pub async fn pull_numbers(&self) -> Result<Vec<u64>, super::GithubError> {
        if !self.run.pr_numbers.is_empty() {
            return Ok(self.run.pr_numbers.clone());
        }
        self.client
            .pulls_for_run(&self.repo, &self.fetched.run)
            .await
    }
}

/// The first 7 characters of a commit id (a sha from an event payload is not trusted
/// to be ASCII).
pub fn short_sha(sha: &str) -> &str {
    match sha.char_indices().nth(7) {
        Some((i, _)) => &sha[..i],
        None => sha,
    }
}
