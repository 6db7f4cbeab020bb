//! The run report (docs/report.md) and the exit code it implies.

pub mod markdown;
pub mod since;
mod text;
pub mod workflow;

use crate::analyze::Failure;
use crate::types::Edit;
use crate::validate::Validation;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A report, patch or workflow file that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot create {}: {source}", path.display())]
    StateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the report to {}: {source}", path.display())]
    Report {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the patch to {}: {source}", path.display())]
    Patch {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the step outputs or summary: {0}")]
    Workflow(std::io::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Validated and applied (working tree or PR).
    Fixed,
    /// Validated but not applied (dry run, or approval declined).
    Proposed,
    NotFixed,
    Flaky,
    Skipped,
    NoFailures,
    #[default]
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fixed => "fixed",
            Status::Proposed => "proposed",
            Status::NotFixed => "not_fixed",
            Status::Flaky => "flaky",
            Status::Skipped => "skipped",
            Status::NoFailures => "no_failures",
            Status::Error => "error",
        }
    }

    /// 0 for fixed/proposed/flaky/skipped/no_failures, 1 for not_fixed, 3 for error.
    /// (2 is for bad usage or configuration, decided before a report exists.)
    pub fn exit_code(self) -> u8 {
        match self {
            Status::NotFixed => 1,
            Status::Error => 3,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AttemptSource {
    #[default]
    Llm,
    Recipe,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Attempt {
    pub n: u32,
    pub source: AttemptSource,
    pub diagnosis: String,
    pub edits: Vec<Edit>,
    pub validation: Validation,
    /// Why the attempt failed before validation (edit did not apply, policy, bad reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrInfo {
    pub number: u64,
    pub url: String,
    pub branch: String,
    /// The CI run self-heal dispatched on the branch (pushed with `GITHUB_TOKEN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_run_url: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LlmStats {
    pub requests: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// Where the time went, so overhead can be told from model latency and test time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    pub total_ms: u64,
    /// Waiting for the model (including retries).
    pub llm_ms: u64,
    /// Running validation commands in sandboxes (baseline and attempts).
    pub validation_ms: u64,
    /// Reproducing the failure: the failing tests' scoped run on the unchanged code,
    /// sandbox copy included (also counted in `validation_ms`).
    #[serde(default)]
    pub reproduce_ms: u64,
    /// The failing tests (and passing neighbours) under coverage, for localization.
    #[serde(default)]
    pub coverage_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Report {
    pub status: Status,
    pub reason: String,
    pub failures: Vec<Failure>,
    pub diagnosis: String,
    pub attempts: Vec<Attempt>,
    pub patch: String,
    pub changed_files: Vec<String>,
    pub pr: Option<PrInfo>,
    pub llm: LlmStats,
    #[serde(default)]
    pub timings: Timings,
    /// What changed since the last green run (or `since`) in the implicated files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_since: Option<crate::analyze::changes::ChangedSince>,
    /// Why the logs were cut at a cap, one line each: the run saw only what was read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_cut: Vec<String>,
    /// The suspect functions, ranked, with the evidence for each (issue 19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localization: Option<crate::localize::Localization>,
}

impl Report {
    /// The report with every secret replaced by `***` (through its JSON, so every field).
    pub fn masked(&self, secrets: &crate::secrets::Secrets) -> Report {
        serde_json::to_string(self)
            .ok()
            .map(|json| secrets.mask(&json))
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_else(|| self.clone())
    }

    /// Writes the report to `path` and the patch beside it as `fix.patch` (removed
    /// when there is none, so an earlier run's patch cannot pass for this one's);
    /// a `.self-heal` parent gets its `.gitignore`. Returns the patch path.
    pub fn write_with_patch(&self, path: &Path) -> Result<PathBuf, WriteError> {
        if let Some(dir) = path.parent().filter(|d| d.ends_with(".self-heal")) {
            crate::fsutil::ensure_state_dir(dir).map_err(|source| WriteError::StateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        self.write(path).map_err(|source| WriteError::Report {
            path: path.to_path_buf(),
            source,
        })?;
        let patch_path = path.with_file_name("fix.patch");
        if self.patch.is_empty() {
            let _ = std::fs::remove_file(&patch_path);
        } else {
            std::fs::write(&patch_path, &self.patch).map_err(|source| WriteError::Patch {
                path: patch_path.clone(),
                source,
            })?;
        }
        Ok(patch_path)
    }

    /// Writes the JSON atomically, creating parent directories.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json + "\n")?;
        std::fs::rename(&tmp, path)
    }
}
