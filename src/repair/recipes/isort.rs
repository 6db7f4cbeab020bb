//! `isort`: an `isort --check-only` failure, fixed by the project's own isort (its
//! virtualenv's, else PATH's; its config) on the files the log named.

use super::{distinct_files, tool, Recipe, RecipeFix, RecipeInput};
use std::process::Command;

pub(super) struct Isort;

impl Recipe for Isort {
    fn name(&self) -> &'static str {
        "isort"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let files = distinct_files(input, &["isort"]);
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let Some(bin) = tool::python_tool(input.root, "isort") else {
            return Err(tool::missing("isort", "not in .venv/bin nor on PATH"));
        };
        let fix = tool::fix_in_copy(
            input.root,
            &files,
            self.name(),
            "Imports not sorted as isort would",
            input.opts.tool_timeout,
            |_| {
                let mut c = Command::new(&bin);
                c.arg("-q").arg("--").args(&files);
                c
            },
        )?;
        Ok(fix.into_iter().collect())
    }
}
