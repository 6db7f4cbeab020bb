//! `black`: a `black --check` failure, fixed by the project's own black (its virtualenv's,
//! else PATH's; `pyproject.toml` config) on the files the log named.

use super::{distinct_files, tool, Recipe, RecipeFix, RecipeInput};
use std::process::Command;

pub(super) struct Black;

impl Recipe for Black {
    fn name(&self) -> &'static str {
        "black"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let files = distinct_files(input, &["black"]);
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let Some(bin) = tool::python_tool(input.root, "black") else {
            return Err(tool::missing("black", "not in .venv/bin nor on PATH"));
        };
        let fix = tool::fix_in_copy(
            input.root,
            &files,
            self.name(),
            "Not formatted as black would",
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
