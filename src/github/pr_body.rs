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
    /// The ranked suspects the model was shown, for "why this code".
    pub localization: Option<&'a crate::localize::Localization>,
    /// Files the change touches: their suspects explain the change first.
    pub changed_files: &'a [String],
}

/// Suspects listed under "Why this code", at most.
const WHY_LINES: usize = 3;

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
            localization: report.localization.as_ref(),
            changed_files: &report.changed_files,
        }
    }

    /// "Why this code": the suspects in the files the change touches (else the top
    /// ones), one line of evidence each.
    fn why_this_code(&self) -> Option<String> {
        let loc = self.localization?;
        let code = loc.suspects.iter().filter(|s| !s.test_code);
        let touched: Vec<&crate::localize::Suspect> = code
            .clone()
            .filter(|s| self.changed_files.contains(&s.path))
            .take(WHY_LINES)
            .collect();
        let shown = if touched.is_empty() {
            code.take(WHY_LINES).collect()
        } else {
            touched
        };
        if shown.is_empty() {
            return None;
        }
        let mut out = String::new();
        for s in shown {
            out.push_str(&format!("- #{} {}\n", s.rank, table_cell(&s.why())));
        }
        Some(out)
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
        if let Some(why) = self.why_this_code() {
            out.push_str("\n\n### Why this code\n\n");
            out.push_str(why.trim_end());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::localize::{Clue, Localization, Mode, Suspect};

    fn suspect(rank: usize, path: &str, function: &str, evidence: Vec<Clue>) -> Suspect {
        Suspect {
            rank,
            path: path.into(),
            function: function.into(),
            name: function.rsplit('.').next().unwrap().into(),
            start_line: 10,
            end_line: 20,
            score: 1.0,
            test_code: false,
            evidence,
        }
    }

    #[test]
    fn why_this_code_names_the_suspects_the_change_touches() {
        let loc = Localization {
            mode: Mode::Static,
            suspects: vec![
                suspect(
                    1,
                    "src/raise.py",
                    "check",
                    vec![Clue::Frame {
                        line: 12,
                        innermost: true,
                    }],
                ),
                suspect(
                    2,
                    "src/money.py",
                    "Money.parse",
                    vec![Clue::Builds {
                        name: "Money".into(),
                    }],
                ),
            ],
            notes: vec![],
        };
        let mut report = Report {
            status: crate::report::Status::Fixed,
            ..Report::default()
        };
        report.changed_files = vec!["src/money.py".into()];
        report.localization = Some(loc);
        let body = PrBody::from_report(&report, None, None, "b", "f").render();
        let why = body
            .split("### Why this code\n\n")
            .nth(1)
            .expect("a why section")
            .split("\n\n###")
            .next()
            .unwrap();
        assert_eq!(
            why,
            "- #2 src/money.py `Money.parse`: builds the Money the failure prints"
        );
        // Without a ranking there is no section.
        report.localization = None;
        let body = PrBody::from_report(&report, None, None, "b", "f").render();
        assert!(!body.contains("Why this code"));
    }
}
