//! The GitHub side of `self-heal run`: which run to repair, its failed jobs' logs,
//! publishing a validated fix as a branch, a pull request or a review of suggestions.

use crate::analyze::Analysis;
use crate::config::{Config, Publish};
use crate::github::client::GithubClient;
use crate::github::dispatch::{self, DispatchTrigger, Dispatched, Polling};
use crate::github::event::{self, Guards, RunRef, Trigger};
use crate::github::fetch::{self, FetchedRun};
use crate::github::pr_body::PrBody;
use crate::github::publish::{
    self, BotIdentity, PrContent, PublishMode, PublishOutcome, PublishRequest,
};
use crate::github::reviews;
use crate::github::GithubError;
use crate::logs;
use crate::pipeline::Repaired;
use crate::report::{PrInfo, Report, Status};
use std::path::Path;
use std::time::Duration;

/// A run fetched from GitHub, ready to analyse.
pub struct RemoteRun {
    pub client: GithubClient,
    pub repo: String,
    pub run: RunRef,
    pub fetched: FetchedRun,
    /// The failed jobs' logs, analysed (streamed from the downloads, masked).
    pub analysis: Box<Analysis>,
    /// `publish: suggest`: the pull request to review, checked before any repair.
    pub review: Option<ReviewTarget>,
}

/// The pull request a `publish: suggest` review goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewTarget {
    pub number: u64,
    pub html_url: String,
    pub head_ref: String,
    /// The failed (and validated) commit, the PR's head.
    pub commit_id: String,
}

impl RemoteRun {
    pub fn run_url(&self) -> Option<&str> {
        self.fetched
            .run
            .html_url
            .as_deref()
            .or(self.run.html_url.as_deref())
    }
}

/// What the run command should do, decided from the event and settings.
pub enum Source {
    /// Logs given with `log`, already analysed (streamed, so never held whole).
    Local(Box<Analysis>),
    Remote(Box<RemoteRun>),
}

/// A reason the run cannot start (usage: exit 2) or ended early (a report).
pub enum SourceError {
    Usage(String),
    Report(Box<Report>),
}

fn guards(cfg: &Config) -> Guards {
    Guards {
        branch_prefix: cfg.branch_prefix.clone(),
        exclude_workflows: cfg.exclude_workflows.clone(),
        bot_logins: event::default_bot_logins(),
    }
}

/// Local `log` files win; otherwise the event / `run-id` names a run to fetch.
pub async fn resolve_source(
    cfg: &Config,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Source, SourceError> {
    if !cfg.logs.is_empty() {
        if let Some(missing) = cfg
            .logs
            .iter()
            .find(|p| p.as_os_str() != logs::stream::STDIN && !p.exists())
        {
            return Err(SourceError::Usage(format!(
                "{}: no such file or directory",
                missing.display()
            )));
        }
        if cfg.publish != Publish::None && !cfg.dry_run {
            let what = match cfg.publish {
                Publish::Suggest => "publish suggest",
                _ => "publish pr/branch",
            };
            return Err(SourceError::Usage(format!(
                "{what} needs the failed run (run-id or a workflow_run event); logs given with `log` are repaired in the working tree: set publish none"
            )));
        }
        return crate::pipeline::analyze_local_logs(cfg)
            .map(|(analysis, cuts)| {
                for c in cuts {
                    progress(&c);
                }
                Source::Local(Box::new(analysis))
            })
            .map_err(|(status, reason)| {
                SourceError::Report(Box::new(Report::new(status, reason)))
            });
    }
    let event_json = match &cfg.event_path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(text) => Some(text),
            Err(e) => {
                return Err(SourceError::Usage(format!(
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
    .map_err(|e| SourceError::Usage(format!("{e}; or give --log with a CI log")))?;
    let run = match trigger {
        Trigger::Skip(reason) => {
            return Err(SourceError::Report(Box::new(Report::new(
                Status::Skipped,
                reason,
            ))))
        }
        Trigger::Repair(run) => run,
    };
    // The fix is validated against, committed on and pushed from the workspace: find a
    // workspace that is no git checkout out now, before the model is asked anything.
    if cfg.in_actions && checkout_head(&cfg.workdir).is_none() {
        return Err(SourceError::Usage(format!(
            "the workspace {} is not a git checkout with a commit: run actions/checkout before self-heal",
            cfg.workdir.display()
        )));
    }
    let repo = run
        .repository
        .clone()
        .or_else(|| cfg.repo.clone())
        .ok_or_else(|| {
            SourceError::Usage("no repository: set repo (owner/name) or GITHUB_REPOSITORY".into())
        })?;
    let token = cfg.github_token.clone().ok_or_else(|| {
        SourceError::Usage(
            "no GitHub token: set github-token or GITHUB_TOKEN to fetch the run".into(),
        )
    })?;
    let client = GithubClient::from_env_values(Some(&cfg.api_url), &token, Duration::from_secs(60))
        .map_err(|e| SourceError::Report(Box::new(Report::new(Status::Error, e.to_string()))))?;
    progress(&format!("fetching run {} of {repo}", run.run_id));
    let fetched = fetch::fetch_failed_logs(&client, &repo, run.run_id)
        .await
        .map_err(|e| {
            SourceError::Report(Box::new(Report::new(
                Status::Error,
                format!("run {}: {e}", run.run_id),
            )))
        })?;
    if run.needs_guard_check {
        if let Some(reason) = event::skip_reason(&fetched.run, &guards(cfg)) {
            return Err(SourceError::Report(Box::new(Report::new(
                Status::Skipped,
                reason,
            ))));
        }
    }
    for w in &fetched.warnings {
        progress(&format!("warning: {w}"));
    }
    let mut fetched = fetched;
    // Streamed from the files in bounded memory; the engine masks every line
    // before anything is kept, so the excerpt, report and prompt never hold a
    // secret. The downloads are deleted right after, whatever the outcome.
    let analyzed = match fetched.logs.take() {
        Some(downloads) => {
            for c in &downloads.cuts {
                progress(c);
            }
            crate::analyze::analyze_sources(
                &downloads.sources,
                &cfg.secrets,
                &crate::pipeline::analysis_options(cfg),
            )
        }
        None => Ok((Analysis::default(), Vec::new())),
    };
    let analysis = match analyzed {
        Ok((analysis, cuts)) => {
            for c in cuts {
                progress(&c);
            }
            analysis
        }
        Err(e) => {
            return Err(SourceError::Report(Box::new(Report::new(
                Status::Error,
                format!("run {}: the downloaded logs: {e}", run.run_id),
            ))))
        }
    };
    // A review needs a pull request of this repository: known before the model is
    // asked anything. A dry run posts nothing, so it needs none.
    let review =
        if cfg.publish == Publish::Suggest && !cfg.dry_run && run.dispatch_dry_run != Some(true) {
            match review_target(&client, &repo, &run, &fetched).await {
                Ok(target) => Some(target),
                Err(reason) => {
                    return Err(SourceError::Report(Box::new(Report::new(
                        Status::Skipped,
                        reason,
                    ))))
                }
            }
        } else {
            None
        };
    Ok(Source::Remote(Box::new(RemoteRun {
        client,
        repo,
        run,
        fetched,
        analysis: Box::new(analysis),
        review,
    })))
}

/// Makes sure the checkout is at the commit that failed: in Actions a clean workspace
/// at another commit (a dispatch checks out the default branch) is moved there;
/// anywhere else, or when moving fails, the run ends with an error report.
pub fn align_checkout(
    cfg: &Config,
    remote: &RemoteRun,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<(), Box<Report>> {
    let fetched = &remote.fetched;
    let run = &remote.run;
    let token = cfg.github_token.clone().unwrap_or_default();
    // Validating (and committing on top of) another commit than the one that failed
    // would prove nothing about the failure.
    if let Some(failed) = fetched.run.head_sha.as_deref().filter(|s| !s.is_empty()) {
        if let Some(head) = checkout_head(&cfg.workdir) {
            // In Actions the workspace is ours: a dispatch checks out the default branch,
            // so move a clean workspace to the failed commit. Locally, never.
            let moved = !head.eq_ignore_ascii_case(failed)
                && cfg.in_actions
                && match checkout_commit(&cfg.workdir, failed, &token) {
                    Ok(()) => {
                        progress(&format!("checked out the failed commit {}", short(failed)));
                        true
                    }
                    Err(why) => {
                        progress(&format!("cannot check out the failed commit: {why}"));
                        false
                    }
                };
            if !head.eq_ignore_ascii_case(failed) && !moved {
                return Err(Box::new(Report::new(
                    Status::Error,
                    format!(
                        "the checkout is at {}, but run {} failed at {}: check out the failed commit (actions/checkout with ref: the run's head_sha)",
                        short(&head),
                        run.run_id,
                        short(failed)
                    ),
                )));
            }
        }
    }
    Ok(())
}

/// Publishes an approved, validated fix as a branch or PR; the checkout is not modified.
/// A branch pushed with `GITHUB_TOKEN` (no `pr-token`) starts no workflow: the failed
/// run's workflow is dispatched on it between the push and the PR, whose body links
/// that run or says how to get checks.
pub async fn publish_fix(
    cfg: &Config,
    remote: &RemoteRun,
    repaired: Repaired,
    progress: &(dyn Fn(&str) + Sync),
) -> Report {
    let Repaired {
        mut report,
        fix,
        fingerprint,
    } = repaired;
    let Some(fix) = fix else {
        return report;
    };
    let mode = match cfg.publish {
        Publish::Pr => PublishMode::Pr,
        Publish::Branch => PublishMode::Branch,
        Publish::None | Publish::Suggest => return report,
    };
    let token = cfg
        .pr_token
        .clone()
        .or_else(|| cfg.github_token.clone())
        .unwrap_or_default();
    let head_sha = head_sha(remote);
    let base_branch = cfg
        .base_branch
        .clone()
        .or_else(|| remote.fetched.run.head_branch.clone())
        .or_else(|| remote.run.head_branch.clone())
        .unwrap_or_else(|| "main".into());
    let branch = publish::branch_name(&cfg.branch_prefix, remote.run.run_id, short(&head_sha));
    let pr_body = |branch: &str, checks: Option<&str>| {
        let mut body = PrBody::from_report(
            &report,
            remote.run_url(),
            Some(remote.run.run_id),
            branch,
            &fingerprint,
        );
        body.checks = checks;
        // The model's diagnosis goes into the body, title and commit: never a token.
        cfg.secrets.mask(&body.render())
    };
    let body = pr_body(&branch, None);
    let title = cfg
        .secrets
        .mask(&format!("self-heal: {}", first_sentence(&fix.diagnosis)));
    let mut request = PublishRequest {
        workdir: cfg.workdir.clone(),
        changes: fix.changes.clone(),
        run_id: remote.run.run_id,
        short_sha: short(&head_sha).to_string(),
        commit_message: cfg.secrets.mask(&format!(
            "{title}\n\n{}\n\nFailed run: {}",
            fix.diagnosis,
            remote.run_url().unwrap_or("")
        )),
        sign_off: cfg.sign_off,
        bot: BotIdentity::default(),
        token,
        remote: "origin".into(),
        base_branch,
        branch_prefix: cfg.branch_prefix.clone(),
        pr: PrContent {
            title,
            body,
            fingerprint: fingerprint.clone(),
            draft: false,
        },
    };
    let client = &remote.client;
    let repo = &remote.repo;
    let published = async {
        if mode == PublishMode::Pr {
            if let Some(commented) = publish::find_duplicate(client, repo, &request).await? {
                return Ok((commented, None));
            }
        }
        let commit = publish::push_fix(&request).await?;
        let checks = match cfg.pr_token {
            Some(_) => None,
            None => Some(start_checks(cfg, remote, &head_sha, &commit.branch, progress).await),
        };
        if mode == PublishMode::Branch {
            return Ok((PublishOutcome::Branch { commit }, checks));
        }
        request.pr.body = pr_body(&commit.branch, checks.as_ref().map(|c| c.markdown.as_str()));
        let outcome = publish::open_pull(client, repo, &request, commit).await?;
        Ok::<_, publish::PublishError>((outcome, checks))
    };
    let ci_run_url = |checks: &Option<Checks>| checks.as_ref().and_then(|c| c.url.clone());
    match published.await {
        Ok((PublishOutcome::Branch { commit }, checks)) => {
            report.status = Status::Fixed;
            report.reason = format!("{}; pushed branch {}", report.reason, commit.branch);
            report.pr = Some(PrInfo {
                number: 0,
                url: String::new(),
                branch: commit.branch,
                ci_run_url: ci_run_url(&checks),
            });
        }
        Ok((PublishOutcome::PullRequest { commit, pr, reused }, checks)) => {
            report.status = Status::Fixed;
            let verb = if reused { "updated" } else { "opened" };
            report.reason = format!("{}; {verb} pull request #{}", report.reason, pr.number);
            report.pr = Some(PrInfo {
                number: pr.number,
                url: pr.html_url.clone(),
                branch: commit.branch,
                ci_run_url: ci_run_url(&checks),
            });
        }
        Ok((PublishOutcome::Commented { pr, comment_url }, _)) => {
            report.status = Status::Fixed;
            report.reason = format!(
                "{}; pull request #{} already proposes a fix for this failure, commented there ({comment_url})",
                report.reason, pr.number
            );
            report.pr = Some(PrInfo {
                number: pr.number,
                url: pr.html_url.clone(),
                branch: pr.head_ref().unwrap_or_default().to_string(),
                ci_run_url: None,
            });
        }
        Err(e) => {
            report.status = Status::Error;
            report.reason = format!("validated fix not published: {e}");
        }
    }
    report
}

/// What was done about CI on a fix branch pushed with `GITHUB_TOKEN`.
struct Checks {
    /// The dispatched run's page, when it was found.
    url: Option<String>,
    /// The PR body's `### Checks` section.
    markdown: String,
}

/// Dispatches the failed run's workflow on `branch` when it accepts
/// `workflow_dispatch`; otherwise (or when GitHub refuses) says how to get checks,
/// with a one-line warning. Never fails the publication.
async fn start_checks(
    cfg: &Config,
    remote: &RemoteRun,
    head_sha: &str,
    branch: &str,
    progress: &(dyn Fn(&str) + Sync),
) -> Checks {
    let run = &remote.fetched.run;
    let file = run.path.as_deref().and_then(dispatch::workflow_path);
    let shown = file
        .map(|f| format!("`{f}`"))
        .unwrap_or_else(|| "the failed workflow".into());
    let how = format!(
        "To get checks here, give self-heal a `pr-token` (a fine-grained PAT or GitHub App token, whose pushes start workflows), or add `workflow_dispatch:` to the `on:` of {shown} and grant `actions: write`, so self-heal starts it on the fix branch; or push an empty commit to the branch."
    );
    let not_started = |why: String| {
        progress(&format!("warning: no CI started on {branch}: {why}"));
        Checks {
            url: None,
            markdown: cfg.secrets.mask(&format!(
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
        Some(f) if !head_sha.is_empty() => crate::git::Git::new(&cfg.workdir, "")
            .run_raw(&["show", &format!("{head_sha}:{f}")], &[], None)
            .map(|text| dispatch::dispatch_trigger(&text))
            .unwrap_or(DispatchTrigger::Unknown),
        _ => DispatchTrigger::Unknown,
    };
    if trigger == DispatchTrigger::Missing {
        return not_started(format!("{shown} has no `workflow_dispatch` trigger"));
    }
    match remote
        .client
        .dispatch_on_branch(&remote.repo, &workflow, branch, Polling::default())
        .await
    {
        Ok(Dispatched {
            html_url: Some(url),
        }) => {
            progress(&format!("started CI on {branch}: {url}"));
            Checks {
                markdown: format!(
                    "self-heal started {shown} on this branch with `workflow_dispatch` (pushes made with `GITHUB_TOKEN` start no workflow): [the CI run]({url})."
                ),
                url: Some(url),
            }
        }
        Ok(Dispatched { html_url: None }) => {
            progress(&format!(
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

fn head_sha(remote: &RemoteRun) -> String {
    remote
        .fetched
        .run
        .head_sha
        .clone()
        .or_else(|| remote.run.head_sha.clone())
        .unwrap_or_default()
}

/// The pull request of a failed build that `publish: suggest` may review: one of this
/// repository (a fork's code is neither repaired nor reviewed with this token), open,
/// and still at the commit that failed (suggestions apply to the lines of the head).
async fn review_target(
    client: &GithubClient,
    repo: &str,
    run: &RunRef,
    fetched: &FetchedRun,
) -> Result<ReviewTarget, String> {
    let id = run.run_id;
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
    let mut numbers = run.pr_numbers.clone();
    if numbers.is_empty() {
        numbers = client
            .pulls_for_run(repo, &fetched.run)
            .await
            .map_err(|e| refuse(format!("cannot list the pull requests of run {id}: {e}")))?;
    }
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
    let pr = client
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
    let failed = fetched
        .run
        .head_sha
        .clone()
        .or_else(|| run.head_sha.clone())
        .unwrap_or_default();
    let head_sha = pr
        .head
        .as_ref()
        .and_then(|h| h.sha.clone())
        .unwrap_or_default();
    if !failed.is_empty() && !head_sha.is_empty() && !head_sha.eq_ignore_ascii_case(&failed) {
        return Err(refuse(format!(
            "pull request #{number} moved on to {} since run {id} failed at {}; its newer build is the one to repair",
            short(&head_sha),
            short(&failed)
        )));
    }
    Ok(ReviewTarget {
        number,
        html_url: pr.html_url.clone(),
        head_ref: pr.head_ref().unwrap_or_default().to_string(),
        commit_id: if failed.is_empty() { head_sha } else { failed },
    })
}

/// `publish: suggest`: the validated fix as a review of the failed build's pull
/// request, a suggestion per hunk inside the PR's diff and the other hunks as a diff
/// in the review body, with the diagnosis and the validation evidence. The fix is
/// offered, not applied: the report says `proposed`.
pub async fn suggest_fix(
    cfg: &Config,
    remote: &RemoteRun,
    repaired: Repaired,
    progress: &(dyn Fn(&str) + Sync),
) -> Report {
    let Repaired {
        mut report, fix, ..
    } = repaired;
    let (Some(fix), Some(target)) = (fix, remote.review.as_ref()) else {
        return report;
    };
    let number = target.number;
    let files = match remote.client.list_pull_files(&remote.repo, number).await {
        Ok(f) => f,
        Err(e) => {
            report.status = Status::Error;
            report.reason = format!("validated fix not suggested: {e}");
            return report;
        }
    };
    // The fix's paths are relative to the workdir; the PR's to the repository root.
    let prefix = crate::git::Git::new(&cfg.workdir, "")
        .run_raw(&["rev-parse", "--show-prefix"], &[], None)
        .unwrap_or_default();
    let hunks = reviews::hunks(&fix.changes, prefix.trim_end_matches('\n'));
    let mut plan = reviews::plan(&hunks, &files);
    for c in &mut plan.comments {
        c.body = cfg.secrets.mask(&c.body);
    }
    let body = |plan: &reviews::Plan| cfg.secrets.mask(&review_body(&report, remote, plan));
    let mut posted = remote
        .client
        .create_review(
            &remote.repo,
            number,
            &target.commit_id,
            &body(&plan),
            &plan.comments,
        )
        .await;
    if matches!(posted, Err(GithubError::Validation { .. })) && !plan.comments.is_empty() {
        // GitHub placed a line differently than the PR's diff said: the whole fix
        // goes into the body rather than no review at all.
        progress("warning: GitHub refused the suggestions' lines; posting the fix as a diff in the review");
        plan = reviews::Plan {
            comments: Vec::new(),
            outside: hunks.clone(),
        };
        posted = remote
            .client
            .create_review(&remote.repo, number, &target.commit_id, &body(&plan), &[])
            .await;
    }
    match posted {
        Ok(review) => {
            report.status = Status::Proposed;
            let n = plan.comments.len();
            let outside = if plan.outside.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} hunk(s) outside its diff in the review body)",
                    plan.outside.len()
                )
            };
            report.reason = format!(
                "{}; posted a review with {n} suggestion(s) on pull request #{number}{outside}",
                report.reason
            );
            report.pr = Some(PrInfo {
                number,
                url: if review.html_url.is_empty() {
                    target.html_url.clone()
                } else {
                    review.html_url
                },
                branch: target.head_ref.clone(),
                ci_run_url: None,
            });
        }
        Err(e) => {
            report.status = Status::Error;
            report.reason = format!("validated fix not suggested on #{number}: {e}");
        }
    }
    report
}

/// The review's body: what failed, why, how it was validated, and the hunks that
/// could not be suggestions.
fn review_body(report: &Report, remote: &RemoteRun, plan: &reviews::Plan) -> String {
    let id = remote.run.run_id;
    let run = match remote.run_url() {
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
    out.push_str(&crate::github::pr_body::failure_table(&report.failures));
    out.push_str("\n### Root cause\n\n");
    let diag = report.diagnosis.trim();
    out.push_str(if diag.is_empty() {
        "(no diagnosis recorded)"
    } else {
        diag
    });
    out.push_str("\n\n### Validation\n\n");
    out.push_str(&crate::github::pr_body::validation_section(
        report.attempts.last().map(|a| &a.validation),
    ));
    if !plan.outside.is_empty() {
        out.push_str("\n### Outside this pull request's diff\n\n");
        out.push_str(
            "These hunks change lines this pull request does not touch, which GitHub cannot take as suggestions; apply them with `git apply`:\n\n",
        );
        let diff: String = plan.outside.iter().map(|h| h.diff.as_str()).collect();
        out.push_str(&crate::github::pr_body::diff_block(
            &diff,
            crate::github::pr_body::MAX_DIFF_CHARS,
        ));
    }
    out
}

/// Dry run on a pull request's build with `comment: true`: post the proposal there.
pub async fn comment_proposal(cfg: &Config, remote: &RemoteRun, report: &mut Report) {
    if !cfg.comment || report.patch.is_empty() {
        return;
    }
    let mut numbers = remote.run.pr_numbers.clone();
    if numbers.is_empty() {
        numbers = remote
            .client
            .pulls_for_run(&remote.repo, &remote.fetched.run)
            .await
            .unwrap_or_default();
    }
    let Some(number) = numbers.first() else {
        return;
    };
    let body = format!(
        "**self-heal** (dry run) proposes this fix for the failed run:\n\n{}",
        PrBody::from_report(report, remote.run_url(), Some(remote.run.run_id), "", "").render()
    );
    if let Err(e) = remote
        .client
        .create_issue_comment(&remote.repo, *number, &body)
        .await
    {
        report.reason = format!("{}; could not comment on #{number}: {e}", report.reason);
    }
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
fn checkout_head(workdir: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(workdir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The first 7 characters (a sha from an event payload is not trusted to be ASCII).
fn short(sha: &str) -> &str {
    match sha.char_indices().nth(7) {
        Some((i, _)) => &sha[..i],
        None => sha,
    }
}

fn first_sentence(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    let end = line.find(". ").map(|i| i + 1).unwrap_or(line.len());
    let mut t: String = line[..end].chars().take(72).collect();
    if t.is_empty() {
        t = "fix the failing CI run".into();
    }
    t
}
