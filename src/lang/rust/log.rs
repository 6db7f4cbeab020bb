//! Rust: `cargo test` (libtest and nextest) failures and panics, rustc and
//! clippy diagnostics (human and `--message-format short`), `cargo fmt --check` diffs.
//!
//! Warnings are never failures: they are context, and a build that denies them
//! (`-D warnings`, `RUSTFLAGS=-Dwarnings`, `#![deny(warnings)]`) gets them printed as
//! `error:` (`= note: ... implied by -D warnings`), which are failures. A log with
//! warnings only has no failure here. [`diagnostics_located`] still lists them, for
//! a linter's every finding (the diagnostics fixtures score their locations).

use super::libtest::{nextest_line, test_line};
use crate::failure::util::FastTrim;
use crate::failure::util::{clip, lines, num, MAX_FAILURES};
use crate::failure::{Failure, FailureKind, Located, LogParser, TextLines};
use crate::lang::reports::Outcome;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Rust's parser for the analysis engine: it needs the text whole (a failing test is
/// paired with its panic at the end of its binary's run).
pub struct Parser;

impl LogParser for Parser {
    fn text(&mut self, chunk: &TextLines<'_>) -> Vec<Failure> {
        let locs = chunk.may_hold(&RS_LOC);
        read_lines(chunk.lines.iter().copied().zip(locs))
            .finish(false)
            .into_iter()
            .map(|l| l.failure)
            .collect()
    }
}

/// Failures in cleaned log text (timestamps, ANSI and CR progress already removed).
pub fn parse(text: &str) -> Vec<Failure> {
    parse_located(text).into_iter().map(|l| l.failure).collect()
}

/// Like [`parse`], with columns.
pub fn parse_located(text: &str) -> Vec<Located> {
    read(text).finish(false)
}

/// Every diagnostic rustc or clippy printed, with columns: the failures, or, when
/// there is none, the warnings (what a linter reports; never what failed a run).
pub fn diagnostics_located(text: &str) -> Vec<Located> {
    read(text).finish(true)
}

fn read(text: &str) -> RustParser {
    read_lines(lines(text).map(|l| (l, true)))
}

/// [`read`] on a text's lines (see [`lines`]), each with whether it may
/// hold `.rs:` (`false` only when it does not).
fn read_lines<'a>(lines: impl Iterator<Item = (&'a str, bool)>) -> RustParser {
    let mut p = RustParser::default();
    for (line, loc) in lines {
        p.line(line, loc);
        if p.errors.len() >= MAX_FAILURES {
            break;
        }
    }
    p
}

/// `.rs:`, searched on most lines: a prebuilt finder instead of a searcher built per call.
static RS_LOC: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(".rs:"));

static NEW_PANIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^thread '([^']*)'(?: \(\d+\))? panicked at (.+?):(\d+):(\d+):$")
        .expect("static regex")
});
static OLD_PANIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^thread '([^']*)'(?: \(\d+\))? panicked at '(.*)', (.+?):(\d+):(\d+)$")
        .expect("static regex")
});
static OLD_PANIC_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^thread '([^']*)'(?: \(\d+\))? panicked at '(.*)$").expect("static regex")
});
static OLD_PANIC_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*)', (.+?):(\d+):(\d+)$").expect("static regex"));
/// `error[E0308]: mismatched types`, `warning: unused variable: `x``.
static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(error|warning)(\[[A-Za-z0-9_:-]+\])?: (.+)$").expect("static regex")
});
/// `  --> src/main.rs:4:18`
static ARROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*--> (.+?):(\d+):(\d+)$").expect("static regex"));
/// `src/main.rs:3:5: warning: unused import` (`--message-format short`).
static SHORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?\.rs):(\d+):(\d+): ((error|warning)(\[[A-Za-z0-9_:-]+\])?: .+)$")
        .expect("static regex")
});
static FMT_DIFF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Diff in (.+?)(?: at line (\d+):|:(\d+):)$").expect("static regex")
});

/// Lines after a new-style panic header kept as its message.
const PANIC_MESSAGE_LINES: usize = 4;
/// Lines an old-style `panicked at '...'` message may span before we give up on it.
const OLD_PANIC_MAX_LINES: usize = 30;
/// Failing tests remembered per `running N tests` block.
const MAX_TESTS: usize = 50_000;

struct Panic {
    col: Option<u32>,
    thread: String,
    /// The `---- name stdout ----` section it appeared in.
    section: Option<String>,
    file: String,
    line: Option<u32>,
    message: String,
    used: bool,
}

/// A rustc diagnostic header waiting for its `-->` location and notes.
struct Pending {
    col: Option<u32>,
    severity_error: bool,
    header: String,
    file: Option<String>,
    line: Option<u32>,
    clippy: bool,
}

enum PanicText {
    /// New format: message lines follow the header.
    New { idx: usize, taken: usize },
    /// Old format spread over lines: text so far, thread, section.
    Old {
        thread: String,
        text: String,
        lines: usize,
    },
}

#[derive(Default)]
struct RustParser {
    failed_tests: Vec<String>,
    failed_set: HashSet<String>,
    section: Option<String>,
    panics: Vec<Panic>,
    panic_text: Option<PanicText>,
    pending: Option<Pending>,
    errors: Vec<Located>,
    warnings: Vec<Located>,
    /// Inside nextest's (0.9.100+) `  stdout ───` / `  stderr ───` block,
    /// whose captured output is indented by four spaces.
    nextest_block: bool,
    /// The test target cargo runs now (`unittests src/lib.rs`, `tests/api.rs`),
    /// from its `Running` line: what a crash that names no test killed.
    running: Option<String>,
}

impl RustParser {
    /// `loc`: whether `raw` may hold `.rs:` (see [`read_lines`]).
    fn line(&mut self, raw: &str, loc: bool) {
        let mut t = raw.trim_end_fast();
        let mut s = t.trim_start_fast();
        if s.starts_with("stdout ───") || s.starts_with("stderr ───") {
            self.nextest_block = true;
            return;
        }
        if self.nextest_block {
            let status = nextest_line(t).is_some();
            if status || !t.is_empty() && !t.starts_with("    ") {
                self.nextest_block = false;
            } else {
                t = t.strip_prefix("    ").unwrap_or(t);
                s = t.trim_start_fast();
                // The test binary's own lines repeat the status line; its
                // `test result:` must not close the run before the panic
                // (in the stderr block that follows) is read.
                if t.starts_with("test ") {
                    return;
                }
            }
        }
        if let Some(pt) = self.panic_text.take() {
            if self.panic_continuation(pt, t) {
                return;
            }
        }
        if t.is_empty() {
            return;
        }
        // Both read the line without its indent: `s`.
        if let Some(target) = running_target(s) {
            self.running = Some(target);
            return;
        }
        if let Some(f) = self.crash(s) {
            self.errors.push(f);
            return;
        }
        let first = t.as_bytes()[0];
        // Cheap dispatch on the first byte: most log lines match nothing here.
        match first {
            b't' if t.starts_with("thread '") => self.panic_header(t),
            b't' if t.starts_with("test ") => self.test_line(t),
            b'-' if t.starts_with("---- ") => {
                self.section = t
                    .strip_prefix("---- ")
                    .and_then(|r| {
                        r.strip_suffix(" stdout ----")
                            .or_else(|| r.strip_suffix(" stderr ----"))
                    })
                    .map(str::to_string);
            }
            b'e' | b'w' if t.starts_with("error") || t.starts_with("warning") => self.header(t),
            b'D' if t.starts_with("Diff in ") => self.fmt_diff(t),
            b' ' | b'\t' => self.indented(t),
            _ => {
                if loc && RS_LOC.find(t.as_bytes()).is_some() {
                    self.short(t);
                }
            }
        }
    }

    /// Returns true when the line belonged to the panic message.
    fn panic_continuation(&mut self, pt: PanicText, t: &str) -> bool {
        match pt {
            PanicText::New { idx, taken } => {
                let stop = t.is_empty()
                    || t.starts_with("note: ")
                    || t.starts_with("stack backtrace:")
                    || t.starts_with("---- ")
                    || t.starts_with("thread '")
                    || t.starts_with("test ")
                    || taken >= PANIC_MESSAGE_LINES;
                if stop {
                    return false;
                }
                if let Some(p) = self.panics.get_mut(idx) {
                    p.message = if p.message.is_empty() {
                        clip(t)
                    } else {
                        clip(&format!("{} {}", p.message, t.trim_fast()))
                    };
                }
                self.panic_text = Some(PanicText::New {
                    idx,
                    taken: taken + 1,
                });
                true
            }
            PanicText::Old {
                thread,
                mut text,
                lines,
            } => {
                if let Some(c) = OLD_PANIC_END.captures(t) {
                    text.push(' ');
                    text.push_str(c[1].trim_fast());
                    self.push_panic(thread, &c[2], (&c[3], &c[4]), text);
                    return true;
                }
                if lines >= OLD_PANIC_MAX_LINES {
                    return false;
                }
                if text.len() < 2000 {
                    text.push(' ');
                    text.push_str(t.trim_fast());
                }
                self.panic_text = Some(PanicText::Old {
                    thread,
                    text,
                    lines: lines + 1,
                });
                true
            }
        }
    }

    fn panic_header(&mut self, t: &str) {
        if let Some(c) = NEW_PANIC.captures(t) {
            self.push_panic(c[1].to_string(), &c[2], (&c[3], &c[4]), String::new());
            self.panic_text = Some(PanicText::New {
                idx: self.panics.len() - 1,
                taken: 0,
            });
        } else if let Some(c) = OLD_PANIC.captures(t) {
            self.push_panic(c[1].to_string(), &c[3], (&c[4], &c[5]), c[2].to_string());
        } else if let Some(c) = OLD_PANIC_START.captures(t) {
            self.panic_text = Some(PanicText::Old {
                thread: c[1].to_string(),
                text: clip(&c[2]),
                lines: 0,
            });
        }
    }

    fn push_panic(
        &mut self,
        thread: String,
        file: &str,
        (line, col): (&str, &str),
        message: String,
    ) {
        if self.panics.len() >= MAX_TESTS {
            return;
        }
        self.panics.push(Panic {
            thread,
            section: self.section.clone(),
            file: file.to_string(),
            line: num(line),
            col: num(col),
            message: clip(&message),
            used: false,
        });
    }

    /// cargo's `process didn't exit successfully: `…` (signal: 11, SIGSEGV: …)`: the
    /// test binary was killed before its summary, so it names no test; the failure
    /// is the target that crashed, at its source file. The tests it did report
    /// failing are still read.
    fn crash(&mut self, t: &str) -> Option<Located> {
        let s = t.trim_start_fast();
        let rest = s.strip_prefix("process didn't exit successfully: ")?;
        let open = rest.rfind("(signal: ")?;
        let signal = rest[open + 1..].trim_end_matches(')');
        if !self.failed_tests.is_empty() {
            self.flush_tests();
        }
        let target = self.running.take();
        let file = target
            .as_deref()
            .and_then(|t| t.split_whitespace().last())
            .filter(|f| f.ends_with(".rs"))
            .map(str::to_string);
        let what = match &target {
            Some(t) => format!("the test binary of `{t}`"),
            None => "a test binary".to_string(),
        };
        Some(Located {
            failure: Failure {
                kind: FailureKind::TestFailure,
                tool: "cargo".into(),
                file,
                message: clip(&format!(
                    "{what} was killed by a signal before it named a failing test ({signal})"
                )),
                ..Default::default()
            },
            column: None,
        })
    }

    fn test_line(&mut self, t: &str) {
        if t.starts_with("test result: ") {
            self.flush_tests();
            return;
        }
        if let Some((name, Outcome::Failed)) = test_line(t) {
            self.fail_test(name.to_string());
        }
    }

    fn fail_test(&mut self, name: String) {
        if self.failed_tests.len() < MAX_TESTS && self.failed_set.insert(name.clone()) {
            self.failed_tests.push(name);
        }
    }

    /// End of one test binary's run: pair each failing test with its panic.
    fn flush_tests(&mut self) {
        self.failed_set.clear();
        // Index unclaimed panics by section and by thread so pairing stays linear.
        let mut by_section: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_thread: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in self.panics.iter().enumerate().rev() {
            if p.used {
                continue;
            }
            if let Some(s) = &p.section {
                by_section.entry(s.as_str()).or_default().push(i);
            }
            by_thread.entry(p.thread.as_str()).or_default().push(i);
        }
        let mut claimed: HashSet<usize> = HashSet::new();
        let mut failures = Vec::new();
        for name in std::mem::take(&mut self.failed_tests) {
            let take = |m: &mut HashMap<&str, Vec<usize>>| {
                let v = m.get_mut(name.as_str())?;
                while let Some(i) = v.pop() {
                    if !claimed.contains(&i) {
                        return Some(i);
                    }
                }
                None
            };
            let idx = take(&mut by_section).or_else(|| take(&mut by_thread));
            let mut f = Failure {
                kind: FailureKind::TestFailure,
                tool: "cargo".into(),
                test: Some(name),
                message: "test failed".into(),
                ..Default::default()
            };
            let mut column = None;
            if let Some(p) = idx.and_then(|i| self.panics.get(i)) {
                f.file = Some(p.file.clone());
                f.line = p.line;
                column = p.col;
                if !p.message.is_empty() {
                    f.message = p.message.clone();
                }
            }
            if let Some(i) = idx {
                claimed.insert(i);
            }
            failures.push(Located { failure: f, column });
        }
        for i in claimed {
            if let Some(p) = self.panics.get_mut(i) {
                p.used = true;
            }
        }
        self.errors.append(&mut failures);
        self.section = None;
    }

    fn header(&mut self, t: &str) {
        self.emit_pending();
        let Some(c) = HEADER.captures(t) else { return };
        let severity_error = &c[1] == "error";
        let msg = &c[3];
        if is_summary(msg) {
            return;
        }
        self.pending = Some(Pending {
            col: None,
            severity_error,
            header: clip(t),
            file: None,
            line: None,
            clippy: c.get(2).is_some_and(|m| m.as_str().contains("clippy")),
        });
    }

    fn indented(&mut self, t: &str) {
        let s = t.trim_start_fast();
        let nextest = ["FAIL [", "SIG", "TIMEOUT ["]
            .iter()
            .any(|p| s.starts_with(p));
        if nextest {
            if let Some((Outcome::Failed, name)) = nextest_line(t) {
                self.fail_test(name.to_string());
                return;
            }
        }
        let Some(p) = self.pending.as_mut() else {
            return;
        };
        let s = t.trim_start_fast();
        if s.starts_with("--> ") {
            if p.file.is_none() {
                if let Some(c) = ARROW.captures(t) {
                    p.file = Some(c[1].to_string());
                    p.line = num(&c[2]);
                    p.col = num(&c[3]);
                }
            }
        } else if s.starts_with("= ") && (s.contains("clippy::") || s.contains("rust-clippy")) {
            p.clippy = true;
        }
    }

    fn short(&mut self, t: &str) {
        if let Some(c) = SHORT.captures(t) {
            self.emit_pending();
            let error = &c[5] == "error";
            let f = Failure {
                kind: if error {
                    FailureKind::CompileError
                } else {
                    FailureKind::Lint
                },
                tool: "rustc".into(),
                file: Some(c[1].to_string()),
                line: num(&c[2]),
                message: clip(&c[4]),
                ..Default::default()
            };
            let l = Located {
                failure: f,
                column: num(&c[3]),
            };
            if error {
                self.errors.push(l);
            } else if self.warnings.len() < MAX_FAILURES {
                self.warnings.push(l);
            }
        }
    }

    fn fmt_diff(&mut self, t: &str) {
        if let Some(c) = FMT_DIFF.captures(t) {
            let line = c.get(2).or(c.get(3)).and_then(|m| num(m.as_str()));
            let failure = Failure {
                kind: FailureKind::Format,
                tool: "rustfmt".into(),
                file: Some(c[1].to_string()),
                line,
                message: "not formatted as rustfmt would (cargo fmt --check)".into(),
                ..Default::default()
            };
            self.errors.push(Located {
                failure,
                column: None,
            });
        }
    }

    fn emit_pending(&mut self) {
        let Some(p) = self.pending.take() else { return };
        // Without a location only cargo's own dependency errors and coded rustc
        // errors are ours: other tools print `error: ...` lines too.
        if p.file.is_none()
            && !(p.severity_error
                && (p.header.starts_with("error[")
                    || classify_unlocated(&p.header) == FailureKind::Dependency))
        {
            return;
        }
        let tool = if p.clippy { "clippy" } else { "rustc" };
        let kind = if p.file.is_none() && classify_unlocated(&p.header) == FailureKind::Dependency {
            FailureKind::Dependency
        } else if p.clippy {
            FailureKind::Lint
        } else if p.severity_error {
            FailureKind::CompileError
        } else {
            FailureKind::Lint
        };
        let f = Failure {
            kind,
            tool: if p.file.is_none() {
                "cargo".into()
            } else {
                tool.into()
            },
            file: p.file,
            line: p.line,
            message: p.header,
            ..Default::default()
        };
        let l = Located {
            failure: f,
            column: p.col,
        };
        if p.severity_error {
            self.errors.push(l);
        } else if self.warnings.len() < MAX_FAILURES {
            self.warnings.push(l);
        }
    }

    /// The failures; with `warnings`, the warnings instead when there is none.
    fn finish(mut self, warnings: bool) -> Vec<Located> {
        self.emit_pending();
        if !self.failed_tests.is_empty() {
            self.flush_tests(); // log cut before `test result:`
        }
        // Panics that no failing test claimed: build scripts, binaries run by CI.
        for p in self.panics.iter().filter(|p| !p.used) {
            let failure = Failure {
                kind: FailureKind::Unknown,
                tool: "cargo".into(),
                file: Some(p.file.clone()),
                line: p.line,
                message: if p.message.is_empty() {
                    format!("thread '{}' panicked", p.thread)
                } else {
                    p.message.clone()
                },
                ..Default::default()
            };
            self.errors.push(Located {
                failure,
                column: p.col,
            });
        }
        let mut out = std::mem::take(&mut self.errors);
        if out.is_empty() && warnings {
            out = std::mem::take(&mut self.warnings);
        }
        out.truncate(MAX_FAILURES);
        out
    }
}

/// `unittests src/lib.rs` from cargo's `     Running unittests src/lib.rs (target/debug/deps/x-1a2b)`.
fn running_target(t: &str) -> Option<String> {
    let rest = t.trim_start_fast().strip_prefix("Running ")?;
    let target = match rest.rfind(" (") {
        Some(i) if rest.ends_with(')') => &rest[..i],
        _ => rest,
    };
    (target.ends_with(".rs")).then(|| target.to_string())
}

/// cargo's and rustc's closing lines repeat what the diagnostics above said.
fn is_summary(msg: &str) -> bool {
    const SUMMARY: &[&str] = &[
        "aborting due to",
        "could not compile",
        "test failed, to rerun",
        "warnings emitted",
        "warning emitted",
        "build failed",
        "Some errors have detailed explanations",
        "For more information about",
    ];
    SUMMARY.iter().any(|s| msg.starts_with(s))
        || (msg.starts_with('`') && msg.contains(" generated ") && msg.contains("warning"))
}

/// An `error:` without a source location: resolution and download failures aren't code bugs.
fn classify_unlocated(header: &str) -> FailureKind {
    const DEPENDENCY: &[&str] = &[
        "failed to select a version",
        "no matching package",
        "failed to load source",
        "failed to get",
        "failed to download",
        "failed to fetch",
        "Unable to update",
        "failed to parse lock file",
        "the lock file",
    ];
    if DEPENDENCY.iter().any(|d| header.contains(d)) {
        FailureKind::Dependency
    } else {
        FailureKind::CompileError
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_test_new_panic_format() {
        let log =
            "running 2 tests\ntest tests::ok ... ok\ntest tests::bad ... FAILED\n\nfailures:\n\n\
---- tests::bad stdout ----\nthread 'tests::bad' panicked at src/lib.rs:12:5:\n\
assertion `left == right` failed\n  left: 1\n right: 2\n\
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\n\
failures:\n    tests::bad\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored\n\n\
error: test failed, to rerun pass `--lib`\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].kind, FailureKind::TestFailure);
        assert_eq!(f[0].test.as_deref(), Some("tests::bad"));
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("src/lib.rs"), Some(12))
        );
        assert_eq!(
            f[0].message,
            "assertion `left == right` failed left: 1 right: 2"
        );
    }

    #[test]
    fn panic_header_with_thread_id() {
        // Rust 1.91+ prints the thread id after the name.
        let log = "test t ... FAILED\n---- t stdout ----\nthread 't' (7604) panicked at src/a.rs:4:5:\nboom\n\ntest result: FAILED.\n";
        let f = parse(log);
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("src/a.rs"), Some(4))
        );
        assert_eq!(f[0].message, "boom");
    }

    #[test]
    fn cargo_test_old_panic_formats() {
        let log = "test a::one ... FAILED\ntest a::two ... FAILED\n\
---- a::one stdout ----\nthread 'a::one' panicked at 'boom', src/a.rs:3:9\n\
---- a::two stdout ----\nthread 'a::two' panicked at 'assertion failed: `(left == right)`\n  left: `1`,\n right: `2`', tests/t.rs:7:5\n\
test result: FAILED. 0 passed; 2 failed\n";
        let f = parse(log);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!((f[0].message.as_str(), f[0].line), ("boom", Some(3)));
        assert_eq!(f[1].file.as_deref(), Some("tests/t.rs"));
        assert_eq!(f[1].line, Some(7));
        assert!(f[1].message.contains("left: `1`"), "{}", f[1].message);
    }

    #[test]
    fn rustc_error_with_code_and_location() {
        let log = "   Compiling x v0.1.0\nwarning: unused variable: `y`\n --> src/main.rs:2:9\n  |\n\
error[E0308]: mismatched types\n --> src/main.rs:4:18\n  |\n4 |     let x: i32 = \"a\";\n  |            ---   ^^^ expected `i32`\n\n\
error: aborting due to 1 previous error\n\nerror: could not compile `x` (bin \"x\") due to 1 previous error\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "warnings are dropped next to errors: {f:?}");
        assert_eq!(f[0].kind, FailureKind::CompileError);
        assert_eq!(f[0].message, "error[E0308]: mismatched types");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("src/main.rs"), Some(4))
        );
    }

    #[test]
    fn clippy_lint_denied() {
        let log = [
            "error: length comparison to zero",
            "  --> src/lib.rs:27:8",
            "   |",
            "   = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#len_zero",
            "   = note: `-D clippy::len-zero` implied by `-D warnings`",
        ]
        .join("\n");
        let log = log.as_str();
        let f = parse(log);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].tool.as_str(), f[0].kind),
            ("clippy", FailureKind::Lint)
        );
        assert_eq!(f[0].line, Some(27));
    }

    #[test]
    fn rustfmt_diffs_both_forms() {
        let log = "Diff in /home/runner/work/r/r/src/main.rs at line 1:\n fn main() {\n-x\n+y\n\
Diff in src/lib.rs:12:\n";
        let f = parse(log);
        assert_eq!(f.len(), 2);
        assert!(f
            .iter()
            .all(|f| f.kind == FailureKind::Format && f.tool == "rustfmt"));
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("/home/runner/work/r/r/src/main.rs"), Some(1))
        );
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("src/lib.rs"), Some(12))
        );
    }

    #[test]
    fn nextest_failures_pair_with_panics_by_thread() {
        let log = "        FAIL [   0.004s] my-crate tests::b\n--- STDERR: my-crate tests::b ---\n\
thread 'tests::b' panicked at src/lib.rs:9:5:\nboom\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("tests::b"));
        assert_eq!(f[0].line, Some(9));
        assert_eq!(f[0].message, "boom");
    }

    #[test]
    fn nextest_indented_blocks_pair_the_panic() {
        // nextest 0.9.100+: a `(2/2)` counter, captured output indented under
        // `stdout ───` / `stderr ───`, the libtest summary before the panic.
        let log = r"        FAIL [   0.010s] (2/2) ring ring::tests::b
  stdout ───

    running 1 test
    test ring::tests::b ... FAILED

    test result: FAILED. 0 passed; 1 failed; 0 ignored

  stderr ───

    thread 'ring::tests::b' (11) panicked at src/ring.rs:33:19:
    boom
    note: run with

────────────
     Summary [   0.012s] 2 tests run: 1 passed, 1 failed, 0 skipped
        FAIL [   0.010s] (2/2) ring ring::tests::b
error: test run failed
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("ring::tests::b"));
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("src/ring.rs"), Some(33))
        );
        assert_eq!(f[0].message, "boom");
    }

    #[test]
    fn doctest_failure_keeps_its_name_and_panic() {
        let log = "test src/lib.rs - add (line 3) ... FAILED\n\
---- src/lib.rs - add (line 3) stdout ----\nthread 'main' panicked at src/lib.rs:6:1:\nboom\n\n\
test result: FAILED. 0 passed; 1 failed\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("src/lib.rs - add (line 3)"));
        assert_eq!(f[0].message, "boom");
    }

    #[test]
    fn dependency_errors_are_not_code_bugs() {
        let f = parse("error: failed to select a version for the requirement `foo = \"^9\"`\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, FailureKind::Dependency);
    }
}
