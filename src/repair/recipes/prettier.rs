//! `prettier`: a `prettier --check` failure, fixed by the project's own prettier
//! (`node_modules/.bin/prettier`, its version and config) with `--write` on the files
//! the log named.

use super::{distinct_files, host_code_refused, tool, Recipe, RecipeFix, RecipeInput};
use crate::analyze::FailureKind;
use std::process::Command;

pub(super) struct Prettier;

impl Recipe for Prettier {
    fn name(&self) -> &'static str {
        "prettier"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        // prettier's `[error]` lines are syntax errors: formatting cannot fix them.
        if input
            .analysis
            .failures
            .iter()
            .any(|f| f.tool == "prettier" && f.kind != FailureKind::Format)
        {
            return Ok(Vec::new());
        }
        let files = distinct_files(input, &["prettier"]);
        if files.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(note) = host_code_refused(input, "prettier") {
            return Err(note);
        }
        let Some(bin) = tool::program(input.root, &["node_modules/.bin/prettier"], None) else {
            return Err(tool::missing(
                "prettier",
                "no node_modules/.bin/prettier: install the project's dependencies first",
            ));
        };
        let fix = tool::fix_in_copy(
            input.root,
            &files,
            self.name(),
            "Not formatted as prettier would",
            input.opts.tool_timeout,
            |_| {
                let mut c = Command::new(&bin);
                c.arg("--write").arg("--").args(&files);
                c
            },
        )?;
        Ok(fix.into_iter().collect())
    }
}
