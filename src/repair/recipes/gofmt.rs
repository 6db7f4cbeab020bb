//! `gofmt`: a `gofmt -l` / `go fmt` / `gofmt -d` failure, fixed by the Go toolchain's own
//! `gofmt -w` on the files the log named.

use super::{distinct_files, tool, Recipe, RecipeFix, RecipeInput};
use std::process::Command;

pub(super) struct Gofmt;

impl Recipe for Gofmt {
    fn name(&self) -> &'static str {
        "gofmt"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let files = distinct_files(input, &["gofmt"]);
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let Some(bin) = tool::program(input.root, &[], Some("gofmt")) else {
            return Err(tool::missing("gofmt", "it comes with Go"));
        };
        let fix = tool::fix_in_copy(
            input.root,
            &files,
            self.name(),
            "Not formatted as gofmt would",
            input.opts.tool_timeout,
            |_| {
                let mut c = Command::new(&bin);
                c.arg("-w").args(&files);
                c
            },
        )?;
        Ok(fix.into_iter().collect())
    }
}
