//! An approved, validated fix published on the failed run's repository as a branch or
//! a pull request: its title, body and commit message, and the branch's checks. The
//! checkout is not modified (see [`super::publish`]).

use super::checks::{start_checks, Checks};
use super::failed_run::{short_sha, FailedRun};
use super::pr_body::PrBody;
use super::publish::{
    self, BotIdentity, PrContent, PublishError, PublishMode, PublishOutcome, PublishRequest,
};
use crate::progress::Sink;
use crate::report::Report;
use crate::secrets::Secrets;
use crate::types::FileChange;
use std::path::Path;

/// The fix and how to publish it, from the settings and the repair.
pub struct FixToPublish<'a> {
    pub mode: PublishMode,
    /// The checkout the fix was validated in (the commit's parent is its HEAD).
    pub workdir: &'a Path,
    pub changes: &'a [FileChange],
    pub diagnosis: &'a str,
    /// The repair's report, for the PR body (failures, diff, validation, tokens).
    pub report: &'a Report,
    pub fingerprint: &'a str,
    /// The token for the push and the PR.
    pub token: String,
    /// Pushes made with this token start workflows (a `pr-token`): no dispatch needed.
    pub token_starts_workflows: bool,
    /// The `base-branch` setting; the failed run's branch otherwise.
    pub base_branch: Option<String>,
    pub branch_prefix: &'a str,
    pub sign_off: bool,
    /// Masked out of the title, body and commit message.
    pub secrets: &'a Secrets,
}

/// Where the fix went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    Branch {
        branch: String,
        /// The CI run dispatched on it, when one was found.
        ci_run_url: Option<String>,
    },
    PullRequest {
        number: u64,
        url: String,
        branch: String,
        /// GitHub already had a PR for this branch.
        reused: bool,
        ci_run_url: Option<String>,
    },
    /// An open self-heal PR already proposes a fix for the same failure: commented
    /// there, nothing pushed.
    Commented {
        number: u64,
        url: String,
        branch: String,
        comment_url: String,
    },
}

/// Publishes `fix` as a branch or PR. A branch pushed with `GITHUB_TOKEN` (no
/// `pr-token`) starts no workflow: the failed run's workflow is dispatched on it
/// between the push and the PR, whose body links that run or says how to get checks.
pub async fn publish_fix(
    failed: &FailedRun,
    fix: FixToPublish<'_>,
    progress: &dyn Sink,
) -> Result<Published, PublishError> {
    let head_sha = failed.head_sha();
    let base_branch = fix
        .base_branch
        .clone()
        .or_else(|| failed.fetched.run.head_branch.clone())
        .or_else(|| failed.run.head_branch.clone())
        .unwrap_or_else(|| "main".into());
    let run_id = failed.run.run_id;
    let branch = publish::branch_name(fix.branch_prefix, run_id, short_sha(&head_sha));
    let pr_body = |branch: &str, checks: Option<&str>| {
        let mut body = PrBody::from_report(
            fix.report,
            failed.run_url(),
            Some(run_id),
            branch,
            fix.fingerprint,
        );
        body.checks = checks;
        // The model's diagnosis goes into the body, title and commit: never a token.
        fix.secrets.mask(&body.render())
    };
    let body = pr_body(&branch, None);
    let title = fix
        .secrets
        .mask(&format!("self-heal: {}", first_sentence(fix.diagnosis)));
    let mut request = PublishRequest {
        workdir: fix.workdir.to_path_buf(),
        changes: fix.changes.to_vec(),
        run_id,
        short_sha: short_sha(&head_sha).to_string(),
        commit_message: fix.secrets.mask(&format!(
            "{title}\n\n{}\n\nFailed run: {}",
            fix.diagnosis,
            failed.run_url().unwrap_or("")
        )),
        sign_off: fix.sign_off,
        bot: BotIdentity::default(),
        token: fix.token.clone(),
        remote: "origin".into(),
        base_branch,
        branch_prefix: fix.branch_prefix.to_string(),
        pr: PrContent {
            title,
            body,
            fingerprint: fix.fingerprint.to_string(),
            draft: false,
        },
    };
    let client = &failed.client;
    let repo = &failed.repo;
    if fix.mode == PublishMode::Pr {
        if let Some(commented) = publish::find_duplicate(client, repo, &request).await? {
            return Ok(published(commented, None));
        }
    }
    let commit = publish::push_fix(&request).await?;
    let checks = match fix.token_starts_workflows {
        true => None,
        false => Some(
            start_checks(
                failed,
                fix.workdir,
                &head_sha,
                &commit.branch,
                fix.secrets,
                progress,
            )
            .await,
        ),
    };
    let ci_run_url = checks.as_ref().and_then(|c: &Checks| c.url.clone());
    if fix.mode == PublishMode::Branch {
        return Ok(published(PublishOutcome::Branch { commit }, ci_run_url));
    }
    request.pr.body = pr_body(&commit.branch, checks.as_ref().map(|c| c.markdown.as_str()));
    let outcome = publish::open_pull(client, repo, &request, commit).await?;
    Ok(published(outcome, ci_run_url))
}

fn published(outcome: PublishOutcome, ci_run_url: Option<String>) -> Published {
    match outcome {
        PublishOutcome::Branch { commit } => Published::Branch {
            branch: commit.branch,
            ci_run_url,
        },
        PublishOutcome::PullRequest { commit, pr, reused } => Published::PullRequest {
            number: pr.number,
            url: pr.html_url.clone(),
            branch: commit.branch,
            reused,
            ci_run_url,
        },
        PublishOutcome::Commented { pr, comment_url } => Published::Commented {
            number: pr.number,
            url: pr.html_url.clone(),
            branch: pr.head_ref().unwrap_or_default().to_string(),
            comment_url,
        },
    }
}

/// The commit title: the diagnosis' first sentence, at most 72 characters.
fn first_sentence(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    let end = line.find(". ").map(|i| i + 1).unwrap_or(line.len());
    let mut t: String = line[..end].chars().take(72).collect();
    if t.is_empty() {
        t = "fix the failing CI run".into();
    }
    t
}
