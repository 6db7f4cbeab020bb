//! Coverage runners: how a language's standard tool measures what the failing tests
//! (and passing tests beside them) executed. Each language's `coverage.rs` turns the
//! framework's scoped run into a coverage run (env vars, extra arguments, where the
//! output goes) and reads the output back into a [`CoverageReport`]. Pure, like
//! [`super::framework`]: a runner builds a shell command and reads files;
//! `validate::coverage` runs it in the sandbox, on this machine or in a container.
//!
//! The command runs in the project's directory of the sandbox and finds:
//! - [`OUT_DIR`]: where its output goes (inside the sandbox copy, which is thrown
//!   away; in docker it is copied back out of the container);
//! - `$SELF_HEAL_COV_SUPPORT`: a folder outside the sandbox with the runner's
//!   [`SupportFile`]s (the pytest plugin, the JaCoCo jars, a script);
//! - `$SELF_HEAL_COV_BUDGET`: seconds (with a fraction) during which passing tests
//!   may start once the failing ones, which always run first, are done.

use super::framework::ScopedCommand;
use crate::coverage::CoverageReport;
use crate::localize::Frame;
use std::path::{Path, PathBuf};

#[cfg(test)]
mod tests;

/// Where a coverage run writes its output, relative to the project.
pub const OUT_DIR: &str = ".self-heal-coverage";

/// The exit code with which a coverage command says its tool is missing; its last
/// output line names what.
pub const MISSING_TOOL_EXIT: i32 = 3;

/// What to measure.
pub struct CoverageRequest<'a> {
    /// The failing test ids, in the analysis's form (trimmed, non-empty).
    pub failing: &'a [String],
    /// The framework's scoped run of exactly the failing tests.
    pub scoped: &'a ScopedCommand,
    /// The project on this machine (the sandbox copy), to look at its files.
    pub project: &'a Path,
    /// At most this many passing tests from the failing tests' files/classes also
    /// run (0: only the failing ones).
    pub max_neighbours: usize,
    /// Tools self-heal keeps on this machine (the JaCoCo jars).
    pub tools: &'a ToolCache,
}

/// A file the coverage command needs, put next to the step scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportFile {
    /// File name inside `$SELF_HEAL_COV_SUPPORT`.
    pub name: String,
    pub contents: SupportContents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupportContents {
    Text(String),
    /// A file on this machine, copied in (a jar from the tool cache).
    Copy(PathBuf),
}

impl SupportFile {
    pub fn text(name: &str, text: impl Into<String>) -> SupportFile {
        SupportFile {
            name: name.to_string(),
            contents: SupportContents::Text(text.into()),
        }
    }
}

/// The coverage run of one failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveragePlan {
    /// Shell lines run with bash (or sh) in the project directory.
    pub command: String,
    pub support: Vec<SupportFile>,
    /// The tool, for the one line the run prints ("coverage.py or self-heal's tracer").
    pub tool: String,
}

/// What a coverage run left, for its runner to read.
pub struct CoverageOutput<'a> {
    /// [`OUT_DIR`] on this machine (copied back from a container).
    pub dir: &'a Path,
    /// The project on this machine.
    pub project: &'a Path,
    /// The project's path as the tool saw it (the sandbox's, or `/work` in docker).
    pub seen_root: &'a str,
    /// The command's output (stdout and stderr, head and tail).
    pub output: &'a str,
    pub failing: &'a [String],
}

/// What a runner read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageRead {
    pub report: CoverageReport,
    /// Stack frames, innermost first, where nothing was instrumented (a Rust panic's
    /// backtrace): the lines are also the failing tests' record in `report`.
    pub frames: Vec<Frame>,
    /// What was measured, in a few words ("per test", "the failing tests together").
    pub note: String,
}

/// One language's coverage tool.
pub trait CoverageRunner: Sync {
    /// The coverage run of the request; Err is the one line saying why there is none
    /// (the tool is missing, the framework is not one this runner knows).
    fn plan(&self, req: &CoverageRequest<'_>) -> Result<CoveragePlan, String>;

    /// Reads what the run left; Err says why nothing could be read.
    fn read(&self, out: &CoverageOutput<'_>) -> Result<CoverageRead, String>;
}

/// Where self-heal keeps downloaded tools (`~/.cache/self-heal`), never in a checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCache {
    pub dir: PathBuf,
}

impl ToolCache {
    /// `$XDG_CACHE_HOME/self-heal`, else `~/.cache/self-heal`.
    pub fn user() -> ToolCache {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache"))
            })
            .unwrap_or_else(std::env::temp_dir);
        ToolCache {
            dir: base.join("self-heal"),
        }
    }
}

/// The words of a scoped run without the test ids it ends with (to name files or
/// classes instead); None when it does not end with them.
pub fn without_ids(argv: &[String], ids: &[String]) -> Option<Vec<String>> {
    let n = ids.len();
    if argv.len() <= n || argv[argv.len() - n..] != *ids {
        return None;
    }
    Some(argv[..argv.len() - n].to_vec())
}

/// `a\nb` as one `sh` word.
pub fn lines_word(items: &[String]) -> String {
    super::framework::sh_quote(&items.join("\n"))
}
