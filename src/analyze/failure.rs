//! The failure model shared by every parser and by the repair loop.

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

/// The result of reading one CI log (design.md 3.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Analysis {
    /// `python`, `java`, `go`, `rust`, `javascript`, or null when unknown.
    pub language: Option<crate::ecosystem::Language>,
    pub failures: Vec<Failure>,
    /// The excerpt an LLM would get: compact, every failure kept.
    pub context: String,
    pub job: Option<String>,
    pub step: Option<String>,
    /// The failed step's command when the log shows it (`##[group]Run ...`).
    pub command: Option<String>,
    /// The failed step's `shell:` line (`/usr/bin/bash -e {0}`), when the log shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell: Option<String>,
    /// What changed since a good commit in the files the failures implicate (filled
    /// by `self-heal run`, not by the log analysis).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_since: Option<super::changes::ChangedSince>,
    /// Why input was cut at a cap, one line each (what was read, the cap): the
    /// analysis ran on what was read, so no failure in it proves nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_cut: Vec<String>,
}
