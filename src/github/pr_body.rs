//! The pull request body: what failed, why, the change, the evidence, and how to say no.

use super::client::fingerprint_marker;
use crate::analyze::Failure;
pub use crate::report::markdown::{
    diff_block, failure_table, fenced, table_cell, validation_section,
};
use crate::report::{LlmStats, Report};
use crate::validate::Validation;

/// GitHub rejects bodies over 65,536 characters; the diff gets what the rest leaves.
pub const MAX_DIFF_CHARS: usize = 40_000;

/// Plain inputs, so the caller can build a body from a report or from parts.
#[derive(Debug, Clone, Default)]
pub struct PrBody<'a> {
    pub run_url: Option<&'a str>,
    pub run_id: Option<u64>,
    pub failures: &'a [Failure],
    pub diagnosis: &'a str,
    pub diff: &'a str,
    pub validation: Option<&'a Validation>,
    pub attempts: usize,
    pub llm: LlmStats,
    pub branch: &'a str,
    pub fingerprint: &'a str,
    /// Markdown of the `### Checks` section: the CI run dispatched on the branch, or
    /// how to get checks (a branch pushed with `GITHUB_TOKEN` starts no workflow).
    pub checks: Option<&'a str>,
    /// "Changed since the last green run", when it was looked up.
    pub changed_since: Option<&'a crate::analyze::changes::ChangedSince>,
}

impl<'a> PrBody<'a> {
    /// Takes the failures, diagnosis, patch, attempts and token counts from a report;
    /// the validation shown is the last attempt's.
    pub fn from_report(
        report: &'a Report,
        run_url: Option<&'a str>,
        run_id: Option<u64>,
        branch: &'a str,
        fingerprint: &'a str,
    ) -> PrBody<'a> {
        PrBody {
            run_url,
            run_id,
            failures: &report.failures,
            diagnosis: &report.diagnosis,
            diff: &report.patch,
            validation: report.attempts.last().map(|a| &a.validation),
            attempts: report.attempts.len(),
            llm: report.llm,
            branch,
            fingerprint,
            checks: None,
            changed_since: report.changed_since.as_ref(),
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let run = match (self.run_url, self.run_id) {
            (Some(url), Some(id)) => format!("[run {id}]({url})"),
            (Some(url), None) => format!("[the failed run]({url})"),
            (None, Some(id)) => format!("run {id}"),
            (None, None) => "a CI run".to_string(),
        };
        out.push_str(&format!(
            "self-heal proposes this change to fix the failure of {run}. It was validated by re-running the failing tests in a sandbox copy of the repository.\n\n"
        ));
        out.push_str("### Failures\n\n");
        out.push_str(&failure_table(self.failures));
        out.push_str("\n### Root cause\n\n");
        let diag = self.diagnosis.trim();
        out.push_str(if diag.is_empty() {
            "(no diagnosis recorded)"
        } else {
            diag
        });
        if let Some(c) = self.changed_since {
            out.push_str("\n\n### Changed since the last green run\n\n");
            out.push_str(&crate::report::since::changed_since_markdown(
                c,
                crate::report::since::MAX_SINCE_CHARS,
            ));
            out.truncate(out.trim_end().len());
        }
        out.push_str("\n\n### Change\n\n");
        out.push_str(&diff_block(self.diff, MAX_DIFF_CHARS));
        out.push_str("\n### Validation\n\n");
        out.push_str(&validation_section(self.validation));
        out.push_str(&format!(
            "\n**Attempts:** {} · **LLM requests:** {} · **tokens:** {} prompt + {} completion\n\n",
            self.attempts, self.llm.requests, self.llm.prompt_tokens, self.llm.completion_tokens
        ));
        if let Some(checks) = self.checks.map(str::trim).filter(|c| !c.is_empty()) {
            out.push_str("### Checks\n\n");
            out.push_str(checks);
            out.push_str("\n\n");
        }
        out.push_str("### If this is wrong\n\n");
        out.push_str(&format!(
            "Close this pull request and delete the branch `{}`; nothing else was changed. \
             To keep self-heal away from a workflow, add it to `exclude-workflows`.\n\n",
            self.branch
        ));
        out.push_str(&fingerprint_marker(self.fingerprint));
        out.push('\n');
        out
    }
}
