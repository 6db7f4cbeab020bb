//! The result of reading one CI log.

use super::Failure;
use serde::{Deserialize, Serialize};

/// The result of reading one CI log (docs/log-analysis.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Analysis {
    /// `python`, `java`, `go`, `rust`, `javascript`, or null when unknown.
    pub language: Option<crate::lang::Language>,
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
}
