//! Settings from flags / Action inputs / env / `.github/self-heal.toml` / defaults.
//!
//! Every setting `name` (design.md 3.2) is looked up, first hit wins:
//! 1. the CLI flag `--name` (given to [`Sources::flags`]),
//! 2. the Action input: env `INPUT_NAME` with dashes kept (`INPUT_DRY-RUN`), then the
//!    underscore form (`INPUT_DRY_RUN`),
//! 3. env `SELF_HEAL_NAME` (dashes → underscores),
//! 4. `.github/self-heal.toml` in the workdir (key `name` or `name_with_underscores`),
//! 5. the default (which may itself come from a conventional env var such as `GITHUB_TOKEN`).
//!
//! Empty values count as unset: the Actions runner sets every declared input, empty
//! when the workflow gave none.

use crate::settings;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Bad usage or configuration: one line, exit code 2, nothing changed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// A setting that is wrong: one line, exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid value {value:?} for {name} (from {origin}): {expected}")]
    Invalid {
        name: String,
        value: String,
        origin: String,
        expected: String,
    },
    #[error("cannot read {path}: {reason}")]
    File { path: String, reason: String },
    #[error("{0}")]
    Missing(String),
}

/// Where a value came from (for error messages and `check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Input(String),
    Env(String),
    File,
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag => write!(f, "command-line flag"),
            Origin::Input(v) | Origin::Env(v) => write!(f, "env {v}"),
            Origin::File => write!(f, ".github/self-heal.toml"),
            Origin::Default => write!(f, "default"),
        }
    }
}

/// The raw inputs to configuration, gathered by the caller (no hidden I/O here
/// except reading the optional config file in the workdir).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Flags given on the command line, by setting name (`dry-run` → `"true"`).
    pub flags: BTreeMap<String, String>,
    /// The process environment.
    pub env: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publish {
    Pr,
    Branch,
    None,
    /// A review with suggestion blocks on the failed pull request build's PR.
    Suggest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApproveMode {
    Auto,
    Prompt,
    Web,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationMode {
    Subprocess,
    Docker,
    None,
}

/// Which kind of endpoint the model is behind (for defaults and messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmProvider {
    OpenAi,
    GitHubModels,
    Custom,
}

pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";
pub const GITHUB_MODELS_BASE_URL: &str = "https://models.github.ai/inference";

/// The model endpoint, when one is configured.
#[derive(Debug, Clone)]
pub struct LlmEndpoint {
    pub provider: LlmProvider,
    pub base_url: String,
    /// May be empty for keyless local servers (Ollama, vLLM).
    pub api_key: String,
    pub model: String,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub github_token: Option<String>,
    pub pr_token: Option<String>,
    pub llm: Option<LlmEndpoint>,
    pub repo: Option<String>,
    pub run_id: Option<u64>,
    pub workdir: PathBuf,
    pub logs: Vec<PathBuf>,
    pub dry_run: bool,
    pub publish: Publish,
    pub approve: ApproveMode,
    pub max_attempts: u32,
    pub test_command: Option<String>,
    pub setup_command: Option<String>,
    pub validation: ValidationMode,
    pub validation_image: Option<String>,
    /// Docker validation: test commands keep the network (setup-command always has it).
    pub validation_network: bool,
    /// Docker validation limits; None: the defaults of `validate::DockerOptions`.
    pub validation_memory: Option<String>,
    pub validation_cpus: Option<String>,
    pub validation_pids: Option<u32>,
    pub allowed_paths: Vec<String>,
    pub allow_test_edits: bool,
    pub branch_prefix: String,
    pub base_branch: Option<String>,
    pub sign_off: bool,
    pub report: PathBuf,
    pub exclude_workflows: Vec<String>,
    pub comment: bool,
    pub test_timeout: Duration,
    pub llm_timeout: Duration,
    pub context_tokens: usize,
    /// The `since` setting: a revision to compare with, or `None` for the default
    /// (see [`crate::analyze::changes`]); `Some("none")` turns the comparison off.
    pub since: Option<String>,
    /// `GITHUB_API_URL`, default `https://api.github.com`.
    pub api_url: String,
    /// Running inside GitHub Actions (`GITHUB_ACTIONS=true`).
    pub in_actions: bool,
    pub event_name: Option<String>,
    pub event_path: Option<PathBuf>,
    pub server_url: String,
    /// `GITHUB_OUTPUT`: step outputs file (Actions only).
    pub github_output: Option<PathBuf>,
    /// `GITHUB_STEP_SUMMARY`: job summary file (Actions only).
    pub step_summary: Option<PathBuf>,
    /// The tokens and the key above, built once: mask every text with it.
    pub secrets: crate::secrets::Secrets,
    /// Keys of `.github/self-heal.toml` that were ignored, each with the reason (the
    /// caller shows them: a setting that silently does nothing is a trap).
    pub warnings: Vec<String>,
}

impl Config {
    /// The values that must never be printed, logged or sent to the model.
    fn collect_secrets(&self) -> crate::secrets::Secrets {
        let key = self.llm.as_ref().map(|l| l.api_key.as_str());
        crate::secrets::Secrets::new(
            [self.github_token.as_deref(), self.pr_token.as_deref(), key]
                .into_iter()
                .flatten(),
        )
    }
}

struct Resolver<'a> {
    sources: &'a Sources,
    file: toml::Table,
}

impl Resolver<'_> {
    fn env(&self, key: &str) -> Option<String> {
        self.sources
            .env
            .get(key)
            .filter(|v| !v.trim().is_empty())
            .cloned()
    }

    fn get(&self, name: &str) -> Option<(String, Origin)> {
        if let Some(v) = self.sources.flags.get(name).filter(|v| !v.is_empty()) {
            return Some((v.clone(), Origin::Flag));
        }
        for key in settings::input_envs(name) {
            if let Some(v) = self.env(&key) {
                return Some((v, Origin::Input(key)));
            }
        }
        let key = settings::env_name(name);
        if let Some(v) = self.env(&key) {
            return Some((v, Origin::Env(key)));
        }
        // The file comes with the checkout, i.e. with the code under repair (a fork's,
        // say): it may not choose where keys are sent nor supply tokens.
        if !settings::file_may_set(name) {
            return None;
        }
        for key in settings::toml_keys(name) {
            if let Some(v) = self.file.get(&key) {
                let text = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|i| {
                            i.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| i.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.to_string(),
                };
                if !text.is_empty() {
                    return Some((text, Origin::File));
                }
            }
        }
        None
    }

    fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(|(v, _)| v.trim().to_string())
    }

    fn parse<T>(
        &self,
        name: &str,
        expected: &str,
        f: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some((v, origin)) => f(v.trim()).map(Some).ok_or_else(|| ConfigError::Invalid {
                name: name.to_string(),
                value: v,
                origin: origin.to_string(),
                expected: expected.to_string(),
            }),
        }
    }

    fn bool(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        Ok(self
            .parse(name, "expected true or false", parse_bool)?
            .unwrap_or(default))
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.string(name)
            .map(|v| {
                v.split([',', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

fn parse_secs(v: &str) -> Option<Duration> {
    let v = v.trim();
    let (num, mult) = if let Some(n) = v.strip_suffix('m') {
        (n, 60)
    } else {
        (v.strip_suffix('s').unwrap_or(v), 1)
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .map(|n| Duration::from_secs(n * mult))
}

/// A docker memory size (`4g`, `512m`, `4096k`, bytes; a trailing `b` is fine),
/// at least docker's minimum of 6 MB; normalised to digits and one unit letter.
fn parse_size(v: &str) -> Option<String> {
    let lower = v.to_ascii_lowercase();
    let body = lower.strip_suffix('b').unwrap_or(&lower);
    let (num, unit, mult) = match body.chars().last()? {
        'k' => (&body[..body.len() - 1], "k", 1u64 << 10),
        'm' => (&body[..body.len() - 1], "m", 1 << 20),
        'g' => (&body[..body.len() - 1], "g", 1 << 30),
        _ => (body, "", 1),
    };
    let n = num.parse::<u64>().ok()?;
    (n.checked_mul(mult)? >= 6 << 20).then(|| format!("{n}{unit}"))
}

fn parse_url(v: &str) -> Option<String> {
    (v.starts_with("http://") || v.starts_with("https://"))
        .then(|| v.trim_end_matches('/').to_string())
}

/// Loads `.github/self-heal.toml` from `workdir`; missing is fine, malformed is an error.
fn load_file(workdir: &Path) -> Result<toml::Table, ConfigError> {
    let path = workdir.join(".github").join("self-heal.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => text.parse::<toml::Table>().map_err(|e| ConfigError::File {
            path: path.display().to_string(),
            reason: e.message().to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        Err(e) => Err(ConfigError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

impl Config {
    /// Resolves every setting. `cwd` anchors relative paths.
    pub fn resolve(sources: &Sources, cwd: &Path) -> Result<Config, ConfigError> {
        // The workdir decides where the config file is, so it can't come from the file.
        let bootstrap = Resolver {
            sources,
            file: toml::Table::new(),
        };
        let workdir = bootstrap
            .string("workdir")
            .or_else(|| bootstrap.env("GITHUB_WORKSPACE"))
            .map(|w| cwd.join(w))
            .unwrap_or_else(|| cwd.to_path_buf());
        if !workdir.is_dir() {
            return Err(ConfigError::Invalid {
                name: "workdir".into(),
                value: workdir.display().to_string(),
                origin: bootstrap
                    .get("workdir")
                    .map(|(_, o)| o.to_string())
                    .unwrap_or("GITHUB_WORKSPACE".into()),
                expected: "not a directory".into(),
            });
        }
        let r = Resolver {
            sources,
            file: load_file(&workdir)?,
        };
        let warnings = file_warnings(&r.file);
        let in_actions = r.env("GITHUB_ACTIONS").is_some_and(|v| v == "true");

        let github_token = r.string("github-token").or_else(|| r.env("GITHUB_TOKEN"));
        let openai_api_key = r
            .string("openai-api-key")
            .or_else(|| r.env("OPENAI_API_KEY"));
        let base_url = r
            .parse(
                "openai-base-url",
                "expected an http:// or https:// URL",
                parse_url,
            )?
            .or_else(|| r.env("OPENAI_BASE_URL").and_then(|v| parse_url(&v)));
        let model = r.string("model");
        let llm = resolve_llm(base_url, openai_api_key, github_token.clone(), model);

        let dry_run = r.bool("dry-run", false)?;
        let publish = r
            .parse(
                "publish",
                "expected pr, branch, suggest or none",
                |v| match v {
                    "pr" => Some(Publish::Pr),
                    "branch" => Some(Publish::Branch),
                    "suggest" => Some(Publish::Suggest),
                    "none" => Some(Publish::None),
                    _ => None,
                },
            )?
            .unwrap_or(if in_actions {
                Publish::Pr
            } else {
                Publish::None
            });
        // `--yes` is a flag only: a lower-precedence source must not override an
        // explicit `--approve prompt`.
        let yes = sources
            .flags
            .get("yes")
            .is_some_and(|v| parse_bool(v) == Some(true));
        // Parsed even with `--yes`: an invalid value is an error whatever else is given.
        let approve = r.parse("approve", "expected auto, prompt or web", |v| match v {
            "auto" => Some(ApproveMode::Auto),
            "prompt" => Some(ApproveMode::Prompt),
            "web" => Some(ApproveMode::Web),
            _ => None,
        })?;
        let approve = if yes {
            ApproveMode::Auto
        } else {
            approve.unwrap_or(if in_actions {
                ApproveMode::Auto
            } else {
                ApproveMode::Prompt
            })
        };
        if in_actions && approve == ApproveMode::Web {
            return Err(ConfigError::Invalid {
                name: "approve".into(),
                value: "web".into(),
                origin: r
                    .get("approve")
                    .map(|(_, o)| o.to_string())
                    .unwrap_or_default(),
                expected: "nobody can open a page on the runner: use auto, or dry-run to review"
                    .into(),
            });
        }
        let max_attempts = r
            .parse(
                "max-attempts",
                "expected a whole number from 1 to 10",
                |v| v.parse::<u32>().ok().filter(|n| (1..=10).contains(n)),
            )?
            .unwrap_or(3);
        let validation = r
            .parse(
                "validation",
                "expected subprocess, docker or none",
                |v| match v {
                    "subprocess" => Some(ValidationMode::Subprocess),
                    "docker" => Some(ValidationMode::Docker),
                    "none" => Some(ValidationMode::None),
                    _ => None,
                },
            )?
            .unwrap_or(ValidationMode::Subprocess);
        let run_id = r.parse(
            "run-id",
            "expected a run number or a run URL",
            crate::github::event::parse_run_id,
        )?;
        let repo = r
            .parse("repo", "expected owner/name", |v| {
                let mut parts = v.split('/');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(o), Some(n), None) if !o.is_empty() && !n.is_empty() => {
                        Some(v.to_string())
                    }
                    _ => None,
                }
            })?
            .or_else(|| r.env("GITHUB_REPOSITORY"));
        let report = match r.get("report") {
            // The checkout's file comes with the code under repair: it may only choose a
            // name inside the checkout's `.self-heal/`, never `.git/config` or `../x`.
            Some((v, Origin::File)) => {
                state_path(&workdir, v.trim()).map_err(|expected| ConfigError::Invalid {
                    name: "report".into(),
                    value: v.clone(),
                    origin: Origin::File.to_string(),
                    expected,
                })?
            }
            Some((v, _)) => cwd.join(v.trim()),
            None => default_report(in_actions, r.env("RUNNER_TEMP"), &workdir),
        };
        // Memory, pending fixes and the default report live there: a committed symlink
        // would send them outside the checkout.
        let state = workdir.join(".self-heal");
        if state.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
            return Err(ConfigError::Invalid {
                name: "workdir".into(),
                value: state.display().to_string(),
                origin: "the checkout".into(),
                expected: "self-heal keeps its state in .self-heal/, which must not be a symlink"
                    .into(),
            });
        }
        let branch_prefix = r
            .string("branch-prefix")
            .unwrap_or_else(|| "self-heal/".to_string());
        if branch_prefix.contains(char::is_whitespace) || branch_prefix.contains("..") {
            return Err(ConfigError::Invalid {
                name: "branch-prefix".into(),
                value: branch_prefix,
                origin: r
                    .get("branch-prefix")
                    .map(|(_, o)| o.to_string())
                    .unwrap_or_default(),
                expected: "expected a valid git branch prefix".into(),
            });
        }
        let allowed_paths = r.list("allowed-paths");
        for glob in &allowed_paths {
            if let Err(e) = globset::Glob::new(glob) {
                return Err(ConfigError::Invalid {
                    name: "allowed-paths".into(),
                    value: glob.clone(),
                    origin: r
                        .get("allowed-paths")
                        .map(|(_, o)| o.to_string())
                        .unwrap_or_default(),
                    expected: format!("expected glob patterns ({})", e.kind()),
                });
            }
        }

        let mut cfg = Config {
            secrets: Default::default(),
            warnings,
            github_token,
            pr_token: r.string("pr-token"),
            llm,
            repo,
            run_id,
            logs: r.list("log").into_iter().map(|p| cwd.join(p)).collect(),
            dry_run,
            publish,
            approve,
            max_attempts,
            test_command: r.string("test-command"),
            setup_command: r.string("setup-command"),
            validation,
            validation_image: r.string("validation-image"),
            validation_network: r.bool("validation-network", false)?,
            validation_memory: r.parse(
                "validation-memory",
                "expected a size such as 4g or 512m",
                parse_size,
            )?,
            validation_cpus: r.parse(
                "validation-cpus",
                "expected a number of CPUs such as 2 or 1.5",
                |v| {
                    v.parse::<f64>()
                        .ok()
                        .filter(|n| *n > 0.0 && *n <= 1024.0)
                        .map(|_| v.to_string())
                },
            )?,
            validation_pids: r.parse(
                "validation-pids",
                "expected a whole number of processes from 16 to 1000000",
                |v| {
                    v.parse::<u32>()
                        .ok()
                        .filter(|n| (16..=1_000_000).contains(n))
                },
            )?,
            allowed_paths,
            allow_test_edits: r.bool("allow-test-edits", false)?,
            branch_prefix,
            base_branch: r.string("base-branch"),
            sign_off: r.bool("sign-off", true)?,
            report,
            exclude_workflows: r.list("exclude-workflows"),
            comment: r.bool("comment", false)?,
            test_timeout: r
                .parse(
                    "test-timeout",
                    "expected seconds (e.g. 600 or 10m)",
                    parse_secs,
                )?
                .unwrap_or(Duration::from_secs(600)),
            llm_timeout: r
                .parse("llm-timeout", "expected seconds (e.g. 120)", parse_secs)?
                .unwrap_or(Duration::from_secs(120)),
            context_tokens: r
                .parse(
                    "context-tokens",
                    "expected a number of tokens from 200 to 100000",
                    |v| {
                        v.parse::<usize>()
                            .ok()
                            .filter(|n| (200..=100_000).contains(n))
                    },
                )?
                .unwrap_or(1500),
            since: r.parse(
                "since",
                "expected a git revision (a commit, branch or tag) or none",
                |v| crate::analyze::changes::valid_rev(v).then(|| v.to_string()),
            )?,
            api_url: r
                .env("GITHUB_API_URL")
                .and_then(|v| parse_url(&v))
                .unwrap_or_else(|| "https://api.github.com".to_string()),
            in_actions,
            event_name: r.env("GITHUB_EVENT_NAME"),
            event_path: r.env("GITHUB_EVENT_PATH").map(PathBuf::from),
            server_url: r
                .env("GITHUB_SERVER_URL")
                .and_then(|v| parse_url(&v))
                .unwrap_or_else(|| "https://github.com".to_string()),
            github_output: r.env("GITHUB_OUTPUT").map(PathBuf::from),
            step_summary: r.env("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            workdir,
        };
        cfg.secrets = cfg.collect_secrets();
        Ok(cfg)
    }
}

/// Why each key of the checkout's `.github/self-heal.toml` that is not read was
/// ignored, sorted by key.
fn file_warnings(file: &toml::Table) -> Vec<String> {
    let file_name = ".github/self-heal.toml";
    file.keys()
        .filter_map(|key| {
            let setting = settings::SETTINGS
                .iter()
                .find(|s| settings::toml_keys(s.name).iter().any(|k| k == key));
            let why = match setting {
                None if key == "yes" => {
                    "the checkout cannot approve its own fix (`yes` is a command-line flag only)"
                        .to_string()
                }
                None => "not a self-heal setting (see the settings table in the README)".to_string(),
                Some(s) if s.secret => format!(
                    "a credential is never read from the checkout (it comes with the code under repair); set {} or the `{}` input",
                    match s.name {
                        "github-token" => "GITHUB_TOKEN".to_string(),
                        "openai-api-key" => "OPENAI_API_KEY".to_string(),
                        other => settings::env_name(other),
                    },
                    s.name
                ),
                Some(s) if !s.from_file => format!(
                    "the checkout may not choose where the keys are sent; set --{} or the `{}` input",
                    s.name, s.name
                ),
                // The file is found through the workdir, so it cannot move it.
                Some(s) if s.name == "workdir" => {
                    "the file is read from the workdir, so it cannot choose it".to_string()
                }
                Some(_) => return None,
            };
            Some(format!("{file_name}: `{key}` is ignored: {why}"))
        })
        .collect()
}

/// A path the checkout's own config may name: relative, plain components only, under
/// `<workdir>/.self-heal/`, and no symlink on the way (checked in [`Config::resolve`]
/// for `.self-heal` itself; below it, self-heal creates the directories).
fn state_path(workdir: &Path, value: &str) -> Result<PathBuf, String> {
    use std::path::Component;
    let rel = Path::new(value);
    let plain = rel.components().all(|c| matches!(c, Component::Normal(_)));
    let mut parts = rel.components();
    let inside =
        parts.next() == Some(Component::Normal(".self-heal".as_ref())) && parts.next().is_some();
    if !plain || !inside {
        return Err(
            "from the checkout's config the report may only be a path inside .self-heal/ (set another with --report or INPUT_REPORT)"
                .into(),
        );
    }
    let mut at = workdir.to_path_buf();
    for c in rel.components() {
        at.push(c);
        if at.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
            return Err(format!("{} is a symlink", at.display()));
        }
    }
    Ok(at)
}

/// `$RUNNER_TEMP/self-heal/report.json` in Actions, where later steps can read it. A
/// container action does not get RUNNER_TEMP mounted (actions/runner#1984): there the
/// runner's `/github/runner_temp` mount is used when present, else the workspace's
/// `.self-heal/`, which later steps see too. Locally: `.self-heal/report.json`.
fn default_report(in_actions: bool, runner_temp: Option<String>, workdir: &Path) -> PathBuf {
    let local = workdir.join(".self-heal").join("report.json");
    if !in_actions {
        return local;
    }
    let mounted = [
        runner_temp.map(PathBuf::from),
        Some(PathBuf::from("/github/runner_temp")),
    ];
    mounted
        .into_iter()
        .flatten()
        .find(|dir| dir.is_dir())
        .map(|dir| dir.join("self-heal").join("report.json"))
        .unwrap_or(local)
}

/// An explicit base URL wins; else an OpenAI key means OpenAI; else the GitHub token
/// means GitHub Models; else there is no model (recipes only).
fn resolve_llm(
    base_url: Option<String>,
    openai_api_key: Option<String>,
    github_token: Option<String>,
    model: Option<String>,
) -> Option<LlmEndpoint> {
    let (provider, base_url, api_key) = match (base_url, openai_api_key, github_token) {
        (Some(base), key, token) => {
            let provider = if base == GITHUB_MODELS_BASE_URL {
                LlmProvider::GitHubModels
            } else if base == OPENAI_BASE_URL {
                LlmProvider::OpenAi
            } else {
                LlmProvider::Custom
            };
            let key = match provider {
                LlmProvider::GitHubModels => key.or(token),
                _ => key,
            };
            (provider, base, key.unwrap_or_default())
        }
        (None, Some(key), _) => (LlmProvider::OpenAi, OPENAI_BASE_URL.to_string(), key),
        (None, None, Some(token)) => (
            LlmProvider::GitHubModels,
            GITHUB_MODELS_BASE_URL.to_string(),
            token,
        ),
        (None, None, None) => return None,
    };
    let model = model.unwrap_or_else(|| match provider {
        LlmProvider::GitHubModels => "openai/gpt-4.1-mini".to_string(),
        _ => "gpt-4.1-mini".to_string(),
    });
    Some(LlmEndpoint {
        provider,
        base_url,
        api_key,
        model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(flags: &[(&str, &str)], env: &[(&str, &str)]) -> Sources {
        Sources {
            flags: flags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn precedence_flag_input_env_file_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".github")).unwrap();
        std::fs::write(
            dir.path().join(".github/self-heal.toml"),
            "max-attempts = 5\nbranch_prefix = \"fix/\"\n",
        )
        .unwrap();
        let cfg = Config::resolve(&sources(&[], &[]), dir.path()).unwrap();
        assert_eq!(cfg.max_attempts, 5);
        assert_eq!(cfg.branch_prefix, "fix/");
        let cfg = Config::resolve(
            &sources(&[], &[("SELF_HEAL_MAX_ATTEMPTS", "4")]),
            dir.path(),
        )
        .unwrap();
        assert_eq!(cfg.max_attempts, 4);
        let env = [
            ("SELF_HEAL_MAX_ATTEMPTS", "4"),
            ("INPUT_MAX_ATTEMPTS", "3"),
            ("INPUT_MAX-ATTEMPTS", "2"),
        ];
        let cfg = Config::resolve(&sources(&[], &env), dir.path()).unwrap();
        assert_eq!(
            cfg.max_attempts, 2,
            "dash form of the input wins over the underscore form"
        );
        let cfg = Config::resolve(&sources(&[("max-attempts", "1")], &env), dir.path()).unwrap();
        assert_eq!(cfg.max_attempts, 1);
        let cfg =
            Config::resolve(&sources(&[], &[("INPUT_MAX-ATTEMPTS", "")]), dir.path()).unwrap();
        assert_eq!(cfg.max_attempts, 5, "an empty input counts as unset");
    }

    #[test]
    fn bad_values_are_one_line_errors() {
        let dir = tempfile::tempdir().unwrap();
        for (name, value) in [
            ("max-attempts", "0"),
            ("max-attempts", "many"),
            ("dry-run", "maybe"),
            ("publish", "email"),
            ("approve", "always"),
            ("validation", "vm"),
            ("openai-base-url", "ftp://x"),
            ("repo", "justname"),
            ("run-id", "-3"),
            ("allowed-paths", "src/[a"),
            ("test-timeout", "0"),
            ("validation-memory", "lots"),
            ("validation-memory", "1m"),
            ("validation-cpus", "0"),
            ("validation-pids", "3"),
            ("validation-network", "maybe"),
        ] {
            let err = Config::resolve(&sources(&[(name, value)], &[]), dir.path())
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(name) && !err.contains('\n'),
                "{name}={value}: {err}"
            );
        }
        std::fs::create_dir_all(dir.path().join(".github")).unwrap();
        std::fs::write(
            dir.path().join(".github/self-heal.toml"),
            "max-attempts = [",
        )
        .unwrap();
        let err = Config::resolve(&sources(&[], &[]), dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("self-heal.toml"), "{err}");
    }

    #[test]
    fn the_checkout_file_cannot_set_credentials_endpoints_or_approval() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".github")).unwrap();
        std::fs::write(
            dir.path().join(".github/self-heal.toml"),
            "openai-base-url = \"http://evil.example/v1\"\ngithub-token = \"x\"\nyes = true\nmax-attempts = 2\n",
        )
        .unwrap();
        let env = [("OPENAI_API_KEY", "sk-org")];
        let cfg = Config::resolve(&sources(&[], &env), dir.path()).unwrap();
        assert_eq!(
            cfg.max_attempts, 2,
            "ordinary settings still come from the file"
        );
        assert_eq!(
            cfg.llm.unwrap().base_url,
            OPENAI_BASE_URL,
            "the key stays with OpenAI"
        );
        assert_eq!(cfg.github_token, None);
        assert_eq!(
            cfg.approve,
            ApproveMode::Prompt,
            "`yes` from the file is not an approval"
        );
        let warned: Vec<&str> = cfg
            .warnings
            .iter()
            .map(|w| w.split('`').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(
            warned,
            ["github-token", "openai-base-url", "yes"],
            "{:?}",
            cfg.warnings
        );
        assert!(!cfg.warnings.iter().any(|w| w.contains("max-attempts")));
    }

    #[test]
    fn llm_provider_resolution() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = Config::resolve(&sources(&[], &[("GITHUB_TOKEN", "ghs_x")]), dir.path()).unwrap();
        let llm = cfg.llm.unwrap();
        assert_eq!(llm.provider, LlmProvider::GitHubModels);
        assert_eq!(llm.base_url, GITHUB_MODELS_BASE_URL);
        assert_eq!(llm.api_key, "ghs_x");
        assert_eq!(llm.model, "openai/gpt-4.1-mini");
        let cfg = Config::resolve(
            &sources(
                &[],
                &[("GITHUB_TOKEN", "ghs_x"), ("OPENAI_API_KEY", "sk-1")],
            ),
            dir.path(),
        )
        .unwrap();
        let llm = cfg.llm.unwrap();
        assert_eq!(
            (llm.provider, llm.api_key.as_str()),
            (LlmProvider::OpenAi, "sk-1")
        );
        let cfg = Config::resolve(
            &sources(&[("openai-base-url", "http://127.0.0.1:9/v1/")], &[]),
            dir.path(),
        )
        .unwrap();
        let llm = cfg.llm.unwrap();
        assert_eq!(
            (llm.provider, llm.base_url.as_str()),
            (LlmProvider::Custom, "http://127.0.0.1:9/v1")
        );
        assert!(Config::resolve(&sources(&[], &[]), dir.path())
            .unwrap()
            .llm
            .is_none());
    }

    #[test]
    fn actions_defaults_differ_from_local() {
        let dir = tempfile::tempdir().unwrap();
        let local = Config::resolve(&sources(&[], &[]), dir.path()).unwrap();
        assert_eq!(
            (local.publish, local.approve),
            (Publish::None, ApproveMode::Prompt)
        );
        assert_eq!(local.report, dir.path().join(".self-heal/report.json"));
        let temp = tempfile::tempdir().unwrap();
        let runner_temp = temp.path().display().to_string();
        let env = [
            ("GITHUB_ACTIONS", "true"),
            ("RUNNER_TEMP", runner_temp.as_str()),
        ];
        let ci = Config::resolve(&sources(&[], &env), dir.path()).unwrap();
        assert_eq!((ci.publish, ci.approve), (Publish::Pr, ApproveMode::Auto));
        assert_eq!(ci.report, temp.path().join("self-heal/report.json"));
        // A container action without RUNNER_TEMP mounted: the workspace's state dir.
        let env = [
            ("GITHUB_ACTIONS", "true"),
            ("RUNNER_TEMP", "/home/runner/work/_temp-not-here"),
        ];
        let ci = Config::resolve(&sources(&[], &env), dir.path()).unwrap();
        assert_eq!(ci.report, dir.path().join(".self-heal/report.json"));
        let yes = Config::resolve(
            &sources(&[("yes", "true"), ("approve", "prompt")], &[]),
            dir.path(),
        )
        .unwrap();
        assert_eq!(yes.approve, ApproveMode::Auto);
    }
}
