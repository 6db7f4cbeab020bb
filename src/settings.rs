//! The one table of settings (design.md 3.2). The CLI flags, the Action inputs
//! (`INPUT_*`), the `SELF_HEAL_*` env names, the `.github/self-heal.toml` keys and the
//! README's settings table are all derived from [`SETTINGS`]; a test fails when
//! README.md or action.yml disagree with it. Adding a setting: a row here, the input in
//! action.yml, the README row (printed by [`readme_table`]), and reading it in
//! `Config::resolve`.

pub mod flags;

/// How a flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `--name VALUE`.
    Value,
    /// `--name` alone means true; `--name false` works too.
    Bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The flag (`--name`), the input and the toml key; dashes become underscores in
    /// `SELF_HEAL_NAME` and in the alternative spellings.
    pub name: &'static str,
    pub value_name: &'static str,
    /// `--help` text.
    pub help: &'static str,
    /// README columns.
    pub default: &'static str,
    pub meaning: &'static str,
    pub kind: Kind,
    /// A credential: never shown, never read from the checkout's file.
    pub secret: bool,
    /// Whether `.github/self-heal.toml` may set it: the file comes with the code under
    /// repair (a fork's, say), so it may not choose where keys are sent nor supply tokens.
    pub from_file: bool,
    /// The subcommands that take it as a flag (and list it in their `--help`). Every
    /// source other than the flag is read whatever the command.
    pub commands: Commands,
}

/// A set of subcommands, for [`Setting::commands`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commands(u8);

impl Commands {
    pub const RUN: Commands = Commands(1);
    /// `check` is the pre-flight of a run: it takes the same flags.
    pub const CHECK: Commands = Commands(2);
    /// `demo` picks its own workdir, log, report, approval and target.
    pub const DEMO: Commands = Commands(4);
    pub const APPROVE_UI: Commands = Commands(8);
    /// `run` and `check`.
    pub const REPAIR: Commands = Commands::RUN.and(Commands::CHECK);

    pub const fn and(self, other: Commands) -> Commands {
        Commands(self.0 | other.0)
    }

    pub const fn contains(self, other: Commands) -> bool {
        self.0 & other.0 == other.0
    }

    /// From [`Commands::bits`] (a const generic parameter of the CLI's flag set).
    pub const fn from_bits(bits: u8) -> Commands {
        Commands(bits)
    }

    pub const fn bits(self) -> u8 {
        self.0
    }
}

/// The Action input's env names of setting `name`: dashes kept (as the runner sets
/// them), then underscores.
pub fn input_envs(name: &str) -> [String; 2] {
    let upper = name.to_ascii_uppercase();
    [
        format!("INPUT_{upper}"),
        format!("INPUT_{}", upper.replace('-', "_")),
    ]
}

/// `SELF_HEAL_NAME` of setting `name`.
pub fn env_name(name: &str) -> String {
    format!("SELF_HEAL_{}", name.to_ascii_uppercase().replace('-', "_"))
}

/// The `.github/self-heal.toml` keys of setting `name`: `name`, then `name_with_underscores`.
pub fn toml_keys(name: &str) -> [String; 2] {
    [name.to_string(), name.replace('-', "_")]
}

/// Whether the checkout's `.github/self-heal.toml` may set `name` (`yes` is a flag
/// alias of `approve: auto`, which the file cannot choose either).
pub fn file_may_set(name: &str) -> bool {
    name != "yes" && get(name).is_none_or(|s| s.from_file)
}

/// The settings `command` takes as flags, in the table's order.
pub fn for_command(command: Commands) -> impl Iterator<Item = &'static Setting> {
    SETTINGS
        .iter()
        .filter(move |s| s.commands.contains(command))
}

/// The setting called `name`.
pub fn get(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

/// The README's settings table (between its header and the next blank line).
pub fn readme_table() -> String {
    let mut s = String::from("| name | default | meaning |\n|---|---|---|\n");
    for x in SETTINGS {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            x.name, x.default, x.meaning
        ));
    }
    s
}

/// Every setting, in the README's order (also the order of `--help`).
pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "github-token",
        value_name: "TOKEN",
        help: "GitHub token for the REST API and the push [env: GITHUB_TOKEN; prefer the env var: flags show in `ps`]",
        default: "`GITHUB_TOKEN`",
        meaning: "REST API and push",
        kind: Kind::Value,
        secret: true,
        from_file: false,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "openai-api-key",
        value_name: "KEY",
        help: "Key of the OpenAI-compatible endpoint [env: OPENAI_API_KEY]; without one, GitHub Models with the GitHub token",
        default: "`OPENAI_API_KEY`",
        meaning: "model key; without one, GitHub Models is used with the GitHub token",
        kind: Kind::Value,
        secret: true,
        from_file: false,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "openai-base-url",
        value_name: "URL",
        help: "Any OpenAI-compatible endpoint (Azure, Ollama, vLLM) [env: OPENAI_BASE_URL]",
        default: "`OPENAI_BASE_URL`, else OpenAI (`https://api.openai.com/v1`) with a key, else GitHub Models (`https://models.github.ai/inference`)",
        meaning: "any OpenAI-compatible endpoint (Azure, Ollama, vLLM, LiteLLM); a keyless local server works",
        kind: Kind::Value,
        secret: false,
        from_file: false,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "model",
        value_name: "MODEL",
        help: "Chat model (default: gpt-4.1-mini, or openai/gpt-4.1-mini on GitHub Models)",
        default: "`gpt-4.1-mini` (`openai/gpt-4.1-mini` on GitHub Models)",
        meaning: "chat model",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "repo",
        value_name: "OWNER/NAME",
        help: "Repository as owner/name [env: GITHUB_REPOSITORY]",
        default: "`GITHUB_REPOSITORY`",
        meaning: "`owner/name`",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "run-id",
        value_name: "RUN_ID",
        help: "Workflow run to repair (default: from the event)",
        default: "from the event",
        meaning: "run to repair (a number or a run URL)",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "workdir",
        value_name: "DIR",
        help: "Checkout to repair [env: GITHUB_WORKSPACE; default: .]",
        default: "`GITHUB_WORKSPACE`, else `.`",
        meaning: "checkout to repair",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::APPROVE_UI),
    },
    Setting {
        name: "log",
        value_name: "PATH",
        help: "Offline: read these logs (text, directory or zip) instead of fetching; comma-separated",
        default: "—",
        meaning: "offline: read these logs (comma-separated) instead of fetching",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "dry-run",
        value_name: "BOOL",
        help: "Validate in the sandbox, change nothing, publish nothing",
        default: "`false`",
        meaning: "validate in the sandbox, change nothing, publish nothing (only the report and `fix.patch` are written; memory is not updated)",
        kind: Kind::Bool,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "publish",
        value_name: "pr|branch|suggest|none",
        help: "Where a validated, approved fix goes: pr, branch, suggest (a review with suggestions on the failed build's pull request), or none = the working tree (default: pr in Actions, none locally)",
        default: "`pr` in Actions, `none` locally",
        meaning: "`pr` \\| `branch` \\| `suggest` \\| `none` (`none`: apply to the working tree; `suggest`: a review with one-click suggestions on the failed pull-request build's PR, same repository only)",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "approve",
        value_name: "auto|prompt|web",
        help: "auto, prompt (y/N; declines without a terminal) or web (a page on 127.0.0.1) (default: auto in Actions, prompt locally)",
        default: "`auto` in Actions, else `prompt`",
        meaning: "`auto` \\| `prompt` (y/N; declines without a terminal) \\| `web`; `--yes`/`-y` means `auto`",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "max-attempts",
        value_name: "N",
        help: "Model attempts, 1-10 (default 3)",
        default: "`3`",
        meaning: "model attempts per run (1–10); recipes come on top",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "test-command",
        value_name: "CMD",
        help: "Full validation command (default: the failed step's command, else detected)",
        default: "the failed step's command, else detected",
        meaning: "full validation command",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "setup-command",
        value_name: "CMD",
        help: "Run in the sandbox before the tests, e.g. `pip install -r requirements.txt`",
        default: "none",
        meaning: "run in the sandbox before the tests, e.g. `pip install -r requirements.txt`",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "validation",
        value_name: "subprocess|docker|none",
        help: "Where validation runs: subprocess, docker or none (default subprocess)",
        default: "`subprocess`",
        meaning: "`subprocess` \\| `docker` \\| `none`",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "validation-image",
        value_name: "IMAGE",
        help: "Image for docker validation (default by language)",
        default: "by language (`python:3.11`, `golang:1`, `rust:1`, `node:20`, `maven:3-eclipse-temurin-17`)",
        meaning: "image for `docker` validation",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "validation-network",
        value_name: "BOOL",
        help: "Docker validation: let test commands use the network (default false; setup always may)",
        default: "`false`",
        meaning: "`docker` validation: the test commands keep the network (`setup-command` always has it)",
        kind: Kind::Bool,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "validation-memory",
        value_name: "SIZE",
        help: "Docker validation memory limit, e.g. 4g (default 4g)",
        default: "`4g`",
        meaning: "`docker` validation: memory limit (`512m`, `8g`; no swap on top)",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "validation-cpus",
        value_name: "N",
        help: "Docker validation CPU limit (default 2, or fewer on a smaller machine)",
        default: "`2` (fewer on a smaller machine)",
        meaning: "`docker` validation: CPU limit (`1.5` works)",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "validation-pids",
        value_name: "N",
        help: "Docker validation process limit (default 1024)",
        default: "`1024`",
        meaning: "`docker` validation: most processes and threads at once",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "allowed-paths",
        value_name: "GLOBS",
        help: "Globs a fix may touch, comma-separated (default: all but protected files)",
        default: "all files",
        meaning: "globs (comma-separated) a fix may touch; `.git/`, `.github/workflows/`, `.self-heal/` and secret files are never touched",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "allow-test-edits",
        value_name: "BOOL",
        help: "Let a fix edit test files (default false)",
        default: "`false`",
        meaning: "may a fix edit test files (off: fixes go to the code under test)",
        kind: Kind::Bool,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "branch-prefix",
        value_name: "PREFIX",
        help: "Prefix of fix branches; runs on such branches are never repaired (default self-heal/)",
        default: "`self-heal/`",
        meaning: "fix branches; runs on such branches are never repaired (loop guard)",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "base-branch",
        value_name: "BRANCH",
        help: "PR base (default: the failed run's branch)",
        default: "the failed run's branch",
        meaning: "PR base",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "sign-off",
        value_name: "BOOL",
        help: "Add a DCO Signed-off-by line to the commit (default true)",
        default: "`true`",
        meaning: "DCO `Signed-off-by` in commits",
        kind: Kind::Bool,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "report",
        value_name: "PATH",
        help: "Report path (default: $RUNNER_TEMP/self-heal/report.json in Actions, .self-heal/report.json locally)",
        default: "`$RUNNER_TEMP/self-heal/report.json` in Actions, locally `.self-heal/report.json`",
        meaning: "where the report goes; the patch goes beside it as `fix.patch`. A container action does not get `RUNNER_TEMP` mounted (actions/runner#1984), so there the runner's `/github/runner_temp` is used when mounted, else the workspace's `.self-heal/` (later steps read it through the `report` and `patch` outputs)",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "exclude-workflows",
        value_name: "NAMES",
        help: "Workflow names, files or paths never repaired, comma-separated",
        default: "none",
        meaning: "workflow names, file names or paths never repaired",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "pr-token",
        value_name: "TOKEN",
        help: "Token for the push and the PR, so the PR's CI runs (default: github-token)",
        default: "`github-token`",
        meaning: "token for the push and the PR (so the PR's CI runs; see below)",
        kind: Kind::Value,
        secret: true,
        from_file: false,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "comment",
        value_name: "BOOL",
        help: "On a dry run for a PR build, post the proposal as a PR comment (default false)",
        default: "`false`",
        meaning: "on a dry run for a pull request's build, post the proposal as a PR comment",
        kind: Kind::Bool,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
    Setting {
        name: "test-timeout",
        value_name: "SECS",
        help: "Per validation command, seconds (default 600)",
        default: "`600`",
        meaning: "seconds per validation command (`10m` works too)",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "llm-timeout",
        value_name: "SECS",
        help: "Per model request, seconds (default 120)",
        default: "`120`",
        meaning: "seconds per model request",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "context-tokens",
        value_name: "N",
        help: "Budget of the failure excerpt sent to the model, in tokens (default 1500)",
        default: "`1500`",
        meaning: "budget of the failure excerpt sent to the model",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR.and(Commands::DEMO),
    },
    Setting {
        name: "since",
        value_name: "REV",
        help: "Compare with this commit: its diff of the files the failures implicate goes to the model and the PR (default: the last green run of the workflow, else the PR's base; locally the merge-base with origin/HEAD, else the upstream, origin/main or origin/master; none: off)",
        default: "the last green run's commit (in Actions), else the merge-base with the default branch (`origin/HEAD`, the upstream, `origin/main` or `origin/master`)",
        meaning: "\"what changed\": the diff since this commit of the files the failures implicate goes to the model and into the PR body; `none` turns it off",
        kind: Kind::Value,
        secret: false,
        from_file: true,
        commands: Commands::REPAIR,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_file(name: &str) -> String {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn readme_settings_table_is_the_table() {
        let readme = repo_file("README.md");
        let table = readme_table();
        assert!(
            readme.contains(&format!("\n{table}\n")),
            "README.md's settings table differs from settings::SETTINGS; it should read:\n{table}"
        );
    }

    #[test]
    fn action_inputs_are_the_settings() {
        let action = repo_file("action.yml");
        let inputs = action
            .split("\ninputs:\n")
            .nth(1)
            .and_then(|rest| rest.split("\noutputs:\n").next())
            .expect("action.yml has inputs: then outputs:");
        let mut declared: Vec<&str> = inputs
            .lines()
            .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
            .filter(|n| !n.starts_with(' '))
            .collect();
        let mut names: Vec<&str> = SETTINGS.iter().map(|s| s.name).collect();
        declared.sort_unstable();
        names.sort_unstable();
        assert_eq!(declared, names, "action.yml inputs vs settings::SETTINGS");
    }

    #[test]
    fn names_are_unique_and_derive_every_spelling() {
        let mut seen = std::collections::HashSet::new();
        for s in SETTINGS {
            assert!(seen.insert(s.name), "{} twice", s.name);
            assert!(
                !s.secret || !s.from_file,
                "{}: a secret from the checkout",
                s.name
            );
        }
        assert_eq!(input_envs("dry-run"), ["INPUT_DRY-RUN", "INPUT_DRY_RUN"]);
        assert_eq!(env_name("dry-run"), "SELF_HEAL_DRY_RUN");
        assert_eq!(toml_keys("dry-run"), ["dry-run", "dry_run"]);
        assert!(!file_may_set("openai-base-url") && !file_may_set("yes"));
        assert!(file_may_set("model"));
    }

    #[test]
    fn every_setting_is_a_run_and_check_flag_and_demo_takes_only_its_own() {
        for s in SETTINGS {
            assert!(s.commands.contains(Commands::REPAIR), "{}", s.name);
        }
        let demo: Vec<&str> = for_command(Commands::DEMO).map(|s| s.name).collect();
        for name in ["run-id", "publish", "pr-token", "log", "workdir", "report"] {
            assert!(!demo.contains(&name), "demo takes --{name}");
        }
        assert!(demo.contains(&"openai-api-key") && demo.contains(&"setup-command"));
        let ui: Vec<&str> = for_command(Commands::APPROVE_UI).map(|s| s.name).collect();
        assert_eq!(ui, ["workdir"]);
    }
}
