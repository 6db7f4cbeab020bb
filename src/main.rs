use anyhow::Context;
use clap::{Parser, Subcommand};
use self_heal::config::{Config, Sources, Usage};
use self_heal::settings::flags::Settings;
use self_heal::settings::Commands;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

mod cli;

/// Repairs failing CI: finds what broke, proposes a minimal fix, proves it, and applies it
/// or opens a pull request.
#[derive(Parser)]
#[command(name = "self-heal", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The whole loop: logs → analysis → fix → validation → approval → apply or PR.
    Run(Settings<{ Commands::RUN.bits() }>),
    /// Print the failures of CI logs (text log, directory of step logs, or run-logs zip).
    Analyze {
        /// CI logs: a text log, a directory of step logs or a run-logs zip; `-` reads stdin.
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// Print the analysis as JSON.
        #[arg(long)]
        json: bool,
        /// Checkout used to normalise paths (default: the folder where the failures' paths exist: the log's own or a parent, else the current directory).
        #[arg(long, value_name = "DIR")]
        workdir: Option<PathBuf>,
        /// Budget for the excerpt, in tokens.
        #[arg(long, value_name = "N", default_value_t = self_heal::settings::CONTEXT_TOKENS.parser.default)]
        context_tokens: usize,
    },
    /// Pre-flight: config, tokens, API reachability, git, validation tools.
    Check(Settings<{ Commands::CHECK.bits() }>),
    /// Serve the pending proposal (.self-heal/pending.json) for approval on 127.0.0.1.
    ApproveUi {
        #[command(flatten)]
        settings: Settings<{ Commands::APPROVE_UI.bits() }>,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Run the loop on embedded failing samples (Python, Go) in temp dirs; no setup needed.
    Demo(Settings<{ Commands::DEMO.bits() }>),
}

/// Resolves the configuration from `flags` and the environment; errors are usage
/// errors (exit 2).
fn resolve<const CMD: u8>(settings: &Settings<CMD>) -> anyhow::Result<Config> {
    let sources = Sources {
        flags: settings.flags(),
        env: std::env::vars().collect(),
    };
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Config::resolve(&sources, &cwd).map_err(|e| anyhow::Error::new(Usage(e.to_string())))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            let code = if err.downcast_ref::<Usage>().is_some() {
                2
            } else {
                3
            };
            // Not `eprintln!`: it panics when stderr cannot be written (`2>/dev/full`).
            let _ = writeln!(std::io::stderr(), "self-heal: error: {}", one_line(&err));
            ExitCode::from(code)
        }
    }
}

/// The whole error chain on one line: `context: cause: cause`.
fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let s = cause.to_string().replace('\n', " ");
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    cli::init_tracing();
    match cli.command {
        Command::Analyze {
            logs,
            json,
            workdir,
            context_tokens,
        } => cli::analyze(&logs, json, workdir, context_tokens),
        Command::Run(settings) => {
            let cfg = resolve(&settings)?;
            cli::warn_config(&cfg);
            self_heal::run::hide_secrets(&cfg);
            block_on(cli::run(cfg))
        }
        Command::Check(settings) => match resolve(&settings) {
            Ok(cfg) => block_on(cli::check(cfg)),
            // `check` reports a bad setting as a FAIL line (exit 1), not as a usage error.
            Err(e) => {
                println!("FAIL config: {}", one_line(&e));
                Ok(ExitCode::from(1))
            }
        },
        Command::ApproveUi { settings, port } => {
            let cfg = resolve(&settings)?;
            cli::warn_config(&cfg);
            block_on(cli::approve_ui(cfg, port))
        }
        Command::Demo(settings) => block_on(cli::demo(settings.flags())),
    }
}

/// Runs `fut` on a fresh runtime, then drops the runtime without waiting for blocking
/// tasks (a `y/N` prompt left reading stdin after Ctrl-C must not hold the exit).
fn block_on<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    fut: F,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(fut);
    runtime.shutdown_background();
    result
}
