//! A dry run on a pull request's build with `comment: true`: the proposal goes to the
//! pull request as a comment.

use super::failed_run::FailedRun;
use super::pr_body::PrBody;
use super::GithubError;
use crate::report::Report;

/// The comment could not be posted on pull request `number`.
#[derive(Debug, thiserror::Error)]
#[error("could not comment on #{number}: {error}")]
pub struct CommentError {
    pub number: u64,
    pub error: GithubError,
}

/// Comments the proposal in `report` on the failed build's pull request; nothing when
/// the run built none.
pub async fn comment_proposal(failed: &FailedRun, report: &Report) -> Result<(), CommentError> {
    let numbers = failed.pull_numbers().await.unwrap_or_default();
    let Some(&number) = numbers.first() else {
        return Ok(());
    };
    let body = format!(
        "**self-heal** (dry run) proposes this fix for the failed run:\n\n{}",
        PrBody::from_report(report, failed.run_url(), Some(failed.run.run_id), "", "").render()
    );
    failed
        .client
        .create_issue_comment(&failed.repo, number, &body)
        .await
        .map(|_| ())
        .map_err(|error| CommentError { number, error })
}
