//! The failure model: what broke (a [`Failure`]: a failing test, a compiler error, a
//! lint finding) and what a log parser writes it with ([`sink`], [`LogParser`]).
//!
//! It sits below the languages' parsers (`lang/<name>/log.rs`) and the analysis
//! engine that runs them (`analyze`), so both speak it without depending on each
//! other; `analyze` re-exports [`Failure`] and [`FailureKind`] with its `Analysis`
//! (not linked: a link up to `analyze` is a dependency the layering test counts).

pub mod paths;
pub mod sink;
pub mod util;

pub use sink::{Found, LogParser, Sink, TextLines, Tier};

use serde::{Deserialize, Serialize};

/// What kind of breakage a failure is; decides whether code can fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    TestFailure,
    CompileError,
    Lint,
    Format,
    Dependency,
    Infra,
    Timeout,
    #[default]
    Unknown,
}

impl FailureKind {
    /// Failures a code edit can plausibly repair.
    pub fn is_fixable(self) -> bool {
        matches!(
            self,
            FailureKind::TestFailure
                | FailureKind::CompileError
                | FailureKind::Lint
                | FailureKind::Format
                | FailureKind::Unknown
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::TestFailure => "test_failure",
            FailureKind::CompileError => "compile_error",
            FailureKind::Lint => "lint",
            FailureKind::Format => "format",
            FailureKind::Dependency => "dependency",
            FailureKind::Infra => "infra",
            FailureKind::Timeout => "timeout",
            FailureKind::Unknown => "unknown",
        }
    }
}

/// One thing that broke: a failing test, a compiler error, a lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Failure {
    pub kind: FailureKind,
    /// The tool that reported it: `pytest`, `unittest`, `python`, `mypy`, `go`, `cargo`, ...
    pub tool: String,
    /// Test id in the framework's own form (pytest node id, `pkg.Class#method`, ...).
    #[serde(default)]
    pub test: Option<String>,
    /// Path relative to the repository root when it could be normalised.
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub line: Option<u32>,
    /// One-line error message (exception type and text, compiler message).
    pub message: String,
    /// How many more identical failures (same tool, test, place, message) the
    /// log held; they are collapsed into this one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub repeats: u32,
    /// The file is not in the checkout (`AnalyzeOptions::workdir`): the path
    /// is kept as the log printed it (minus runner prefixes) but should not be edited.
    #[serde(default, skip_serializing_if = "is_false")]
    pub outside_repo: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A failure with the column the tool reported, when it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub failure: Failure,
    pub column: Option<u32>,
}
