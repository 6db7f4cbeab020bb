//! The command implementations: turn library values into terminal output and exit codes.

use anyhow::Context;
use self_heal::analyze::{self, Analysis, AnalyzeOptions};
use self_heal::approve::{self, Decision, Proposal};
use self_heal::config::{ApproveMode, Config, Publish, Sources};
use self_heal::pipeline;
use self_heal::remote::{self, Source, SourceError};
use self_heal::report::{Report, Status};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Bad usage or configuration: exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SELF_HEAL_DEBUG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Best effort: a full or closed stderr (`2>/dev/full`) must not panic the run
/// (`eprintln!` would); the exit code and the report still tell the outcome.
fn progress(line: &str) {
    let _ = writeln!(std::io::stderr(), "self-heal: {line}");
}

pub fn analyze(
    paths: &[PathBuf],
    json: bool,
    workdir: Option<PathBuf>,
    budget: usize,
) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(Usage(format!("{}: no such file or directory", p.display())).into());
        }
        files.extend(
            self_heal::logs::read_path(p)
                .with_context(|| format!("cannot read {}", p.display()))?,
        );
    }
    let workdir = match workdir {
        Some(w) => Some(w),
        None => std::env::current_dir().ok(),
    };
    let analysis = analyze::analyze(
        &files,
        &AnalyzeOptions {
            workdir,
            budget_tokens: budget,
        },
    );
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &analysis).context("cannot write JSON")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", analysis_text(&analysis))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The human form of an analysis: one block per failure, then the excerpt size.
pub fn analysis_text(a: &Analysis) -> String {
    let mut s = String::new();
    let n = a.failures.len();
    s.push_str(&format!(
        "{n} failure{} ({})\n",
        if n == 1 { "" } else { "s" },
        a.language.as_deref().unwrap_or("language unknown")
    ));
    if let Some(job) = &a.job {
        s.push_str(&format!("job: {job}\n"));
    }
    if let Some(step) = &a.step {
        s.push_str(&format!("step: {step}\n"));
    }
    if let Some(cmd) = &a.command {
        s.push_str(&format!("command: {cmd}\n"));
    }
    for f in &a.failures {
        let location = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            _ => "-".into(),
        };
        s.push_str(&format!(
            "\n{} [{}] {}\n  at {}\n  {}\n",
            f.kind.as_str(),
            f.tool,
            f.test.as_deref().unwrap_or("-"),
            location,
            f.message
        ));
    }
    s
}

pub async fn run(cfg: Config) -> anyhow::Result<ExitCode> {
    if cfg.in_actions {
        // Workflow command: fold the progress lines in the Actions log.
        println!(
            "{}",
            self_heal::github::workflow_commands::group("self-heal: repair")
        );
        for s in cfg.secrets() {
            println!("{}", self_heal::github::workflow_commands::add_mask(&s));
        }
    }
    let started = std::time::Instant::now();
    let outcome = tokio::select! {
        r = repair(&cfg) => r,
        // Ctrl-C can only land between steps: the final write is synchronous.
        _ = tokio::signal::ctrl_c() => Ok((Report::new(Status::Error, "interrupted; the working tree was not changed"), None)),
    };
    if cfg.in_actions {
        println!("{}", self_heal::github::workflow_commands::endgroup());
    }
    let (mut report, run_url) = outcome.map_err(|e| anyhow::Error::new(Usage(e)))?;
    report.timings.total_ms = started.elapsed().as_millis().try_into().unwrap_or(u64::MAX);
    finish(&cfg, &report, run_url.as_deref())
}

/// The loop from the configured source to the final report; `Err` is a usage error.
async fn repair(cfg: &Config) -> Result<(Report, Option<String>), String> {
    let source = match remote::resolve_source(cfg, &progress).await {
        Ok(s) => s,
        Err(SourceError::Usage(msg)) => return Err(msg),
        Err(SourceError::Report(r)) => return Ok((*r, None)),
    };
    match source {
        Source::Local(files) => {
            let repaired = pipeline::repair_logs(cfg, &files, &progress).await;
            let Some(proposal) = repaired.proposal() else {
                return Ok((repaired.report, None));
            };
            let decision = if cfg.dry_run {
                None
            } else {
                Some(ask_approval(cfg, &proposal).await)
            };
            Ok((pipeline::conclude(cfg, repaired, decision, &progress), None))
        }
        Source::Remote(run) => {
            let run_url = run.run_url().map(str::to_string);
            let repaired = pipeline::repair_logs(cfg, &run.fetched.logs, &progress).await;
            let Some(proposal) = repaired.proposal() else {
                return Ok((repaired.report, run_url));
            };
            // A workflow_dispatch's own `dry-run` input counts too.
            if cfg.dry_run || run.run.dispatch_dry_run == Some(true) {
                let mut report = pipeline::conclude(cfg, repaired, None, &progress);
                remote::comment_proposal(cfg, &run, &mut report).await;
                return Ok((report, run_url));
            }
            let decision = ask_approval(cfg, &proposal).await;
            let report = match (decision, cfg.publish) {
                (decision, Publish::None) => {
                    pipeline::conclude(cfg, repaired, Some(decision), &progress)
                }
                (Decision::Approved, _) => remote::publish_fix(cfg, &run, repaired).await,
                (Decision::Declined(why), _) => {
                    let mut report = repaired.report;
                    report.reason = format!("{}; not published ({why})", report.reason);
                    report
                }
            };
            Ok((report, run_url))
        }
    }
}

async fn ask_approval(cfg: &Config, proposal: &Proposal) -> Decision {
    // The model wrote this text: show control characters instead of obeying them.
    let shown = Proposal {
        diagnosis: visible(&proposal.diagnosis),
        patch: visible(&proposal.patch),
        ..proposal.clone()
    };
    match cfg.approve {
        ApproveMode::Auto => Decision::Approved,
        ApproveMode::Prompt => {
            let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
            // On a blocking thread, so Ctrl-C (selected on in `run`) still ends the run.
            let asked = tokio::task::spawn_blocking(move || {
                let diff = self_heal::repair::edits::colorize_patch(&shown.patch);
                let stdin = std::io::stdin();
                let mut input = stdin.lock();
                approve::terminal::prompt(
                    &shown,
                    &diff,
                    &mut input,
                    &mut std::io::stderr(),
                    interactive,
                )
            })
            .await;
            asked.unwrap_or_else(|e| Decision::Declined(format!("the prompt failed: {e}")))
        }
        ApproveMode::Web => {
            match tokio::time::timeout(WEB_APPROVAL_TIMEOUT, serve_page(&shown)).await {
                Ok(Ok(d)) => d,
                Ok(Err(e)) => Decision::Declined(format!("approval page failed: {e}")),
                Err(_) => Decision::Declined(format!(
                    "no decision on the approval page within {} minutes",
                    WEB_APPROVAL_TIMEOUT.as_secs() / 60
                )),
            }
        }
    }
}

/// How long `approve: web` waits for a click before declining (the fix stays pending).
const WEB_APPROVAL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Control characters (other than newline and tab) shown as escapes, so text from a log
/// or the model cannot move the cursor or erase lines of the diff being approved.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

async fn serve_page(proposal: &Proposal) -> std::io::Result<Decision> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let token = approve::new_token()?;
    progress(&format!(
        "review the fix at {}",
        approve::web::page_url(listener.local_addr()?, &token)
    ));
    approve::web::serve(proposal, listener, token).await
}

/// Prints the outcome, writes the report (and the patch beside it), reports to the
/// workflow in Actions, and maps the status to the exit code.
fn finish(cfg: &Config, report: &Report, run_url: Option<&str>) -> anyhow::Result<ExitCode> {
    // Nothing written or printed may carry a token, whatever a log or the model said.
    let report = &masked(report, &cfg.secrets());
    let mut out = std::io::stdout().lock();
    // In Actions, what the log or the model wrote must not become workflow commands.
    let stop = if cfg.in_actions {
        approve::new_token().ok()
    } else {
        None
    };
    if let Some(token) = &stop {
        writeln!(out, "::stop-commands::{token}")?;
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    print_report(&mut out, &for_display(report), color)?;
    if let Some(token) = &stop {
        writeln!(out, "::{token}::")?;
    }
    if let Some(dir) = cfg.report.parent().filter(|d| d.ends_with(".self-heal")) {
        self_heal::fsutil::ensure_state_dir(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    report
        .write(&cfg.report)
        .with_context(|| format!("cannot write the report to {}", cfg.report.display()))?;
    let patch_path = cfg.report.with_file_name("fix.patch");
    if report.patch.is_empty() {
        // A patch left by an earlier run must not pass for this run's.
        let _ = std::fs::remove_file(&patch_path);
    } else {
        std::fs::write(&patch_path, &report.patch)
            .with_context(|| format!("cannot write the patch to {}", patch_path.display()))?;
    }
    writeln!(out, "report: {}", cfg.report.display())?;
    if cfg.in_actions {
        let commands = remote::report_to_workflow(cfg, report, &patch_path, run_url)
            .context("cannot write the step outputs or summary")?;
        for c in commands {
            writeln!(out, "{c}")?;
        }
    }
    Ok(ExitCode::from(report.status.exit_code()))
}

/// The report with every secret replaced by `***` (through its JSON, so every field).
fn masked(report: &Report, secrets: &[String]) -> Report {
    serde_json::to_string(report)
        .ok()
        .map(|json| self_heal::logs::mask(&json, secrets))
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_else(|| report.clone())
}

/// The report's free text with control characters made visible, for the terminal.
fn for_display(report: &Report) -> Report {
    let mut r = report.clone();
    r.reason = visible(&r.reason);
    r.diagnosis = visible(&r.diagnosis);
    r.patch = visible(&r.patch);
    for f in &mut r.failures {
        f.message = visible(&f.message);
        f.test = f.test.as_deref().map(visible);
        f.file = f.file.as_deref().map(visible);
    }
    for a in &mut r.attempts {
        a.error = a.error.as_deref().map(visible);
        a.validation.commands = a.validation.commands.iter().map(|c| visible(c)).collect();
    }
    r
}

fn print_report(out: &mut dyn Write, report: &Report, color: bool) -> std::io::Result<()> {
    for f in &report.failures {
        let loc = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!(" ({file}:{line})"),
            (Some(file), None) => format!(" ({file})"),
            _ => String::new(),
        };
        writeln!(
            out,
            "failure: {}{loc}: {}",
            f.test.as_deref().unwrap_or(f.kind.as_str()),
            f.message
        )?;
    }
    for a in &report.attempts {
        let result = match (&a.error, a.validation.passed) {
            (Some(e), _) => format!("rejected: {e}"),
            (None, true) => "validated".into(),
            (None, false) => "validation failed".into(),
        };
        let source = match a.source {
            self_heal::report::AttemptSource::Llm => "model",
            self_heal::report::AttemptSource::Recipe => "recipe",
        };
        writeln!(out, "attempt {} ({source}): {result}", a.n)?;
        for cmd in &a.validation.commands {
            writeln!(out, "  ran: {cmd}")?;
        }
    }
    if !report.diagnosis.is_empty() {
        writeln!(out, "diagnosis: {}", report.diagnosis)?;
    }
    if !report.patch.is_empty() {
        if color {
            writeln!(
                out,
                "{}",
                self_heal::repair::edits::colorize_patch(&report.patch)
            )?;
        } else {
            writeln!(out, "{}", report.patch)?;
        }
    }
    if report.llm.requests > 0 {
        writeln!(
            out,
            "model: {} request(s), {} prompt + {} completion tokens",
            report.llm.requests, report.llm.prompt_tokens, report.llm.completion_tokens
        )?;
    }
    writeln!(
        out,
        "status: {} ({})",
        report.status.as_str(),
        report.reason
    )
}

pub async fn check(cfg: Config) -> anyhow::Result<ExitCode> {
    let lines = self_heal::check::run_checks(&cfg).await;
    let secrets = cfg.secrets();
    for l in &lines {
        println!("{}", self_heal::logs::mask(&l.to_string(), &secrets));
    }
    let failed = lines
        .iter()
        .any(|l| l.verdict == self_heal::check::Verdict::Fail);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub async fn approve_ui(cfg: Config, port: u16) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    let token = approve::new_token().context("cannot create the page token")?;
    let addr = listener
        .local_addr()
        .context("cannot read the listening address")?;
    if approve::pending::load(&cfg.workdir)
        .ok()
        .flatten()
        .is_some()
    {
        println!(
            "review the pending fix at {}",
            approve::web::page_url(addr, &token)
        );
    }
    let outcome = tokio::select! {
        r = approve::approve_ui(&cfg.workdir, listener, token) => r.context("approve-ui failed")?,
        _ = tokio::signal::ctrl_c() => {
            println!("interrupted; the pending fix was kept");
            return Ok(ExitCode::SUCCESS);
        }
    };
    match outcome {
        approve::ApproveUiOutcome::NothingPending => {
            println!("nothing pending: run `self-heal run` first (a declined or unapproved fix is kept for approve-ui)");
        }
        approve::ApproveUiOutcome::Applied(paths) => println!("applied: {}", paths.join(", ")),
        approve::ApproveUiOutcome::Declined(why) => {
            println!("rejected ({why}); the fix stays pending")
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs each embedded sample in its own temp dir and shows what happened.
pub async fn demo(settings: crate::Settings) -> anyhow::Result<ExitCode> {
    let mut worst = Status::Fixed;
    for sample in self_heal::demo::SAMPLES {
        let dir = tempfile::Builder::new()
            .prefix("self-heal-demo-")
            .tempdir()
            .context("cannot create a temp dir for the demo")?;
        sample
            .write_to(dir.path())
            .context("cannot write the demo sample")?;
        let mut flags = settings.flags();
        let workdir = dir.path().display().to_string();
        for (k, v) in [
            ("workdir", workdir.as_str()),
            ("log", "ci.log"),
            ("yes", "true"),
            ("publish", "none"),
            ("report", ".self-heal/report.json"),
        ] {
            flags.insert(k.to_string(), v.to_string());
        }
        let sources = Sources {
            flags,
            env: std::env::vars().collect(),
        };
        let cfg = Config::resolve(&sources, dir.path()).map_err(|e| Usage(e.to_string()))?;
        if sample.needs_model && cfg.llm.is_none() {
            println!("\n== {}: skipped (needs a model; set OPENAI_API_KEY, --openai-base-url or GITHUB_TOKEN)", sample.name);
            continue;
        }
        println!(
            "\n== {}: a failing project in {}",
            sample.name,
            dir.path().display()
        );
        let log = std::fs::read_to_string(dir.path().join("ci.log")).unwrap_or_default();
        let failed = log
            .lines()
            .filter(|l| l.contains("FAILED ") || l.contains("ERROR "))
            .count();
        println!(
            "its CI log has {} lines, {failed} failing test line(s)",
            log.lines().count()
        );
        let code = run(cfg).await?;
        let status = if code == ExitCode::SUCCESS {
            Status::Fixed
        } else {
            Status::NotFixed
        };
        if status != Status::Fixed {
            worst = status;
        }
        // Keep the directory when asked, so the fixed tree can be inspected.
        if std::env::var_os("SELF_HEAL_DEMO_KEEP").is_some() {
            println!("kept {}", dir.keep().display());
        }
    }
    Ok(ExitCode::from(worst.exit_code()))
}
