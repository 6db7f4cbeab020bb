//! The checkout must be at the commit that failed: validating (and committing on top
//! of) another commit would prove nothing about the failure.

use super::{Ending, Stop};
use crate::config::Config;
use crate::github::{short_sha, FailedRun};
use crate::progress::Sink;
use std::path::Path;

/// In Actions a clean workspace at another commit (a dispatch checks out the default
/// branch) is moved to the failed commit; anywhere else, or when moving fails, the run
/// ends with an error.
pub fn align(cfg: &Config, failed: &FailedRun, progress: &dyn Sink) -> Result<(), Stop> {
    let token = cfg.github_token.clone().unwrap_or_default();
    let Some(wanted) = failed
        .fetched
        .run
        .head_sha
        .as_deref()
        .filter(|s| !s.is_empty())
    else {
        return Ok(());
    };
    let Some(head) = checkout_head(&cfg.workdir) else {
        return Ok(());
    };
    if head.eq_ignore_ascii_case(wanted) {
        return Ok(());
    }
    // In Actions the workspace is ours: a dispatch checks out the default branch, so
    // move a clean workspace to the failed commit. Locally, never.
    let moved = cfg.in_actions
        && match checkout_commit(&cfg.workdir, wanted, &token) {
            Ok(()) => {
                progress.say(&format!(
                    "checked out the failed commit {}",
                    short_sha(wanted)
                ));
                true
            }
            Err(why) => {
                progress.say(&format!("cannot check out the failed commit: {why}"));
                false
            }
        };
    if moved {
        return Ok(());
    }
    Err(Ending::Error(format!(
        "the checkout is at {}, but run {} failed at {}: check out the failed commit (actions/checkout with ref: the run's head_sha)",
        short_sha(&head),
        failed.run.run_id,
        short_sha(wanted)
    ))
    .into())
}

/// Detaches a clean checkout at `sha`, fetching it from `origin` first if needed (the
/// token goes to git through its environment only, as for the push).
fn checkout_commit(workdir: &Path, sha: &str, token: &str) -> Result<(), String> {
    let runner = crate::git::Git::new(workdir, token);
    let git = |args: &[&str], env: &[(String, String)]| -> Result<String, String> {
        runner.run(args, env, None).map_err(|e| match e {
            crate::git::GitError::Failed { command, stderr } => format!(
                "git {command}: {}",
                stderr.lines().next().unwrap_or("failed")
            ),
            spawn => spawn.to_string(),
        })
    };
    if !git(&["status", "--porcelain"], &[])?.is_empty() {
        return Err("the workspace has local changes".into());
    }
    if git(&["cat-file", "-e", &format!("{sha}^{{commit}}")], &[]).is_err() {
        let url = git(&["remote", "get-url", "origin"], &[])?;
        let env = runner.token_env(&url);
        git(
            &["fetch", "--quiet", "--no-tags", "--depth=1", "origin", sha],
            &env,
        )?;
    }
    git(&["checkout", "--quiet", "--detach", sha], &[]).map(|_| ())
}

/// HEAD of the checkout, when it is a git work tree.
pub fn checkout_head(workdir: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(workdir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
