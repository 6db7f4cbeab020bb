//! Python: pytest (summary lines, `-v` result lines, FAILURES/ERRORS
//! sections with `E` lines and frames, collection errors), unittest
//! (`FAIL:`/`ERROR:` blocks), and bare tracebacks including SyntaxError.
//!
//! Line-driven with bounded state, so it streams. pytest findings are kept
//! per node id until the session's closing line (or the end of the input) so
//! a summary line and its section merge into one failure.

use crate::failure::paths;
use crate::failure::sink::{Found, LogParser, Sink, Tier, MAX_DETAILS};
use crate::failure::util::FastTrim;
use crate::failure::{Failure, FailureKind};
use std::collections::HashMap;

/// Most pytest tests / sections held before the session ends.
const MAX_PENDING: usize = 2000;

#[derive(Debug, Default, Clone)]
struct Trace {
    /// (path as printed, normalised later, line) outermost first.
    frames: Vec<(String, u32)>,
    /// The last frame seen, kept even when `frames` is full.
    last: Option<(String, u32)>,
    /// `E` lines or the exception lines of a traceback.
    errors: Vec<String>,
    /// Exception type from pytest's closing `path:line: ExcType`.
    exc_type: Option<String>,
    /// Source lines marked with `>` and SyntaxError carets.
    code: Vec<String>,
    /// pytest's rootdir: absolute paths under it are made relative.
    root: Option<String>,
}

impl Trace {
    fn frame(&mut self, path: &str, line: u32) {
        let mut p = paths::normalize(path);
        if let Some(r) = self
            .root
            .as_deref()
            .and_then(|root| p.strip_prefix(root))
            .and_then(|r| r.strip_prefix('/'))
        {
            p = r.to_string();
        }
        if self.frames.len() < 64 {
            self.frames.push((p.clone(), line));
        }
        self.last = Some((p, line));
    }

    fn error(&mut self, l: &str) {
        if self.errors.len() < 40 {
            self.errors.push(l.to_string());
        }
    }

    /// The deepest frame in the repository, else the deepest frame.
    fn location(&self) -> Option<(String, u32)> {
        if let Some(l) = &self.last {
            if paths::in_repo(&l.0) {
                return Some(l.clone());
            }
        }
        self.frames
            .iter()
            .rev()
            .find(|(p, _)| paths::in_repo(p))
            .or(self.frames.last())
            .cloned()
            .or_else(|| self.last.clone())
    }

    /// The outermost in-repo frame: for a pytest failure, the test itself.
    fn first_in_repo(&self) -> Option<&(String, u32)> {
        self.frames.iter().find(|(p, _)| paths::in_repo(p))
    }

    fn message(&self) -> Option<String> {
        let exc = self.errors.iter().rposition(|e| exception_line(e));
        if let Some(i) = exc {
            let e = &self.errors[i];
            if e.ends_with(':') {
                // `AssertionError:` with the text on the next lines.
                if let Some(next) = self.errors[i + 1..]
                    .iter()
                    .find(|x| !x.trim_fast().is_empty())
                {
                    return Some(format!("{e} {}", next.trim_fast()));
                }
            }
            return Some(e.clone());
        }
        if let Some(first) = self.errors.iter().find(|e| !e.trim_fast().is_empty()) {
            return Some(match &self.exc_type {
                Some(t) if t != "AssertionError" && !first.starts_with(t.as_str()) => {
                    format!("{t}: {first}")
                }
                _ => first.clone(),
            });
        }
        self.exc_type.clone()
    }

    fn details(&self) -> Vec<String> {
        let mut d = Vec::new();
        for c in self.code.iter().take(4) {
            d.push(c.clone());
        }
        for e in self.errors.iter().take(12) {
            d.push(format!("E {e}"));
        }
        // The outermost frames (the test) and the innermost (where it broke).
        let ours: Vec<&(String, u32)> = self
            .frames
            .iter()
            .filter(|(p, _)| paths::in_repo(p))
            .collect();
        for (i, (p, l)) in ours.iter().enumerate() {
            if i < 2 || i + 6 >= ours.len() {
                d.push(format!("at {p}:{l}"));
            } else if i == 2 {
                d.push("at …".to_string());
            }
        }
        d.truncate(MAX_DETAILS);
        d
    }
}

/// Pushes a finding with paths under pytest's rootdir made relative.
fn push_rel(out: &mut Sink, mut f: Found, rootdir: Option<&str>) {
    if let Some(root) = rootdir {
        let rel = |p: &str| {
            p.strip_prefix(root)
                .and_then(|r| r.strip_prefix('/'))
                .map(str::to_string)
        };
        if let Some(r) = f.failure.file.as_deref().and_then(rel) {
            f.failure.file = Some(r);
        }
        for d in f.details.iter_mut() {
            if let Some(r) = d.strip_prefix("at ").and_then(rel) {
                *d = format!("at {r}");
            }
        }
    }
    out.push(f);
}

/// `Name: text` or bare `Name` where Name looks like an exception class.
fn exception_line(l: &str) -> bool {
    let name = l.split(':').next().unwrap_or("");
    let name = name.trim_fast();
    if name.is_empty() || name.contains(' ') || !l.starts_with(name) {
        return false;
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    last.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && (last.ends_with("Error")
            || last.ends_with("Exception")
            || last.ends_with("Exit")
            || last.ends_with("Interrupt")
            || last.ends_with("Failure")
            || last.ends_with("Failed")
            || last.ends_with("Warning")
            || last == "StopIteration")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SectionKind {
    Failed,
    Error,
    Collect,
}

#[derive(Debug)]
struct Section {
    title: String,
    kind: SectionKind,
    trace: Trace,
    /// In captured output / log sections: lines are not evidence.
    captured: bool,
}

#[derive(Debug, Default)]
struct TestRec {
    node: String,
    error: bool,
    message: Option<String>,
    /// `FAILED node` summary lines seen: pytest prints one per failure, so
    /// more than one means the same failure happened again (reruns, loops).
    summary_lines: u32,
}

#[derive(Debug)]
enum Block {
    None,
    /// A unittest `FAIL:`/`ERROR:` block.
    Unittest {
        test: String,
        trace: Trace,
    },
    /// A bare traceback outside any test report.
    Traceback {
        trace: Trace,
        caret_file: bool,
    },
}

/// The streaming Python parser.
#[derive(Debug)]
pub struct Python {
    in_report: bool,
    section: Option<Section>,
    sections: Vec<Section>,
    tests: Vec<TestRec>,
    test_index: HashMap<String, usize>,
    block: Block,
    /// A finished bare traceback waiting to see whether a chained one follows.
    pending_tb: Option<Found>,
    saw_pytest: bool,
    /// The previous line was unittest's `=====` rule.
    after_rule: bool,
    /// `--tb=line` reports: `E` lines then `path:12: message`, one per
    /// failure in the order of the summary.
    line_mode: Trace,
    line_entries: Vec<Trace>,
    /// pytest's `rootdir:`: absolute paths under it are the project's.
    rootdir: Option<String>,
}

impl Default for Python {
    fn default() -> Self {
        Python {
            in_report: false,
            section: None,
            sections: Vec::new(),
            tests: Vec::new(),
            test_index: HashMap::new(),
            block: Block::None,
            pending_tb: None,
            saw_pytest: false,
            after_rule: false,
            line_mode: Trace::default(),
            line_entries: Vec::new(),
            rootdir: None,
        }
    }
}

/// pytest `=== text ===` banner: returns the text.
fn banner(l: &str) -> Option<&str> {
    if l.len() < 8 || !l.starts_with("==") || !l.ends_with("==") {
        return None;
    }
    let t = l.trim_matches('=').trim_fast();
    (!t.is_empty()).then_some(t)
}

/// pytest `____ title ____` section header (also `_ title _`).
fn section_title(l: &str) -> Option<&str> {
    if !l.starts_with("_ ") && !l.starts_with("__") {
        return None;
    }
    if !l.ends_with(" _") && !l.ends_with("__") {
        return None;
    }
    let t = l.trim_matches('_');
    if !t.starts_with(' ') || !t.ends_with(' ') {
        return None;
    }
    let t = t.trim_fast();
    // `_ _ _ _` separates frames inside a long traceback.
    (t.bytes().any(|b| b != b'_' && b != b' ')).then_some(t)
}

/// pytest location line: `path:123: in func` or `path:123: ExcType`.
fn location(l: &str) -> Option<(&str, u32, &str)> {
    if l.starts_with(' ') || l.starts_with('E') && l.as_bytes().get(1) == Some(&b' ') {
        return None;
    }
    // Find ":<digits>: " scanning from the left (paths rarely hold it).
    let b = l.as_bytes();
    let mut i = 0;
    while let Some(off) = crate::byte_search::find(b':', &b[i..]) {
        let c = i + off;
        let mut j = c + 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        // `path:12:` alone ends a frame whose source line follows (trailing space trimmed).
        if j > c + 1 && j < b.len() && b[j] == b':' && (j + 1 == b.len() || b[j + 1] == b' ') {
            let path = &l[..c];
            let n: u32 = l[c + 1..j].parse().ok()?;
            if path.is_empty() || path.contains(' ') && !path.starts_with('<') {
                return None;
            }
            return Some((path, n, l.get(j + 2..).unwrap_or("")));
        }
        i = c + 1;
    }
    None
}

/// Traceback frame: `  File "path", line 12, in func` (the `, in` part is
/// absent for SyntaxError).
fn file_frame(l: &str) -> Option<(&str, u32)> {
    let t = l.trim_start_fast();
    let rest = t.strip_prefix("File \"")?;
    let q = rest.find('"')?;
    let path = &rest[..q];
    let after = rest[q + 1..].strip_prefix(", line ")?;
    let end = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    let n = after[..end].parse().ok()?;
    Some((path, n))
}

fn plausible_node(node: &str, error: bool) -> bool {
    if node.is_empty() || node.starts_with('(') || node.starts_with('-') || node.starts_with('[') {
        return false;
    }
    if let Some((file, _)) = node.split_once("::") {
        return !file.contains(' ') && !file.is_empty();
    }
    // Collection errors name a module or a directory.
    error && !node.contains(' ') && (node.ends_with(".py") || node.contains('/'))
}

impl Python {
    pub fn new() -> Self {
        Self::default()
    }

    fn new_trace(&self) -> Trace {
        Trace {
            root: self.rootdir.clone(),
            ..Default::default()
        }
    }

    fn test(&mut self, node: &str, error: bool, message: Option<&str>, summary: bool) {
        self.saw_pytest = true;
        let message = message.filter(|m| !m.is_empty()).map(str::to_string);
        if let Some(&i) = self.test_index.get(node) {
            let t = &mut self.tests[i];
            if t.message.is_none() {
                t.message = message;
            }
            t.summary_lines = t.summary_lines.saturating_add(summary as u32);
            return;
        }
        if self.tests.len() >= MAX_PENDING {
            return;
        }
        self.test_index.insert(node.to_string(), self.tests.len());
        self.tests.push(TestRec {
            node: node.to_string(),
            error,
            message,
            summary_lines: summary as u32,
        });
    }

    fn close_section(&mut self) {
        if let Some(s) = self.section.take() {
            if self.sections.len() < MAX_PENDING {
                self.sections.push(s);
            }
        }
    }

    /// Emits every pytest failure of the session and forgets it.
    fn flush_pytest(&mut self, out: &mut Sink) {
        self.close_section();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, s) in self.sections.iter().enumerate() {
            let key = match s.kind {
                SectionKind::Collect => format!("collect:{}", s.title),
                _ => s.title.clone(),
            };
            by_key.entry(key).or_insert(i);
        }
        let mut used = vec![false; self.sections.len()];
        // `--tb=line` entries pair with the summary lines in order, when the counts agree.
        let mut line_entries = std::mem::take(&mut self.line_entries).into_iter();
        let pair_lines = line_entries.len() == self.tests.len();
        self.line_mode = Trace::default();
        for t in std::mem::take(&mut self.tests) {
            let line_entry = if pair_lines {
                line_entries.next()
            } else {
                None
            };
            let key = if t.node.contains("::") {
                let name = t.node.split_once("::").map(|x| x.1).unwrap_or("");
                name.replace("::", ".")
            } else {
                format!("collect:{}", t.node)
            };
            let sec = by_key.get(&key).copied().or_else(|| {
                // Sections name the test without its class for some plugins.
                let short = key.rsplit('.').next().unwrap_or(&key).to_string();
                by_key.get(&short).copied()
            });
            let mut f = Failure {
                kind: FailureKind::TestFailure,
                tool: "pytest".into(),
                test: Some(t.node.clone()),
                ..Default::default()
            };
            let mut details = Vec::new();
            let mut msg = t.message.clone();
            if let Some(i) = sec {
                used[i] = true;
                let tr = &self.sections[i].trace;
                if let Some((p, l)) = tr.location() {
                    f.file = Some(p);
                    f.line = Some(l);
                }
                let sm = tr.message();
                if msg.as_deref().is_none_or(|m| m.ends_with("..."))
                    || sm.as_deref().is_some_and(|s| {
                        msg.as_deref().is_some_and(|m| {
                            s.len() > m.len() && s.starts_with(m.trim_end_matches('.'))
                        })
                    })
                {
                    msg = sm.or(msg);
                }
                details = tr.details();
            }
            if let (None, Some(tr)) = (&f.file, &line_entry) {
                if let Some((p, l)) = tr.location() {
                    f.file = Some(p);
                    f.line = Some(l);
                }
                if msg.as_deref().is_none_or(|m| m.ends_with("...")) {
                    msg = tr.message().or(msg);
                }
            }
            if f.file.is_none() {
                let file = t.node.split("::").next().unwrap_or("");
                if !file.is_empty() {
                    f.file = Some(paths::normalize(file));
                }
            }
            f.repeats = t.summary_lines.saturating_sub(1);
            f.message = msg.unwrap_or_else(|| {
                if t.error {
                    "error".into()
                } else {
                    "failed".into()
                }
            });
            let mut found = Found::new(f, Tier::Strong);
            found.details = details;
            push_rel(out, found, self.rootdir.as_deref());
        }
        // Sections whose test had no summary line (pytest without `-r`).
        for (i, s) in std::mem::take(&mut self.sections).into_iter().enumerate() {
            if used[i] {
                continue;
            }
            let tr = &s.trace;
            let node = match s.kind {
                SectionKind::Collect => s.title.clone(),
                _ => match tr.first_in_repo() {
                    Some((p, _)) => format!("{}::{}", p, s.title.replace('.', "::")),
                    None => s.title.clone(),
                },
            };
            let mut f = Failure {
                kind: FailureKind::TestFailure,
                tool: "pytest".into(),
                test: Some(node),
                message: tr.message().unwrap_or_else(|| "failed".into()),
                ..Default::default()
            };
            if let Some((p, l)) = tr.location() {
                f.file = Some(p);
                f.line = Some(l);
            }
            let mut found = Found::new(f, Tier::Strong);
            found.details = tr.details();
            push_rel(out, found, self.rootdir.as_deref());
        }
        self.test_index.clear();
        self.in_report = false;
    }

    fn finish_block(&mut self, out: &mut Sink) {
        match std::mem::replace(&mut self.block, Block::None) {
            Block::None => {}
            Block::Unittest { test, trace } => {
                let mut f = Failure {
                    kind: FailureKind::TestFailure,
                    tool: "unittest".into(),
                    test: Some(test),
                    message: trace.message().unwrap_or_else(|| "failed".into()),
                    ..Default::default()
                };
                if let Some((p, l)) = trace.location() {
                    f.file = Some(p);
                    f.line = Some(l);
                }
                let mut found = Found::new(f, Tier::Strong);
                found.details = trace.details();
                push_rel(out, found, self.rootdir.as_deref());
            }
            Block::Traceback { trace, .. } => {
                let Some(message) = trace.errors.last().cloned() else {
                    return;
                };
                let kind = if message.starts_with("SyntaxError")
                    || message.starts_with("IndentationError")
                    || message.starts_with("TabError")
                {
                    FailureKind::CompileError
                } else {
                    FailureKind::Unknown
                };
                let mut f = Failure {
                    kind,
                    tool: "python".into(),
                    message,
                    ..Default::default()
                };
                if let Some((p, l)) = trace.location() {
                    f.file = Some(p);
                    f.line = Some(l);
                }
                let mut found = Found::new(f, Tier::Weak);
                found.details = trace.details();
                // A chained traceback may follow; the last of a chain is the one raised.
                self.pending_tb = Some(found);
            }
        }
    }

    fn emit_pending(&mut self, out: &mut Sink) {
        if let Some(f) = self.pending_tb.take() {
            push_rel(out, f, self.rootdir.as_deref());
        }
    }

    /// Feeds one cleaned line.
    pub fn line(&mut self, l: &str, out: &mut Sink) {
        // Blocks first: they swallow their own lines.
        match &mut self.block {
            Block::None => {}
            Block::Unittest { trace, .. } => {
                if l.starts_with("======")
                    || l.starts_with("------") && !trace.frames.is_empty()
                    || l.starts_with("Ran ")
                {
                    self.finish_block(out);
                } else {
                    unittest_line(trace, l);
                    return;
                }
            }
            Block::Traceback { trace, caret_file } => {
                if let Some((p, n)) = file_frame(l) {
                    *caret_file = !l.contains(", in ");
                    trace.frame(p, n);
                    return;
                }
                if l.starts_with(' ') || l.starts_with('\t') {
                    let t = l.trim_fast();
                    if *caret_file && trace.code.len() < 4 {
                        trace.code.push(t.to_string());
                    }
                    return;
                }
                if l.is_empty() {
                    return;
                }
                if exception_line(l) || (!trace.frames.is_empty() && !l.starts_with("Traceback")) {
                    trace.error(l);
                    self.finish_block(out);
                    return;
                }
                self.finish_block(out);
            }
        }

        if self.pending_tb.is_some() && !l.trim_fast().is_empty() {
            let chained = l.starts_with("During handling of the above exception")
                || l.starts_with("The above exception was the direct cause")
                || l.starts_with("Traceback (most recent call last)");
            if !chained {
                self.emit_pending(out);
            } else if !l.starts_with("Traceback") {
                return;
            } else {
                self.pending_tb = None;
            }
        }

        if let Some(r) = l.strip_prefix("rootdir: ") {
            let r = r.split(", ").next().unwrap_or(r).trim_end_matches('/');
            if r.starts_with('/') && r.len() > 1 {
                self.rootdir = Some(r.to_string());
            }
            return;
        }
        if let Some(t) = banner(l) {
            self.close_section();
            if t == "FAILURES" || t == "ERRORS" {
                self.in_report = true;
                self.saw_pytest = true;
            } else if t.contains(" in ")
                && (t.contains("failed") || t.contains("passed") || t.contains("error"))
                && t.contains('s')
            {
                // pytest's closing line: the session is over.
                if self.saw_pytest {
                    self.flush_pytest(out);
                }
            } else if t.starts_with("short test summary")
                || t.starts_with("warnings summary")
                || t.starts_with("test session starts")
            {
                self.in_report = false;
                self.saw_pytest = true;
            }
            return;
        }

        if self.in_report {
            if let Some(title) = section_title(l) {
                self.close_section();
                let (kind, title) = if let Some(m) = title.strip_prefix("ERROR collecting ") {
                    (SectionKind::Collect, m)
                } else if let Some(m) = title
                    .strip_prefix("ERROR at setup of ")
                    .or_else(|| title.strip_prefix("ERROR at teardown of "))
                {
                    (SectionKind::Error, m)
                } else {
                    (SectionKind::Failed, title)
                };
                self.section = Some(Section {
                    title: title.to_string(),
                    kind,
                    trace: self.new_trace(),
                    captured: false,
                });
                return;
            }
            if let Some(s) = &mut self.section {
                section_line(s, l);
                return;
            }
            if let Some(e) = l.strip_prefix("E ") {
                self.line_mode.error(e.trim_fast());
                return;
            }
            if let Some((p, n, what)) = location(l) {
                if !what.starts_with("in ") {
                    let mut tr = std::mem::take(&mut self.line_mode);
                    tr.frame(p, n);
                    if tr.errors.is_empty() {
                        tr.error(what.trim_fast());
                    }
                    if self.line_entries.len() < MAX_PENDING {
                        self.line_entries.push(tr);
                    }
                    return;
                }
            }
        }

        // Summary and `-v` result lines may appear anywhere (`-rA`, xdist).
        let s = strip_xdist(l);
        for (word, error) in [("FAILED ", false), ("ERROR ", true)] {
            if let Some(rest) = s.strip_prefix(word) {
                let (node, msg) = super::pytest::summary_entry(rest);
                if plausible_node(node, error) {
                    self.test(node, error, msg, true);
                    return;
                }
            }
        }
        if let Some(node) = s
            .strip_suffix(" FAILED")
            .or_else(|| s.strip_suffix(" ERROR"))
            .or_else(|| strip_percent(s))
        {
            let node = node.trim_fast();
            if node.contains("::") && plausible_node(node, false) {
                let error = s.contains(" ERROR");
                self.test(node, error, None, false);
                return;
            }
        }

        let after_rule = std::mem::replace(
            &mut self.after_rule,
            l.len() >= 20 && l.bytes().all(|b| b == b'='),
        );
        if let Some(rest) = l
            .strip_prefix("FAIL: ")
            .or_else(|| l.strip_prefix("ERROR: "))
        {
            // unittest: `test (pkg.Class)`; nose also prints bare dotted names.
            let dotted = !rest.contains(' ') && rest.contains('.');
            if rest.contains(" (") && rest.ends_with(')') || after_rule && dotted {
                self.finish_block(out);
                self.block = Block::Unittest {
                    test: rest.trim_fast().to_string(),
                    trace: self.new_trace(),
                };
                return;
            }
        }

        if l.starts_with("Traceback (most recent call last)") {
            self.block = Block::Traceback {
                trace: self.new_trace(),
                caret_file: false,
            };
            return;
        }
        // SyntaxError printed by the interpreter without a Traceback header.
        if !l.starts_with("  File") {
            return;
        }
        if let Some((p, n)) = file_frame(l) {
            if !l.contains(", in ") {
                let mut trace = self.new_trace();
                trace.frame(p, n);
                self.block = Block::Traceback {
                    trace,
                    caret_file: true,
                };
            }
        }
    }

    /// Flushes whatever is still open at the end of the input.
    pub fn finish(&mut self, out: &mut Sink) {
        self.finish_block(out);
        self.emit_pending(out);
        if self.saw_pytest || !self.sections.is_empty() || self.section.is_some() {
            self.flush_pytest(out);
        }
        self.saw_pytest = false;
    }
}

/// `tests/x.py::test_y FAILED [ 50%]` → node part, when the line ends in a percentage.
fn strip_percent(s: &str) -> Option<&str> {
    let s = s.trim_end_fast();
    if !s.ends_with("%]") {
        return None;
    }
    let open = s.rfind('[')?;
    let head = s[..open].trim_end_fast();
    head.strip_suffix(" FAILED")
        .or_else(|| head.strip_suffix(" ERROR"))
}

/// xdist prefixes result lines with `[gw0] [ 50%] `.
fn strip_xdist(l: &str) -> &str {
    let mut s = l;
    for _ in 0..2 {
        if s.starts_with('[') {
            if let Some(i) = s.find("] ") {
                let inner = &s[1..i];
                if inner.starts_with("gw") || inner.trim_fast().ends_with('%') {
                    s = &s[i + 2..];
                    continue;
                }
            }
        }
        break;
    }
    s
}

fn section_line(s: &mut Section, l: &str) {
    if l.starts_with("----")
        && l.ends_with("----")
        && (l.contains("Captured") || l.contains("captured"))
    {
        s.captured = true;
        return;
    }
    if s.captured {
        return;
    }
    let tr = &mut s.trace;
    if let Some(rest) = l.strip_prefix('E') {
        if rest.is_empty() || rest.starts_with(' ') {
            let body = rest.trim_start_fast();
            if let Some((p, n)) = file_frame(body) {
                tr.frame(p, n);
            } else if body.trim_start_fast().starts_with('^') {
                if tr.code.len() < 4 {
                    tr.code.push(body.to_string());
                }
            } else if !body.is_empty() {
                tr.error(body.trim_end_fast());
            }
            return;
        }
    }
    if l.starts_with('>') {
        if tr.code.len() < 4 {
            tr.code.push(l.to_string());
        }
        return;
    }
    if let Some((p, n, what)) = location(l) {
        tr.frame(p, n);
        if !what.starts_with("in ") && !what.is_empty() {
            tr.exc_type = Some(what.trim_fast().to_string());
        }
        return;
    }
    if let Some((p, n)) = file_frame(l) {
        tr.frame(p, n);
        return;
    }
    // --tb=native tracebacks end with the bare exception line.
    if !l.starts_with(' ') && exception_line(l) {
        tr.error(l);
    }
}

fn unittest_line(tr: &mut Trace, l: &str) {
    if let Some((p, n)) = file_frame(l) {
        tr.frame(p, n);
        return;
    }
    if l.starts_with("------") || l.starts_with("Traceback (most recent call last)") {
        return;
    }
    if l.starts_with("During handling of the above") || l.starts_with("The above exception") {
        // Only the last exception of a chain matters.
        tr.errors.clear();
        return;
    }
    if !l.starts_with(' ') && !l.is_empty() {
        tr.error(l);
    }
}

impl LogParser for Python {
    fn line(&mut self, l: &str, out: &mut Sink) {
        Python::line(self, l, out)
    }
    fn finish(&mut self, out: &mut Sink) {
        Python::finish(self, out)
    }
}

/// Parses a whole cleaned text (tests and small inputs).
pub fn parse(text: &str) -> Vec<Failure> {
    crate::failure::sink::parse_text(Python::new(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_gives_test_and_message() {
        let f = parse("FAILED tests/test_calc.py::test_add - assert 3 == 4\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].test.as_deref(), Some("tests/test_calc.py::test_add"));
        assert_eq!(f[0].message, "assert 3 == 4");
        assert_eq!(f[0].file.as_deref(), Some("tests/test_calc.py"));
        assert_eq!(f[0].tool, "pytest");
    }

    #[test]
    fn section_points_at_the_code_under_test() {
        let log = "\
============================= test session starts ==============================
collected 2 items

tests/test_calc.py F.                                                    [100%]

=================================== FAILURES ===================================
__________________________________ test_div ___________________________________

    def test_div():
>       assert div(4, 2) == 2

tests/test_calc.py:5: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

a = 4, b = 2

    def div(a, b):
>       return a / c
E       NameError: name 'c' is not defined

/home/runner/work/calc/calc/src/calc.py:9: NameError
----------------------------- Captured stdout call -----------------------------
Traceback (most recent call last):
ValueError: noise in captured output
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_div - NameError: name 'c' is not defined
========================= 1 failed, 1 passed in 0.03s ==========================
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("tests/test_calc.py::test_div"));
        assert_eq!(f[0].file.as_deref(), Some("src/calc.py"));
        assert_eq!(f[0].line, Some(9));
        assert_eq!(f[0].message, "NameError: name 'c' is not defined");
    }

    #[test]
    fn library_frames_are_skipped_for_location() {
        let log = "\
=================================== FAILURES ===================================
_____________________________ TestApi.test_get ______________________________
tests/test_api.py:12: in test_get
    r = client.get(\"/x\")
/opt/hostedtoolcache/Python/3.11.4/x64/lib/python3.11/site-packages/requests/api.py:73: in get
    return request(\"get\", url, params=params, **kwargs)
E   requests.exceptions.ConnectionError: boom

/opt/hostedtoolcache/Python/3.11.4/x64/lib/python3.11/site-packages/requests/adapters.py:519: ConnectionError
========================= 1 failed in 0.10s ==========================
";
        let f = parse(log);
        assert_eq!(f.len(), 1);
        // No summary line: the node id is rebuilt from the test's own frame.
        assert_eq!(
            f[0].test.as_deref(),
            Some("tests/test_api.py::TestApi::test_get")
        );
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("tests/test_api.py"), Some(12))
        );
        assert_eq!(f[0].message, "requests.exceptions.ConnectionError: boom");
    }

    #[test]
    fn collection_error_with_syntax_error() {
        let log = "\
==================================== ERRORS ====================================
____________________ ERROR collecting tests/test_calc.py _____________________
/opt/hostedtoolcache/Python/3.11.4/x64/lib/python3.11/site-packages/_pytest/python.py:617: in _importtestmodule
    mod = import_path(self.path, mode=importmode, root=self.config.rootpath)
tests/test_calc.py:1: in <module>
    from src.calc import add
E     File \"/home/runner/work/calc/calc/src/calc.py\", line 3
E       def add(a, b)
E                    ^
E   SyntaxError: expected ':'
=========================== short test summary info ============================
ERROR tests/test_calc.py
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
=============================== 1 error in 0.12s ===============================
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("tests/test_calc.py"));
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("src/calc.py"), Some(3))
        );
        assert_eq!(f[0].message, "SyntaxError: expected ':'");
    }

    #[test]
    fn verbose_and_xdist_result_lines() {
        let log = "\
tests/test_a.py::test_one PASSED                                         [ 33%]
tests/test_a.py::test_two FAILED                                         [ 66%]
[gw1] [100%] FAILED tests/test_b.py::TestX::test_three[a-b]
";
        let mut t: Vec<_> = parse(log).into_iter().filter_map(|f| f.test).collect();
        t.sort();
        assert_eq!(
            t,
            vec![
                "tests/test_a.py::test_two",
                "tests/test_b.py::TestX::test_three[a-b]"
            ]
        );
    }

    #[test]
    fn summary_with_dash_inside_parameters() {
        let f = parse("FAILED tests/t.py::test_x[a - b] - ValueError: bad\n");
        assert_eq!(f[0].test.as_deref(), Some("tests/t.py::test_x[a - b]"));
        assert_eq!(f[0].message, "ValueError: bad");
    }

    #[test]
    fn unittest_blocks() {
        let log = "\
F.E
======================================================================
FAIL: test_add (tests.test_calc.CalcTest.test_add)
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"/home/runner/work/calc/calc/tests/test_calc.py\", line 8, in test_add
    self.assertEqual(add(1, 2), 4)
AssertionError: 3 != 4

======================================================================
ERROR: test_div (tests.test_calc.CalcTest)
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"/home/runner/work/calc/calc/tests/test_calc.py\", line 11, in test_div
    div(1, 0)
  File \"/home/runner/work/calc/calc/calc.py\", line 5, in div
    return a / b
ZeroDivisionError: division by zero

----------------------------------------------------------------------
Ran 3 tests in 0.001s

FAILED (failures=1, errors=1)
";
        let f = parse(log);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            f[0].test.as_deref(),
            Some("test_add (tests.test_calc.CalcTest.test_add)")
        );
        assert_eq!(f[0].message, "AssertionError: 3 != 4");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("tests/test_calc.py"), Some(8))
        );
        assert_eq!(f[1].tool, "unittest");
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("calc.py"), Some(5))
        );
        assert_eq!(f[1].message, "ZeroDivisionError: division by zero");
    }

    #[test]
    fn plain_traceback_last_of_chain() {
        let log = "\
Traceback (most recent call last):
  File \"/home/runner/work/app/app/app/main.py\", line 3, in <module>
    import yaml
ModuleNotFoundError: No module named 'yaml'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File \"/home/runner/work/app/app/app/main.py\", line 5, in <module>
    raise RuntimeError(\"need yaml\")
RuntimeError: need yaml
done
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].tool, "python");
        assert_eq!(f[0].message, "RuntimeError: need yaml");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("app/main.py"), Some(5))
        );
    }

    #[test]
    fn syntax_error_with_caret() {
        let log = "  File \"/github/workspace/pkg/mod.py\", line 7
    print \"hi\"
    ^^^^^^^^^^
SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].kind, FailureKind::CompileError);
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("pkg/mod.py"), Some(7))
        );
        assert!(f[0].message.starts_with("SyntaxError: Missing parentheses"));
    }

    #[test]
    fn quiet_mode_with_stop_after_first() {
        let log = "\
F
=================================== FAILURES ===================================
___________________________________ test_x ____________________________________
tests/test_q.py:3: in test_x
    assert f() == 1
E   assert 2 == 1
E    +  where 2 = f()
!!!!!!!!!!!!!!!!!!!!!!!!!! stopping after 1 failures !!!!!!!!!!!!!!!!!!!!!!!!!!!
FAILED tests/test_q.py::test_x - assert 2 == 1
1 failed in 0.05s
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("tests/test_q.py::test_x"));
        assert_eq!(f[0].message, "assert 2 == 1");
        assert_eq!(f[0].line, Some(3));
    }

    #[test]
    fn tb_line_mode_pairs_with_summary() {
        // pytest 9 `--tb=line -q` output.
        let log = "\
FF.                                                                      [100%]
=================================== FAILURES ===================================
E   assert -1 == 3
     +  where -1 = add(1, 2)
/tmp/pyproj/tests/test_calc.py:5: assert -1 == 3
E   NameError: name 'undefined_name' is not defined
/tmp/pyproj/src/calc.py:8: NameError: name 'undefined_name' is not defined
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_add - assert -1 == 3
FAILED tests/test_calc.py::test_name - NameError: name 'undefined_name' is no...
2 failed, 1 passed in 0.04s
";
        let f = parse(log);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("/tmp/pyproj/src/calc.py"), Some(8))
        );
        assert_eq!(
            f[1].message,
            "NameError: name 'undefined_name' is not defined"
        );
    }

    #[test]
    fn tb_native_relative_to_rootdir() {
        // pytest 9 `--tb=native` output (library frames shortened).
        let log = "\
============================= test session starts ==============================
rootdir: /tmp/pyproj, configfile: pyproject.toml
collected 2 items

tests/test_calc.py F.                                                    [100%]

=================================== FAILURES ===================================
___________________________________ test_div ___________________________________
Traceback (most recent call last):
  File \"/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/_pytest/runner.py\", line 361, in from_call
    result: TResult | None = func()
  File \"/tmp/pyproj/tests/test_calc.py\", line 8, in test_div
    assert div(1, 0) == 0
           ^^^^^^^^^
  File \"/tmp/pyproj/src/calc.py\", line 5, in div
    return a / b
           ~~^~~
ZeroDivisionError: division by zero
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_div - ZeroDivisionError: division by zero
========================= 1 failed, 1 passed in 0.05s ==========================
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("src/calc.py"), Some(5))
        );
        assert_eq!(f[0].message, "ZeroDivisionError: division by zero");
    }
}
