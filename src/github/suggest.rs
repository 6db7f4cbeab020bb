//! `publish: suggest`: the validated fix as a review of the failed build's pull
//! request, a suggestion per hunk inside the PR's diff and the other hunks as a diff
//! in the review body, with the diagnosis and the validation evidence. The PR is
//! found (and refused) before any repair.

use super::failed_run::{short_sha, FailedRun};
use super::reviews;
use super::GithubError;
use crate::progress::Sink;
use crate::report::Report;
use crate::secrets::Secrets;
use crate::types::FileChange;
use std::path::Path;

/// The pull request a `publish: suggest` review goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewTarget {
    pub number: u64,
    pub html_url: String,
    pub head_ref: String,
    /// The failed (and validated) commit, the PR's head.
    pub commit_id: String,
}

/// The review that was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggested {
    pub number: u64,
    /// The review's page, else the PR's.
    pub url: String,
    pub branch: String,
    /// Hunks posted as one-click suggestions.
    pub suggestions: usize,
    /// Hunks outside the PR's diff, in the review body.
    pub outside: usize,
}

/// Why no review was posted.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error("{0}")]
    Files(GithubError),
    #[error("{error}")]
    Review { number: u64, error: GithubError },
}

/// The pull request of a failed build that `publish: suggest` may review: one of this
/// repository (a fork's code is neither repaired nor reviewed with this token), open,
/// and still at the commit that failed (suggestions apply to the lines of the head).
/// `Err` is why not, one line.
pub async fn review_target(failed: &FailedRun) -> Result<ReviewTarget, String> {
    let repo = failed.repo.as_str();
    let fetched = &failed.fetched;
    let id = failed.run.run_id;
    let refuse = |why: String| format!("publish suggest: {why}; nothing was repaired");
    let same_repo = |other: &str| other.eq_ignore_ascii_case(repo);
    if let Some(head) = fetched
        .run
        .head_repository
        .as_ref()
        .and_then(|r| r.full_name.as_deref())
        .filter(|h| !same_repo(h))
    {
        return Err(refuse(format!(
            "run {id} built the fork {head}; suggestions go only on pull requests from {repo}"
        )));
    }
    let numbers = failed
        .pull_numbers()
        .await
        .map_err(|e| refuse(format!("cannot list the pull requests of run {id}: {e}")))?;
    let Some(&number) = numbers.first() else {
        let what = match (
            fetched.run.event.as_deref(),
            fetched.run.head_branch.as_deref(),
        ) {
            (Some(ev), Some(b)) => format!("a {ev} build of {b}"),
            _ => "not a pull-request build".into(),
        };
        return Err(refuse(format!(
            "run {id} is {what} with no open pull request to review (publish pr opens one)"
        )));
    };
    let pr = failed
        .client
        .get_pull(repo, number)
        .await
        .map_err(|e| refuse(format!("cannot read pull request #{number}: {e}")))?;
    if let Some(head) = pr
        .head
        .as_ref()
        .and_then(|h| h.repo.as_ref())
        .and_then(|r| r.full_name.as_deref())
        .filter(|h| !same_repo(h))
    {
        return Err(refuse(format!(
            "pull request #{number} comes from the fork {head}; suggestions go only on pull requests from {repo}"
        )));
    }
    if pr.state.as_deref().is_some_and(|s| s != "open") {
        return Err(refuse(format!("pull request #{number} is not open")));
    }
    let failed_sha = failed.head_sha();
    let head_sha = pr
        .head
        .as_ref()
        .and_then(|h| h.sha.clone())
        .unwrap_or_default();
    if !failed_sha.is_empty() && !head_sha.is_empty() && !head_sha.eq_ignore_ascii_case(&failed_sha)
    {
        return Err(refuse(format!(
            "pull request #{number} moved on to {} since run {id} failed at {}; its newer build is the one to repair",
            short_sha(&head_sha),
            short_sha(&failed_sha)
        )));
    }
    Ok(ReviewTarget {
        number,
        html_url: pr.html_url.clone(),
        head_ref: pr.head_ref().unwrap_or_default().to_string(),
        commit_id: if failed_sha.is_empty() {
            head_sha
        } else {
            failed_sha
        },
    })
}

/// Posts the review of `changes` (relative to `workdir`) on `target`; `report` gives
/// the failures, the diagnosis and the validation for its body. The fix is offered,
/// not applied.
pub async fn suggest_fix(
    failed: &FailedRun,
    target: &ReviewTarget,
    workdir: &Path,
    changes: &[FileChange],
    report: &Report,
    secrets: &Secrets,
    progress: &dyn Sink,
) -> Result<Suggested, SuggestError> {
    let number = target.number;
    let files = failed
        .client
        .list_pull_files(&failed.repo, number)
        .await
        .map_err(SuggestError::Files)?;
    // The fix's paths are relative to the workdir; the PR's to the repository root.
    let prefix = crate::git::Git::new(workdir, "")
        .run_raw(&["rev-parse", "--show-prefix"], &[], None)
        .unwrap_or_default();
    let hunks = reviews::hunks(changes, prefix.trim_end_matches('\n'));
    let mut plan = reviews::plan(&hunks, &files);
    for c in &mut plan.comments {
        c.body = secrets.mask(&c.body);
    }
    let body = |plan: &reviews::Plan| secrets.mask(&review_body(report, failed, plan));
    let mut posted = failed
        .client
        .create_review(
            &failed.repo,
            number,
            &target.commit_id,
            &body(&plan),
            &plan.comments,
        )
        .await;
    if matches!(posted, Err(GithubError::Validation { .. })) && !plan.comments.is_empty() {
        // GitHub placed a line differently than the PR's diff said: the whole fix
        // goes into the body rather than no review at all.
        progress.say("warning: GitHub refused the suggestions' lines; posting the fix as a diff in the review");
        plan = reviews::Plan {
            comments: Vec::new(),
            outside: hunks.clone(),
        };
        posted = failed
            .client
            .create_review(&failed.repo, number, &target.commit_id, &body(&plan), &[])
            .await;
    }
    let review = posted.map_err(|error| SuggestError::Review { number, error })?;
    Ok(Suggested {
        number,
        url: if review.html_url.is_empty() {
            target.html_url.clone()
        } else {
            review.html_url
        },
        branch: target.head_ref.clone(),
        suggestions: plan.comments.len(),
        outside: plan.outside.len(),
    })
}

/// The review's body: what failed, why, how it was validated, and the hunks that
/// could not be suggestions.
fn review_body(report: &Report, failed: &FailedRun, plan: &reviews::Plan) -> String {
    let id = failed.run.run_id;
    let run = match failed.run_url() {
        Some(url) => format!("[run {id}]({url})"),
        None => format!("run {id}"),
    };
    let mut out = format!(
        "**self-heal** proposes a fix for the failure of {run}, validated by re-running the failing tests in a sandbox copy of this pull request's head.\n\n"
    );
    match plan.comments.len() {
        0 => {}
        n => out.push_str(&format!(
            "{n} suggestion(s) below: *Commit suggestion* applies one, *Add suggestion to batch* several in one commit.\n\n"
        )),
    }
    out.push_str("### Failures\n\n");
    out.push_str(&super::pr_body::failure_table(&report.failures));
    out.push_str("\n### Root cause\n\n");
    let diag = report.diagnosis.trim();
    out.push_str(if diag.is_empty() {
        "(no diagnosis recorded)"
    } else {
        diag
    });
    out.push_str("\n\n### Validation\n\n");
    out.push_str(&super::pr_body::validation_section(
        report.attempts.last().map(|a| &a.validation),
    ));
    if !plan.outside.is_empty() {
        out.push_str("\n### Outside this pull request's diff\n\n");
        out.push_str(
            "These hunks change lines this pull request does not touch, which GitHub cannot take as suggestions; apply them with `git apply`:\n\n",
        );
        let diff: String = plan.outside.iter().map(|h| h.diff.as_str()).collect();
        out.push_str(&super::pr_body::diff_block(
            &diff,
            super::pr_body::MAX_DIFF_CHARS,
        ));
    }
    out
}
