//! Go: `go test` (text and `-json`), panics, data races, build errors under
//! `# pkg` headers, `go vet` and golangci-lint findings.
//!
//! `go test` prints a package's name only in its closing `ok`/`FAIL pkg` line,
//! after the tests, so failures are held per package until that line (or the
//! end of the log, where they are emitted without a package).

use crate::failure::util::FastTrim;
use crate::failure::util::{clean_path, clip, clip_str, lines, num, MAX_FAILURES};
use crate::failure::{Failure, FailureKind, LogParser, TextLines};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// A Go failure with the package it belongs to, when the log names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoFailure {
    /// Import path (`example.com/m/pkg`) from the `FAIL pkg` line or `# pkg` header.
    pub package: Option<String>,
    pub failure: Failure,
    /// Column of a build error or lint finding, when printed.
    pub column: Option<u32>,
}

/// Go's parser for the analysis engine: it needs the text whole (a package is named
/// only by its closing line, after its tests).
pub struct Parser;

impl LogParser for Parser {
    fn text(&mut self, chunk: &TextLines<'_>) -> Vec<Failure> {
        let locs = chunk.may_hold(&GO_LOC);
        parse_lines(chunk.lines.iter().copied().zip(locs))
            .into_iter()
            .map(|g| g.failure)
            .collect()
    }
}

/// Failures in cleaned log text (timestamps, ANSI and CR progress already removed).
pub fn parse(text: &str) -> Vec<Failure> {
    parse_detailed(text)
        .into_iter()
        .map(|g| g.failure)
        .collect()
}

/// Like [`parse`], keeping the package of each failure. Test ids are
/// `pkg.TestName` (`pkg.TestName/sub` for subtests) when the package is known.
pub fn parse_detailed(text: &str) -> Vec<GoFailure> {
    parse_lines(lines(text).map(|l| (l, true)))
}

/// [`parse_detailed`] on a text's lines (see [`lines`]), each with whether
/// it may hold `.go:` (`false` only when it does not).
fn parse_lines<'a>(lines: impl Iterator<Item = (&'a str, bool)>) -> Vec<GoFailure> {
    let mut p = GoParser::default();
    for (line, loc) in lines {
        p.line(line, loc);
        if p.out.len() >= MAX_FAILURES {
            break;
        }
    }
    p.finish()
}

/// `path.go:12:5: message` (column optional, as in `go vet`'s older output).
static DIAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:[A-Za-z]:)?[^\s:]*\.go):(\d+)(?::(\d+))?: ?(.*)$").expect("static regex")
});
/// A stack frame's location: `\t/src/x/y_test.go:9 +0x39`.
static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-fA-F]+)?$").expect("static regex")
});
/// `ok  \tpkg\t0.1s`, `FAIL\tpkg [build failed]`.
static SUMMARY: LazyLock<Regex> =
    // The duration, `(cached)` or `[build failed]` after the package tells go's line from jest's `FAIL src/x.test.js`.
    LazyLock::new(|| {
        Regex::new(r"^(ok|FAIL)\s+(\S+)\s+((?:\d+(?:\.\d+)?s|\(cached\)|\[(?:build|setup) failed\]|\[no test files\]).*)$")
            .expect("static regex")
    });
/// golangci-lint ends each finding with the linter's name: `... (errcheck)`.
static LINTER_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\([a-z][a-z0-9_-]*\)$").expect("static regex"));

/// Running tests tracked per package at most; a hostile log can't grow the map without bound.
const MAX_TRACKED: usize = 50_000;
/// Longest partial `-json` output line buffered.
const MAX_PARTIAL: usize = 64 * 1024;

/// Standard-library top-level packages: their frames are never where a bug is fixed.
const STD: &[&str] = &[
    "runtime",
    "testing",
    "sync",
    "reflect",
    "fmt",
    "os",
    "io",
    "net",
    "internal",
    "syscall",
    "encoding",
    "strings",
    "bytes",
    "errors",
    "time",
    "context",
    "math",
    "sort",
    "strconv",
    "bufio",
    "log",
    "path",
    "regexp",
    "unicode",
    "crypto",
    "compress",
    "container",
    "database",
    "debug",
    "embed",
    "go",
    "hash",
    "html",
    "image",
    "index",
    "mime",
    "plugin",
    "text",
    "unsafe",
    "slices",
    "maps",
    "cmp",
    "iter",
    "archive",
    "expvar",
    "flag",
    "vendor",
];

#[derive(Default)]
struct TestInfo {
    failed: bool,
    file: Option<String>,
    line: Option<u32>,
    message: Option<String>,
    /// 0: plain log line, 1: a line that reads like an assertion, 2: panic or race.
    strength: u8,
    timeout: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum TraceKind {
    Panic,
    Race,
}

/// Inside a goroutine dump: looking for the first frame in the user's code.
struct Trace {
    kind: TraceKind,
    /// The test it belongs to, or `None` for the package (init, TestMain).
    test: Option<String>,
    prev_func: Option<String>,
    found: bool,
}

/// [`PkgState::continuation`] inside a qt block: every value line is kept until `stack:`.
const QT: u8 = u8::MAX;

#[derive(Default)]
struct PkgState {
    tests: HashMap<String, TestInfo>,
    failed_order: Vec<String>,
    current: Option<String>,
    last_failed: Option<String>,
    trace: Option<Trace>,
    /// Package-level panic (no test running): message, file, line, timeout.
    panic: Option<(String, Option<String>, Option<u32>, bool)>,
    /// The last line that isn't go test chatter: the reason for a package failure without tests.
    /// Reused buffer: noise lines are the common case and must not allocate.
    last_output: String,
    /// testify prints `x_test.go:12: ` then the real message on `Error:` lines below
    /// (qt on `error:`/`got:`/`want:` blocks): the test and how many detail lines are
    /// still wanted, or [`QT`] inside a qt block.
    continuation: Option<(String, u8)>,
}

impl PkgState {
    /// Remembers `t` (a line without its trailing whitespace) as the latest
    /// output unless it is go test's own chatter.
    fn note_output(&mut self, t: &str) {
        if !is_chatter(t) {
            self.last_output.clear();
            self.last_output.push_str(clip_str(t.trim_start_fast()));
        }
    }
}

struct BuildBlock {
    package: String,
    vet: bool,
}

#[derive(Default)]
struct GoParser {
    /// Text output: the package is named only by its closing line.
    text: PkgState,
    /// `-json` events, keyed by package.
    pkgs: HashMap<String, PkgState>,
    build: Option<BuildBlock>,
    build_pkgs: HashSet<String>,
    partial: HashMap<String, String>,
    /// Inside gotestsum's `=== FAIL: pkg TestX` summary: the package its output belongs to.
    gotestsum: Option<String>,
    out: Vec<GoFailure>,
}

impl GoParser {
    /// The state for `key` (`""`: text output) without hashing on the common text path.
    fn state(&mut self, key: &str) -> &mut PkgState {
        if key.is_empty() {
            return &mut self.text;
        }
        // `-json` lines already allocate while being decoded; one more key string is noise.
        self.pkgs.entry(key.to_string()).or_default()
    }

    /// `loc`: whether `line` may hold `.go:` (see [`parse_lines`]).
    fn line(&mut self, line: &str, loc: bool) {
        if line.starts_with('{') {
            if let Some(ev) = super::json::event(line) {
                self.event(ev);
                return;
            }
        }
        let key = self.gotestsum.clone().unwrap_or_default();
        self.text_line(&key, line, loc);
    }

    fn event(&mut self, ev: super::json::Event) {
        let Some(output) = ev.output else { return };
        // build-output events (Go 1.24+) carry compiler output outside any test package.
        let key = if ev.action == "build-output" {
            String::new()
        } else {
            ev.package.unwrap_or_default()
        };
        let mut buf = self.partial.remove(&key).unwrap_or_default();
        if buf.len() + output.len() <= MAX_PARTIAL {
            buf.push_str(&output);
        }
        let complete = buf.ends_with('\n');
        let mut parts: Vec<&str> = buf.split('\n').collect();
        let rest = if complete {
            ""
        } else {
            parts.pop().unwrap_or("")
        };
        for part in parts {
            if !part.is_empty() || complete {
                self.text_line(&key, part, true);
            }
        }
        if !rest.is_empty() {
            self.partial.insert(key, rest.to_string());
        }
    }

    fn text_line(&mut self, key: &str, line: &str, loc: bool) {
        let t = line.trim_end_fast();
        if t.is_empty() {
            return;
        }
        // Fast path for the bulk of a log: a line no rule below can match while
        // no build block, stack trace or testify message is open.
        if self.build.is_none() && !maybe_go_line(t, loc) {
            let st = self.state(key);
            if st.trace.is_none() && st.continuation.is_none() {
                st.note_output(t);
                return;
            }
        }
        if let Some(rest) = t.strip_prefix("# ") {
            self.build = Some(build_header(rest));
            return;
        }
        if let Some(b) = &self.build {
            // A golangci-lint finding (`... (errcheck)`) right after a build block isn't part of it.
            if !t.starts_with(char::is_whitespace)
                && loc
                && GO_LOC.find(t.as_bytes()).is_some()
                && !LINTER_SUFFIX.is_match(t)
            {
                if let Some(c) = DIAG.captures(t) {
                    let (package, vet) = (b.package.clone(), b.vet);
                    self.build_pkgs.insert(package.clone());
                    let (kind, tool) = if vet {
                        (FailureKind::Lint, "go vet")
                    } else {
                        (FailureKind::CompileError, "go")
                    };
                    self.push(Some(package), diag_failure(&c, kind, tool), num_opt(&c, 3));
                    return;
                }
            }
            if t.starts_with(char::is_whitespace) {
                return; // continuation of the previous error (e.g. `cannot find package` paths)
            }
            self.build = None;
        }

        // gotestsum's summary: `=== FAIL: example.com/m/pkg TestX (0.00s)`, output below it.
        if let Some(rest) = t.strip_prefix("=== FAIL: ") {
            let mut it = rest.split_whitespace();
            if let (Some(pkg), Some(name)) = (it.next(), it.next()) {
                if !name.starts_with('(') {
                    let st = self.state(pkg);
                    let info = st.tests.entry(name.to_string()).or_default();
                    if !info.failed {
                        info.failed = true;
                        st.failed_order.push(name.to_string());
                    }
                    st.current = None;
                    st.last_failed = Some(name.to_string());
                    self.gotestsum = Some(pkg.to_string());
                    return;
                }
            }
        }
        if t.starts_with("=== ") || t.starts_with("DONE ") {
            self.gotestsum = None;
        }
        let st = self.state(key);
        if let Some(rest) = t.strip_prefix("=== ") {
            st.trace = None;
            st.continuation = None;
            let mut it = rest.splitn(2, char::is_whitespace);
            let verb = it.next().unwrap_or("");
            let name = it.next().unwrap_or("").trim_fast();
            match verb {
                "RUN" | "CONT" | "NAME" => {
                    st.last_failed = None;
                    // Reuse the buffer: most tests pass, and their records are made lazily.
                    match (&mut st.current, name.is_empty()) {
                        (_, true) => st.current = None,
                        (Some(c), false) => {
                            c.clear();
                            c.push_str(name);
                        }
                        (None, false) => st.current = Some(name.to_string()),
                    }
                }
                _ => {}
            }
            return;
        }
        let ts = t.trim_start_fast();
        if let Some(rest) = ts.strip_prefix("--- ") {
            st.trace = None;
            st.continuation = None;
            let (verb, name) = match rest.split_once(": ") {
                Some((v, n)) => (v, test_name(n)),
                None => return,
            };
            match verb {
                "FAIL" => {
                    let info = st.tests.entry(name.to_string()).or_default();
                    if !info.failed {
                        info.failed = true;
                        st.failed_order.push(name.to_string());
                    }
                    st.last_failed = Some(name.to_string());
                    if st.current.as_deref() == Some(name) {
                        st.current = None;
                    }
                }
                "PASS" | "SKIP" => {
                    if st.tests.get(name).is_some_and(|i| !i.failed) {
                        st.tests.remove(name);
                    }
                    st.last_failed = None;
                    if st.current.as_deref() == Some(name) {
                        st.current = None;
                    }
                }
                _ => {}
            }
            return;
        }
        // A benchmark announces itself by its bare name; its log lines follow.
        if t.starts_with("Benchmark") && !t.contains(char::is_whitespace) {
            st.trace = None;
            st.last_failed = None;
            st.current = Some(t.to_string());
            return;
        }
        if t.starts_with("ok") || t.starts_with("FAIL") {
            if let Some(c) = SUMMARY.captures(t) {
                let failed = &c[1] == "FAIL";
                let pkg = c[2].to_string();
                let rest = c.get(3).map_or("", |m| m.as_str());
                self.summary(key, &pkg, failed, rest);
                return;
            }
        }
        // A panic, or a crash of the runtime (`fatal error: stack overflow`, `concurrent
        // map writes`, a deadlock): a goroutine dump follows either way.
        let crash = t
            .strip_prefix("panic: ")
            .map(|m| ("panic", m))
            .or_else(|| t.strip_prefix("fatal error: ").map(|m| ("fatal error", m)));
        if let Some((what, msg)) = crash {
            // `[recovered]`, `[recovered, repanicked]` (Go 1.23+).
            let msg = msg.find(" [recovered").map_or(msg, |i| &msg[..i]);
            let message = clip(&format!("{what}: {msg}"));
            let timeout = msg.starts_with("test timed out");
            let test = st.last_failed.clone().or_else(|| st.current.clone());
            match &test {
                Some(name) => {
                    let info = st.tests.entry(name.clone()).or_default();
                    if info.strength < 2 {
                        info.strength = 2;
                        info.message = Some(message);
                        info.file = None;
                        info.line = None;
                    }
                    info.timeout |= timeout;
                    if !info.failed {
                        info.failed = true;
                        st.failed_order.push(name.clone());
                    }
                }
                None => {
                    if st.panic.is_none() {
                        st.panic = Some((message, None, None, timeout));
                    }
                }
            }
            st.trace = Some(Trace {
                kind: TraceKind::Panic,
                test,
                prev_func: None,
                found: false,
            });
            return;
        }
        if t == "WARNING: DATA RACE" {
            let test = st.current.clone().or_else(|| st.last_failed.clone());
            st.trace = Some(Trace {
                kind: TraceKind::Race,
                test,
                prev_func: None,
                found: false,
            });
            return;
        }
        if t.starts_with("==================") {
            if st
                .trace
                .as_ref()
                .is_some_and(|tr| tr.kind == TraceKind::Race)
            {
                st.trace = None;
            }
            return;
        }
        if st.trace.is_some() {
            if t.starts_with("exit status") {
                st.trace = None;
                return;
            }
            trace_line(st, t);
            return;
        }
        if loc && GO_LOC.find(t.as_bytes()).is_some() {
            if let Some(c) = DIAG.captures(t) {
                let indented = t.starts_with(char::is_whitespace);
                let target = if indented {
                    st.last_failed.clone().or_else(|| st.current.clone())
                } else {
                    st.current.clone()
                };
                if let Some(name) = target {
                    test_log(st, &name, &c);
                    return;
                }
                if !indented {
                    let tool = if LINTER_SUFFIX.is_match(t) {
                        "golangci-lint"
                    } else {
                        "go vet"
                    };
                    self.push(
                        None,
                        diag_failure(&c, FailureKind::Lint, tool),
                        num_opt(&c, 3),
                    );
                    return;
                }
            }
        }
        if let Some((name, left)) = st.continuation.take() {
            if let Some(info) = st.tests.get_mut(&name) {
                let s = ts.trim_fast();
                // quicktest/qt: `error:`, `got:`, `want:` labels, each value indented
                // below, then `stack:` (frames, not the message).
                let label = s.len() > 1
                    && s.ends_with(':')
                    && s[..s.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == ' ');
                let so_far = info.message.as_deref().unwrap_or("");
                if label && (s == "error:" || so_far.is_empty() || left == QT) {
                    if s == "stack:" {
                        return;
                    }
                    if s != "error:" {
                        let m = format!("{so_far}; {s}");
                        info.message = Some(clip(m.trim_start_matches("; ")));
                    }
                    info.strength = info.strength.max(1);
                    st.continuation = Some((name, QT));
                    return;
                }
                if left == QT {
                    if !s.is_empty() {
                        let m = if so_far.is_empty() || so_far.ends_with(':') {
                            format!("{so_far} {s}")
                        } else {
                            format!("{so_far}\n{s}")
                        };
                        info.message = Some(clip(m.trim_start_fast()));
                    }
                    st.continuation = Some((name, QT));
                    return;
                }
                // testify's `Messages:` is the test's own words about the failure.
                if let Some(m) = s.strip_prefix("Messages:") {
                    let m = format!("{} ({})", so_far, m.trim_fast());
                    info.message = Some(clip(m.trim_start_fast()));
                    return;
                }
                if let Some(m) = s.strip_prefix("Error:") {
                    info.message = Some(clip(m));
                    info.strength = info.strength.max(1);
                    let details = if m.trim_end_fast().ends_with(':') {
                        2
                    } else {
                        0
                    };
                    st.continuation = Some((name, details));
                    return;
                }
                let is_detail = s.starts_with("expected") || s.starts_with("actual");
                if is_detail && left > 0 {
                    let m = info.message.take().unwrap_or_default();
                    info.message = Some(clip(&format!("{m} {s}")));
                    st.continuation = Some((name, left - 1));
                    return;
                }
                if left > 0
                    || s.starts_with("Error Trace:")
                    || s.starts_with("Test:")
                    || s.is_empty()
                {
                    st.continuation = Some((name, left));
                }
            }
            return;
        }
        st.note_output(t);
    }

    fn summary(&mut self, key: &str, pkg: &str, failed: bool, rest: &str) {
        let st = if key.is_empty() {
            std::mem::take(&mut self.text)
        } else {
            self.pkgs.remove(key).unwrap_or_default()
        };
        let build = rest.starts_with("[build failed]") || rest.starts_with("[setup failed]");
        if build {
            if !self.build_pkgs.contains(pkg) {
                let what = rest.trim_start_matches('[').split(']').next().unwrap_or("");
                self.build_pkgs.insert(pkg.to_string());
                self.push(
                    Some(pkg.to_string()),
                    Failure {
                        kind: FailureKind::CompileError,
                        tool: "go".into(),
                        message: what.to_string(),
                        ..Default::default()
                    },
                    None,
                );
            }
            return;
        }
        self.flush(st, Some(pkg), failed);
    }

    /// Emits the failing tests of one package; a failed package without a
    /// failing test failed outside any test (init, TestMain, late panic).
    fn flush(&mut self, mut st: PkgState, pkg: Option<&str>, failed: bool) {
        let order = std::mem::take(&mut st.failed_order);
        // Tests with a failing subtest, found in one pass (no pairwise comparison).
        let parents: HashSet<&str> = order
            .iter()
            .flat_map(|n| n.match_indices('/').map(move |(i, _)| &n[..i]))
            .collect();
        let mut any = false;
        for name in &order {
            let Some(info) = st.tests.remove(name) else {
                continue;
            };
            any = true;
            let has_sub = parents.contains(name.as_str());
            let message = info.message.unwrap_or_else(|| {
                if has_sub {
                    "subtest failed".into()
                } else {
                    "test failed".into()
                }
            });
            let test = match pkg {
                Some(p) => format!("{p}.{name}"),
                None => name.clone(),
            };
            self.push(
                pkg.map(str::to_string),
                Failure {
                    kind: if info.timeout {
                        FailureKind::Timeout
                    } else {
                        FailureKind::TestFailure
                    },
                    tool: "go".into(),
                    test: Some(test),
                    file: info.file,
                    line: info.line,
                    message,
                    ..Default::default()
                },
                None,
            );
        }
        if failed && !any {
            let (message, file, line, timeout) = match st.panic {
                Some(p) => p,
                None => (
                    if st.last_output.is_empty() {
                        "package failed".into()
                    } else {
                        st.last_output
                    },
                    None,
                    None,
                    false,
                ),
            };
            self.push(
                pkg.map(str::to_string),
                Failure {
                    kind: if timeout {
                        FailureKind::Timeout
                    } else {
                        FailureKind::TestFailure
                    },
                    tool: "go".into(),
                    file,
                    line,
                    message,
                    ..Default::default()
                },
                None,
            );
        }
    }

    fn push(&mut self, package: Option<String>, failure: Failure, column: Option<u32>) {
        if self.out.len() < MAX_FAILURES {
            self.out.push(GoFailure {
                package,
                failure,
                column,
            });
        }
    }

    fn finish(mut self) -> Vec<GoFailure> {
        let text = std::mem::take(&mut self.text);
        let failed = text.panic.is_some();
        self.flush(text, None, failed);
        let mut keys: Vec<String> = self.pkgs.keys().cloned().collect();
        keys.sort();
        for key in keys {
            if let Some(st) = self.pkgs.remove(&key) {
                let pkg = (!key.is_empty()).then_some(key.as_str());
                // A package that panicked but never printed its FAIL line (truncated log) still failed.
                let failed = st.panic.is_some();
                self.flush(st, pkg, failed);
            }
        }
        // gotestsum repeats failures in its summary, re-runs repeat them again.
        let mut seen = HashSet::new();
        self.out.retain(|g| {
            g.failure.test.is_none() || seen.insert((g.package.clone(), g.failure.test.clone()))
        });
        self.out
    }
}

/// `# pkg`, `# pkg [pkg.test]` (test build), `# [pkg]` (go vet).
fn build_header(rest: &str) -> BuildBlock {
    let rest = rest.trim_fast();
    if let Some(inner) = rest.strip_prefix('[') {
        return BuildBlock {
            package: inner.trim_end_matches(']').to_string(),
            vet: true,
        };
    }
    let mut it = rest.split_whitespace();
    let first = it.next().unwrap_or("");
    // `# a/b_test [a/b.test]`: the bracket names the package under test.
    let package = match it.next() {
        Some(b) if b.starts_with('[') => {
            let inner = b.trim_start_matches('[').trim_end_matches(']');
            inner.strip_suffix(".test").unwrap_or(inner).to_string()
        }
        _ => first.to_string(),
    };
    BuildBlock {
        package,
        vet: false,
    }
}

/// `TestX (0.00s)` → `TestX`; benchmarks print no duration.
fn test_name(s: &str) -> &str {
    match s.find(" (") {
        Some(i) => &s[..i],
        None => s.trim_fast(),
    }
}

fn num_opt(c: &regex::Captures<'_>, i: usize) -> Option<u32> {
    c.get(i).and_then(|m| num(m.as_str()))
}

fn diag_failure(c: &regex::Captures<'_>, kind: FailureKind, tool: &str) -> Failure {
    Failure {
        kind,
        tool: tool.into(),
        file: Some(clean_path(&c[1])),
        line: num(&c[2]),
        message: clip(&c[4]),
        ..Default::default()
    }
}

/// A `t.Log`/`t.Error` line: keeps the most error-like one as the test's reason.
fn test_log(st: &mut PkgState, name: &str, c: &regex::Captures<'_>) {
    if st.tests.len() >= MAX_TRACKED && !st.tests.contains_key(name) {
        return;
    }
    let msg = c[4].trim_fast();
    let strength = u8::from(looks_like_error(msg));
    let info = st.tests.entry(name.to_string()).or_default();
    if info.message.is_none() || strength > info.strength {
        info.strength = strength;
        info.file = Some(clean_path(&c[1]));
        info.line = num(&c[2]);
        info.message = Some(clip(msg));
        if msg.is_empty() {
            st.continuation = Some((name.to_string(), 2));
        }
    }
}

fn looks_like_error(msg: &str) -> bool {
    const WORDS: &[&str] = &[
        "error",
        "fail",
        "expected",
        "got",
        "want",
        "unexpected",
        "mismatch",
        "not equal",
        "should",
        "panic",
        "!=",
        "assert",
        "invalid",
        "wrong",
    ];
    let lower = msg.to_ascii_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
}

/// One line of a goroutine dump: function lines alternate with `\tfile.go:N` lines.
fn trace_line(st: &mut PkgState, t: &str) {
    let Some(tr) = st.trace.as_mut() else { return };
    if let Some(c) = FRAME.captures(t) {
        let file = &c[1];
        if tr.found || is_library_frame(tr.prev_func.as_deref().unwrap_or(""), file) {
            return;
        }
        tr.found = true;
        let (file, line) = (clean_path(file), num(&c[2]));
        match &tr.test {
            Some(name) => {
                let kind = tr.kind;
                let info = st.tests.entry(name.clone()).or_default();
                if info.strength < 2 || info.file.is_none() {
                    if kind == TraceKind::Race {
                        info.message = Some("WARNING: DATA RACE".into());
                    }
                    info.strength = 2;
                    info.file = Some(file);
                    info.line = line;
                }
            }
            None => {
                if let Some(p) = st.panic.as_mut() {
                    if p.1.is_none() {
                        p.1 = Some(file);
                        p.2 = line;
                    }
                }
            }
        }
        return;
    }
    let s = t.trim_fast();
    if s.starts_with("goroutine ") {
        tr.prev_func = None;
        return;
    }
    // `panic: test timed out` lists the tests still running: `\tTestSlow (10m0s)`.
    if tr.test.is_none() && s.starts_with("Test") && s.ends_with(')') {
        if let Some(p) = st.panic.as_ref().filter(|p| p.3) {
            let name = test_name(s).to_string();
            let message = p.0.clone();
            let info = st.tests.entry(name.clone()).or_default();
            info.timeout = true;
            info.strength = 2;
            info.message = Some(message);
            if !info.failed {
                info.failed = true;
                st.failed_order.push(name);
            }
            return;
        }
    }
    tr.prev_func = Some(s.strip_prefix("created by ").unwrap_or(s).to_string());
}

fn is_library_frame(func: &str, file: &str) -> bool {
    if file.ends_with("_testmain.go")
        || file.contains("/pkg/mod/")
        || file.contains("/src/runtime/")
        || file.contains("/src/testing/")
        || func.starts_with("panic(")
    {
        return true;
    }
    // The package path ends at the first '.' after the last '/'.
    let slash = func.rfind('/').map_or(0, |i| i + 1);
    let pkg_end = func[slash..].find('.').map_or(func.len(), |i| slash + i);
    let top = func[..pkg_end].split('/').next().unwrap_or("");
    !top.contains('.') && STD.contains(&top)
}

static GO_LOC: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(".go:"));

/// Could any rule match `t`? Every go test marker starts with one of these
/// bytes (after indentation); everything else needs a `.go:` location.
fn maybe_go_line(t: &str, loc: bool) -> bool {
    let lead = t
        .trim_start_fast()
        .as_bytes()
        .first()
        .copied()
        .unwrap_or(b' ');
    matches!(
        lead,
        b'#' | b'=' | b'-' | b'B' | b'o' | b'F' | b'f' | b'p' | b'W' | b'D' | b'{'
    ) || loc && GO_LOC.find(t.as_bytes()).is_some()
}

/// go test's own status lines, never the reason a package failed.
fn is_chatter(t: &str) -> bool {
    let first = t.as_bytes().first().copied().unwrap_or(b' ');
    if !matches!(
        first,
        b'P' | b'F' | b'e' | b'c' | b'g' | b'p' | b'?' | b't' | b'B' | b'o'
    ) {
        return false;
    }
    const PREFIXES: &[&str] = &[
        "PASS",
        "FAIL",
        "exit status",
        "coverage:",
        "goos:",
        "goarch:",
        "pkg:",
        "cpu:",
        "?",
        "testing: warning",
        "Benchmark",
        "ok ",
    ];
    PREFIXES.iter().any(|p| t.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_frames() {
        assert!(is_library_frame(
            "testing.tRunner(0x1)",
            "/usr/local/go/src/testing/testing.go"
        ));
        assert!(is_library_frame("runtime.gopanic()", "/x/panic.go"));
        assert!(is_library_frame("main.main()", "_testmain.go"));
        assert!(!is_library_frame(
            "package/name/panic.init.0()",
            "/src/package/name/panic/main_test.go"
        ));
        assert!(!is_library_frame(
            "example.com/m/x.TestA(0x1)",
            "/home/runner/work/m/m/x/a_test.go"
        ));
    }

    #[test]
    fn package_failure_without_tests_takes_the_last_output() {
        // The newer of a text line and a `-json` event's output is the reason.
        let log = "setup ok\n  cannot open config.yaml  \nFAIL\texample.com/m/x\t0.005s\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message, "cannot open config.yaml");
        let log = "cannot open config.yaml\n\
{\"Action\":\"build-output\",\"Output\":\"no Go files in /m/x\\n\"}\n\
FAIL\texample.com/m/x\t0.005s\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message, "no Go files in /m/x");
        let log = "{\"Action\":\"build-output\",\"Output\":\"no Go files in /m/x\\n\"}\n\
cannot open config.yaml\nPASS\nFAIL\texample.com/m/x\t0.005s\n";
        let f = parse(log);
        assert_eq!(f[0].message, "cannot open config.yaml");
    }

    #[test]
    fn panic_in_test_points_at_first_frame_in_module() {
        let log = "=== RUN   TestIndex\n--- FAIL: TestIndex (0.00s)\n\
panic: runtime error: index out of range [3] with length 2 [recovered]\n\
\tpanic: runtime error: index out of range [3] with length 2\n\n\
goroutine 7 [running]:\ntesting.tRunner.func1.2({0x5, 0x6})\n\
\t/usr/local/go/src/testing/testing.go:1545 +0x238\n\
panic({0x5, 0x6})\n\t/usr/local/go/src/runtime/panic.go:914 +0x21f\n\
example.com/m/x.TestIndex(0xc0)\n\t/home/runner/work/m/m/x/a_test.go:12 +0x1d\n\
testing.tRunner(0xc0, 0x5)\n\t/usr/local/go/src/testing/testing.go:1595 +0xff\n\
FAIL\texample.com/m/x\t0.005s\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("example.com/m/x.TestIndex"));
        assert_eq!(
            f[0].file.as_deref(),
            Some("/home/runner/work/m/m/x/a_test.go")
        );
        assert_eq!(f[0].line, Some(12));
        assert!(f[0]
            .message
            .starts_with("panic: runtime error: index out of range"));
    }

    #[test]
    fn testify_message_is_taken_from_error_lines() {
        let log = "=== RUN   TestEq\n    eq_test.go:9: \n        \tError Trace:\t/w/eq_test.go:9\n\
        \tError:      \tNot equal: \n        \t            \texpected: 1\n        \t            \tactual  : 2\n\
        \tTest:       \tTestEq\n--- FAIL: TestEq (0.00s)\nFAIL\nFAIL\tex/m\t0.01s\n";
        let f = parse(log);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, Some(9));
        assert_eq!(f[0].message, "Not equal: expected: 1 actual  : 2");
    }

    #[test]
    fn timeout_panic_names_the_running_test() {
        let log = "=== RUN   TestSlow\npanic: test timed out after 1s\n\
running tests:\n\tTestSlow (1s)\n\ngoroutine 1 [running]:\n\
FAIL\tex/m\t1.01s\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].kind, FailureKind::Timeout);
        assert_eq!(f[0].test.as_deref(), Some("ex/m.TestSlow"));
    }

    #[test]
    fn gotestsum_summary_names_package_and_is_not_doubled() {
        let log = "=== RUN   TestA\n    a_test.go:5: want 1\n--- FAIL: TestA (0.00s)\nFAIL\nFAIL\tex/m\t0.01s\n\
\n=== Failed\n=== FAIL: ex/m TestA (0.00s)\n    a_test.go:5: want 1\n\nDONE 3 tests, 1 failure in 1.2s\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("ex/m.TestA"));
        assert_eq!(f[0].line, Some(5));
        let only_summary =
            parse("=== FAIL: ex/m TestB (0.00s)\n    b_test.go:9: bad\nDONE 1 tests\n");
        assert_eq!(only_summary.len(), 1, "{only_summary:?}");
        assert_eq!(only_summary[0].test.as_deref(), Some("ex/m.TestB"));
        assert_eq!(only_summary[0].line, Some(9));
    }

    #[test]
    fn json_output_split_across_events_is_joined() {
        let ev = |out: &str| {
            format!(
                "{{\"Action\":\"output\",\"Package\":\"ex/m\",\"Output\":{}}}\n",
                serde_json::Value::String(out.into())
            )
        };
        let log = [
            ev("=== RUN   TestX\n"),
            ev("    x_test.go:3: bro"),
            ev("ken\n--- FAIL: Te"),
            ev("stX (0.00s)\n"),
            ev("FAIL\tex/m\t0.01s\n"),
        ]
        .concat();
        let f = parse(&log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("ex/m.TestX"));
        assert_eq!((f[0].line, f[0].message.as_str()), (Some(3), "broken"));
    }

    #[test]
    fn vet_and_golangci_lint() {
        let log =
            "# ex/m\n# [ex/m]\n./main.go:7:2: fmt.Printf format %s has arg x of wrong type int\n\
x/y.go:3:1: Error return value is not checked (errcheck)\n";
        let f = parse(log);
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].tool.as_str(), f[0].kind),
            ("go vet", FailureKind::Lint)
        );
        assert_eq!(f[0].file.as_deref(), Some("main.go"));
        assert_eq!(f[1].tool, "golangci-lint");
        assert_eq!(f[1].line, Some(3));
    }
}
