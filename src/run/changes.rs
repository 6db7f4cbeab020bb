//! Stage 4, what changed: the diff of the files the failures implicate since a known
//! good commit (the `since` setting; else the last green run of the failed run's
//! workflow, else its pull request's base; locally the merge-base with the default
//! branch), for the prompt and the PR body.

use crate::analyze::changes::{self, Base, ChangedSince};
use crate::analyze::Analysis;
use crate::config::Config;
use crate::git::Git;
use crate::github::FailedRun;
use crate::progress::Sink;

/// Sets `analysis.changed_since` when a failure is one code can fix. `failed`: the
/// checkout is at the failed commit, compared with the last green run's; None: the
/// working tree the local logs came from.
pub async fn compare(
    cfg: &Config,
    analysis: &mut Analysis,
    failed: Option<&FailedRun>,
    progress: &dyn Sink,
) {
    // Only a failure code can fix makes a comparison worth a lookup; `since: none` is off.
    if cfg.since.as_deref() == Some("none")
        || !analysis.failures.iter().any(|f| f.kind.is_fixable())
    {
        return;
    }
    let (base, head) = match failed {
        None => {
            let git = Git::new(&cfg.workdir, "");
            (changes::local_base(&git, cfg.since.as_deref()), None)
        }
        Some(failed) => {
            let base = match &cfg.since {
                Some(rev) => Ok(Base {
                    rev: rev.clone(),
                    label: format!("`{rev}` (the `since` setting)"),
                    fetch: true,
                }),
                None => green_base(failed).await,
            };
            let head = failed.fetched.run.head_sha.as_deref().unwrap_or("HEAD");
            (base, Some(head))
        }
    };
    let token = cfg.github_token.clone().unwrap_or_default();
    let git = Git::new(&cfg.workdir, &token);
    // The same budget as the excerpt (about four characters a token).
    let budget = cfg.context_tokens * 4;
    let changed = match base {
        Ok(base) => changes::compare(&git, &base, head, analysis, budget, &cfg.secrets),
        Err(note) => ChangedSince::unavailable(note),
    };
    progress.say(&cfg.secrets.mask(&changed.summary()));
    analysis.changed_since = Some(changed);
}

/// The last green run of the failed run's workflow on its branch, else its PR's base.
async fn green_base(failed: &FailedRun) -> Result<Base, String> {
    let run = &failed.fetched.run;
    match failed.client.last_green_run(&failed.repo, run).await {
        Ok(Some(green)) => {
            return Ok(Base {
                rev: green.head_sha,
                label: format!("the last green run {}", green.id),
                fetch: true,
            })
        }
        Ok(None) => {}
        Err(e) => tracing::debug!("listing the workflow's successful runs: {e}"),
    }
    let pr_base = run
        .pull_requests
        .iter()
        .find_map(|p| p.base.as_ref()?.sha.clone().filter(|s| !s.is_empty()));
    match pr_base {
        Some(sha) => Ok(Base {
            rev: sha,
            label: "the pull request's base".into(),
            fetch: true,
        }),
        None => Err(format!(
            "Not compared with an earlier commit: no successful run of this workflow on {} before run {}.",
            run.head_branch.as_deref().unwrap_or("its branch"),
            run.id
        )),
    }
}
