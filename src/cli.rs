//! The command implementations: turn library values into terminal output and exit codes.

use anyhow::Context;
use self_heal::analyze::{self, AnalyzeOptions};
use self_heal::approve;
use self_heal::config::{Config, Usage};
use self_heal::github::workflow_commands as wf;
use self_heal::report::Status;
use self_heal::run::Outcome;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SELF_HEAL_DEBUG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // Model retry warnings read like the `self-heal:` lines, coloured only on a terminal.
    let ansi = self_heal::style::colour_for(self_heal::style::Stream::Stderr);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .event_format(self_heal::style::Messages { ansi })
        .with_writer(std::io::stderr)
        .try_init();
}

/// Best effort: a full or closed stderr (`2>/dev/full`) must not panic the run
/// (`eprintln!` would); the exit code and the report still tell the outcome.
fn progress(line: &str) {
    let _ = writeln!(std::io::stderr(), "self-heal: {line}");
}

/// The ignored keys of the checkout's config file, before anything runs.
pub fn warn_config(cfg: &Config) {
    for w in &cfg.warnings {
        progress(&format!("warning: {w}"));
    }
}

pub fn analyze(
    paths: &[PathBuf],
    json: bool,
    workdir: Option<PathBuf>,
    budget: usize,
) -> anyhow::Result<ExitCode> {
    for p in paths {
        if p.as_os_str() != self_heal::logs::stream::STDIN && !p.exists() {
            return Err(Usage(format!("{}: no such file or directory", p.display())).into());
        }
    }
    // Without --workdir the analysis finds the repository root itself.
    // Streamed: a log of any size is analysed in bounded memory.
    let (analysis, cuts) = analyze::analyze_paths(
        paths,
        &Default::default(),
        &AnalyzeOptions {
            workdir,
            budget_tokens: budget,
        },
    )
    .context("cannot read the log")?;
    for c in cuts {
        progress(&c);
    }
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &analysis).context("cannot write JSON")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", analyze::text::analysis_text(&analysis))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run(cfg: Config) -> anyhow::Result<ExitCode> {
    repair_and_print(cfg, true).await
}

/// The run and its report on stdout; `report:` with the report's path only when
/// `show_report_path` (the demo's temp dir goes away with its report).
async fn repair_and_print(cfg: Config, show_report_path: bool) -> anyhow::Result<ExitCode> {
    if cfg.in_actions {
        for s in cfg.secrets.runner_masks() {
            println!("{}", wf::add_mask(&s));
        }
    }
    let started = std::time::Instant::now();
    let console = self_heal::console::Console::new(cfg.in_actions, cfg.secrets.clone());
    let outcome = tokio::select! {
        r = self_heal::run::run(&cfg, &cfg.approve, &console) => r,
        // Ctrl-C can only land between steps: the final write is synchronous.
        _ = tokio::signal::ctrl_c() => Ok(Outcome {
            report: self_heal::run::interrupted(started.elapsed()),
            run_url: None,
        }),
    };
    // The bar cleared, the last group closed, before the report.
    console.finish();
    let outcome = outcome?;
    let written = self_heal::run::write_outputs(&cfg, &outcome.report, outcome.run_url.as_deref())?;
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
    let color = self_heal::style::colour_for(self_heal::style::Stream::Stdout);
    let colorize = |patch: &str| {
        if color {
            self_heal::repair::edits::colorize_patch(patch)
        } else {
            patch.to_string()
        }
    };
    write!(
        out,
        "{}",
        written
            .report
            .for_display(&approve::visible)
            .to_text(&colorize)
    )?;
    if let Some(token) = &stop {
        writeln!(out, "::{token}::")?;
    }
    if show_report_path {
        writeln!(out, "report: {}", written.report_path.display())?;
    }
    for c in &written.workflow_commands {
        writeln!(out, "{c}")?;
    }
    Ok(ExitCode::from(written.report.status.exit_code()))
}

pub async fn check(cfg: Config) -> anyhow::Result<ExitCode> {
    let (lines, failed) = self_heal::check::run_and_render(&cfg).await;
    for l in &lines {
        println!("{l}");
    }
    Ok(ExitCode::from(u8::from(failed)))
}

pub async fn approve_ui(cfg: Config, port: u16) -> anyhow::Result<ExitCode> {
    let (listener, token, url) = approve::open_page(&cfg.workdir, port)
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    if let Some(url) = url {
        println!("review the pending fix at {url}");
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
pub async fn demo(flags: std::collections::BTreeMap<String, String>) -> anyhow::Result<ExitCode> {
    let mut worst = Status::Fixed;
    let keep = self_heal::demo::keeps(&std::env::var(self_heal::demo::KEEP_ENV).ok());
    for sample in self_heal::demo::SAMPLES {
        let env = std::env::vars().collect();
        let prepared = self_heal::demo::prepare(sample, flags.clone(), env)
            .map_err(|e| Usage(e.to_string()))?;
        let (dir, cfg, intro) = match prepared {
            self_heal::demo::Prepared::Ready { dir, cfg, intro } => (dir, cfg, intro),
            self_heal::demo::Prepared::NeedsModel => {
                println!("\n== {}: skipped (needs a model; set OPENAI_API_KEY, --openai-base-url or GITHUB_TOKEN)", sample.name);
                continue;
            }
            self_heal::demo::Prepared::NeedsProgram(program) => {
                println!("\n== {}: skipped (needs {program} on PATH)", sample.name);
                continue;
            }
        };
        println!("{intro}");
        if repair_and_print(*cfg, keep).await? != ExitCode::SUCCESS {
            worst = Status::NotFixed;
        }
        // Keep the directory when asked, so the fixed tree can be inspected.
        if keep {
            println!("kept {}", dir.keep().display());
        }
    }
    if !keep {
        println!(
            "\nthe samples and their reports were in temp dirs, now removed; {}=1 keeps them",
            self_heal::demo::KEEP_ENV
        );
    }
    Ok(ExitCode::from(worst.exit_code()))
}
