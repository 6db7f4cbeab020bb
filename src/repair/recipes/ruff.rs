//! `ruff-format` (a `ruff format --check` failure: `ruff format`) and `ruff-fix` (a
//! `ruff check` finding: `ruff check --fix`, ruff's safe fixes only), both with the
//! project's own ruff (its virtualenv's, else PATH's) and config, on the files the log
//! named.

use super::{named_files, tool, Recipe, RecipeFix, RecipeInput};
use crate::analyze::FailureKind;

pub(super) struct RuffFormat;
pub(super) struct RuffFix;

fn files_of(input: &RecipeInput<'_>, kind: FailureKind) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for (f, rel) in named_files(input, &["ruff"]) {
        if f.kind == kind && !files.contains(&rel) {
            files.push(rel);
        }
    }
    files
}

fn ruff(
    input: &RecipeInput<'_>,
    recipe: &str,
    kind: FailureKind,
    what: &str,
    args: &[&str],
) -> Result<Vec<RecipeFix>, String> {
    let files = files_of(input, kind);
    tool::python_formatter(input, "ruff", args, &files, recipe, what)
}

impl Recipe for RuffFormat {
    fn name(&self) -> &'static str {
        "ruff-format"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        ruff(
            input,
            self.name(),
            FailureKind::Format,
            "Not formatted as ruff format would",
            &["format", "--quiet"],
        )
    }
}

impl Recipe for RuffFix {
    fn name(&self) -> &'static str {
        "ruff-fix"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        ruff(
            input,
            self.name(),
            FailureKind::Lint,
            "ruff check findings with a safe fix",
            &["check", "--fix", "--quiet", "--exit-zero"],
        )
    }
}
