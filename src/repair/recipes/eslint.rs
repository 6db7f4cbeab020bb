//! `eslint-fix`: eslint findings, fixed by the project's own eslint
//! (`node_modules/.bin/eslint`, its config and plugins) with `--fix` on the files the log
//! named. Findings without a fix stay; validation then says whether the run is green.

use super::{distinct_files, host_code_refused, tool, Recipe, RecipeFix, RecipeInput};
use std::process::Command;

pub(super) struct EslintFix;

impl Recipe for EslintFix {
    fn name(&self) -> &'static str {
        "eslint-fix"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let files = distinct_files(input, &["eslint"]);
        if files.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(note) = host_code_refused(input, "eslint") {
            return Err(note);
        }
        let Some(bin) = tool::program(input.root, &["node_modules/.bin/eslint"], None) else {
            return Err(tool::missing(
                "eslint",
                "no node_modules/.bin/eslint: install the project's dependencies first",
            ));
        };
        let fix = tool::fix_in_copy(
            input.root,
            &files,
            self.name(),
            "eslint findings with a fix",
            input.opts.tool_timeout,
            |_| {
                let mut c = Command::new(&bin);
                c.arg("--fix").arg("--").args(&files);
                c
            },
        )?;
        Ok(fix.into_iter().collect())
    }
}
