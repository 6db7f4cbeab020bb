//! The fallback for any tool: per step, error-looking lines with a little
//! context, the `##[error]` annotations and the exit code. Its findings are
//! weak: they are reported only when no parser recognised its tool's output.

use crate::failure::sink::{Found, Sink, Tier};
use crate::failure::util::FastTrim;
use crate::failure::{Failure, FailureKind};
use std::collections::VecDeque;

const RING: usize = 6;
const MAX_SNIPPET_LINES: usize = 24;

#[derive(Debug, Default)]
pub struct Generic {
    /// Recent lines of the current step (context before an error line).
    ring: VecDeque<String>,
    /// Error lines (with context) seen in the current step.
    snippet: Vec<String>,
    /// Lines still to copy after the last error line.
    after: usize,
    last_error: Option<String>,
    step: Option<String>,
    errors: ErrorLines,
}

/// Recognises lines that say something failed, in the forms tools print.
/// This runs on every line of the log.
#[derive(Debug, Default)]
pub struct ErrorLines;

/// Whether `b` holds `error:`, `Error:`, ` failed`, `No space left on device`
/// or `command not found`. Each holds a `:` or an `f`: one pass finds those
/// bytes and the words are checked around them (cheaper, on a short line,
/// than a literal-set search).
fn has_error_word(b: &[u8]) -> bool {
    const NO_SPACE: &[u8] = b"No space left on device";
    const NOT_FOUND: &[u8] = b"command not found";
    crate::byte_search::iter2(b':', b'f', b).any(|i| {
        if b[i] == b':' {
            return i >= 5 && matches!(b[i - 5], b'e' | b'E') && &b[i - 4..i] == b"rror";
        }
        let at = |w: &[u8], off: usize| i >= off && b[i - off..].starts_with(w);
        at(b" failed", 1) || at(NO_SPACE, 11) || at(NOT_FOUND, 12)
    })
}

impl ErrorLines {
    pub fn is_error_line(&self, l: &str) -> bool {
        let t = l.trim_start_fast();
        if t.len() < 4 {
            return false;
        }
        let b = t.as_bytes();
        if matches!(b[0], b'e' | b'E' | b'f' | b'F' | b'n' | b'[' | b'C' | b'U')
            && (t.starts_with("error")
                || t.starts_with("Error")
                || t.starts_with("ERROR")
                || t.starts_with("fatal:")
                || t.starts_with("FATAL")
                || t.starts_with("npm ERR!")
                || t.starts_with("[ERROR]")
                || t.starts_with("E: ")
                || t.starts_with("FAILURE:")
                || t.starts_with("FAIL ")
                || t.starts_with("FAILED")
                || t.starts_with("Could not ")
                || t.starts_with("Unable to "))
        {
            return true;
        }
        // make: `make[1]: *** [Makefile:12: all] Error 1`.
        if t.starts_with("make") && t.contains("***") {
            return true;
        }
        // `error:` / `Error:` anywhere, ` failed`, and two shell/OS messages.
        has_error_word(b)
    }
}

/// One-off check (see [`ErrorLines`]).
pub fn is_error_line(l: &str) -> bool {
    ErrorLines.is_error_line(l)
}

impl Generic {
    pub fn new() -> Self {
        Self::default()
    }

    fn push_ring(&mut self, l: &str) {
        if self.ring.len() == RING {
            if let Some(mut s) = self.ring.pop_front() {
                s.clear();
                s.push_str(l);
                self.ring.push_back(s);
                return;
            }
        }
        self.ring.push_back(l.to_string());
    }

    pub fn line(&mut self, l: &str, out: &mut Sink) {
        if let Some(title) = l.strip_prefix("##[group]") {
            if title.starts_with("Run ") {
                self.step = Some(title.to_string());
                self.snippet.clear();
                self.ring.clear();
                self.after = 0;
                self.last_error = None;
            }
            return;
        }
        if let Some(msg) = l.strip_prefix("##[error]") {
            self.error_annotation(msg.trim_fast(), out);
            return;
        }
        if self.errors.is_error_line(l) {
            if self.snippet.len() < MAX_SNIPPET_LINES {
                if self.after == 0 {
                    // A new window: separator and two lines of context before.
                    if !self.snippet.is_empty() {
                        self.snippet.push("…".into());
                    }
                    let skip = self.ring.len().saturating_sub(2);
                    let ctx: Vec<String> = self.ring.iter().skip(skip).cloned().collect();
                    self.snippet.extend(ctx);
                }
                self.snippet.push(l.to_string());
            } else {
                // Keep the newest error visible: replace the tail.
                let n = self.snippet.len();
                self.snippet[n - 1] = l.to_string();
            }
            self.after = 2;
            self.last_error = Some(l.trim_fast().to_string());
        } else if self.after > 0 {
            self.after -= 1;
            if self.snippet.len() < MAX_SNIPPET_LINES {
                self.snippet.push(l.to_string());
            }
        }
        self.push_ring(l);
    }

    fn error_annotation(&mut self, msg: &str, out: &mut Sink) {
        let exit = msg
            .strip_prefix("Process completed with exit code ")
            .map(|c| c.trim_end_matches('.').to_string());
        let message = match (&exit, &self.last_error) {
            (Some(_), Some(e)) => e.clone(),
            (Some(code), None) => format!("step failed with exit code {code}"),
            (None, _) => msg.to_string(),
        };
        let mut details = Vec::new();
        if let Some(s) = &self.step {
            details.push(s.clone());
        }
        if self.snippet.is_empty() {
            // No error-looking line: the last lines before the failure are the evidence.
            details.extend(self.ring.iter().cloned());
        }
        details.extend(self.snippet.iter().cloned());
        if exit.is_none() || self.snippet.is_empty() {
            // The annotation itself is the evidence (cancellation, timeouts, action errors).
            details.push(format!("##[error]{msg}"));
        }
        if let Some(code) = &exit {
            details.push(format!("exit code {code}"));
        }
        // `test -z "$(gofmt -l .)"` fails without a word: the step's script is the
        // only evidence of what failed, and the gofmt recipe can list the files itself.
        let silent_gofmt = exit.is_some()
            && self.last_error.is_none()
            && self.snippet.is_empty()
            && self
                .step
                .as_deref()
                .and_then(|s| s.strip_prefix("Run "))
                .is_some_and(super::diagnostics::lists_gofmt_files);
        let f = if silent_gofmt {
            Failure {
                kind: FailureKind::Format,
                tool: "gofmt".into(),
                message: "not formatted as gofmt would (the check names no files)".into(),
                ..Default::default()
            }
        } else {
            Failure {
                kind: FailureKind::Unknown,
                tool: "ci".into(),
                message,
                ..Default::default()
            }
        };
        let mut found = Found::new(f, Tier::Fallback);
        found.details = details;
        out.push(found);
        self.snippet.clear();
        self.last_error = None;
    }

    pub fn finish(&mut self, _out: &mut Sink) {
        self.snippet.clear();
        self.ring.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same lines as the literal set it stands for, on lines built from
    /// the words, their parts and look-alikes.
    #[test]
    fn error_words_are_the_literal_set_s() {
        let set =
            regex::bytes::Regex::new("[eE]rror:| failed|No space left on device|command not found")
                .unwrap();
        let parts = [
            "error:",
            "Error:",
            "rror:",
            "eRror:",
            "ERROR:",
            " failed",
            "failed",
            " faile",
            "No space left on device",
            "No space left on devic",
            "o space left on device",
            "command not found",
            "command not foun",
            "ommand not found",
            "x",
            " ",
            ":",
            "f",
            "e",
            "E",
            "é",
            "left",
            " f",
            "No space ",
            "command not ",
        ];
        let mut pick = crate::failure::util::test_picker(0x9e37_79b9_7f4a_7c15u64);
        let (mut yes, mut no) = (0, 0);
        for _ in 0..20_000 {
            let n = 1 + pick(4);
            let line: String = (0..n).map(|_| parts[pick(parts.len())]).collect();
            let want = set.is_match(line.as_bytes());
            assert_eq!(has_error_word(line.as_bytes()), want, "{line:?}");
            if want {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} {no}");
    }
}
