//! The code a request carries, from the ranked suspects: whole functions cut at the
//! parser's boundaries, each with its file's imports and top-level statements and its
//! enclosing class header and fields; the failing test functions (and their fixtures)
//! instead of whole test files; a short outline of signatures of the files the
//! suspects live in. All within the budget, spent in priority order.
//!
//! Each attempt brings new evidence: the first gets the failing tests and the top
//! suspects; a retry gets what the model asked for (`need`), the top suspects again
//! (its edits are made against them), the callers of the top suspects, and the next
//! suspects not shown yet.

use super::context::SourceFile;
use super::evidence::{Parsed, Workspace};
use crate::localize::{Clue, Localization, Suspect};
use std::collections::{BTreeMap, BTreeSet};

/// Suspects (code under test) a first request carries: at least this many (budget
/// allowing), and more while a third of the budget is left, up to the most.
const FIRST_SUSPECTS: usize = 8;
const MOST_SUSPECTS: usize = 20;
/// New suspects a retry carries at most.
const NEXT_SUSPECTS: usize = 6;
/// Top suspects whose callers a retry shows.
const CALLERS_OF: usize = 3;
/// Callers shown per suspect, at most.
const MAX_CALLERS: usize = 3;
/// Top suspects whose named types (classes, interfaces) are shown; types at most.
const TYPES_OF: usize = 3;
const MAX_TYPES: usize = 4;
/// Failing tests shown at most (each with its fixtures).
const MAX_TESTS: usize = 6;
/// A function longer than this many lines is shown as its head and the lines around
/// its evidence.
const LONG_FUNCTION: u32 = 120;
const HEAD_LINES: u32 = 30;
const AROUND: u32 = 12;
/// Top-level lines (imports, constants) and class fields shown per file, at most.
const MAX_TOP_LEVEL: usize = 60;
const MAX_FIELDS: usize = 30;
/// Outline entries shown per file, at most.
const MAX_OUTLINE: usize = 60;
/// Needs followed per reply, at most; definitions shown per need.
const MAX_NEEDS: usize = 8;
const MAX_PER_NEED: usize = 4;
/// The file where the failure was raised, when this short, comes whole after
/// everything else (budget allowing): a state machine's other states, a table.
const WHOLE_SUSPECT_FILE: usize = 300;
/// Files of top suspects shown whole at most, per request.
const WHOLE_FILES: usize = 2;
/// A needed file up to this many lines comes whole; a larger one as its outline.
const WHOLE_NEEDED_FILE: usize = 250;
/// What a gap between two shown parts of a file renders as.
const GAP: &str = "    ...\n";

/// What has been shown so far, across attempts.
#[derive(Clone)]
pub struct Focus<'a> {
    ws: &'a Workspace,
    loc: &'a Localization,
    /// (path, start line) of every function shown in an earlier request.
    shown: BTreeSet<(String, u32)>,
}

/// Lines chosen per file, in the order files were first chosen.
struct Selection {
    order: Vec<String>,
    lines: BTreeMap<String, BTreeSet<u32>>,
    outlines: Vec<(String, String)>,
    left: usize,
}

impl Selection {
    fn new(budget: usize) -> Selection {
        Selection {
            order: Vec::new(),
            lines: BTreeMap::new(),
            outlines: Vec::new(),
            left: budget,
        }
    }

    /// Adds `want` (1-based lines of `p`) when all of it fits the budget left.
    fn add(&mut self, p: &Parsed, want: &BTreeSet<u32>) -> bool {
        let text_lines: Vec<&str> = p.file.text().lines().collect();
        let have = self.lines.get(&p.rel);
        let new: Vec<u32> = want
            .iter()
            .copied()
            .filter(|l| *l >= 1 && (*l as usize) <= text_lines.len())
            .filter(|l| !have.is_some_and(|h| h.contains(l)))
            .collect();
        if new.is_empty() {
            return true;
        }
        let cost: usize = new
            .iter()
            .map(|&l| numbered_len(l, text_lines[l as usize - 1]) + 1)
            .sum::<usize>()
            + GAP.len() * 2
            + if have.is_none() { p.rel.len() + 16 } else { 0 };
        if cost > self.left {
            return false;
        }
        self.left -= cost;
        if have.is_none() {
            self.order.push(p.rel.clone());
        }
        self.lines.entry(p.rel.clone()).or_default().extend(new);
        true
    }

    fn add_outline(&mut self, p: &Parsed) {
        if self.outlines.iter().any(|(r, _)| *r == p.rel) {
            return;
        }
        let entries = p.file.outline();
        if entries.len() < 2 {
            return;
        }
        // A signature whose line the request already shows says nothing new: the
        // outline is for the rest of the file (none of it, when the file is whole).
        let shown = self.lines.get(&p.rel);
        let entries: Vec<_> = entries
            .into_iter()
            .filter(|e| !shown.is_some_and(|l| l.contains(&e.line)))
            .collect();
        if entries.is_empty() {
            return;
        }
        let mut text = String::new();
        for e in entries.iter().take(MAX_OUTLINE) {
            text.push_str(&format!(
                "{:>5}| {}{}\n",
                e.line,
                "    ".repeat(e.depth),
                e.text
            ));
        }
        if entries.len() > MAX_OUTLINE {
            text.push_str(&format!("... ({} more)\n", entries.len() - MAX_OUTLINE));
        }
        let cost = text.len() + p.rel.len() + 40;
        if cost <= self.left {
            self.left -= cost;
            self.outlines.push((p.rel.clone(), text));
        }
    }

    fn render(&self, ws: &Workspace) -> Vec<SourceFile> {
        let mut out = Vec::new();
        for rel in &self.order {
            let Some(p) = ws.get(rel) else { continue };
            let lines: Vec<&str> = p.file.text().lines().collect();
            let mut text = String::new();
            let mut prev: Option<u32> = None;
            for &l in &self.lines[rel] {
                if prev.is_some_and(|p| l != p + 1) || (prev.is_none() && l > 1) {
                    text.push_str(GAP);
                }
                text.push_str(&format!("{:>4}| {}\n", l, lines[l as usize - 1]));
                prev = Some(l);
            }
            if prev.is_some_and(|p| (p as usize) < lines.len()) {
                text.push_str(GAP);
            }
            out.push(SourceFile {
                path: rel.clone(),
                numbered: text,
            });
        }
        for (rel, outline) in &self.outlines {
            out.push(SourceFile {
                path: format!("{rel} (outline: the signatures in this file, for reference)"),
                numbered: outline.clone(),
            });
        }
        out
    }
}

fn numbered_len(n: u32, line: &str) -> usize {
    format!("{n:>4}| ").len() + line.len()
}

impl<'a> Focus<'a> {
    pub fn new(ws: &'a Workspace, loc: &'a Localization) -> Focus<'a> {
        Focus {
            ws,
            loc,
            shown: BTreeSet::new(),
        }
    }

    /// Whether there is anything to focus on (else the caller falls back to files).
    pub fn is_empty(&self) -> bool {
        self.loc.suspects.is_empty()
    }

    /// The files of attempt `attempt` (1-based) within `budget` characters. `needs`:
    /// what the model's last reply asked for (paths or symbols).
    pub fn files(&mut self, attempt: u32, needs: &[String], budget: usize) -> Vec<SourceFile> {
        let mut sel = Selection::new(budget);
        let tests: Vec<&Suspect> = self.loc.suspects.iter().filter(|s| s.test_code).collect();
        let code: Vec<&Suspect> = self.loc.suspects.iter().filter(|s| !s.test_code).collect();
        let failing: Vec<&Suspect> = tests
            .iter()
            .copied()
            .filter(|s| {
                s.evidence
                    .iter()
                    .any(|c| matches!(c, Clue::FailingTest { .. }))
            })
            .collect();
        let fixtures: Vec<&Suspect> = tests
            .iter()
            .copied()
            .filter(|s| !failing.contains(s))
            .collect();
        // The first failing test of each test file, then the top suspects: a long
        // list of failing tests must not crowd out the code they test.
        let mut test_files: Vec<&str> = Vec::new();
        let mut later_tests: Vec<&Suspect> = Vec::new();
        for s in failing.iter().take(MAX_TESTS) {
            if test_files.contains(&s.path.as_str()) {
                later_tests.push(s);
            } else {
                test_files.push(&s.path);
                self.add_function(&mut sel, s, true);
            }
        }
        let mut chosen: Vec<&Suspect> = Vec::new();
        if attempt > 1 {
            self.add_needs(&mut sel, needs);
            for s in code.iter().take(CALLERS_OF) {
                self.add_function(&mut sel, s, false);
            }
            self.add_callers(&mut sel, &code);
            let fresh: Vec<&Suspect> = code
                .iter()
                .copied()
                .filter(|s| !self.shown.contains(&(s.path.clone(), s.start_line)))
                .take(NEXT_SUSPECTS)
                .collect();
            chosen.extend(fresh);
        } else {
            chosen.extend(code.iter().take(FIRST_SUSPECTS));
        }
        for s in &chosen {
            self.add_function(&mut sel, s, false);
        }
        if attempt == 1 {
            for s in code
                .iter()
                .skip(FIRST_SUSPECTS)
                .take(MOST_SUSPECTS - FIRST_SUSPECTS)
            {
                if sel.left < budget / 3 {
                    break;
                }
                if self.add_function(&mut sel, s, false) {
                    chosen.push(s);
                }
            }
        }
        for s in later_tests.iter().chain(fixtures.iter()) {
            self.add_function(&mut sel, s, true);
        }
        // The types the top suspects name, defined in other files: a compile error's
        // wrong field type, the value class a suspect builds.
        self.add_named_types(&mut sel, &chosen);
        // Budget left: where the failure came from (the raise, the message it
        // prints), whole when short: the state or table beside the raise.
        let mut whole: Vec<&str> = Vec::new();
        for s in chosen.iter().filter(|s| raised_here(s)) {
            if whole.len() >= WHOLE_FILES {
                break;
            }
            if whole.contains(&s.path.as_str()) {
                continue;
            }
            whole.push(&s.path);
            if let Some(p) = self.ws.get(&s.path) {
                let n = p.file.text().lines().count();
                if n <= WHOLE_SUSPECT_FILE {
                    sel.add(p, &(1..=n as u32).collect());
                }
            }
        }
        let mut outlined: Vec<&str> = Vec::new();
        for s in &chosen {
            if !outlined.contains(&s.path.as_str()) {
                outlined.push(&s.path);
                if let Some(p) = self.ws.get(&s.path) {
                    sel.add_outline(p);
                }
            }
        }
        // Remember what this request showed, so the next one brings something new.
        for (rel, lines) in &sel.lines {
            if let Some(p) = self.ws.get(rel) {
                for f in &p.file.functions {
                    if lines.contains(&f.def_line) {
                        self.shown.insert((rel.clone(), f.span.start_line));
                    }
                }
            }
        }
        sel.render(self.ws)
    }

    /// One suspect's function with what makes it readable: the file's imports and
    /// top-level statements, the enclosing class headers and fields.
    fn add_function(&self, sel: &mut Selection, s: &Suspect, is_test: bool) -> bool {
        let Some(p) = self.ws.get(&s.path) else {
            return false;
        };
        let Some(fi) = p
            .file
            .functions
            .iter()
            .position(|f| f.span.start_line == s.start_line && f.qualified == s.function)
        else {
            return false;
        };
        let focus_lines = clue_lines(s);
        add_definition(sel, p, fi, &focus_lines, is_test)
    }

    /// Classes, interfaces and other containers whose name a top suspect's function
    /// uses, from the checkout's code (not tests), whole when short.
    fn add_named_types(&self, sel: &mut Selection, suspects: &[&Suspect]) {
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for s in suspects.iter().take(TYPES_OF) {
            let Some(p) = self.ws.get(&s.path) else {
                continue;
            };
            let Some(f) = p
                .file
                .functions
                .iter()
                .find(|f| f.span.start_line == s.start_line && f.qualified == s.function)
            else {
                continue;
            };
            names.extend(
                p.file
                    .slice(f.span)
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| w.len() >= 3),
            );
        }
        let mut added = 0;
        for p in self.ws.files.iter().filter(|p| !p.is_test) {
            for c in &p.file.containers {
                if added >= MAX_TYPES {
                    return;
                }
                if !names.contains(c.name.as_str()) || c.span.lines() > LONG_FUNCTION {
                    continue;
                }
                let lines = sel.lines.get(&p.rel);
                if lines.is_some_and(|l| l.contains(&c.span.start_line)) {
                    continue;
                }
                if sel.add(p, &(c.span.start_line..=c.span.end_line).collect()) {
                    added += 1;
                }
            }
        }
    }

    /// Callers of the top suspects (references through the parser) not shown yet.
    fn add_callers(&self, sel: &mut Selection, code: &[&Suspect]) {
        for s in code.iter().take(CALLERS_OF) {
            let mut n = 0;
            for p in &self.ws.files {
                if p.is_test {
                    continue;
                }
                let callers: BTreeSet<usize> = p
                    .file
                    .references(&s.name)
                    .into_iter()
                    .filter(|r| !r.definition)
                    .filter_map(|r| r.function)
                    .collect();
                for fi in callers {
                    let f = &p.file.functions[fi];
                    if (p.rel == s.path && f.span.start_line == s.start_line)
                        || self.shown.contains(&(p.rel.clone(), f.span.start_line))
                    {
                        continue;
                    }
                    if n >= MAX_CALLERS {
                        break;
                    }
                    if add_definition(sel, p, fi, &[], false) {
                        n += 1;
                    }
                }
            }
        }
    }

    /// The definitions the model asked for: a path (the file whole when short, else
    /// its outline) or a symbol (the functions and classes of that name). Only files
    /// of the checkout that the safe reader allows were parsed, so a need never reads
    /// anything else.
    fn add_needs(&self, sel: &mut Selection, needs: &[String]) {
        for need in needs.iter().take(MAX_NEEDS) {
            let need = need.trim();
            if need.is_empty() || need.len() > 300 {
                continue;
            }
            let (path_part, symbol) = match need.rsplit_once(['#', ':']) {
                Some((p, s)) if self.ws.resolve(p).is_some() && !s.is_empty() => (Some(p), Some(s)),
                _ => (None, None),
            };
            if path_part.is_none()
                && (need.contains('/') || crate::lang::grammar_for(need).is_some())
            {
                if let Some(rel) = self.ws.resolve(need) {
                    let p = self.ws.get(rel).expect("resolved");
                    let n = p.file.text().lines().count();
                    if n <= WHOLE_NEEDED_FILE {
                        let all: BTreeSet<u32> = (1..=n as u32).collect();
                        sel.add(p, &all);
                    } else {
                        sel.add_outline(p);
                    }
                }
                continue;
            }
            let symbol = symbol.unwrap_or(need);
            let symbol = symbol
                .trim_end_matches("()")
                .rsplit(['.', ':'])
                .next()
                .unwrap_or(symbol);
            let in_file = path_part.and_then(|p| self.ws.resolve(p));
            let mut found = 0;
            for p in &self.ws.files {
                if in_file.is_some_and(|f| f != p.rel) {
                    continue;
                }
                for (fi, f) in p.file.functions.iter().enumerate() {
                    if found >= MAX_PER_NEED {
                        break;
                    }
                    if f.name == symbol && add_definition(sel, p, fi, &[], p.is_test) {
                        found += 1;
                    }
                }
                for c in &p.file.containers {
                    if found >= MAX_PER_NEED {
                        break;
                    }
                    if c.name == symbol {
                        let want: BTreeSet<u32> = if c.span.lines() <= LONG_FUNCTION {
                            (c.span.start_line..=c.span.end_line).collect()
                        } else {
                            (c.header_lines.0..=c.header_lines.1).collect()
                        };
                        if sel.add(p, &want) {
                            found += 1;
                        }
                    }
                }
            }
        }
    }
}

/// Whether the failure was raised in this suspect or prints a literal it holds.
fn raised_here(s: &Suspect) -> bool {
    s.evidence.iter().any(|c| {
        matches!(
            c,
            Clue::Frame {
                innermost: true,
                ..
            } | Clue::Literal { .. }
        )
    })
}

/// Lines a suspect's evidence points at (spectrum, frames, changes, literals).
fn clue_lines(s: &Suspect) -> Vec<u32> {
    let mut out = Vec::new();
    for c in &s.evidence {
        match c {
            Clue::Spectrum { lines, .. } | Clue::Changed { lines } => out.extend(lines),
            Clue::Frame { line, .. } | Clue::Literal { line, .. } => out.push(*line),
            _ => {}
        }
    }
    out
}

/// Adds function `fi` of `p` (whole, or its head and the lines around `focus` when
/// long) with its context lines; false when it did not fit.
fn add_definition(
    sel: &mut Selection,
    p: &Parsed,
    fi: usize,
    focus: &[u32],
    is_test: bool,
) -> bool {
    let f = &p.file.functions[fi];
    let mut want: BTreeSet<u32> = BTreeSet::new();
    let (a, b) = (f.span.start_line, f.span.end_line);
    if b + 1 - a > LONG_FUNCTION {
        let head_end = (f.def_line + HEAD_LINES).min(b);
        want.extend(a..=head_end);
        for &l in focus {
            want.extend(l.saturating_sub(AROUND).max(a)..=(l + AROUND).min(b));
        }
    } else {
        want.extend(a..=b);
    }
    let mut with_context = want.clone();
    with_context.extend(top_level(p, is_test));
    for &ci in &f.containers {
        let c = &p.file.containers[ci];
        with_context.extend(c.header_lines.0..=c.header_lines.1);
        if !is_test {
            with_context.extend(fields(p, ci));
        }
    }
    // The context first; the bare function when the context does not fit.
    sel.add(p, &with_context) || sel.add(p, &want)
}

/// The file's top-level lines outside any function or class: imports, constants,
/// tables (a grammar table or a pattern a function uses is often the bug). A test file
/// gets its imports only.
fn top_level(p: &Parsed, imports_only: bool) -> Vec<u32> {
    let mut out = Vec::new();
    for i in &p.file.imports {
        out.extend(i.span.start_line..=i.span.end_line);
    }
    if imports_only {
        return out;
    }
    let text: Vec<&str> = p.file.text().lines().collect();
    let inside = |l: u32| {
        p.file.functions.iter().any(|f| f.span.contains_line(l))
            || p.file.containers.iter().any(|c| c.span.contains_line(l))
    };
    let mut n = 0;
    for (i, line) in text.iter().enumerate() {
        let l = i as u32 + 1;
        if line.trim().is_empty() || inside(l) || out.contains(&l) {
            continue;
        }
        if n >= MAX_TOP_LEVEL {
            break;
        }
        out.push(l);
        n += 1;
    }
    out
}

/// A class's own lines outside its methods and nested classes: its fields and
/// constants.
fn fields(p: &Parsed, ci: usize) -> Vec<u32> {
    let c = &p.file.containers[ci];
    let text: Vec<&str> = p.file.text().lines().collect();
    let mut out = Vec::new();
    for l in c.header_lines.1 + 1..c.span.end_line {
        let Some(line) = text.get(l as usize - 1) else {
            break;
        };
        if line.trim().is_empty()
            || p.file.functions.iter().any(|f| f.span.contains_line(l))
            || p.file
                .containers
                .iter()
                .enumerate()
                .any(|(j, o)| j != ci && o.span.contains_line(l) && o.span.lines() < c.span.lines())
        {
            continue;
        }
        if out.len() >= MAX_FIELDS {
            break;
        }
        out.push(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Analysis, Failure};
    use crate::failure::FailureKind;

    /// A long module whose buggy function sits far down, called two hops from the
    /// test; unrelated functions around it; a caller elsewhere.
    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::create_dir_all(root.join("tests")).unwrap();
        let mut m = String::from("import re\n\nLIMIT = 10\n\n\n");
        for i in 0..60 {
            m.push_str(&format!(
                "def unrelated_{i}(x):\n    y = x + {i}\n    return y * 2\n\n\n"
            ));
        }
        m.push_str("def load(text):\n    return total(text.split())\n\n\n");
        m.push_str("def total(items):\n    s = 0\n    for i in items[1:]:\n        s += int(i)\n    return s\n");
        std::fs::write(root.join("pkg/m.py"), m).unwrap();
        std::fs::write(
            root.join("pkg/report.py"),
            "from pkg.m import total\n\n\ndef summary(items):\n    return 'total=%d' % total(items)\n",
        )
        .unwrap();
        std::fs::write(
            root.join("tests/test_m.py"),
            "from pkg.m import load\n\n\ndef test_other():\n    assert True\n\n\ndef test_load():\n    assert load('1 2 3') == 6\n",
        )
        .unwrap();
        dir
    }

    fn analysis() -> Analysis {
        Analysis {
            failures: vec![Failure {
                kind: FailureKind::TestFailure,
                tool: "pytest".into(),
                test: Some("tests/test_m.py::test_load".into()),
                file: Some("tests/test_m.py".into()),
                line: Some(9),
                message: "assert 5 == 6".into(),
                ..Failure::default()
            }],
            context: "tests/test_m.py:9: AssertionError\nE assert 5 == 6".into(),
            ..Analysis::default()
        }
    }

    fn text(files: &[SourceFile]) -> String {
        files
            .iter()
            .map(|f| format!("### {}\n{}", f.path, f.numbered))
            .collect()
    }

    #[test]
    fn the_first_request_carries_the_called_functions_whole_not_the_module_top() {
        let dir = project();
        let (ws, ev) = super::super::evidence::gather(dir.path(), &analysis(), &[], None);
        let loc = crate::localize::localize(&ev);
        let mut focus = Focus::new(&ws, &loc);
        let first = text(&focus.files(1, &[], 6000));
        // The test, the function it calls and the one that calls, whole.
        assert!(first.contains("def test_load():"), "{first}");
        assert!(first.contains("def load(text):"), "{first}");
        assert!(first.contains("for i in items[1:]:"), "{first}");
        // With its module's imports and constants, never the unrelated bulk.
        assert!(first.contains("LIMIT = 10"), "{first}");
        assert!(!first.contains("y = x + 30"), "{first}");
        // Other tests of the file stay out.
        assert!(!first.contains("def test_other"), "{first}");

        // A retry brings new code: what the reply asked for and the callers.
        let second = text(&focus.files(2, &["unrelated_30".to_string()], 6000));
        assert!(second.contains("y = x + 30"), "{second}");
        assert!(second.contains("def summary(items):"), "{second}");
        assert_ne!(first, second);
    }

    #[test]
    fn an_outline_lists_only_the_signatures_the_request_does_not_show() {
        let dir = project();
        let (ws, ev) = super::super::evidence::gather(dir.path(), &analysis(), &[], None);
        let loc = crate::localize::localize(&ev);
        let mut focus = Focus::new(&ws, &loc);
        let files = focus.files(1, &[], 20_000);
        let outline = |rel: &str| {
            files
                .iter()
                .find(|f| f.path.starts_with(&format!("{rel} (outline")))
                .map(|f| f.numbered.clone())
        };
        // The long module's functions shown whole are not listed again; the rest are.
        let m = outline("pkg/m.py").expect("the long module's outline");
        assert!(m.contains("unrelated_30"), "{m}");
        assert!(!m.contains("load(") && !m.contains("total("), "{m}");
        // A file the request shows whole gets no outline at all.
        let p = ws.get("pkg/m.py").unwrap();
        let mut sel = Selection::new(100_000);
        let n = p.file.text().lines().count() as u32;
        assert!(sel.add(p, &(1..=n).collect()));
        sel.add_outline(p);
        assert!(sel.outlines.is_empty(), "{:?}", sel.outlines);
    }

    #[test]
    fn a_type_error_carries_the_type_the_failing_function_names_from_its_own_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(
            root.join("src/format.ts"),
            "import type { Order } from './types.js';\n\nexport function describe(order: Order): string {\n  const amount = (order.totalCents / 100).toFixed(2);\n  return `#${order.id} ${amount}`;\n}\n",
        )
        .unwrap();
        std::fs::write(
            root.join("src/types.ts"),
            "// Amounts are integer cents.\nexport interface Order {\n  id: string;\n  totalCents: string;\n}\n\nexport interface Unrelated {\n  name: string;\n}\n",
        )
        .unwrap();
        let analysis = Analysis {
            failures: vec![Failure {
                kind: FailureKind::CompileError,
                tool: "tsc".into(),
                file: Some("src/format.ts".into()),
                line: Some(4),
                message: "error TS2362: The left-hand side of an arithmetic operation must be of type 'any', 'number', 'bigint' or an enum type.".into(),
                ..Failure::default()
            }],
            context: "src/format.ts(4,19): error TS2362: The left-hand side of an arithmetic operation must be of type 'any', 'number', 'bigint' or an enum type.".into(),
            ..Analysis::default()
        };
        let (ws, ev) = super::super::evidence::gather(root, &analysis, &[], None);
        let loc = crate::localize::localize(&ev);
        let mut focus = Focus::new(&ws, &loc);
        let first = text(&focus.files(1, &[], 6000));
        assert!(first.contains("export function describe"), "{first}");
        // The interface the function's signature names, from the file it imports.
        assert!(first.contains("totalCents: string;"), "{first}");
        assert!(!first.contains("interface Unrelated"), "{first}");
    }

    #[test]
    fn a_need_never_reads_outside_the_checkout() {
        let dir = project();
        let (ws, ev) = super::super::evidence::gather(dir.path(), &analysis(), &[], None);
        let loc = crate::localize::localize(&ev);
        let mut focus = Focus::new(&ws, &loc);
        focus.files(1, &[], 6000);
        let needs = ["/etc/passwd", "../outside.py", ".env"].map(String::from);
        let second = text(&focus.files(2, &needs, 6000));
        assert!(!second.contains("root:"), "{second}");
        assert!(!second.contains("outside"), "{second}");
    }
}
