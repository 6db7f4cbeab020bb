//! What a language means to every stage, in one place per language.
//!
//! Each stage asks the [`Ecosystem`] of the run's [`Language`] instead of matching on
//! names: the analysis maps the tool that reported a failure to its language, the
//! validation asks for the full and the scoped test command and reads the results back,
//! the path policy asks which files are tests, the sandbox asks for a docker image, the
//! context asks how test ids map to source. Adding a language is one file here plus a
//! variant of [`Language`]; the compiler then points at [`of`].
//!
//! This module depends on nothing else in the crate (the analyze parsers, the
//! validation and the repair loop all sit above it).

pub mod context;
mod go;
mod java;
mod javascript;
pub mod project;
mod python;
mod rust;

use serde::{Deserialize, Serialize};
use std::path::Path;

pub use python::python;

/// A language self-heal knows how to validate. Serialised as its [`Language::name`]
/// (`"python"`, ...), the `language` field of `analyze --json` (docs/log-analysis.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    Go,
    Rust,
    /// JavaScript and TypeScript (one toolchain: node, npm, jest).
    #[serde(rename = "javascript")]
    JavaScript,
    /// Java and the other JVM languages built by maven or gradle.
    Java,
}

impl Language {
    /// Every language, in the order detection tries them when none is known.
    pub const ALL: [Language; 5] = [
        Language::Python,
        Language::Go,
        Language::Rust,
        Language::JavaScript,
        Language::Java,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Go => "go",
            Language::Rust => "rust",
            Language::JavaScript => "javascript",
            Language::Java => "java",
        }
    }

    /// The language a name or one of its aliases (`py`, `golang`, `ts`, `gradle`, ...)
    /// stands for, case-insensitively.
    pub fn from_name(name: &str) -> Option<Language> {
        let name = name.trim().to_ascii_lowercase();
        Language::ALL
            .into_iter()
            .find(|l| l.name() == name || of(*l).aliases().contains(&name.as_str()))
    }

    /// The language of the tool an analyze parser names (`pytest`, `go vet`, `clippy`, ...).
    pub fn of_tool(tool: &str) -> Option<Language> {
        Language::ALL
            .into_iter()
            .find(|l| of(*l).tools().contains(&tool))
    }

    /// The language of a source file, by its extension.
    pub fn of_path(path: &str) -> Option<Language> {
        let ext = path.rsplit_once('.')?.1;
        Language::ALL
            .into_iter()
            .find(|l| of(*l).extensions().contains(&ext))
    }

    /// The language whose test ids these are, when their form says so (pytest node ids).
    pub fn of_test_ids(ids: &[String]) -> Option<Language> {
        if ids.is_empty() {
            return None;
        }
        Language::ALL
            .into_iter()
            .find(|l| of(*l).claims_test_ids(ids))
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `language.as_deref()` reads as the name, so code and tests that compare an
/// `Option<Language>` with `Some("python")` keep working.
impl std::ops::Deref for Language {
    type Target = str;
    fn deref(&self) -> &str {
        self.name()
    }
}

/// Everything a stage needs to know about one language. Implementations are plain
/// unit structs, one per file; the defaults are what "nothing known" means.
pub trait Ecosystem: Sync {
    fn language(&self) -> Language;

    /// Other names users and tools give the language (`py`, `golang`, `maven`, ...).
    fn aliases(&self) -> &'static [&'static str];

    /// Tools, as the analyze parsers name them, whose failures belong to this language.
    fn tools(&self) -> &'static [&'static str];

    /// Source file extensions that identify the language when the tool does not.
    fn extensions(&self) -> &'static [&'static str];

    /// Files that mark a project's root directory (`go.mod`, `package.json`): where its
    /// tests run when it is not the checkout's root ([`project::project_dir`]).
    fn manifests(&self) -> &'static [&'static str];

    /// Markdown fence info string for a file extension of this language.
    fn fence_tag(&self, _ext: &str) -> Option<&'static str> {
        None
    }

    /// The project's full test command, from its files. `declared`: the analysis
    /// says the run is in this language, so weaker evidence is enough.
    fn detect_test_command(&self, root: &Path, declared: bool) -> Option<String>;

    /// The command that runs only `tests` (trimmed, non-empty ids in the framework's
    /// form), judged by its exit code and [`Ecosystem::failed_tests`]; None when this
    /// language scopes through [`Ecosystem::scoping`] instead (or cannot scope).
    fn scoped_command(&self, _tests: &[&str]) -> Option<String> {
        None
    }

    /// The test framework of the project at `root` whose full test command is
    /// `command`, for a scoped run whose report is read back (never judged by its exit
    /// code); None when the language has none or it cannot be told.
    fn scoping(&self, _root: &Path, _command: Option<&str>) -> Option<Scoping> {
        None
    }

    /// The tests a failed run of the full command reports failing, from the captured
    /// report lines and summary; None when they cannot be read completely.
    fn failed_tests(
        &self,
        _report_lines: &[String],
        _summary: Option<&str>,
    ) -> Option<Vec<String>> {
        None
    }

    /// Whether a scoped run that exited with `code` found none of the tests (rather
    /// than running them and failing).
    fn scoped_found_nothing(&self, _code: i32) -> bool {
        false
    }

    /// Whether every id has this language's test-id form.
    fn claims_test_ids(&self, _ids: &[String]) -> bool {
        false
    }

    /// Whether a file named `stem.ext` (outside a test directory) is a test by this
    /// language's convention; None when `ext` is not this language's.
    fn test_file_name(&self, stem: &str, ext: &str) -> Option<bool>;

    /// Image for `validation: docker` when `validation-image` is not set.
    fn docker_image(&self) -> &'static str;

    /// Pre-flight check of the tool a test command needs beyond its program (pytest
    /// importable); None when the command is not this language's.
    fn check_test_tool(&self, _cmd: &str, _program: &str) -> Option<Result<(), String>> {
        None
    }

    /// Names of the deterministic fixes (`repair::recipes`) for this language's tools,
    /// tried in this order before any model.
    fn recipes(&self) -> &'static [&'static str] {
        &[]
    }

    /// How to gather the source a fix needs (the per-language scanners in `context/`).
    fn context(&self) -> &'static dyn context::SourceContext {
        context::of(self.language())
    }
}

/// A test framework whose runs can be scoped to some tests and whose report can be
/// read back (`validate::results` builds the commands and reads the reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    Jest,
    Vitest,
    Mocha,
    NodeTest,
    GoTest,
    Cargo,
    Nextest,
    Maven,
    Gradle,
}

/// How a project's tests are run, as far as scoping them needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoping {
    pub framework: Framework,
    /// The command that starts the framework (`./gradlew test`); None for its plain one.
    pub base: Option<Vec<String>>,
    /// Go: the module path from `go.mod`, so packages become `./dir` arguments.
    pub go_module: Option<String>,
}

impl Scoping {
    pub fn new(framework: Framework) -> Scoping {
        Scoping {
            framework,
            base: None,
            go_module: None,
        }
    }
}

/// The test framework of the project at `root` in `language` (see [`Ecosystem::scoping`]).
pub fn scoping(language: Option<Language>, root: &Path, command: Option<&str>) -> Option<Scoping> {
    of(language?).scoping(root, command)
}

/// The ecosystem of a language.
pub fn of(language: Language) -> &'static dyn Ecosystem {
    match language {
        Language::Python => &python::Python,
        Language::Go => &go::Go,
        Language::Rust => &rust::Rust,
        Language::JavaScript => &javascript::JavaScript,
        Language::Java => &java::Java,
    }
}

/// The ecosystem of `language`, or Python's when the language is unknown: the
/// defaults self-heal had before it knew other languages (image, result reading).
pub fn or_default(language: Option<Language>) -> &'static dyn Ecosystem {
    of(language.unwrap_or(Language::Python))
}

/// The project's own test command, from its files (pytest.ini, pyproject, go.mod,
/// Cargo.toml, ...). `language` is looked at first; then the others in turn.
pub fn detect_test_command(root: &Path, language: Option<Language>) -> Option<String> {
    language
        .into_iter()
        .chain(Language::ALL.into_iter().filter(|l| Some(*l) != language))
        .find_map(|l| of(l).detect_test_command(root, language == Some(l)))
}

/// The command that runs only `tests` in `language`; None without a language, without
/// tests, or when the language cannot scope.
pub fn scoped_command(language: Option<Language>, tests: &[String]) -> Option<String> {
    let tests: Vec<&str> = tests
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if tests.is_empty() {
        return None;
    }
    of(language?).scoped_command(&tests)
}

/// Whether a normalised repo path is a test file: under a test directory of any of
/// the conventions (pytest, go, jest, maven/gradle, cargo), or named like one.
pub fn is_test_path(norm: &str) -> bool {
    let parts: Vec<&str> = norm.split('/').collect();
    let (name, dirs) = match parts.split_last() {
        Some((n, d)) => (*n, d),
        None => return false,
    };
    if dirs.iter().any(|d| {
        matches!(
            *d,
            "tests" | "test" | "__tests__" | "testdata" | "spec" | "__mocks__"
        )
    }) {
        return true;
    }
    let stem_ext = name.rsplit_once('.');
    let ext = stem_ext.map(|(_, e)| e).unwrap_or("");
    let stem = stem_ext.map(|(s, _)| s).unwrap_or(name);
    if let Some(is_test) = Language::ALL
        .into_iter()
        .find_map(|l| of(l).test_file_name(stem, ext))
    {
        return is_test;
    }
    // Ruby has no ecosystem, but its test files must not be edited either.
    if ext == "rb" {
        return stem.ends_with("_spec") || stem.ends_with("_test");
    }
    javascript::test_or_spec_segment(name)
}

/// Markdown fence info string of a file extension, when a language claims it.
pub fn fence_tag(ext: &str) -> Option<&'static str> {
    Language::ALL.into_iter().find_map(|l| of(l).fence_tag(ext))
}

/// Quotes `s` for `sh` (single quotes, `'` as `'\''`), leaving plain words bare.
pub fn sh_quote(s: &str) -> String {
    // `#` only starts a comment at the start of a word.
    let plain = !s.is_empty()
        && !s.starts_with('#')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,#".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn quoted_words(tests: &[&str]) -> String {
    tests
        .iter()
        .map(|t| sh_quote(t))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_serialise_as_before() {
        for l in Language::ALL {
            assert_eq!(Language::from_name(l.name()), Some(l));
            assert_eq!(of(l).language(), l);
            assert_eq!(
                serde_json::to_string(&l).unwrap(),
                format!("\"{}\"", l.name())
            );
        }
        assert_eq!(Language::from_name(" TS "), Some(Language::JavaScript));
        assert_eq!(Language::from_name("cobol"), None);
    }

    #[test]
    fn tools_and_extensions_belong_to_one_language() {
        let mut seen = std::collections::HashSet::new();
        for l in Language::ALL {
            for t in of(l).tools() {
                assert!(seen.insert(format!("tool {t}")), "{t} twice");
            }
            for e in of(l).extensions() {
                assert!(seen.insert(format!("ext {e}")), "{e} twice");
            }
        }
        assert_eq!(Language::of_tool("go vet"), Some(Language::Go));
        assert_eq!(Language::of_path("src/a.tsx"), Some(Language::JavaScript));
    }

    #[test]
    fn quoting_survives_sh() {
        assert_eq!(sh_quote("tests/test_a.py::t"), "tests/test_a.py::t");
        assert_eq!(sh_quote("t[a b]"), "'t[a b]'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }
}
