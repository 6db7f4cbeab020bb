//! `clippy-fix`: clippy findings, fixed by the project's own `cargo clippy --fix`, which
//! applies only machine-applicable suggestions; the files the log named are taken.

use super::{distinct_files, host_code_refused, tool, Recipe, RecipeFix, RecipeInput};
use std::process::Command;

pub(super) struct ClippyFix;

impl Recipe for ClippyFix {
    fn name(&self) -> &'static str {
        "clippy-fix"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let files = distinct_files(input, &["clippy"]);
        if files.is_empty() || !input.root.join("Cargo.toml").is_file() {
            return Ok(Vec::new());
        }
        if let Some(note) = host_code_refused(input, "cargo clippy") {
            return Err(note);
        }
        let Some(cargo) = tool::program(input.root, &[], Some("cargo")) else {
            return Err(tool::missing("cargo", "install Rust with rustup"));
        };
        let mut probe = Command::new(&cargo);
        probe.args(["clippy", "--version"]).current_dir(input.root);
        if !matches!(tool::run(probe, input.opts.timeout), Ok((true, _))) {
            return Err(tool::missing("clippy", "rustup component add clippy"));
        }
        let fix = tool::fix_in_copy(
            input.root,
            &files,
            self.name(),
            "clippy findings with a machine-applicable fix",
            input.opts.tool_timeout,
            |copy| {
                let mut c = Command::new(&cargo);
                c.args([
                    "clippy",
                    "--fix",
                    "--allow-no-vcs",
                    "--allow-dirty",
                    "--allow-staged",
                    "--all-targets",
                    "--quiet",
                ])
                // Its own build dir: the copy is thrown away.
                .env("CARGO_TARGET_DIR", copy.join("target"));
                c
            },
        )?;
        Ok(fix.into_iter().collect())
    }
}
