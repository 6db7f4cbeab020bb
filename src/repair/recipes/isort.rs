//! `isort`: an `isort --check-only` failure, fixed by the project's own isort (its
//! virtualenv's, else PATH's; its config) on the files the log named.

use super::{distinct_files, tool, Recipe, RecipeFix, RecipeInput};

pub(super) struct Isort;

impl Recipe for Isort {
    fn name(&self) -> &'static str {
        "isort"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let files = distinct_files(input, &["isort"]);
        tool::python_formatter(
            input,
            "isort",
            &["-q"],
            &files,
            self.name(),
            "Imports not sorted as isort would",
        )
    }
}
