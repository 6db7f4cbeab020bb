//! One home per language: `lang/<name>/` holds everything self-heal knows about it.
//!
//! Every stage asks the run's [`Language`] instead of matching on names: the analysis
//! maps the tool that reported a failure to its language, the validation asks for the
//! full and the scoped test command and reads the results back, the path policy asks
//! which files are tests, the sandbox asks for a docker image, the context asks how
//! test ids map to source. A language is a unit struct implementing [`Lang`] in its
//! own folder, and one line in [`LANGUAGES`].
//!
//! It depends only on the failure model its log parsers write ([`crate::failure`]);
//! the analysis engine, the validation and the repair loop all sit above it.

pub mod context;
pub mod coverage;
pub mod framework;
pub mod go;
pub mod java;
pub mod javascript;
pub mod project;
pub mod python;
pub mod reports;
pub mod roots;
pub mod ruby;
pub mod rust;

use crate::failure::LogParser;
use crate::syntax::Grammar;
use framework::Framework;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::path::Path;

/// Every language, in the order detection tries them when none is known. Adding a
/// language is its folder and one line here.
pub static LANGUAGES: &[&dyn Lang] = &[
    &python::Python,
    &go::Go,
    &rust::Rust,
    &javascript::JavaScript,
    &java::Java,
    &ruby::Ruby,
];

/// A language self-heal knows how to validate: a handle on its [`Lang`] in
/// [`LANGUAGES`], compared and hashed by name. Serialised as its name (`"python"`,
/// ...), the `language` field of `analyze --json` (docs/log-analysis.md).
#[derive(Clone, Copy)]
pub struct Language(&'static dyn Lang);

impl Language {
    /// Every registered language, in [`LANGUAGES`] order.
    pub fn all() -> impl Iterator<Item = Language> {
        LANGUAGES.iter().map(|l| Language(*l))
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The registered language of this exact name (`"python"`); None for another.
    fn exact(name: &str) -> Option<Language> {
        Language::all().find(|l| l.name() == name)
    }

    /// The registered language named `name`, for code and tests that name one the
    /// registry is known to have. Panics on another name (a programming error).
    pub fn named(name: &str) -> Language {
        Language::exact(name).unwrap_or_else(|| panic!("no language named {name:?}"))
    }

    /// The language a name or one of its aliases (`py`, `golang`, `ts`, `gradle`, ...)
    /// stands for, case-insensitively.
    pub fn from_name(name: &str) -> Option<Language> {
        let name = name.trim().to_ascii_lowercase();
        Language::all().find(|l| l.name() == name || l.aliases().contains(&name.as_str()))
    }

    /// The language of the tool an analyze parser names (`pytest`, `go vet`, `clippy`, ...).
    pub fn of_tool(tool: &str) -> Option<Language> {
        Language::all().find(|l| l.tools().contains(&tool))
    }

    /// The language of a source file, by its extension.
    pub fn of_path(path: &str) -> Option<Language> {
        let ext = path.rsplit_once('.')?.1;
        Language::all().find(|l| l.extensions().contains(&ext))
    }

    /// The language whose test ids these are, when their form says so (pytest node ids).
    pub fn of_test_ids(ids: &[String]) -> Option<Language> {
        if ids.is_empty() {
            return None;
        }
        Language::all().find(|l| l.claims_test_ids(ids))
    }

    /// The language of the project at `root`, from its files, as detection finds its
    /// test command: the first in [`LANGUAGES`] order with one.
    pub fn detect(root: &Path) -> Option<Language> {
        Language::all().find(|l| l.detect_test_command(root, false).is_some())
    }
}

/// A handle on its language: `language.docker_image()` asks the language itself.
impl std::ops::Deref for Language {
    type Target = dyn Lang;
    fn deref(&self) -> &(dyn Lang + 'static) {
        self.0
    }
}

impl PartialEq for Language {
    fn eq(&self, other: &Language) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Language {}

impl std::hash::Hash for Language {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state)
    }
}

impl std::fmt::Debug for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Language({})", self.name())
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Language {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Language, D::Error> {
        let name = String::deserialize(d)?;
        Language::exact(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown language {name:?}")))
    }
}

/// Everything a stage needs to know about one language. Implementations are plain
/// unit structs, one per folder; the defaults are what "nothing known" means.
pub trait Lang: Sync {
    /// The language's name: `analyze --json`'s `language`, the docs' (docs/log-analysis.md).
    fn name(&self) -> &'static str;

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

    /// The test framework of the project at `root` whose full test command is
    /// `command` (the failed step's, `test-command`'s, or the detected one), which
    /// scopes runs and reads what they did; None when it has none or it cannot be told.
    fn framework(&self, _root: &Path, _command: Option<&str>) -> Option<Framework> {
        None
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

    /// What of this language's toolchain a step's `output` says is missing, as (what,
    /// the output's words): (`the Python module \`pytest\``, `No module named pytest`).
    fn missing_tool(&self, _command: &str, _output: &str) -> Option<(String, String)> {
        None
    }

    /// Names of the deterministic fixes (`repair::recipes`) for this language's tools,
    /// tried in this order before any model.
    fn recipes(&self) -> &'static [&'static str] {
        &[]
    }

    /// How to gather the source a fix needs: where a test id's test is, what a file
    /// leads to (its `context.rs`).
    fn context(&self) -> &'static dyn context::SourceContext;

    /// Where the project's code and tests are, as its build files say (`roots.rs`);
    /// empty when they say nothing.
    fn source_roots(&self, _repo: &dyn context::RepoView) -> roots::SourceRoots {
        roots::SourceRoots::default()
    }

    /// Its coverage tool (`coverage.rs`): how the failing tests run under it and how
    /// its output is read; None when there is none.
    fn coverage(&self) -> Option<&'static dyn coverage::CoverageRunner> {
        None
    }

    /// Its tree-sitter grammars (`grammar.rs`), which `syntax` parses its files with:
    /// functions, classes, imports and calls for localization and the context.
    fn grammars(&self) -> &'static [&'static dyn Grammar] {
        &[]
    }

    /// Fresh readers of this language's tools' output for one analysis (its `log.rs`);
    /// the engine runs every language's, in [`LANGUAGES`] order.
    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        Vec::new()
    }
}

/// The project's own test command, from its files (pytest.ini, pyproject, go.mod,
/// Cargo.toml, ...). `language` is looked at first; then the others in turn.
pub fn detect_test_command(root: &Path, language: Option<Language>) -> Option<String> {
    language
        .into_iter()
        .chain(Language::all().filter(|l| Some(*l) != language))
        .find_map(|l| l.detect_test_command(root, language == Some(l)))
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
    if let Some(is_test) = Language::all().find_map(|l| l.test_file_name(stem, ext)) {
        return is_test;
    }
    javascript::test_or_spec_segment(name)
}

/// Every registered language's grammars, in [`LANGUAGES`] order.
pub fn grammars() -> impl Iterator<Item = &'static dyn Grammar> {
    Language::all().flat_map(|l| l.grammars().iter().copied())
}

/// The grammar that parses a path, by its extension (case-insensitive).
pub fn grammar_for(path: &str) -> Option<&'static dyn Grammar> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (_, ext) = name.rsplit_once('.')?;
    grammars().find(|g| g.extensions().iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// Markdown fence info string of a file extension, when a language claims it.
pub fn fence_tag(ext: &str) -> Option<&'static str> {
    Language::all().find_map(|l| l.fence_tag(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_serialise_as_before() {
        for l in Language::all() {
            assert_eq!(Language::from_name(l.name()), Some(l));
            assert_eq!(Language::named(l.name()), l);
            let json = serde_json::to_string(&l).unwrap();
            assert_eq!(json, format!("\"{}\"", l.name()));
            assert_eq!(serde_json::from_str::<Language>(&json).unwrap(), l);
        }
        let names: Vec<&str> = Language::all().map(|l| l.name()).collect();
        assert_eq!(
            names,
            ["python", "go", "rust", "javascript", "java", "ruby"]
        );
        assert_eq!(
            Language::from_name(" TS "),
            Some(Language::named("javascript"))
        );
        assert_eq!(Language::from_name("cobol"), None);
        assert!(serde_json::from_str::<Language>("\"py\"").is_err());
    }

    #[test]
    fn tools_and_extensions_belong_to_one_language() {
        let mut seen = std::collections::HashSet::new();
        for l in Language::all() {
            for t in l.tools() {
                assert!(seen.insert(format!("tool {t}")), "{t} twice");
            }
            for e in l.extensions() {
                assert!(seen.insert(format!("ext {e}")), "{e} twice");
            }
        }
        assert_eq!(Language::of_tool("go vet"), Some(Language::named("go")));
        assert_eq!(
            Language::of_path("src/a.tsx"),
            Some(Language::named("javascript"))
        );
    }
}
