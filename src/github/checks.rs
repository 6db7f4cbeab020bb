//! Checks on a fix branch pushed with `GITHUB_TOKEN`, whose pushes start no workflow:
//! the failed run's workflow is dispatched on the branch when it accepts
//! `workflow_dispatch`; otherwise the PR body says how to get checks.

use super::dispatch::{self, DispatchTrigger, Dispatched, Polling};
use super::failed_run::FailedRun;
use crate::progress::Sink;
use crate::secrets::Secrets;
use std::path::Path;

/// What was done about CI on the fix branch.
pub struct Checks {
    /// The dispatched run's page, when it was found.
    pub url: Option<String>,
    /// The PR body's `### Checks` section.
    pub markdown: String,
}

/// Dispatches the failed run's workflow on `branch` when it accepts
/// `workflow_dispatch`; otherwise (or when GitHub refuses) says how to get checks,
/// with a one-line warning. Never fails the publication. `workdir` is the checkout,
/// where the workflow file is read as of `head_sha`.
pub async fn start_checks(
    failed: &FailedRun,
    workdir: &Path,
    head_sha: &str,
    branch: &str,
    secrets: &Secrets,
    progress: &dyn Sink,
) -> Checks {
    let run = &failed.fetched.run;
    let file = run.path.as_deref().and_then(dispatch::workflow_path);
    let shown = file
        .map(|f| format!("`{f}`"))
        .unwrap_or_else(|| "the failed workflow".into());
    let how = format!(
        "To get checks here, give self-heal a `pr-token` (a fine-grained PAT or GitHub App token, whose pushes start workflows), or add `workflow_dispatch:` to the `on:` of {shown} and grant `actions: write`, so self-heal starts it on the fix branch; or push an empty commit to the branch."
    );
    let not_started = |why: String| {
        progress.say(&format!("warning: no CI started on {branch}: {why}"));
        Checks {
            url: None,
            markdown: secrets.mask(&format!(
                "No checks ran on this branch: it was pushed with `GITHUB_TOKEN`, whose pushes start no workflow, and {why}. {how}"
            )),
        }
    };
    let Some(workflow) = dispatch::workflow_ref(run.workflow_id, run.path.as_deref()) else {
        return not_started("the failed run names no workflow file to dispatch".into());
    };
    // The file as of the failed commit is the one that runs on the fix branch (a fix
    // never edits .github/workflows/).
    let trigger = match file {
        Some(f) if !head_sha.is_empty() => crate::git::Git::new(workdir, "")
            .run_raw(&["show", &format!("{head_sha}:{f}")], &[], None)
            .map(|text| dispatch::dispatch_trigger(&text))
            .unwrap_or(DispatchTrigger::Unknown),
        _ => DispatchTrigger::Unknown,
    };
    if trigger == DispatchTrigger::Missing {
        return not_started(format!("{shown} has no `workflow_dispatch` trigger"));
    }
    match failed
        .client
        .dispatch_on_branch(&failed.repo, &workflow, branch, Polling::default())
        .await
    {
        Ok(Dispatched {
            html_url: Some(url),
        }) => {
            progress.say(&format!("started CI on {branch}: {url}"));
            Checks {
                markdown: format!(
                    "self-heal started {shown} on this branch with `workflow_dispatch` (pushes made with `GITHUB_TOKEN` start no workflow): [the CI run]({url})."
                ),
                url: Some(url),
            }
        }
        Ok(Dispatched { html_url: None }) => {
            progress.say(&format!(
                "warning: started CI on {branch}, but its run was not found yet"
            ));
            Checks {
                url: None,
                markdown: format!(
                    "self-heal started {shown} on this branch with `workflow_dispatch` (pushes made with `GITHUB_TOKEN` start no workflow); its run is listed in the repository's Actions tab under the branch `{branch}`."
                ),
            }
        }
        Err(e) => not_started(format!("self-heal could not dispatch {shown}: {e}")),
    }
}
