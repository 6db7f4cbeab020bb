use anyhow::Context;
use clap::{Arg, Args, Parser, Subcommand};
use self_heal::config::{Config, Sources};
use self_heal::settings::{self, Commands};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

mod cli;
mod sink;

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
        #[arg(long, value_name = "N", default_value_t = 1500)]
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
    /// Run the loop on an embedded failing sample in a temp dir; no setup needed.
    Demo(Settings<{ Commands::DEMO.bits() }>),
}

/// The settings of design.md 3.2 that subcommand `CMD` (a [`Commands`] set) takes, as
/// flags, from [`settings::SETTINGS`]; each setting is also read from `INPUT_*`,
/// `SELF_HEAL_*` and `.github/self-heal.toml` (see README), whatever the command.
#[derive(Default, Clone)]
pub struct Settings<const CMD: u8> {
    values: BTreeMap<String, String>,
    yes: bool,
}

impl<const CMD: u8> Settings<CMD> {
    fn settings() -> impl Iterator<Item = &'static settings::Setting> {
        settings::for_command(Commands::from_bits(CMD))
    }

    /// `-y` stands for `--approve auto`: taken where `--approve` is.
    fn takes_yes() -> bool {
        Self::settings().any(|s| s.name == "approve")
    }
}

impl<const CMD: u8> clap::FromArgMatches for Settings<CMD> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let values = Self::settings()
            .filter_map(|s| {
                let v = m.get_one::<String>(s.name)?;
                Some((s.name.to_string(), v.clone()))
            })
            .collect();
        Ok(Settings {
            values,
            yes: Self::takes_yes() && m.get_flag("yes"),
        })
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl<const CMD: u8> Args for Settings<CMD> {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for s in Self::settings() {
            let mut arg = Arg::new(s.name)
                .long(s.name)
                .value_name(s.value_name)
                .help(s.help);
            if s.kind == settings::Kind::Bool {
                arg = arg.num_args(0..=1).default_missing_value("true");
            }
            if s.secret {
                arg = arg.hide_env_values(true);
            }
            cmd = cmd.arg(arg);
            // `-y` sits next to the setting it stands for.
            if s.name == "approve" {
                cmd = cmd.arg(
                    Arg::new("yes")
                        .long("yes")
                        .short('y')
                        .action(clap::ArgAction::SetTrue)
                        .help("Approve automatically (same as --approve auto)"),
                );
            }
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<const CMD: u8> Settings<CMD> {
    fn flags(&self) -> BTreeMap<String, String> {
        let mut map = self.values.clone();
        if self.yes {
            map.insert("yes".into(), "true".into());
        }
        map
    }

    /// Resolves the configuration; errors are usage errors (exit 2).
    fn resolve(&self) -> anyhow::Result<Config> {
        let sources = Sources {
            flags: self.flags(),
            env: std::env::vars().collect(),
        };
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        Config::resolve(&sources, &cwd).map_err(|e| anyhow::Error::new(cli::Usage(e.to_string())))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            let code = if err.downcast_ref::<cli::Usage>().is_some() {
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
            let cfg = settings.resolve()?;
            cli::warn_config(&cfg);
            self_heal::run::hide_secrets(&cfg);
            block_on(cli::run(cfg))
        }
        Command::Check(settings) => match settings.resolve() {
            Ok(cfg) => block_on(cli::check(cfg)),
            // `check` reports a bad setting as a FAIL line (exit 1), not as a usage error.
            Err(e) => {
                println!("FAIL config: {}", one_line(&e));
                Ok(ExitCode::from(1))
            }
        },
        Command::ApproveUi { settings, port } => {
            let cfg = settings.resolve()?;
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
