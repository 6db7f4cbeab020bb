//! The repair half of `self-heal run`: logs → analysis → repair loop → a validated
//! fix waiting for approval (see [`crate::run`] for the rest), and memory.

use crate::analyze::changes::{self, Base, ChangedSince};
use crate::analyze::{self, Analysis, AnalyzeOptions};
use crate::approve::Proposal;
use crate::config::{Config, ValidationMode};
use crate::git::Git;
use crate::github::client::GithubClient;
use crate::github::event::WorkflowRun;
use crate::lang::{self, Language};
use crate::llm::{LlmClient, LlmSettings, Templates};
use crate::repair::edits;
use crate::repair::memory::{self, Memory, MemoryEntry};
use crate::repair::repair_loop::{self, LoopInput, Progress, ValidatedFix};
use crate::repair::PathPolicy;
use crate::report::{Report, Status};
use crate::types::Edit;
use crate::validate::{Runner, ValidationPlan};
use std::path::{Path, PathBuf};

/// A run that could not start: bad usage or configuration (exit 2), nothing changed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The outcome of the loop before anything is applied: the report so far and,
/// when one validated, the fix waiting for approval.
pub struct Repaired {
    pub report: Report,
    pub fix: Option<ValidatedFix>,
    pub fingerprint: String,
}

impl Repaired {
    /// What the approval step shows the user.
    pub fn proposal(&self) -> Option<Proposal> {
        self.fix.as_ref().map(|fix| proposal_of(&self.report, fix))
    }
}

fn proposal_of(report: &Report, fix: &ValidatedFix) -> Proposal {
    Proposal {
        diagnosis: fix.diagnosis.clone(),
        patch: report.patch.clone(),
        changes: fix.changes.clone(),
        failures: report.failures.clone(),
        validation: fix.validation.clone(),
    }
}

/// Streams the `log` setting's files (text, directory, zip, `-` for stdin)
/// through the analysis in bounded memory, masking secrets; also returns
/// why input was cut, if it was.
pub fn analyze_local_logs(cfg: &Config) -> Result<(Analysis, Vec<String>), (Status, String)> {
    analyze::analyze_paths(&cfg.logs, &cfg.secrets, &analysis_options(cfg))
        .map_err(|e| (Status::Error, e.to_string()))
}

pub fn analysis_options(cfg: &Config) -> AnalyzeOptions {
    AnalyzeOptions {
        workdir: Some(cfg.workdir.clone()),
        budget_tokens: cfg.context_tokens,
    }
}

/// The failed run on GitHub, for "changed since the last green run".
pub struct FailedRun<'a> {
    pub client: &'a GithubClient,
    pub repo: &'a str,
    pub run: &'a WorkflowRun,
}

/// Runs the loop on the run's analysed logs; see [`repair_analysis`]. The checkout is at
/// the failed commit, which is compared with the last green run's.
pub async fn repair_logs(
    cfg: &Config,
    mut analysis: Analysis,
    failed: FailedRun<'_>,
    progress: Progress<'_>,
) -> Repaired {
    if wants_changes(cfg, &analysis) {
        let base = match &cfg.since {
            Some(rev) => Ok(Base {
                rev: rev.clone(),
                label: format!("`{rev}` (the `since` setting)"),
                fetch: true,
            }),
            None => green_base(&failed).await,
        };
        let head = failed.run.head_sha.as_deref().unwrap_or("HEAD");
        analysis.changed_since = Some(changes_since(cfg, &analysis, base, Some(head), progress));
    }
    repair_analysis(cfg, &analysis, progress).await
}

/// Local logs: "what changed" between `since` (default: the merge-base with the
/// default branch) and the working tree the logs came from.
pub fn with_local_changes(cfg: &Config, analysis: &mut Analysis, progress: Progress<'_>) {
    if !wants_changes(cfg, analysis) {
        return;
    }
    let git = Git::new(&cfg.workdir, "");
    let base = changes::local_base(&git, cfg.since.as_deref());
    analysis.changed_since = Some(changes_since(cfg, analysis, base, None, progress));
}

/// Only a failure code can fix makes a comparison worth a lookup; `since: none` is off.
fn wants_changes(cfg: &Config, analysis: &Analysis) -> bool {
    cfg.since.as_deref() != Some("none") && analysis.failures.iter().any(|f| f.kind.is_fixable())
}

/// The last green run of the failed run's workflow on its branch, else its PR's base.
async fn green_base(failed: &FailedRun<'_>) -> Result<Base, String> {
    let found = failed.client.last_green_run(failed.repo, failed.run).await;
    match found {
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
    let pr_base = failed
        .run
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
            failed.run.head_branch.as_deref().unwrap_or("its branch"),
            failed.run.id
        )),
    }
}

fn changes_since(
    cfg: &Config,
    analysis: &Analysis,
    base: Result<Base, String>,
    head: Option<&str>,
    progress: Progress<'_>,
) -> ChangedSince {
    let token = cfg.github_token.clone().unwrap_or_default();
    let git = Git::new(&cfg.workdir, &token);
    // The same budget as the excerpt (about four characters a token).
    let budget = cfg.context_tokens * 4;
    let changed = match base {
        Ok(base) => changes::compare(&git, &base, head, analysis, budget, &cfg.secrets),
        Err(note) => ChangedSince::unavailable(note),
    };
    progress.say(&cfg.secrets.mask(&changed.summary()));
    changed
}

/// Runs the loop; the working tree is not touched. A validated fix comes back with
/// status `proposed` until [`crate::run`] concludes it.
pub async fn repair_analysis(
    cfg: &Config,
    analysis: &Analysis,
    progress: Progress<'_>,
) -> Repaired {
    let fingerprint = memory::fingerprint(analysis);
    match repair_report(cfg, analysis, &fingerprint, progress).await {
        Ok((report, fix)) => Repaired {
            report,
            fix,
            fingerprint,
        },
        Err(report) => Repaired {
            report,
            fix: None,
            fingerprint,
        },
    }
}

/// `Err` carries a report that ends the run before any attempt.
async fn repair_report(
    cfg: &Config,
    analysis: &Analysis,
    fingerprint: &str,
    progress: Progress<'_>,
) -> Result<(Report, Option<ValidatedFix>), Report> {
    let mut report = Report {
        failures: analysis.failures.clone(),
        changed_since: analysis.changed_since.clone(),
        ..Report::default()
    };
    if analysis.failures.is_empty() {
        report.status = Status::NoFailures;
        report.reason = "the log shows no failure to repair".into();
        return Err(report);
    }
    if !analysis.failures.iter().any(|f| f.kind.is_fixable()) {
        let kinds: Vec<&str> = analysis.failures.iter().map(|f| f.kind.as_str()).collect();
        report.status = Status::Skipped;
        report.reason = format!(
            "the failure is not in the code ({}); a code edit cannot repair it",
            dedup(kinds).join(", ")
        );
        return Err(report);
    }

    let policy = match PathPolicy::new(&cfg.allowed_paths, cfg.allow_test_edits) {
        Ok(p) => p,
        Err(e) => return Err(Report::new(Status::Error, e.to_string())),
    };
    let runner = match cfg.validation {
        ValidationMode::Subprocess => Runner::Subprocess,
        ValidationMode::None => Runner::None,
        ValidationMode::Docker => Runner::Docker(docker_options(cfg, analysis)),
    };
    let language = analysis.language;
    let (project_dir, step_command) = project_of(&cfg.workdir, analysis);
    let project_root = cfg
        .workdir
        .join(project_dir.as_deref().unwrap_or(Path::new("")));
    let plan = ValidationPlan {
        failing_tests: analysis
            .failures
            .iter()
            .filter_map(|f| f.test.clone())
            .collect(),
        test_command: cfg
            .test_command
            .clone()
            .or(step_command)
            .or_else(|| lang::detect_test_command(&project_root, language)),
        // The failed step's command runs under the step's own shell.
        test_shell: cfg
            .test_command
            .is_none()
            .then(|| analysis.shell.clone())
            .flatten(),
        language,
        setup_command: cfg.setup_command.clone(),
        timeout: cfg.test_timeout,
        scope_only: false,
        pre_existing_failures: Vec::new(),
        project_dir,
    };

    let llm_client = match &cfg.llm {
        None => None,
        Some(endpoint) => {
            let https = endpoint.base_url.starts_with("https://");
            match crate::http::build_client(cfg.llm_timeout, https) {
                Ok(http) => {
                    let mut settings =
                        LlmSettings::new(&endpoint.base_url, &endpoint.api_key, &endpoint.model);
                    settings.timeout = cfg.llm_timeout;
                    Some(LlmClient::new(settings, http))
                }
                Err(e) => return Err(Report::new(Status::Error, e.to_string())),
            }
        }
    };

    let memory = Memory::load(&cfg.workdir);
    let memory_hint = memory.lookup(fingerprint).map(memory::hint);
    let templates = Templates::load(&cfg.workdir);
    let input = LoopInput {
        workdir: &cfg.workdir,
        analysis,
        policy: &policy,
        plan: &plan,
        runner: &runner,
        max_attempts: cfg.max_attempts,
        llm: llm_client.as_ref(),
        templates: &templates,
        // The excerpt is budgeted in tokens; source files get about four times as much.
        context_budget_chars: cfg.context_tokens * 4 * 4,
        memory_hint,
        secrets: &cfg.secrets,
        allow_test_edits: cfg.allow_test_edits,
        skip_baseline: false,
    };
    let outcome = repair_loop::repair(&input, progress).await;
    report.attempts = outcome.attempts;
    report.llm = outcome.llm;
    // Every HTTP request the client sent, its retries and format fallbacks included.
    report.llm.requests = llm_client.as_ref().map_or(0, |c| c.requests_sent());
    report.timings = outcome.timings;
    report.localization = outcome.localization;
    report.status = outcome.status;
    report.reason = outcome.reason;
    let Some(fix) = outcome.fix else {
        return Ok((report, None));
    };
    report.status = Status::Proposed;
    report.diagnosis = fix.diagnosis.clone();
    report.patch = edits::unified_diff(&fix.changes);
    report.changed_files = fix.changes.iter().map(|c| c.path.clone()).collect();
    Ok((report, Some(fix)))
}

/// Records the outcome so a later failure with the same fingerprint gets it as a hint.
pub fn remember(
    cfg: &Config,
    fingerprint: &str,
    report: &Report,
    fix: &ValidatedFix,
    progress: Progress<'_>,
) {
    let mut memory = Memory::load(&cfg.workdir);
    // The memory file stays in the checkout: the model's text goes in masked.
    let mask = |t: &str| cfg.secrets.mask(t);
    memory.record(MemoryEntry {
        fingerprint: fingerprint.to_string(),
        outcome: report.status.as_str().to_string(),
        diagnosis: mask(&fix.diagnosis),
        edits: fix
            .edits
            .iter()
            .map(|e| Edit {
                path: mask(&e.path),
                search: mask(&e.search),
                replace: mask(&e.replace),
            })
            .collect(),
    });
    if let Err(e) = memory.save(&cfg.workdir) {
        progress.say(&format!("warning: cannot save .self-heal/memory.json: {e}"));
    }
}

fn docker_options(cfg: &Config, analysis: &Analysis) -> crate::validate::DockerOptions {
    // Unknown language: the checkout's, as detection finds it; else no image, which
    // validation reports (set validation-image).
    let image = cfg.validation_image.clone().unwrap_or_else(|| {
        analysis
            .language
            .or_else(|| Language::detect(&cfg.workdir))
            .map(|l| l.docker_image().to_string())
            .unwrap_or_default()
    });
    let mut opts = crate::validate::DockerOptions::new(image);
    opts.network = cfg.validation_network;
    if let Some(m) = &cfg.validation_memory {
        opts.memory = m.clone();
    }
    if let Some(c) = &cfg.validation_cpus {
        opts.cpus = c.clone();
    }
    if let Some(p) = cfg.validation_pids {
        opts.pids = p;
    }
    opts
}

fn dedup(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Where the tests run and the failed step's command as it runs there: the step's own
/// `cd dir && ...` (dropped from the command), else the project the located failures
/// are in ([`lang::project::project_dir`]); None for the checkout's root.
fn project_of(workdir: &Path, analysis: &Analysis) -> (Option<PathBuf>, Option<String>) {
    if let Some((dir, rest)) = analysis
        .command
        .as_deref()
        .and_then(|c| lang::project::leading_cd(workdir, c))
    {
        return (Some(dir), Some(rest));
    }
    let files: Vec<&str> = analysis
        .failures
        .iter()
        .filter(|f| !f.outside_repo)
        .filter_map(|f| f.file.as_deref())
        .collect();
    let ids: Vec<&str> = analysis
        .failures
        .iter()
        .filter_map(|f| f.test.as_deref())
        .collect();
    let dir = lang::project::project_dir(workdir, analysis.language, &files, &ids);
    (dir, analysis.command.clone())
}
