//! The pull request body: what failed, why, the change, the evidence, and how to say no.

use super::client::fingerprint_marker;
use crate::analyze::Failure;
use crate::report::{LlmStats, Report};
use crate::validate::Validation;

/// GitHub rejects bodies over 65,536 characters; the diff gets what the rest leaves.
pub const MAX_DIFF_CHARS: usize = 40_000;
const MAX_OUTPUT_TAIL_CHARS: usize = 4_000;

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

/// `| test | location | message |`, with cells made safe for a table row.
pub fn failure_table(failures: &[Failure]) -> String {
    if failures.is_empty() {
        return "No individual failure was located in the logs.\n".to_string();
    }
    let mut out = String::from("| test | file:line | message |\n|---|---|---|\n");
    for f in failures {
        let test = f.test.as_deref().unwrap_or("");
        let loc = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            _ => String::new(),
        };
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            code_cell(test),
            code_cell(&loc),
            table_cell(&f.message)
        ));
    }
    out
}

fn code_cell(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        // Backticks inside would end the code span early.
        format!("`{}`", table_cell(&s.replace('`', "'")))
    }
}

/// One table cell: no newlines, pipes escaped, long text cut.
pub fn table_cell(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = one_line.chars().take(300).collect();
    let cut = if cut.len() < one_line.len() {
        format!("{cut}…")
    } else {
        cut
    };
    cut.replace('|', "\\|")
}

/// A fenced block whose fence is longer than any backtick run in `body`.
pub fn fenced(lang: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    let nl = if body.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{lang}\n{body}{nl}{fence}\n")
}

/// The diff in a ```diff block, cut at a line boundary with a note when too long.
pub fn diff_block(diff: &str, max_chars: usize) -> String {
    if diff.trim().is_empty() {
        return "(empty diff)\n".to_string();
    }
    if diff.len() <= max_chars {
        return fenced("diff", diff);
    }
    let mut end = 0;
    for (i, line) in diff.split_inclusive('\n').scan(0usize, |pos, l| {
        let start = *pos;
        *pos += l.len();
        Some((start, l))
    }) {
        if i + line.len() > max_chars {
            break;
        }
        end = i + line.len();
    }
    let shown = &diff[..end];
    let total = diff.lines().count();
    let kept = shown.lines().count();
    format!(
        "{}\n_Diff truncated: {kept} of {total} lines shown; the branch has the full change._\n",
        fenced("diff", shown)
    )
}

pub fn validation_section(v: Option<&Validation>) -> String {
    let Some(v) = v else {
        return "Not validated.\n".to_string();
    };
    let mut out = format!(
        "Result: **{}**\n\n",
        if v.passed { "passed" } else { "failed" }
    );
    if !v.commands.is_empty() {
        out.push_str(&fenced("sh", &v.commands.join("\n")));
    }
    let tail = v.output_tail.trim_end();
    if !tail.is_empty() {
        let start = tail
            .char_indices()
            .rev()
            .nth(MAX_OUTPUT_TAIL_CHARS)
            .map(|(i, _)| i)
            .unwrap_or(0);
        out.push_str("\n<details><summary>Output (tail)</summary>\n\n");
        out.push_str(&fenced("text", &tail[start..]));
        out.push_str("\n</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_outgrows_backticks() {
        let s = fenced("diff", "+ let x = ```;\n");
        assert!(s.starts_with("````diff\n"), "{s}");
    }

    #[test]
    fn long_diff_is_cut_on_a_line() {
        let diff: String = (0..1000).map(|i| format!("+line {i}\n")).collect();
        let out = diff_block(&diff, 100);
        assert!(out.contains("Diff truncated"));
        assert!(out.contains("+line 0\n"));
        assert!(!out.contains("+line 999"));
    }

    #[test]
    fn table_escapes_pipes_and_newlines() {
        let f = Failure {
            message: "a | b\nc".into(),
            ..Failure::default()
        };
        let t = failure_table(&[f]);
        assert!(t.contains("a \\| b c"), "{t}");
    }
}
