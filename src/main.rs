use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use self_heal::config::{Config, Sources};
use std::collections::BTreeMap;
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
    Run(Settings),
    /// Print the failures of CI logs (text log, directory of step logs, or run-logs zip).
    Analyze {
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// Print the analysis as JSON.
        #[arg(long)]
        json: bool,
        /// Checkout used to normalise paths (default: current directory).
        #[arg(long)]
        workdir: Option<PathBuf>,
        /// Budget for the excerpt, in tokens.
        #[arg(long, default_value_t = 1500)]
        context_tokens: usize,
    },
    /// Pre-flight: config, tokens, API reachability, git, validation tools.
    Check(Settings),
    /// Serve the pending proposal (.self-heal/pending.json) for approval on 127.0.0.1.
    ApproveUi {
        #[command(flatten)]
        settings: Settings,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Run the loop on an embedded failing sample in a temp dir; no setup needed.
    Demo(Settings),
}

/// Every setting of design.md 3.2 as a flag; each also reads `INPUT_*`, `SELF_HEAL_*`
/// and `.github/self-heal.toml` (see README).
#[derive(Args, Default, Clone)]
pub struct Settings {
    /// GitHub token for the REST API and the push [env: GITHUB_TOKEN; prefer the env var: flags show in `ps`]
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    github_token: Option<String>,
    /// Key of the OpenAI-compatible endpoint [env: OPENAI_API_KEY]; without one, GitHub Models with the GitHub token
    #[arg(long, value_name = "KEY", hide_env_values = true)]
    openai_api_key: Option<String>,
    /// Any OpenAI-compatible endpoint (Azure, Ollama, vLLM) [env: OPENAI_BASE_URL]
    #[arg(long, value_name = "URL")]
    openai_base_url: Option<String>,
    /// Chat model (default: gpt-4.1-mini, or openai/gpt-4.1-mini on GitHub Models)
    #[arg(long)]
    model: Option<String>,
    /// Repository as owner/name [env: GITHUB_REPOSITORY]
    #[arg(long, value_name = "OWNER/NAME")]
    repo: Option<String>,
    /// Workflow run to repair (default: from the event)
    #[arg(long)]
    run_id: Option<String>,
    /// Checkout to repair [env: GITHUB_WORKSPACE; default: .]
    #[arg(long, value_name = "DIR")]
    workdir: Option<String>,
    /// Offline: read these logs (text, directory or zip) instead of fetching; comma-separated.
    #[arg(long, value_name = "PATH")]
    log: Option<String>,
    /// Validate in the sandbox, change nothing, publish nothing.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    dry_run: Option<String>,
    /// Where a validated, approved fix goes: pr, branch, or none = the working tree (default: pr in Actions, none locally)
    #[arg(long, value_name = "pr|branch|none")]
    publish: Option<String>,
    /// auto, prompt (y/N; declines without a terminal) or web (a page on 127.0.0.1) (default: auto in Actions, prompt locally)
    #[arg(long, value_name = "auto|prompt|web")]
    approve: Option<String>,
    /// Approve automatically (same as --approve auto).
    #[arg(long, short = 'y')]
    yes: bool,
    /// Model attempts, 1-10 (default 3)
    #[arg(long, value_name = "N")]
    max_attempts: Option<String>,
    /// Full validation command (default: the failed step's command, else detected)
    #[arg(long, value_name = "CMD")]
    test_command: Option<String>,
    /// Run in the sandbox before the tests, e.g. `pip install -r requirements.txt`
    #[arg(long, value_name = "CMD")]
    setup_command: Option<String>,
    /// Where validation runs: subprocess, docker or none (default subprocess)
    #[arg(long, value_name = "subprocess|docker|none")]
    validation: Option<String>,
    /// Image for docker validation (default by language)
    #[arg(long, value_name = "IMAGE")]
    validation_image: Option<String>,
    /// Globs a fix may touch, comma-separated (default: all but protected files)
    #[arg(long, value_name = "GLOBS")]
    allowed_paths: Option<String>,
    /// Let a fix edit test files (default false)
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    allow_test_edits: Option<String>,
    /// Prefix of fix branches; runs on such branches are never repaired (default self-heal/)
    #[arg(long, value_name = "PREFIX")]
    branch_prefix: Option<String>,
    /// PR base (default: the failed run's branch)
    #[arg(long, value_name = "BRANCH")]
    base_branch: Option<String>,
    /// Add a DCO Signed-off-by line to the commit (default true)
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    sign_off: Option<String>,
    /// Report path (default: $RUNNER_TEMP/self-heal/report.json in Actions, .self-heal/report.json locally)
    #[arg(long, value_name = "PATH")]
    report: Option<String>,
    /// Workflow names, files or paths never repaired, comma-separated
    #[arg(long, value_name = "NAMES")]
    exclude_workflows: Option<String>,
    /// Token for the push and the PR, so the PR's CI runs (default: github-token)
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pr_token: Option<String>,
    /// On a dry run for a PR build, post the proposal as a PR comment (default false)
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    comment: Option<String>,
    /// Per validation command, seconds (default 600).
    #[arg(long, value_name = "SECS")]
    test_timeout: Option<String>,
    /// Per model request, seconds (default 120).
    #[arg(long, value_name = "SECS")]
    llm_timeout: Option<String>,
    /// Budget of the failure excerpt sent to the model, in tokens (default 1500).
    #[arg(long, value_name = "N")]
    context_tokens: Option<String>,
}

impl Settings {
    fn flags(&self) -> BTreeMap<String, String> {
        let pairs: [(&str, &Option<String>); 28] = [
            ("github-token", &self.github_token),
            ("openai-api-key", &self.openai_api_key),
            ("openai-base-url", &self.openai_base_url),
            ("model", &self.model),
            ("repo", &self.repo),
            ("run-id", &self.run_id),
            ("workdir", &self.workdir),
            ("log", &self.log),
            ("dry-run", &self.dry_run),
            ("publish", &self.publish),
            ("approve", &self.approve),
            ("max-attempts", &self.max_attempts),
            ("test-command", &self.test_command),
            ("setup-command", &self.setup_command),
            ("validation", &self.validation),
            ("validation-image", &self.validation_image),
            ("allowed-paths", &self.allowed_paths),
            ("allow-test-edits", &self.allow_test_edits),
            ("branch-prefix", &self.branch_prefix),
            ("base-branch", &self.base_branch),
            ("sign-off", &self.sign_off),
            ("report", &self.report),
            ("exclude-workflows", &self.exclude_workflows),
            ("pr-token", &self.pr_token),
            ("comment", &self.comment),
            ("test-timeout", &self.test_timeout),
            ("llm-timeout", &self.llm_timeout),
            ("context-tokens", &self.context_tokens),
        ];
        let mut map: BTreeMap<String, String> = pairs
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), v.clone())))
            .collect();
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
            hide_secrets(&cfg);
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
            block_on(cli::approve_ui(cfg, port))
        }
        Command::Demo(settings) => block_on(cli::demo(settings)),
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

/// Validation runs code the model wrote, before anyone approved it. Keep the tokens
/// out of its reach: no environment variable holding one is inherited by any child
/// (git gets the token explicitly, for one push), and, where the kernel allows, other
/// processes of the same user cannot read this process's memory or initial
/// environment through /proc (root still can: prefer `validation: docker`).
/// Runs before any thread exists, which is what makes changing the environment sound.
fn hide_secrets(cfg: &Config) {
    let secrets = cfg.secrets();
    for (key, value) in std::env::vars_os() {
        let value = value.to_string_lossy();
        if secrets.iter().any(|s| value.contains(s.as_str())) {
            std::env::remove_var(&key);
        }
    }
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) only changes this process's dumpable flag.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}
