//! Deterministic fixes tried before any model, one recipe per file in `recipes/`.
//!
//! Each language's [`crate::lang::Ecosystem::recipes`] names the recipes that apply to
//! its tools; [`find_for`] asks those of the run's language and of every failing tool's
//! language, in that order. A recipe reads the analysed failures, runs the project's own
//! tool (formatter, linter autofix) in a scratch copy or reads the compiler's suggestion,
//! and returns edits for the files the failure names. Every fix is then validated in a
//! sandbox by the failed step's own command, exactly like a model's.
//!
//! - formatters: `rustfmt`, `gofmt`, `prettier`, `black`, `ruff-format`, `isort`;
//! - linter autofixes: `ruff-fix`, `eslint-fix`, `clippy-fix`;
//! - compiler suggestions: `rustc-similar-name`, `tsc-did-you-mean`, `javac-symbol`,
//!   `go-undefined` (the closest value bound at the line), and `python-did-you-mean`.
//!
//! Recipes never install or upgrade a tool: one that is missing is a one-line note and
//! the run moves on to the model.

use super::edits::Edit;
use super::policy::PathPolicy;
use crate::analyze::{Analysis, Failure};
use crate::lang::Language;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod black;
mod clippy;
mod compiler;
mod did_you_mean;
mod eslint;
mod gofmt;
mod isort;
pub mod levenshtein;
mod lexer;
mod names;
mod prettier;
mod ruff;
mod rustfmt;
mod scan;
mod subprocess;
mod tool;

pub use did_you_mean::DID_YOU_MEAN;

/// A fix found without a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeFix {
    /// Which recipe (`python-did-you-mean`, `rustfmt`, ...).
    pub recipe: String,
    pub diagnosis: String,
    pub edits: Vec<Edit>,
}

/// How the recipes reach the project's tools.
#[derive(Debug, Clone)]
pub struct RecipeOptions {
    /// Interpreter used to list names (`ast`); `None` uses the built-in text scan.
    pub python: Option<PathBuf>,
    /// Limit for each interpreter call.
    pub timeout: Duration,
    /// Limit for a formatter or autofix run (clippy compiles the crate).
    pub tool_timeout: Duration,
    /// Whether tools that execute the project's code (eslint and prettier configs,
    /// build scripts under clippy) may run on this host: only when validation does.
    pub host_runs_project_code: bool,
}

impl Default for RecipeOptions {
    fn default() -> Self {
        RecipeOptions {
            python: which::which("python3")
                .or_else(|_| which::which("python"))
                .ok(),
            timeout: Duration::from_secs(10),
            tool_timeout: Duration::from_secs(300),
            host_runs_project_code: true,
        }
    }
}

/// What a recipe sees.
pub struct RecipeInput<'a> {
    /// The project the tools run in, canonical: the checkout, or a monorepo's project
    /// directory in it. The analysis' paths and the fixes' are relative to it.
    pub root: &'a Path,
    /// The checkout, canonical, and `dir/` when `root` is its `dir` (else empty): the
    /// policy speaks of the checkout's paths.
    pub checkout: &'a Path,
    pub prefix: &'a str,
    pub analysis: &'a Analysis,
    pub opts: &'a RecipeOptions,
    /// Files the fix may touch; None: only the built-in protections (tests included).
    pub policy: Option<&'a PathPolicy>,
}

/// One deterministic fixer. `find` returns candidate fixes, best first (empty when the
/// failures are not its kind), or a one-line reason it could not run (its tool is missing).
pub trait Recipe: Sync {
    fn name(&self) -> &'static str;
    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String>;
}

/// Every recipe, by the name an ecosystem gives it.
static RECIPES: &[&dyn Recipe] = &[
    &did_you_mean::DidYouMean,
    &rustfmt::Rustfmt,
    &gofmt::Gofmt,
    &prettier::Prettier,
    &black::Black,
    &ruff::RuffFormat,
    &isort::Isort,
    &ruff::RuffFix,
    &eslint::EslintFix,
    &clippy::ClippyFix,
    &compiler::RUSTC,
    &compiler::TSC,
    &compiler::JAVAC,
    &compiler::GO,
];

/// The recipe an ecosystem names.
pub fn by_name(name: &str) -> Option<&'static dyn Recipe> {
    RECIPES.iter().copied().find(|r| r.name() == name)
}

/// What the recipes found: candidate fixes, best first, and one-line notes of those
/// that could not run.
#[derive(Debug, Default)]
pub struct Found {
    pub fixes: Vec<RecipeFix>,
    pub notes: Vec<String>,
}

/// The recipes of the run's language, then of each failing tool's language.
fn applicable(analysis: &Analysis) -> Vec<&'static dyn Recipe> {
    let mut langs: Vec<Language> = analysis.language.into_iter().collect();
    for f in &analysis.failures {
        if let Some(l) = Language::of_tool(&f.tool) {
            if !langs.contains(&l) {
                langs.push(l);
            }
        }
    }
    let mut out: Vec<&'static dyn Recipe> = Vec::new();
    for l in langs {
        for name in l.recipes() {
            if let Some(r) = by_name(name) {
                if !out.iter().any(|o| o.name() == r.name()) {
                    out.push(r);
                }
            }
        }
    }
    out
}

/// Candidate deterministic fixes for the analysed failures, best first.
pub fn find(workdir: &Path, analysis: &Analysis) -> Vec<RecipeFix> {
    find_with(workdir, analysis, &RecipeOptions::default())
}

/// [`find`] with an explicit interpreter (or none) and timeout.
pub fn find_with(workdir: &Path, analysis: &Analysis, opts: &RecipeOptions) -> Vec<RecipeFix> {
    find_for(workdir, analysis, opts, None).fixes
}

/// Every applicable recipe's fixes and notes, minding `policy` for the files to touch.
pub fn find_for(
    workdir: &Path,
    analysis: &Analysis,
    opts: &RecipeOptions,
    policy: Option<&PathPolicy>,
) -> Found {
    find_in_project(workdir, None, analysis, opts, policy)
}

/// [`find_for`] with the tools run in `project` (a monorepo's project directory,
/// relative to `workdir`: `cargo fmt` and `node_modules/.bin` are the project's); the
/// fixes' paths stay relative to `workdir`.
pub fn find_in_project(
    workdir: &Path,
    project: Option<&Path>,
    analysis: &Analysis,
    opts: &RecipeOptions,
    policy: Option<&PathPolicy>,
) -> Found {
    let mut found = Found::default();
    let Ok(checkout) = workdir.canonicalize() else {
        return found;
    };
    let dir = project
        .and_then(|p| p.to_str())
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty() && checkout.join(p).is_dir());
    let (root, prefix) = match dir {
        Some(d) => (checkout.join(d), format!("{d}/")),
        None => (checkout.clone(), String::new()),
    };
    // The failures' files as the project names them.
    let rebased;
    let analysis = if prefix.is_empty() {
        analysis
    } else {
        let mut a = analysis.clone();
        for f in &mut a.failures {
            if let Some(inner) = f
                .file
                .as_deref()
                .and_then(|p| p.strip_prefix(prefix.as_str()))
            {
                f.file = Some(inner.to_string());
            }
        }
        rebased = a;
        &rebased
    };
    let input = RecipeInput {
        root: &root,
        checkout: &checkout,
        prefix: &prefix,
        analysis,
        opts,
        policy,
    };
    for recipe in applicable(analysis) {
        match recipe.find(&input) {
            Ok(fixes) => found.fixes.extend(fixes),
            Err(note) => found
                .notes
                .push(format!("recipe {}: {note}", recipe.name())),
        }
    }
    if !prefix.is_empty() {
        for fix in &mut found.fixes {
            for edit in &mut fix.edits {
                edit.path = format!("{prefix}{}", edit.path);
            }
        }
    }
    found
}

/// The failures reported by one of `tools`, with a file in the checkout that the policy
/// lets a fix touch; returns them with that file relative to the root.
fn named_files<'a>(input: &'a RecipeInput<'_>, tools: &[&str]) -> Vec<(&'a Failure, String)> {
    let mut out: Vec<(&Failure, String)> = Vec::new();
    for f in &input.analysis.failures {
        if !tools.contains(&f.tool.as_str()) || f.outside_repo {
            continue;
        }
        let Some(file) = f.file.as_deref() else {
            continue;
        };
        let Some(rel) = super::context::relative_to_root(input.root, file) else {
            continue;
        };
        if may_touch(input, &rel) {
            out.push((f, rel));
        }
    }
    out
}

/// Whether `rel` is a file of the checkout that the policy lets a fix touch.
fn may_touch(input: &RecipeInput<'_>, rel: &str) -> bool {
    if !input.root.join(rel).is_file() {
        return false;
    }
    let rel = &format!("{}{rel}", input.prefix);
    match input.policy {
        Some(p) => p.check(input.checkout, rel).is_ok(),
        None => {
            let norm = rel.replace('\\', "/");
            !super::policy::is_protected(&norm) && !super::policy::is_test_file(&norm)
        }
    }
}

/// The note of a recipe whose tool would run the project's code where validation does not.
fn host_code_refused(input: &RecipeInput<'_>, tool: &str) -> Option<String> {
    (!input.opts.host_runs_project_code).then(|| {
        format!(
            "not run: {tool} executes the project's code and validation does not run on this host"
        )
    })
}

/// The distinct files of [`named_files`], in log order.
fn distinct_files(input: &RecipeInput<'_>, tools: &[&str]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for (_, rel) in named_files(input, tools) {
        if !files.contains(&rel) {
            files.push(rel);
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recipe_an_ecosystem_names_exists_once() {
        let mut seen = std::collections::HashSet::new();
        for r in RECIPES {
            assert!(seen.insert(r.name()), "{} twice", r.name());
        }
        for l in Language::all() {
            for name in l.recipes() {
                assert!(by_name(name).is_some(), "{l}: no recipe {name}");
            }
        }
        assert_eq!(seen.len(), RECIPES.len());
    }

    /// With validation in docker (or off), a tool that runs the project's code is not
    /// started on the host: the note says so and no fix is offered.
    #[test]
    fn project_code_runs_on_the_host_only_when_validation_does() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/a.js"), "var a = 1;\n").unwrap();
        let marker = dir.path().join("ran");
        let bin = dir.path().join("node_modules/.bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(
            bin.join("eslint"),
            format!("#!/bin/sh\ntouch {}\n", marker.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("eslint"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        let analysis = Analysis {
            language: Some(Language::named("javascript")),
            failures: vec![Failure {
                tool: "eslint".into(),
                file: Some("src/a.js".into()),
                line: Some(1),
                message: "Unexpected var (no-var)".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let opts = RecipeOptions {
            host_runs_project_code: false,
            ..RecipeOptions::default()
        };
        let found = find_for(dir.path(), &analysis, &opts, None);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert!(
            found
                .notes
                .iter()
                .any(|n| n.contains("recipe eslint-fix: not run")),
            "{found:?}"
        );
        assert!(!marker.exists(), "eslint ran");
        // On the host, the project's eslint runs (and changes nothing here: no fix).
        let found = find_for(dir.path(), &analysis, &RecipeOptions::default(), None);
        assert!(found.notes.is_empty(), "{found:?}");
    }
}
