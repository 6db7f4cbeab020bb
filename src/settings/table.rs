//! The rows of [`super::SETTINGS`], in docs/settings.md's order.

use super::value::{
    self, AutoOr, Checked, Flag, Limit, List, Number, Seconds, Text, TextOr, Words,
};
use super::{ApproveMode, Commands, Publish, Row, Setting, ValidationMode};

/// Every setting, in docs/settings.md's order (also the order of `--help`).
pub static SETTINGS: &[&dyn Row] = &[
    &GITHUB_TOKEN,
    &OPENAI_API_KEY,
    &OPENAI_BASE_URL,
    &MODEL,
    &REPO,
    &RUN_ID,
    &WORKDIR,
    &LOG,
    &DRY_RUN,
    &PUBLISH,
    &APPROVE,
    &MAX_ATTEMPTS,
    &TEST_COMMAND,
    &SETUP_COMMAND,
    &VALIDATION,
    &VALIDATION_IMAGE,
    &VALIDATION_NETWORK,
    &VALIDATION_MEMORY,
    &VALIDATION_CPUS,
    &VALIDATION_PIDS,
    &ALLOWED_PATHS,
    &ALLOW_TEST_EDITS,
    &BRANCH_PREFIX,
    &BASE_BRANCH,
    &SIGN_OFF,
    &REPORT,
    &EXCLUDE_WORKFLOWS,
    &PR_TOKEN,
    &COMMENT,
    &TEST_TIMEOUT,
    &LLM_TIMEOUT,
    &CONTEXT_WINDOW,
    &CONTEXT_TOKENS,
    &SINCE,
];

pub const GITHUB_TOKEN: Setting<Text> = Setting {
    name: "github-token",
    value_name: "TOKEN",
    help: "GitHub token for the REST API and the push [env: GITHUB_TOKEN; prefer the env var: flags show in `ps`]",
    default: "`GITHUB_TOKEN`",
    meaning: "REST API and push",
    expected: "",
    secret: true,
    from_file: false,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Text,
};

pub const OPENAI_API_KEY: Setting<Text> = Setting {
    name: "openai-api-key",
    value_name: "KEY",
    help: "Key of the OpenAI-compatible endpoint [env: OPENAI_API_KEY]; without one, GitHub Models with the GitHub token",
    default: "`OPENAI_API_KEY`",
    meaning: "model key; without one, GitHub Models is used with the GitHub token",
    expected: "",
    secret: true,
    from_file: false,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Text,
};

pub const OPENAI_BASE_URL: Setting<Checked<String>> = Setting {
    name: "openai-base-url",
    value_name: "URL",
    help: "Any OpenAI-compatible endpoint (Azure, Ollama, vLLM) [env: OPENAI_BASE_URL]",
    default: "`OPENAI_BASE_URL`, else OpenAI (`https://api.openai.com/v1`) with a key, else GitHub Models (`https://models.github.ai/inference`)",
    meaning: "any OpenAI-compatible endpoint (Azure, Ollama, vLLM, LiteLLM); a keyless local server works",
    expected: "expected an http:// or https:// URL",
    secret: false,
    from_file: false,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Checked {
        check: value::parse_url,
    },
};

pub const MODEL: Setting<Text> = Setting {
    name: "model",
    value_name: "MODEL",
    help: "Chat model (default: gpt-4.1-mini, or openai/gpt-4.1-mini on GitHub Models)",
    default: "`gpt-4.1-mini` (`openai/gpt-4.1-mini` on GitHub Models)",
    meaning: "chat model",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Text,
};

pub const REPO: Setting<Checked<String>> = Setting {
    name: "repo",
    value_name: "OWNER/NAME",
    help: "Repository as owner/name [env: GITHUB_REPOSITORY]",
    default: "`GITHUB_REPOSITORY`",
    meaning: "`owner/name`",
    expected: "expected owner/name",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Checked {
        check: value::parse_repo,
    },
};

pub const RUN_ID: Setting<Checked<u64>> = Setting {
    name: "run-id",
    value_name: "RUN_ID",
    help: "Workflow run to repair (default: from the event)",
    default: "from the event",
    meaning: "run to repair (a number or a run URL)",
    expected: "expected a run number or a run URL",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Checked {
        check: crate::github::event::parse_run_id,
    },
};

pub const WORKDIR: Setting<Text> = Setting {
    name: "workdir",
    value_name: "DIR",
    help: "Checkout to repair [env: GITHUB_WORKSPACE; default: .]",
    default: "`GITHUB_WORKSPACE`, else `.`",
    meaning: "checkout to repair",
    expected: "",
    secret: false,
    from_file: false,
    commands: Commands::REPAIR.and(Commands::APPROVE_UI),
    parser: Text,
};

pub const LOG: Setting<List> = Setting {
    name: "log",
    value_name: "PATH",
    help: "Offline: read these logs (text, directory or zip) instead of fetching; comma-separated",
    default: "—",
    meaning: "offline: read these logs (comma-separated) instead of fetching",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: List { check: None },
};

pub const DRY_RUN: Setting<Flag> = Setting {
    name: "dry-run",
    value_name: "BOOL",
    help: "Validate in the sandbox, change nothing, publish nothing",
    default: "`{default}`",
    meaning: "validate in the sandbox, change nothing, publish nothing (only the report and `fix.patch` are written; memory is not updated)",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Flag { default: false },
};

pub const PUBLISH: Setting<Words<Publish>> = Setting {
    name: "publish",
    value_name: "pr|branch|suggest|none",
    help: "Where a validated, approved fix goes: pr, branch, suggest (a review with suggestions on the failed build's pull request), or none = the working tree (default: pr in Actions, none locally)",
    default: "`pr` in Actions, `none` locally",
    meaning: "`pr` \\| `branch` \\| `suggest` \\| `none` (`none`: apply to the working tree; `suggest`: a review with one-click suggestions on the failed pull-request build's PR, same repository only)",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Words {
        words: &[
            ("pr", Publish::Pr),
            ("branch", Publish::Branch),
            ("suggest", Publish::Suggest),
            ("none", Publish::None),
        ],
        actions: Publish::Pr,
        local: Publish::None,
    },
};

pub const APPROVE: Setting<Words<ApproveMode>> = Setting {
    name: "approve",
    value_name: "auto|prompt|web",
    help: "auto, prompt (y/N; declines without a terminal) or web (a page on 127.0.0.1) (default: auto in Actions, prompt locally)",
    default: "`auto` in Actions, else `prompt`",
    meaning: "`auto` \\| `prompt` (y/N; declines without a terminal) \\| `web`; `--yes`/`-y` means `auto`",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Words {
        words: &[
            ("auto", ApproveMode::Auto),
            ("prompt", ApproveMode::Prompt),
            ("web", ApproveMode::Web),
        ],
        actions: ApproveMode::Auto,
        local: ApproveMode::Prompt,
    },
};

pub const MAX_ATTEMPTS: Setting<Number<u32>> = Setting {
    name: "max-attempts",
    value_name: "N",
    help: "Model attempts, {min}-{max} (default {default})",
    default: "`{default}`",
    meaning: "model attempts per run ({min}–{max}); recipes come on top",
    expected: "expected a whole number from {min} to {max}",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Number {
        min: 1,
        max: 10,
        default: 3,
    },
};

pub const TEST_COMMAND: Setting<Text> = Setting {
    name: "test-command",
    value_name: "CMD",
    help: "Full validation command (default: the failed step's command, else detected)",
    default: "the failed step's command, else detected",
    meaning: "full validation command",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Text,
};

pub const SETUP_COMMAND: Setting<Text> = Setting {
    name: "setup-command",
    value_name: "CMD",
    help: "Run in the sandbox before the tests, e.g. `pip install -r requirements.txt`",
    default: "none",
    meaning: "run in the sandbox before the tests, e.g. `pip install -r requirements.txt`",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Text,
};

pub const VALIDATION: Setting<Words<ValidationMode>> = Setting {
    name: "validation",
    value_name: "subprocess|docker|none",
    help: "Where validation runs: subprocess, docker or none (default {default})",
    default: "`{default}`",
    meaning: "`subprocess` \\| `docker` \\| `none`",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Words {
        words: &[
            ("subprocess", ValidationMode::Subprocess),
            ("docker", ValidationMode::Docker),
            ("none", ValidationMode::None),
        ],
        actions: ValidationMode::Subprocess,
        local: ValidationMode::Subprocess,
    },
};

pub const VALIDATION_IMAGE: Setting<Text> = Setting {
    name: "validation-image",
    value_name: "IMAGE",
    help: "Image for docker validation (default by language)",
    default:
        "by language (`python:3.11`, `golang:1`, `rust:1`, `node:20`, `maven:3-eclipse-temurin-17`, `ruby:3`)",
    meaning: "image for `docker` validation",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Text,
};

pub const VALIDATION_NETWORK: Setting<Flag> = Setting {
    name: "validation-network",
    value_name: "BOOL",
    help:
        "Docker validation: let test commands use the network (default {default}; setup always may)",
    default: "`{default}`",
    meaning:
        "`docker` validation: the test commands keep the network (`setup-command` always has it)",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Flag { default: false },
};

pub const VALIDATION_MEMORY: Setting<Checked<String>> = Setting {
    name: "validation-memory",
    value_name: "SIZE",
    help: "Docker validation memory limit, e.g. 4g (default 4g)",
    default: "`4g`",
    meaning: "`docker` validation: memory limit (`512m`, `8g`; no swap on top)",
    expected: "expected a size such as 4g or 512m",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Checked {
        check: value::parse_size,
    },
};

pub const VALIDATION_CPUS: Setting<Checked<String>> = Setting {
    name: "validation-cpus",
    value_name: "N",
    help: "Docker validation CPU limit (default 2, or fewer on a smaller machine)",
    default: "`2` (fewer on a smaller machine)",
    meaning: "`docker` validation: CPU limit (`1.5` works)",
    expected: "expected a number of CPUs such as 2 or 1.5",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Checked {
        check: value::parse_cpus,
    },
};

pub const VALIDATION_PIDS: Setting<Limit<u32>> = Setting {
    name: "validation-pids",
    value_name: "N",
    help: "Docker validation process limit (default 1024)",
    default: "`1024`",
    meaning: "`docker` validation: most processes and threads at once",
    expected: "expected a whole number of processes from {min} to {max}",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Limit {
        min: 16,
        max: 1_000_000,
    },
};

pub const ALLOWED_PATHS: Setting<List> = Setting {
    name: "allowed-paths",
    value_name: "GLOBS",
    help: "Globs a fix may touch, comma-separated (default: all but protected files)",
    default: "all files",
    meaning: "globs (comma-separated) a fix may touch; `.git/`, `.github/workflows/`, `.self-heal/` and secret files are never touched",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: List {
        check: Some(value::check_glob),
    },
};

pub const ALLOW_TEST_EDITS: Setting<Flag> = Setting {
    name: "allow-test-edits",
    value_name: "BOOL",
    help: "Let a fix edit test files (default {default})",
    default: "`{default}`",
    meaning: "may a fix edit test files (off: fixes go to the code under test)",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Flag { default: false },
};

pub const BRANCH_PREFIX: Setting<TextOr> = Setting {
    name: "branch-prefix",
    value_name: "PREFIX",
    help: "Prefix of fix branches; runs on such branches are never repaired (default {default})",
    default: "`{default}`",
    meaning: "fix branches; runs on such branches are never repaired (loop guard)",
    expected: "expected a valid git branch prefix",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: TextOr {
        default: "self-heal/",
        valid: value::valid_branch_prefix,
    },
};

pub const BASE_BRANCH: Setting<Text> = Setting {
    name: "base-branch",
    value_name: "BRANCH",
    help: "PR base (default: the failed run's branch)",
    default: "the failed run's branch",
    meaning: "PR base",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Text,
};

pub const SIGN_OFF: Setting<Flag> = Setting {
    name: "sign-off",
    value_name: "BOOL",
    help: "Add a DCO Signed-off-by line to the commit (default {default})",
    default: "`{default}`",
    meaning: "DCO `Signed-off-by` in commits",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Flag { default: true },
};

pub const REPORT: Setting<Text> = Setting {
    name: "report",
    value_name: "PATH",
    help: "Report path (default: $RUNNER_TEMP/self-heal/report.json in Actions, .self-heal/report.json locally)",
    default: "`$RUNNER_TEMP/self-heal/report.json` in Actions, locally `.self-heal/report.json`",
    meaning: "where the report goes; the patch goes beside it as `fix.patch`. A container action does not get `RUNNER_TEMP` mounted (actions/runner#1984), so there the runner's `/github/runner_temp` is used when mounted, else the workspace's `.self-heal/` (later steps read it through the `report` and `patch` outputs)",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Text,
};

pub const EXCLUDE_WORKFLOWS: Setting<List> = Setting {
    name: "exclude-workflows",
    value_name: "NAMES",
    help: "Workflow names, files or paths never repaired, comma-separated",
    default: "none",
    meaning: "workflow names, file names or paths never repaired",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: List { check: None },
};

pub const PR_TOKEN: Setting<Text> = Setting {
    name: "pr-token",
    value_name: "TOKEN",
    help: "Token for the push and the PR, so the PR's CI runs (default: github-token)",
    default: "`github-token`",
    meaning: "token for the push and the PR (so the PR's CI runs; see below)",
    expected: "",
    secret: true,
    from_file: false,
    commands: Commands::REPAIR,
    parser: Text,
};

pub const COMMENT: Setting<Flag> = Setting {
    name: "comment",
    value_name: "BOOL",
    help: "On a dry run for a PR build, post the proposal as a PR comment (default {default})",
    default: "`{default}`",
    meaning: "on a dry run for a pull request's build, post the proposal as a PR comment",
    expected: "",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Flag { default: false },
};

pub const TEST_TIMEOUT: Setting<Seconds> = Setting {
    name: "test-timeout",
    value_name: "SECS",
    help: "Per validation command, seconds (default {default})",
    default: "`{default}`",
    meaning: "seconds per validation command (`10m` works too)",
    expected: "expected seconds (e.g. {default} or 10m)",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Seconds { default: 600 },
};

pub const LLM_TIMEOUT: Setting<Seconds> = Setting {
    name: "llm-timeout",
    value_name: "SECS",
    help: "Per model request, seconds (default {default}; a local model on a CPU may need more)",
    default: "`{default}`",
    meaning:
        "seconds per model request (each retry gets as long); a local model on a CPU may need more",
    expected: "expected seconds (e.g. {default})",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Seconds { default: 120 },
};

pub const CONTEXT_WINDOW: Setting<AutoOr<usize>> = Setting {
    name: "context-window",
    value_name: "TOKENS",
    help: "The model's context window in tokens; the prompt is cut to fit it (default auto: what the server reports)",
    default: "`auto`",
    meaning: "the model's context window in tokens: the prompt is cut to fit it with room for the reply; `auto` reads it from the server where it says (llama.cpp, vLLM), else no limit",
    expected: "expected auto or a number of tokens from {min} to {max}",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    // A window below 512 cannot hold the instructions and a reply.
    parser: AutoOr {
        min: 512,
        max: 10_000_000,
    },
};

pub const CONTEXT_TOKENS: Setting<Number<usize>> = Setting {
    name: "context-tokens",
    value_name: "N",
    help: "Budget of the failure excerpt sent to the model, in tokens (default {default})",
    default: "`{default}`",
    meaning: "budget of the failure excerpt sent to the model",
    expected: "expected a number of tokens from {min} to {max}",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR.and(Commands::DEMO),
    parser: Number {
        min: 200,
        max: 100_000,
        default: 1500,
    },
};

pub const SINCE: Setting<Checked<String>> = Setting {
    name: "since",
    value_name: "REV",
    help: "Compare with this commit: its diff of the files the failures implicate goes to the model and the PR (default: the last green run of the workflow, else the PR's base; locally the merge-base with origin/HEAD, else the upstream, origin/main or origin/master; none: off)",
    default: "the last green run's commit (in Actions), else the merge-base with the default branch (`origin/HEAD`, the upstream, `origin/main` or `origin/master`)",
    meaning: "\"what changed\": the diff since this commit of the files the failures implicate goes to the model and into the PR body; `none` turns it off",
    expected: "expected a git revision (a commit, branch or tag) or none",
    secret: false,
    from_file: true,
    commands: Commands::REPAIR,
    parser: Checked {
        check: value::parse_rev,
    },
};
