//! Publishing a validated fix: a commit on a new branch made with git plumbing,
//! pushed with the token in the environment only, then a pull request.
//!
//! Plumbing (`hash-object`, a temporary `GIT_INDEX_FILE`, `write-tree`,
//! `commit-tree`) builds the commit from HEAD plus the changed files without
//! touching the checkout's working tree, index or HEAD: the user's checkout is
//! exactly as it was, whether publishing succeeds or fails.

use super::client::{GithubClient, GithubError, NewPull, PullRequest};
use crate::types::FileChange;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub name: String,
    pub email: String,
}

impl Default for BotIdentity {
    fn default() -> BotIdentity {
        BotIdentity {
            name: "self-heal[bot]".to_string(),
            email: "self-heal[bot]@users.noreply.github.com".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishMode {
    /// Push the branch and stop.
    Branch,
    /// Push and open (or reuse) a pull request.
    Pr,
}

/// What the pull request says; the body should carry the fingerprint marker
/// ([`super::pr_body::PrBody`] adds it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrContent {
    pub title: String,
    pub body: String,
    pub fingerprint: String,
    pub draft: bool,
}

/// Everything publishing needs, as plain owned values.
#[derive(Clone)]
pub struct PublishRequest {
    /// The checkout (its HEAD is the parent of the fix commit).
    pub workdir: PathBuf,
    /// New contents of the changed files (paths relative to `workdir`, which may be
    /// a subdirectory of the repository).
    pub changes: Vec<FileChange>,
    pub run_id: u64,
    /// Short sha for the branch name; empty → HEAD's first 7 characters.
    pub short_sha: String,
    pub commit_message: String,
    pub sign_off: bool,
    pub bot: BotIdentity,
    pub token: String,
    pub remote: String,
    pub base_branch: String,
    pub branch_prefix: String,
    pub pr: PrContent,
}

impl std::fmt::Debug for PublishRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublishRequest")
            .field("workdir", &self.workdir)
            .field("run_id", &self.run_id)
            .field("remote", &self.remote)
            .field("base_branch", &self.base_branch)
            .finish_non_exhaustive()
    }
}

/// The commit made for the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixCommit {
    pub sha: String,
    pub parent: String,
    pub branch: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishOutcome {
    /// `publish: branch`: pushed, no PR.
    Branch { commit: FixCommit },
    /// A PR was opened, or GitHub already had one for this branch (`reused`).
    PullRequest {
        commit: FixCommit,
        pr: PullRequest,
        reused: bool,
    },
    /// An open self-heal PR for the same failure exists: we commented on it
    /// and pushed nothing.
    Commented {
        pr: PullRequest,
        comment_url: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("git {args} failed: {stderr}")]
    Git { args: String, stderr: String },
    #[error("cannot run git: {0}")]
    Spawn(String),
    #[error("{0} is not a safe repository path")]
    BadPath(String),
    #[error("{0:?} is not a valid branch name")]
    BadBranch(String),
    #[error("the fix changes nothing relative to HEAD")]
    NoChanges,
    #[error("push of {branch} to {remote} was rejected: {stderr}")]
    PushRejected {
        branch: String,
        remote: String,
        stderr: String,
    },
    #[error(transparent)]
    Github(#[from] GithubError),
    /// The branch is on the remote (a PR can be opened by hand); the API call failed.
    #[error("pushed branch {branch}, but could not open the pull request: {source}")]
    PullRequest { branch: String, source: GithubError },
    #[error("publishing task failed: {0}")]
    Task(String),
}

/// `<prefix><run_id>-<short sha>`.
pub fn branch_name(prefix: &str, run_id: u64, short_sha: &str) -> String {
    let sha: String = short_sha.chars().take(12).collect();
    if sha.is_empty() {
        format!("{prefix}{run_id}")
    } else {
        format!("{prefix}{run_id}-{sha}")
    }
}

/// The commit message with the DCO line when asked for.
pub fn commit_message(message: &str, sign_off: bool, bot: &BotIdentity) -> String {
    let mut msg = message.trim_end().to_string();
    if msg.is_empty() {
        msg = "Fix failing CI".to_string();
    }
    if sign_off {
        let line = format!("Signed-off-by: {} <{}>", bot.name, bot.email);
        if !msg.contains(&line) {
            msg.push_str("\n\n");
            msg.push_str(&line);
        }
    }
    msg.push('\n');
    msg
}

pub use crate::git::token_env as push_env;
use crate::git::{Git, GitError};

impl From<GitError> for PublishError {
    fn from(e: GitError) -> PublishError {
        match e {
            GitError::Spawn(message) => PublishError::Spawn(message),
            GitError::Failed { command, stderr } => PublishError::Git {
                args: command,
                stderr,
            },
        }
    }
}

fn safe_repo_path(p: &str) -> Result<String, PublishError> {
    let norm = p.replace('\\', "/");
    let norm = norm.trim_start_matches("./");
    let bad = norm.is_empty()
        || norm.starts_with('/')
        || norm.contains('\n')
        || norm.contains('\t')
        || norm
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == ".." || c.eq_ignore_ascii_case(".git"));
    if bad {
        return Err(PublishError::BadPath(p.to_string()));
    }
    Ok(norm.to_string())
}

/// Creates the fix commit on top of HEAD without touching the working tree,
/// the index or any ref of the checkout (the commit is only an object until pushed).
pub fn create_fix_commit(req: &PublishRequest) -> Result<FixCommit, PublishError> {
    let git = Git::new(&req.workdir, &req.token);
    let parent = git.run(&["rev-parse", "--verify", "HEAD^{commit}"], &[], None)?;
    let short = if req.short_sha.trim().is_empty() {
        parent.chars().take(7).collect()
    } else {
        req.short_sha.trim().to_string()
    };
    let branch = branch_name(&req.branch_prefix, req.run_id, &short);
    git.run(&["check-ref-format", "--branch", &branch], &[], None)
        .map_err(|_| PublishError::BadBranch(branch.clone()))?;

    let index_dir = tempfile::tempdir().map_err(|e| PublishError::Spawn(e.to_string()))?;
    let index = index_dir.path().join("index");
    let env = vec![(
        "GIT_INDEX_FILE".to_string(),
        index.to_string_lossy().into_owned(),
    )];
    git.run(&["read-tree", &parent], &env, None)?;
    // The index takes paths from the repository root, the changes are relative to
    // the workdir, which may be a subdirectory (a project inside a monorepo).
    let prefix = git.run_raw(&["rev-parse", "--show-prefix"], &[], None)?;
    if prefix.contains(['\n', '\t']) {
        return Err(PublishError::BadPath(prefix));
    }

    let mut index_info = String::new();
    for change in &req.changes {
        let path = safe_repo_path(&change.path)?;
        let blob = git.run(
            &["hash-object", "-w", "--stdin"],
            &[],
            Some(change.after.as_bytes()),
        )?;
        // Keep an executable bit the file already had (the pathspec is relative
        // to the workdir, like `path`).
        let staged = git.run(&["ls-files", "-s", "--", &path], &env, None)?;
        let mode = staged
            .split_whitespace()
            .next()
            .filter(|m| *m == "100755")
            .unwrap_or("100644");
        index_info.push_str(&format!("{mode} {blob}\t{prefix}{path}\n"));
    }
    git.run(
        &["update-index", "--index-info"],
        &env,
        Some(index_info.as_bytes()),
    )?;
    let tree = git.run(&["write-tree"], &env, None)?;
    let parent_tree = git.run(&["rev-parse", &format!("{parent}^{{tree}}")], &[], None)?;
    if tree == parent_tree {
        return Err(PublishError::NoChanges);
    }
    let ident = vec![
        ("GIT_AUTHOR_NAME".to_string(), req.bot.name.clone()),
        ("GIT_AUTHOR_EMAIL".to_string(), req.bot.email.clone()),
        ("GIT_COMMITTER_NAME".to_string(), req.bot.name.clone()),
        ("GIT_COMMITTER_EMAIL".to_string(), req.bot.email.clone()),
    ];
    let message = commit_message(&req.commit_message, req.sign_off, &req.bot);
    // --no-gpg-sign: the bot has no key, and a user's commit.gpgSign must not make this fail.
    let sha = git.run(
        &[
            "commit-tree",
            &tree,
            "-p",
            &parent,
            "--no-gpg-sign",
            "-F",
            "-",
        ],
        &ident,
        Some(message.as_bytes()),
    )?;
    Ok(FixCommit {
        sha,
        parent,
        branch,
    })
}

/// `git push <remote's push URL> <sha>:refs/heads/<branch>` with the token in the environment.
pub fn push_commit(
    workdir: &Path,
    remote: &str,
    commit: &FixCommit,
    token: &str,
) -> Result<(), PublishError> {
    let git = Git::new(workdir, token);
    // Pushing to the URL rather than the remote's name keeps git from creating a
    // remote-tracking ref in the checkout: the user's refs stay as they were.
    let url = git.run(&["remote", "get-url", "--push", remote], &[], None)?;
    let env = git.token_env(&url);
    let refspec = format!("{}:refs/heads/{}", commit.sha, commit.branch);
    // --no-verify: a pre-push hook is repository code, and it would run with the
    // token in its environment.
    git.run(&["push", "--no-verify", &url, &refspec], &env, None)
        .map_err(|e| match e {
            GitError::Failed { stderr, .. } => PublishError::PushRejected {
                branch: commit.branch.clone(),
                remote: remote.to_string(),
                stderr,
            },
            other => other.into(),
        })
        .map(|_| ())
}

/// Pushes the commit; if the branch already exists on the remote (a re-run for the
/// same run and sha, or a human's commits on it), pushes to `<branch>-2`, `-3`, ...
/// instead: a fix branch is never force-pushed over someone's work.
pub fn push_to_free_branch(
    workdir: &Path,
    remote: &str,
    mut commit: FixCommit,
    token: &str,
) -> Result<FixCommit, PublishError> {
    let base = commit.branch.clone();
    let mut n = 1;
    loop {
        match push_commit(workdir, remote, &commit, token) {
            Err(PublishError::PushRejected { stderr, .. })
                if n < 5 && branch_exists_rejection(&stderr) =>
            {
                n += 1;
                commit.branch = format!("{base}-{n}");
            }
            other => return other.map(|()| commit),
        }
    }
}

fn branch_exists_rejection(stderr: &str) -> bool {
    // git's wording for a non-fast-forward update of an existing ref.
    stderr.contains("[rejected]")
        || stderr.contains("non-fast-forward")
        || stderr.contains("fetch first")
}

/// Commit, push, and (for [`PublishMode::Pr`]) open or reuse the PR. If an open PR
/// already carries the same fingerprint, comment on it instead and push nothing.
/// The same steps as [`find_duplicate`], [`push_fix`] and [`open_pull`], which a
/// caller runs one by one to act between the push and the PR.
pub async fn publish(
    client: &GithubClient,
    repo: &str,
    req: &PublishRequest,
    mode: PublishMode,
) -> Result<PublishOutcome, PublishError> {
    if mode == PublishMode::Pr {
        if let Some(commented) = find_duplicate(client, repo, req).await? {
            return Ok(commented);
        }
    }
    let commit = push_fix(req).await?;
    if mode == PublishMode::Branch {
        return Ok(PublishOutcome::Branch { commit });
    }
    open_pull(client, repo, req, commit).await
}

/// An open PR that already carries the request's fingerprint gets a comment with
/// this run's proposal: [`PublishOutcome::Commented`]; None when there is none.
pub async fn find_duplicate(
    client: &GithubClient,
    repo: &str,
    req: &PublishRequest,
) -> Result<Option<PublishOutcome>, PublishError> {
    if req.pr.fingerprint.is_empty() {
        return Ok(None);
    }
    let Some(pr) = client
        .find_pull_by_fingerprint(repo, &req.pr.fingerprint)
        .await?
    else {
        return Ok(None);
    };
    let body = format!(
        "The same failure occurred again in run {}. self-heal's proposal from that run:\n\n{}",
        req.run_id, req.pr.body
    );
    let comment = client.create_issue_comment(repo, pr.number, &body).await?;
    Ok(Some(PublishOutcome::Commented {
        pr,
        comment_url: comment.html_url,
    }))
}

/// Makes the fix commit and pushes it to a free branch (git runs off the async runtime).
pub async fn push_fix(req: &PublishRequest) -> Result<FixCommit, PublishError> {
    let owned = req.clone();
    tokio::task::spawn_blocking(move || {
        let commit = create_fix_commit(&owned)?;
        push_to_free_branch(&owned.workdir, &owned.remote, commit, &owned.token)
    })
    .await
    .map_err(|e| PublishError::Task(e.to_string()))?
}

/// Opens (or reuses) the PR for a pushed commit, with the request's title and body.
pub async fn open_pull(
    client: &GithubClient,
    repo: &str,
    req: &PublishRequest,
    commit: FixCommit,
) -> Result<PublishOutcome, PublishError> {
    let opened = client
        .create_pull(
            repo,
            &NewPull {
                title: req.pr.title.clone(),
                head: commit.branch.clone(),
                base: req.base_branch.clone(),
                body: req.pr.body.clone(),
                draft: req.pr.draft,
            },
        )
        .await
        .map_err(|source| PublishError::PullRequest {
            branch: commit.branch.clone(),
            source,
        })?;
    Ok(PublishOutcome::PullRequest {
        commit,
        pr: opened.pr,
        reused: opened.reused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_rejected() {
        for p in ["../x", "/etc/passwd", ".git/config", "a//b", "a/./b", ""] {
            assert!(safe_repo_path(p).is_err(), "{p}");
        }
        assert_eq!(
            safe_repo_path("./src/a.py").ok().as_deref(),
            Some("src/a.py")
        );
    }

    #[test]
    fn sign_off_added_once() {
        let bot = BotIdentity::default();
        let m = commit_message("Fix x\n", true, &bot);
        assert_eq!(
            m,
            "Fix x\n\nSigned-off-by: self-heal[bot] <self-heal[bot]@users.noreply.github.com>\n"
        );
        assert_eq!(commit_message(&m, true, &bot), m);
        assert_eq!(commit_message("Fix x", false, &bot), "Fix x\n");
    }
}
