//! `self-heal run`: config → logs → analysis → repair loop → approval → apply/publish → report.

use crate::analyze::{self, Analysis, AnalyzeOptions};
use crate::config::{ApproveMode, Config, ValidationMode};
use crate::llm::{LlmClient, LlmSettings, Templates};
use crate::logs::{self, LogFile};
use crate::repair::edits::{self, FileChange};
use crate::repair::memory::{self, Memory, MemoryEntry};
use crate::repair::repair_loop::{self, LoopInput, Progress, ValidatedFix};
use crate::repair::PathPolicy;
use crate::report::{Report, Status};
use crate::validate::{self, Runner, ValidationPlan};
use std::path::Path;

/// A run that could not start: bad usage or configuration (exit 2), nothing changed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// How the user is reached for approval and progress.
pub struct Interaction<'a> {
    /// stdin is a terminal (the `prompt` approval can ask).
    pub interactive: bool,
    pub progress: Progress<'a>,
    /// Asks the user to approve a validated fix; returns Ok(()) or the reason it was declined.
    pub approve: &'a (dyn Fn(&ApprovalRequest) -> Result<(), String> + Sync),
}

/// What the user is shown before anything is written.
pub struct ApprovalRequest<'a> {
    pub mode: ApproveMode,
    pub diagnosis: &'a str,
    pub patch: &'a str,
    pub changes: &'a [FileChange],
    pub analysis: &'a Analysis,
    pub fix: &'a ValidatedFix,
}

/// Reads the `log` setting's files (text, directory, zip), masking secrets.
pub fn read_logs(cfg: &Config) -> Result<Vec<LogFile>, (Status, String)> {
    let mut all = Vec::new();
    for path in &cfg.logs {
        match logs::read_path(path) {
            Ok(files) => all.extend(files),
            Err(e) => return Err((Status::Error, e.to_string())),
        }
    }
    let secrets = cfg.secrets();
    for f in &mut all {
        f.text = logs::mask(&f.text, &secrets);
    }
    Ok(all)
}

pub fn analysis_options(cfg: &Config) -> AnalyzeOptions {
    AnalyzeOptions {
        workdir: Some(cfg.workdir.clone()),
        budget_tokens: cfg.context_tokens,
    }
}

/// Runs the loop on logs already read. The working tree changes only when a fix
/// validated, was approved, and publish is `none` (local use).
pub async fn repair_logs(cfg: &Config, log_files: &[LogFile], ui: &Interaction<'_>) -> Report {
    let analysis = analyze::analyze(log_files, &analysis_options(cfg));
    repair_analysis(cfg, &analysis, ui).await
}

pub async fn repair_analysis(cfg: &Config, analysis: &Analysis, ui: &Interaction<'_>) -> Report {
    let mut report = Report {
        failures: analysis.failures.clone(),
        ..Report::default()
    };
    if analysis.failures.is_empty() {
        report.status = Status::NoFailures;
        report.reason = "the log shows no failure to repair".into();
        return report;
    }
    if !analysis.failures.iter().any(|f| f.kind.is_fixable()) {
        let kinds: Vec<&str> = analysis.failures.iter().map(|f| f.kind.as_str()).collect();
        report.status = Status::Skipped;
        report.reason = format!(
            "the failure is not in the code ({}); a code edit cannot repair it",
            dedup(kinds).join(", ")
        );
        return report;
    }

    let policy = match PathPolicy::new(&cfg.allowed_paths, cfg.allow_test_edits) {
        Ok(p) => p,
        Err(e) => {
            return Report {
                status: Status::Error,
                reason: e.to_string(),
                ..report
            }
        }
    };
    let runner = match cfg.validation {
        ValidationMode::Subprocess => Runner::Subprocess,
        ValidationMode::None => Runner::None,
        ValidationMode::Docker => Runner::Docker {
            image: cfg
                .validation_image
                .clone()
                .unwrap_or_else(|| default_image(analysis.language.as_deref())),
        },
    };
    let language = analysis.language.clone();
    let plan = ValidationPlan {
        failing_tests: analysis
            .failures
            .iter()
            .filter_map(|f| f.test.clone())
            .collect(),
        test_command: cfg
            .test_command
            .clone()
            .or_else(|| analysis.command.clone())
            .or_else(|| validate::detect_test_command(&cfg.workdir, language.as_deref())),
        language,
        setup_command: cfg.setup_command.clone(),
        timeout: cfg.test_timeout,
        scope_only: false,
    };

    let llm_client = match &cfg.llm {
        None => None,
        Some(endpoint) => {
            let https = endpoint.base_url.starts_with("https://");
            match crate::http::build_client(cfg.llm_timeout, https) {
                Ok(http) => Some(LlmClient::new(
                    LlmSettings {
                        base_url: endpoint.base_url.clone(),
                        api_key: endpoint.api_key.clone(),
                        model: endpoint.model.clone(),
                        timeout: cfg.llm_timeout,
                        ..LlmSettings::default()
                    },
                    http,
                )),
                Err(e) => {
                    return Report {
                        status: Status::Error,
                        reason: e.to_string(),
                        ..report
                    }
                }
            }
        }
    };

    let mut memory = Memory::load(&cfg.workdir);
    let fingerprint = memory::fingerprint(analysis);
    let memory_hint = memory.lookup(&fingerprint).map(memory::hint);
    let templates = Templates::load(&cfg.workdir);
    let secrets = cfg.secrets();
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
        secrets: &secrets,
        skip_baseline: false,
    };
    let outcome = repair_loop::repair(&input, ui.progress).await;
    report.attempts = outcome.attempts;
    report.llm = outcome.llm;
    report.status = outcome.status;
    report.reason = outcome.reason;
    let Some(fix) = outcome.fix else {
        return report;
    };

    report.diagnosis = fix.diagnosis.clone();
    report.patch = edits::unified_diff(&fix.changes);
    report.changed_files = fix.changes.iter().map(|c| c.path.clone()).collect();
    if cfg.dry_run {
        report.status = Status::Proposed;
        report.reason = format!("{}; dry run, nothing changed", report.reason);
    } else {
        let request = ApprovalRequest {
            mode: cfg.approve,
            diagnosis: &fix.diagnosis,
            patch: &report.patch,
            changes: &fix.changes,
            analysis,
            fix: &fix,
        };
        match (ui.approve)(&request) {
            Ok(()) => match apply_to_worktree(&cfg.workdir, &fix.changes) {
                Ok(()) => {
                    report.status = Status::Fixed;
                    report.reason = format!("{}; applied to the working tree", report.reason);
                }
                Err(e) => {
                    report.status = Status::Error;
                    report.reason = format!("validated fix not applied: {e}");
                }
            },
            Err(why) => {
                report.status = Status::Proposed;
                report.reason = format!("{}; not applied: {why}", report.reason);
            }
        }
    }
    memory.record(MemoryEntry {
        fingerprint,
        outcome: report.status.as_str().to_string(),
        diagnosis: fix.diagnosis.clone(),
        edits: fix.edits.clone(),
    });
    if let Err(e) = memory.save(&cfg.workdir) {
        (ui.progress)(&format!("warning: cannot save .self-heal/memory.json: {e}"));
    }
    report
}

/// Writes validated changes, refusing if a file changed since the sandbox was copied.
pub fn apply_to_worktree(workdir: &Path, changes: &[FileChange]) -> Result<(), String> {
    for c in changes {
        let current = std::fs::read_to_string(workdir.join(&c.path)).ok();
        if current != c.before {
            return Err(format!(
                "{} changed while the fix was being validated",
                c.path
            ));
        }
    }
    edits::write_changes(workdir, changes).map_err(|e| e.to_string())
}

fn default_image(language: Option<&str>) -> String {
    match language {
        Some("go") => "golang:1",
        Some("rust") => "rust:1",
        Some("javascript") => "node:20",
        Some("java") => "maven:3-eclipse-temurin-17",
        _ => "python:3.11",
    }
    .to_string()
}

fn dedup(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v.dedup();
    v
}
