//! Settings from flags / Action inputs / env / `.github/self-heal.toml` / defaults.
//!
//! Every setting `name` (docs/settings.md) is looked up, first hit wins:
//! 1. the CLI flag `--name` (given to [`Sources::flags`]),
//! 2. the Action input: env `INPUT_NAME` with dashes kept (`INPUT_DRY-RUN`), then the
//!    underscore form (`INPUT_DRY_RUN`),
//! 3. env `SELF_HEAL_NAME` (dashes → underscores),
//! 4. `.github/self-heal.toml` in the workdir (key `name` or `name_with_underscores`),
//! 5. the default (which may itself come from a conventional env var such as `GITHUB_TOKEN`).
//!
//! Empty values count as unset: the Actions runner sets every declared input, empty
//! when the workflow gave none.

use crate::settings::value::{parse_bool, parse_url, Parse, Place};
use crate::settings::{self, Row, Setting};
use std::any::Any;
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

pub use crate::settings::{ApproveMode, Publish, ValidationMode};

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
    /// The `context-window` setting in tokens; None: `auto` (what the server reports).
    pub context_window: Option<usize>,
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
}

/// The settings' typed values, each with where it came from, taken one by one into the
/// [`Config`]; a row left here was never read.
struct Values {
    place: Place,
    read: BTreeMap<&'static str, (Box<dyn Any + Send>, Origin)>,
    taken: Vec<&'static str>,
}

impl Values {
    /// Reads `row` from `r`'s sources with the row's parser (range included), or
    /// takes its typed default.
    fn read(&mut self, r: &Resolver<'_>, row: &dyn Row) -> Result<(), ConfigError> {
        let value = match r.get(row.name()) {
            None => (row.default_value(self.place), Origin::Default),
            Some((text, origin)) => match row.read(text.trim()) {
                Ok(value) => (value, origin),
                Err(refused) => {
                    return Err(ConfigError::Invalid {
                        name: row.name().to_string(),
                        value: refused.part.unwrap_or(text),
                        origin: origin.to_string(),
                        expected: refused.expected.unwrap_or_else(|| row.expected()),
                    })
                }
            },
        };
        self.read.insert(row.name(), value);
        Ok(())
    }

    fn take<P: Parse>(&mut self, row: &Setting<P>) -> P::Value {
        self.take_with_origin(row).0
    }

    fn take_with_origin<P: Parse>(&mut self, row: &Setting<P>) -> (P::Value, Origin) {
        self.taken.push(row.name);
        match self.read.remove(row.name) {
            Some((value, origin)) => match value.downcast::<P::Value>() {
                Ok(value) => (*value, origin),
                // A row is read as its own type: this does not happen.
                Err(_) => (row.parser.default(self.place), Origin::Default),
            },
            None => (row.parser.default(self.place), Origin::Default),
        }
    }

    /// Whether `row` was read (and maybe taken) already.
    fn has(&self, row: &dyn Row) -> bool {
        self.read.contains_key(row.name()) || self.taken.contains(&row.name())
    }

    /// The rows read but never taken into the [`Config`].
    fn unread(&self) -> Vec<&'static str> {
        self.read.keys().copied().collect()
    }
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
        Config::resolve_reading(sources, cwd).map(|(cfg, _)| cfg)
    }

    /// [`Config::resolve`], and the settings it read but never took (none: a test
    /// says so).
    fn resolve_reading(
        sources: &Sources,
        cwd: &Path,
    ) -> Result<(Config, Vec<&'static str>), ConfigError> {
        // The workdir decides where the config file is, so it can't come from the file.
        let bootstrap = Resolver {
            sources,
            file: toml::Table::new(),
        };
        let in_actions = bootstrap.env("GITHUB_ACTIONS").is_some_and(|v| v == "true");
        let mut v = Values {
            place: if in_actions {
                Place::Actions
            } else {
                Place::Local
            },
            read: BTreeMap::new(),
            taken: Vec::new(),
        };
        v.read(&bootstrap, &settings::WORKDIR)?;
        let (workdir, workdir_from) = v.take_with_origin(&settings::WORKDIR);
        let workdir = workdir
            .or_else(|| bootstrap.env("GITHUB_WORKSPACE"))
            .map(|w| cwd.join(w))
            .unwrap_or_else(|| cwd.to_path_buf());
        if !workdir.is_dir() {
            return Err(ConfigError::Invalid {
                name: settings::WORKDIR.name.into(),
                value: workdir.display().to_string(),
                origin: match workdir_from {
                    Origin::Default => "GITHUB_WORKSPACE".into(),
                    given => given.to_string(),
                },
                expected: "not a directory".into(),
            });
        }
        let r = Resolver {
            sources,
            file: load_file(&workdir)?,
        };
        // Every other row, parsed, range-checked and defaulted as the table says.
        for row in settings::SETTINGS {
            if !v.has(*row) {
                v.read(&r, *row)?;
            }
        }
        let warnings = file_warnings(&r.file);

        let github_token = v
            .take(&settings::GITHUB_TOKEN)
            .or_else(|| r.env("GITHUB_TOKEN"));
        let openai_api_key = v
            .take(&settings::OPENAI_API_KEY)
            .or_else(|| r.env("OPENAI_API_KEY"));
        let base_url = v
            .take(&settings::OPENAI_BASE_URL)
            .or_else(|| r.env("OPENAI_BASE_URL").and_then(|u| parse_url(&u)));
        let llm = resolve_llm(
            base_url,
            openai_api_key,
            github_token.clone(),
            v.take(&settings::MODEL),
        );
        // `--yes` is a flag only: a lower-precedence source must not override an
        // explicit `--approve prompt`. `approve` is checked even with it.
        let yes = sources
            .flags
            .get("yes")
            .is_some_and(|v| parse_bool(v) == Some(true));
        let (approve, approve_from) = v.take_with_origin(&settings::APPROVE);
        let approve = if yes { ApproveMode::Auto } else { approve };
        if in_actions && approve == ApproveMode::Web {
            return Err(ConfigError::Invalid {
                name: settings::APPROVE.name.into(),
                value: "web".into(),
                origin: approve_from.to_string(),
                expected: "nobody can open a page on the runner: use auto, or dry-run to review"
                    .into(),
            });
        }
        let report = match v.take_with_origin(&settings::REPORT) {
            // The checkout's file comes with the code under repair: it may only choose a
            // name inside the checkout's `.self-heal/`, never `.git/config` or `../x`.
            (Some(value), Origin::File) => {
                state_path(&workdir, &value).map_err(|expected| ConfigError::Invalid {
                    name: settings::REPORT.name.into(),
                    value: value.clone(),
                    origin: Origin::File.to_string(),
                    expected,
                })?
            }
            (Some(value), _) => cwd.join(value),
            (None, _) => default_report(in_actions, r.env("RUNNER_TEMP"), &workdir),
        };
        // Memory, pending fixes and the default report live there: a committed symlink
        // would send them outside the checkout.
        let state = workdir.join(".self-heal");
        if state.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
            return Err(ConfigError::Invalid {
                name: settings::WORKDIR.name.into(),
                value: state.display().to_string(),
                origin: "the checkout".into(),
                expected: "self-heal keeps its state in .self-heal/, which must not be a symlink"
                    .into(),
            });
        }

        let mut cfg = Config {
            secrets: Default::default(),
            warnings,
            github_token,
            pr_token: v.take(&settings::PR_TOKEN),
            llm,
            repo: v
                .take(&settings::REPO)
                .or_else(|| r.env("GITHUB_REPOSITORY")),
            run_id: v.take(&settings::RUN_ID),
            logs: v
                .take(&settings::LOG)
                .into_iter()
                // `-` is standard input, not a file named so in the directory.
                .map(|p| {
                    if p == crate::logs::stream::STDIN {
                        PathBuf::from(p)
                    } else {
                        cwd.join(p)
                    }
                })
                .collect(),
            dry_run: v.take(&settings::DRY_RUN),
            publish: v.take(&settings::PUBLISH),
            approve,
            max_attempts: v.take(&settings::MAX_ATTEMPTS),
            test_command: v.take(&settings::TEST_COMMAND),
            setup_command: v.take(&settings::SETUP_COMMAND),
            validation: v.take(&settings::VALIDATION),
            validation_image: v.take(&settings::VALIDATION_IMAGE),
            validation_network: v.take(&settings::VALIDATION_NETWORK),
            validation_memory: v.take(&settings::VALIDATION_MEMORY),
            validation_cpus: v.take(&settings::VALIDATION_CPUS),
            validation_pids: v.take(&settings::VALIDATION_PIDS),
            allowed_paths: v.take(&settings::ALLOWED_PATHS),
            allow_test_edits: v.take(&settings::ALLOW_TEST_EDITS),
            branch_prefix: v.take(&settings::BRANCH_PREFIX),
            base_branch: v.take(&settings::BASE_BRANCH),
            sign_off: v.take(&settings::SIGN_OFF),
            report,
            exclude_workflows: v.take(&settings::EXCLUDE_WORKFLOWS),
            comment: v.take(&settings::COMMENT),
            test_timeout: v.take(&settings::TEST_TIMEOUT),
            llm_timeout: v.take(&settings::LLM_TIMEOUT),
            context_window: v.take(&settings::CONTEXT_WINDOW),
            context_tokens: v.take(&settings::CONTEXT_TOKENS),
            since: v.take(&settings::SINCE),
            api_url: r
                .env("GITHUB_API_URL")
                .and_then(|u| parse_url(&u))
                .unwrap_or_else(|| "https://api.github.com".to_string()),
            in_actions,
            event_name: r.env("GITHUB_EVENT_NAME"),
            event_path: r.env("GITHUB_EVENT_PATH").map(PathBuf::from),
            server_url: r
                .env("GITHUB_SERVER_URL")
                .and_then(|u| parse_url(&u))
                .unwrap_or_else(|| "https://github.com".to_string()),
            github_output: r.env("GITHUB_OUTPUT").map(PathBuf::from),
            step_summary: r.env("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            workdir,
        };
        cfg.secrets = cfg.collect_secrets();
        Ok((cfg, v.unread()))
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
                .find(|s| settings::toml_keys(s.name()).iter().any(|k| k == key));
            let why = match setting {
                None if key == "yes" => {
                    "the checkout cannot approve its own fix (`yes` is a command-line flag only)"
                        .to_string()
                }
                None => "not a self-heal setting (see the settings table in docs/settings.md)".to_string(),
                Some(s) if s.secret() => format!(
                    "a credential is never read from the checkout (it comes with the code under repair); set {} or the `{}` input",
                    match s.name() {
                        "github-token" => "GITHUB_TOKEN".to_string(),
                        "openai-api-key" => "OPENAI_API_KEY".to_string(),
                        other => settings::env_name(other),
                    },
                    s.name()
                ),
                // The file is found through the workdir, so it cannot move it.
                Some(s) if s.name() == settings::WORKDIR.name => {
                    "the file is read from the workdir, so it cannot choose it".to_string()
                }
                Some(s) if !s.settable_from_file() => format!(
                    "the checkout may not choose where the keys are sent; set --{} or the `{}` input",
                    s.name(),
                    s.name()
                ),
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
    fn every_setting_is_read_into_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let (_, unread) = Config::resolve_reading(&sources(&[], &[]), dir.path()).unwrap();
        assert!(unread.is_empty(), "never read into Config: {unread:?}");
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
    fn context_window_is_auto_or_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let window = |v: &str| {
            Config::resolve(&sources(&[("context-window", v)], &[]), dir.path())
                .unwrap()
                .context_window
        };
        assert_eq!(window("auto"), None);
        assert_eq!(window("AUTO"), None);
        assert_eq!(window("8192"), Some(8192));
        let cfg = Config::resolve(&sources(&[], &[]), dir.path()).unwrap();
        assert_eq!(cfg.context_window, None, "auto by default");
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
            ("context-window", "100"),
            ("context-window", "big"),
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
