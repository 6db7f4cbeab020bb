//! Stage 1, acquire the source: local `log` files as given, or the failed run named by
//! the event or `run-id`, fetched with its failed jobs' logs (downloaded, not yet read).

use super::checkout::checkout_head;
use super::{Ending, Stop};
use crate::config::{Config, Publish, Usage};
use crate::github::client::GithubClient;
use crate::github::event::{self, Guards, Trigger};
use crate::github::{fetch, FailedRun};
use crate::logs;
use crate::progress::Sink;
use std::time::Duration;

/// Where the logs come from.
pub enum Source {
    /// The `log` setting's files (text, directory, zip, `-` for stdin).
    Local,
    /// A failed run on GitHub; its downloaded logs are in `fetched.logs` until analysed.
    Remote(Box<FailedRun>),
}

/// The loop guard's settings: runs on fix branches, excluded workflows and bots'
/// runs are never repaired.
fn guards(cfg: &Config) -> Guards {
    Guards {
        branch_prefix: cfg.branch_prefix.clone(),
        exclude_workflows: cfg.exclude_workflows.clone(),
        bot_logins: event::default_bot_logins(),
    }
}

/// Local `log` files win; otherwise the event / `run-id` names a run to fetch.
pub async fn acquire(cfg: &Config, progress: &dyn Sink) -> Result<Source, Stop> {
    if !cfg.logs.is_empty() {
        return local(cfg).map(|()| Source::Local);
    }
    remote(cfg, progress)
        .await
        .map(|failed| Source::Remote(Box::new(failed)))
}

fn usage(message: impl Into<String>) -> Stop {
    Stop::Usage(Usage(message.into()))
}

fn local(cfg: &Config) -> Result<(), Stop> {
    if let Some(missing) = cfg
        .logs
        .iter()
        .find(|p| p.as_os_str() != logs::stream::STDIN && !p.exists())
    {
        return Err(usage(format!(
            "{}: no such file or directory",
            missing.display()
        )));
    }
    if cfg.publish != Publish::None && !cfg.dry_run {
        let what = match cfg.publish {
            Publish::Suggest => "publish suggest",
            _ => "publish pr/branch",
        };
        return Err(usage(format!(
            "{what} needs the failed run (run-id or a workflow_run event); logs given with `log` are repaired in the working tree: set publish none"
        )));
    }
    Ok(())
}

async fn remote(cfg: &Config, progress: &dyn Sink) -> Result<FailedRun, Stop> {
    let event_json = match &cfg.event_path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(text) => Some(text),
            Err(e) => {
                return Err(usage(format!(
                    "cannot read GITHUB_EVENT_PATH {}: {e}",
                    p.display()
                )))
            }
        },
        None => None,
    };
    let trigger = event::resolve_trigger(
        cfg.event_name.as_deref(),
        event_json.as_deref(),
        cfg.run_id,
        &guards(cfg),
    )
    .map_err(|e| usage(format!("{e}; or give --log with a CI log")))?;
    let run = match trigger {
        Trigger::Skip(reason) => return Err(Ending::Skipped(reason).into()),
        Trigger::Repair(run) => run,
    };
    // The fix is validated against, committed on and pushed from the workspace: find a
    // workspace that is no git checkout out now, before the model is asked anything.
    if cfg.in_actions && checkout_head(&cfg.workdir).is_none() {
        return Err(usage(format!(
            "the workspace {} is not a git checkout with a commit: run actions/checkout before self-heal",
            cfg.workdir.display()
        )));
    }
    let repo = run
        .repository
        .clone()
        .or_else(|| cfg.repo.clone())
        .ok_or_else(|| usage("no repository: set repo (owner/name) or GITHUB_REPOSITORY"))?;
    let token = cfg.github_token.clone().ok_or_else(|| {
        usage("no GitHub token: set github-token or GITHUB_TOKEN to fetch the run")
    })?;
    let client = GithubClient::from_env_values(Some(&cfg.api_url), &token, Duration::from_secs(60))
        .map_err(|e| Ending::Error(e.to_string()))?;
    progress.say(&format!("fetching run {} of {repo}", run.run_id));
    let fetched = fetch::fetch_failed_logs(&client, &repo, run.run_id)
        .await
        .map_err(|e| Ending::Error(format!("run {}: {e}", run.run_id)))?;
    if run.needs_guard_check {
        if let Some(reason) = event::skip_reason(&fetched.run, &guards(cfg)) {
            return Err(Ending::Skipped(reason).into());
        }
    }
    for w in &fetched.warnings {
        progress.say(&format!("warning: {w}"));
    }
    Ok(FailedRun {
        client,
        repo,
        run,
        fetched,
    })
}
