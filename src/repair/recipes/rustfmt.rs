//! `rustfmt`: a `cargo fmt --check` (or `rustfmt --check`) failure, fixed by running the
//! project's own `cargo fmt` (its toolchain, `rustfmt.toml` and edition) in a copy and
//! taking the files the log named.

use super::{distinct_files, tool, Recipe, RecipeFix, RecipeInput};
use std::process::Command;

pub(super) struct Rustfmt;

impl Recipe for Rustfmt {
    fn name(&self) -> &'static str {
        "rustfmt"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let files = distinct_files(input, &["rustfmt"]);
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let cargo_project = input.root.join("Cargo.toml").is_file();
        let program = if cargo_project { "cargo" } else { "rustfmt" };
        let Some(bin) = tool::program(input.root, &[], Some(program)) else {
            return Err(tool::missing(program, "install Rust with rustup"));
        };
        if cargo_project {
            let mut probe = Command::new(&bin);
            probe.args(["fmt", "--version"]).current_dir(input.root);
            if !matches!(tool::run(probe, input.opts.timeout), Ok((true, _))) {
                return Err(tool::missing("rustfmt", "rustup component add rustfmt"));
            }
        }
        let fix = tool::fix_in_copy(
            input.root,
            &files,
            self.name(),
            "Not formatted as rustfmt would",
            input.opts.tool_timeout,
            |_| {
                let mut c = Command::new(&bin);
                if cargo_project {
                    c.arg("fmt");
                } else {
                    c.args(&files);
                }
                c
            },
        )?;
        Ok(fix.into_iter().collect())
    }
}
