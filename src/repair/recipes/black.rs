//! `black`: a `black --check` failure, fixed by the project's own black (its virtualenv's,
//! else PATH's; `pyproject.toml` config) on the files the log named.

use super::{distinct_files, tool, Recipe, RecipeFix, RecipeInput};

pub(super) struct Black;

impl Recipe for Black {
    fn name(&self) -> &'static str {
        "black"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let files = distinct_files(input, &["black"]);
        tool::python_formatter(
            input,
            "black",
            &["-q"],
            &files,
            self.name(),
            "Not formatted as black would",
        )
    }
}
