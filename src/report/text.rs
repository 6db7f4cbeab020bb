//! The terminal form of a report (what `self-heal run` prints).

use super::{AttemptSource, Report};
use std::fmt::Write;

impl Report {
    /// The report's free text passed through `visible` (control characters shown as
    /// escapes), for the terminal.
    pub fn for_display(&self, visible: &dyn Fn(&str) -> String) -> Report {
        let mut r = self.clone();
        r.reason = visible(&r.reason);
        r.input_cut = r.input_cut.iter().map(|c| visible(c)).collect();
        r.diagnosis = visible(&r.diagnosis);
        r.patch = visible(&r.patch);
        for f in &mut r.failures {
            f.message = visible(&f.message);
            f.test = f.test.as_deref().map(visible);
            f.file = f.file.as_deref().map(visible);
        }
        for a in &mut r.attempts {
            a.error = a.error.as_deref().map(visible);
            a.validation.commands = a.validation.commands.iter().map(|c| visible(c)).collect();
        }
        r
    }

    /// One line per failure and attempt, the diagnosis, the patch (through
    /// `patch_style`, e.g. colours), model usage and the status.
    pub fn to_text(&self, patch_style: &dyn Fn(&str) -> String) -> String {
        let mut s = String::new();
        for cut in &self.input_cut {
            let _ = writeln!(s, "input cut: {cut}");
        }
        for f in &self.failures {
            let loc = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!(" ({file}:{line})"),
                (Some(file), None) => format!(" ({file})"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "failure: {}{loc}: {}",
                f.test.as_deref().unwrap_or(f.kind.as_str()),
                f.message
            );
        }
        for a in &self.attempts {
            let result = match (&a.error, a.validation.passed) {
                (Some(e), _) => format!("rejected: {e}"),
                (None, true) => "validated".into(),
                (None, false) => "validation failed".into(),
            };
            let source = match a.source {
                AttemptSource::Llm => "model",
                AttemptSource::Recipe => "recipe",
            };
            let _ = writeln!(s, "attempt {} ({source}): {result}", a.n);
            for cmd in &a.validation.commands {
                let _ = writeln!(s, "  ran: {cmd}");
            }
        }
        if !self.diagnosis.is_empty() {
            let _ = writeln!(s, "diagnosis: {}", self.diagnosis);
        }
        if !self.patch.is_empty() {
            let _ = writeln!(s, "{}", patch_style(&self.patch));
        }
        if self.llm.requests > 0 {
            let _ = writeln!(
                s,
                "model: {} request(s), {} prompt + {} completion tokens",
                self.llm.requests, self.llm.prompt_tokens, self.llm.completion_tokens
            );
        }
        let _ = writeln!(s, "status: {} ({})", self.status.as_str(), self.reason);
        s
    }
}
