//! The one table of settings (docs/settings.md). The CLI flags, the Action inputs
//! (`INPUT_*`), the `SELF_HEAL_*` env names, the `.github/self-heal.toml` keys, the
//! settings table of docs/settings.md and each value's parser, range and typed default
//! are all derived from [`SETTINGS`]; a test fails when docs/settings.md or action.yml
//! disagree with it, and another when `Config::resolve` does not read a row. Adding a
//! setting: a row in `table.rs`, the input in action.yml, the docs row (printed by
//! [`docs_table`]), and its `Config` field, taken from the resolved values.

pub mod flags;
mod table;
pub mod value;

pub use table::*;
use value::{Parse, Place, Refused};

/// A setting: its names and texts, and how its value is read.
#[derive(Debug, Clone, Copy)]
pub struct Setting<P> {
    /// The flag (`--name`), the input and the toml key; dashes become underscores in
    /// `SELF_HEAL_NAME` and in the alternative spellings.
    pub name: &'static str,
    pub value_name: &'static str,
    /// `--help` text. In this and the texts below, `{default}`, `{min}` and `{max}`
    /// stand for the parser's typed default and range.
    pub help: &'static str,
    /// Columns of the docs/settings.md table.
    pub default: &'static str,
    pub meaning: &'static str,
    /// The error's "expected ..." for a value the parser refuses (empty: the parser's
    /// own, for words and booleans).
    pub expected: &'static str,
    /// A credential: never shown, never read from the checkout's file.
    pub secret: bool,
    /// Whether `.github/self-heal.toml` may set it: the file comes with the code under
    /// repair (a fork's, say), so it may not choose where keys are sent nor supply tokens.
    pub from_file: bool,
    /// The subcommands that take it as a flag (and list it in their `--help`). Every
    /// source other than the flag is read whatever the command.
    pub commands: Commands,
    /// The parser of its text, with the range and the typed default.
    pub parser: P,
}

/// A row of [`SETTINGS`], whatever the type of its value.
pub trait Row: Sync {
    fn name(&self) -> &'static str;
    fn value_name(&self) -> &'static str;
    fn secret(&self) -> bool;
    fn settable_from_file(&self) -> bool;
    fn commands(&self) -> Commands;
    /// `--name` alone means true.
    fn switch(&self) -> bool;
    /// The texts, their placeholders filled.
    fn help(&self) -> String;
    fn default_text(&self) -> String;
    fn meaning(&self) -> String;
    fn expected(&self) -> String;
    /// The typed value of `text` (trimmed), or why it is none.
    fn read(&self, text: &str) -> Result<Box<dyn std::any::Any + Send>, Refused>;
    /// The typed default.
    fn default_value(&self, place: Place) -> Box<dyn std::any::Any + Send>;
}

impl<P: Parse> Setting<P> {
    fn fill(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (key, value) in self.parser.placeholders() {
            text = text.replace(&format!("{{{key}}}"), &value);
        }
        text
    }
}

impl<P: Parse> Row for Setting<P> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn value_name(&self) -> &'static str {
        self.value_name
    }

    fn secret(&self) -> bool {
        self.secret
    }

    fn settable_from_file(&self) -> bool {
        self.from_file
    }

    fn commands(&self) -> Commands {
        self.commands
    }

    fn switch(&self) -> bool {
        self.parser.switch()
    }

    fn help(&self) -> String {
        self.fill(self.help)
    }

    fn default_text(&self) -> String {
        self.fill(self.default)
    }

    fn meaning(&self) -> String {
        self.fill(self.meaning)
    }

    fn expected(&self) -> String {
        match self.parser.expected() {
            Some(own) if self.expected.is_empty() => own,
            _ => self.fill(self.expected),
        }
    }

    fn read(&self, text: &str) -> Result<Box<dyn std::any::Any + Send>, Refused> {
        Ok(Box::new(self.parser.parse(text)?))
    }

    fn default_value(&self, place: Place) -> Box<dyn std::any::Any + Send> {
        Box::new(self.parser.default(place))
    }
}

/// Where a validated, approved fix goes.
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
    name != "yes" && get(name).is_none_or(|s| s.settable_from_file())
}

/// The settings `command` takes as flags, in the table's order.
pub fn for_command(command: Commands) -> impl Iterator<Item = &'static dyn Row> {
    SETTINGS
        .iter()
        .copied()
        .filter(move |s| s.commands().contains(command))
}

/// The setting called `name`.
pub fn get(name: &str) -> Option<&'static dyn Row> {
    SETTINGS.iter().copied().find(|s| s.name() == name)
}

/// The settings table of docs/settings.md (between its header and the next blank line).
pub fn docs_table() -> String {
    let mut s = String::from("| name | default | meaning |\n|---|---|---|\n");
    for x in SETTINGS {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            x.name(),
            x.default_text(),
            x.meaning()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_file(name: &str) -> String {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn docs_settings_table_is_the_table() {
        let docs = repo_file("docs/settings.md");
        let table = docs_table();
        assert!(
            docs.contains(&format!("\n{table}\n")),
            "docs/settings.md's settings table differs from settings::SETTINGS; it should read:\n{table}"
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
        let mut names: Vec<&str> = SETTINGS.iter().map(|s| s.name()).collect();
        declared.sort_unstable();
        names.sort_unstable();
        assert_eq!(declared, names, "action.yml inputs vs settings::SETTINGS");
    }

    #[test]
    fn names_are_unique_and_derive_every_spelling() {
        let mut seen = std::collections::HashSet::new();
        for s in SETTINGS {
            assert!(seen.insert(s.name()), "{} twice", s.name());
            assert!(
                !s.secret() || !s.settable_from_file(),
                "{}: a secret from the checkout",
                s.name()
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
            assert!(s.commands().contains(Commands::REPAIR), "{}", s.name());
        }
        let demo: Vec<&str> = for_command(Commands::DEMO).map(|s| s.name()).collect();
        for name in ["run-id", "publish", "pr-token", "log", "workdir", "report"] {
            assert!(!demo.contains(&name), "demo takes --{name}");
        }
        assert!(demo.contains(&"openai-api-key") && demo.contains(&"setup-command"));
        let ui: Vec<&str> = for_command(Commands::APPROVE_UI)
            .map(|s| s.name())
            .collect();
        assert_eq!(ui, ["workdir"]);
    }
}
