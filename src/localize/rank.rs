//! Scores and orders the suspects (see the module docs for the evidence weighed).

use super::evidence::{Evidence, FunctionInfo, Role, SourceFile};
use super::literals;
use super::spectrum::{Counts, Spectrum};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Suspects returned at most.
pub const MAX_SUSPECTS: usize = 100;
/// What each kind of evidence adds to the spectrum score (0..1). The raise adds less
/// than the smallest gap that matters in the spectrum (a line only the failing test
/// ran, 1.0, against one a passing test ran too, 1/√2 ≈ 0.71), so it never lifts code
/// that passing tests also run above code that only the failing tests reached; it
/// orders ties, and alone it leads the static ranking. A change since the last green
/// run says more: among equally suspicious code, what changed goes first.
const RAISE: f64 = 0.25;
const FRAME: f64 = 0.15;
const CHANGED: f64 = 0.4;
const LITERAL: f64 = 0.25;
const NAMED: f64 = 0.1;
const CALLED: f64 = 0.1;
/// Lines of one clue listed at most.
const MAX_LINES: usize = 8;
/// Function names shorter than this (normalised) are too common to match a test name.
const MIN_NAME_IN_TEST: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Ranked by the coverage of failing vs passing tests, then the other evidence.
    Spectrum,
    /// Nothing executed under coverage: ranked by frames, changes, literals, names.
    Static,
}

/// One reason a function is suspect.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Clue {
    /// Executed by `failed` of `failed_total` failing tests and `passed` of
    /// `passed_total` passing ones at its most suspicious `lines`.
    Spectrum {
        failed: u32,
        passed: u32,
        failed_total: u32,
        passed_total: u32,
        ochiai: f64,
        lines: Vec<u32>,
    },
    /// A stack frame at `line`; `innermost`: the deepest frame in code under test.
    Frame { line: u32, innermost: bool },
    /// Lines changed since the last green run.
    Changed { lines: Vec<u32> },
    /// A literal the failure prints or quotes.
    Literal { line: u32, text: String },
    /// Its name is in the failure message or the failing test's name.
    NamedInFailure { name: String },
    /// A failing test calls it.
    CalledByTest { test: String },
    /// It is a failing test.
    FailingTest { test: String },
    /// A fixture, hook or helper of a failing test.
    Fixture,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suspect {
    /// 1-based.
    pub rank: usize,
    pub path: String,
    /// The qualified name (`Class.method`).
    pub function: String,
    pub name: String,
    pub start_line: u32,
    pub end_line: u32,
    pub score: f64,
    /// In a test file: a failing test or its fixture.
    pub test_code: bool,
    pub evidence: Vec<Clue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Localization {
    pub mode: Mode,
    pub suspects: Vec<Suspect>,
    /// What limited the ranking, one sentence each.
    pub notes: Vec<String>,
}

impl Suspect {
    /// "Why this code", one line for a PR body.
    pub fn why(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for c in &self.evidence {
            parts.push(match c {
                Clue::Spectrum {
                    failed,
                    passed,
                    failed_total,
                    passed_total,
                    lines,
                    ..
                } => format!(
                    "run by {failed} of {failed_total} failing and {passed} of {passed_total} passing tests ({})",
                    line_list(lines)
                ),
                Clue::Frame { line, innermost } if *innermost => {
                    format!("the error was raised here (line {line})")
                }
                Clue::Frame { line, .. } => format!("in the stack trace (line {line})"),
                Clue::Changed { lines } => {
                    format!("changed since the last green run ({})", line_list(lines))
                }
                Clue::Literal { line, text } => {
                    format!("line {line} holds \"{}\", which the failure prints", cut(text, 60))
                }
                Clue::NamedInFailure { name } => format!("named in the failure ({name})"),
                Clue::CalledByTest { test } => format!("called by the failing test {test}"),
                Clue::FailingTest { test } => format!("the failing test {test}"),
                Clue::Fixture => "a fixture or helper the failing test ran".to_string(),
            });
        }
        format!("{} `{}`: {}", self.path, self.function, parts.join("; "))
    }
}

fn line_list(lines: &[u32]) -> String {
    let shown: Vec<String> = lines.iter().map(u32::to_string).collect();
    match shown.len() {
        0 => String::new(),
        1 => format!("line {}", shown[0]),
        _ => format!("lines {}", shown.join(", ")),
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// What was found for one function while weighing.
#[derive(Default)]
struct Acc {
    ochiai: f64,
    counts: Counts,
    best_lines: Vec<u32>,
    frame: Option<(u32, bool)>,
    changed: BTreeSet<u32>,
    literal: Option<(u32, String)>,
    named: Option<String>,
    called_by: Option<String>,
    failing_test: Option<String>,
}

impl Acc {
    fn boost(&self) -> f64 {
        let frame = match self.frame {
            Some((_, true)) => RAISE,
            Some((_, false)) => FRAME,
            None => 0.0,
        };
        frame
            + if self.changed.is_empty() {
                0.0
            } else {
                CHANGED
            }
            + if self.literal.is_some() { LITERAL } else { 0.0 }
            + if self.named.is_some() { NAMED } else { 0.0 }
            + if self.called_by.is_some() {
                CALLED
            } else {
                0.0
            }
    }

    fn has_clue(&self) -> bool {
        self.counts.failed > 0 || self.boost() > 0.0 || self.failing_test.is_some()
    }
}

/// Ranks the functions of `e.files` by the evidence.
pub fn localize(e: &Evidence) -> Localization {
    let mut notes = Vec::new();
    let spectrum = e
        .coverage
        .as_ref()
        .filter(|c| c.executed_anything())
        .map(Spectrum::build);
    let mode = if spectrum.is_some() {
        Mode::Spectrum
    } else {
        notes.push(
            "nothing ran under coverage: ranked on stack frames, changed lines, printed literals and names only"
                .to_string(),
        );
        Mode::Static
    };
    if let (Some(cov), Some(s)) = (&e.coverage, &spectrum) {
        let aggregated: u32 = cov
            .failing
            .iter()
            .filter(|r| r.tests > 1)
            .map(|r| r.tests)
            .sum();
        if aggregated > 0 {
            notes.push(format!(
                "coverage of {aggregated} failing tests is aggregated: lines are told apart only by the passing tests"
            ));
        }
        if s.passed_total == 0 {
            notes.push("no passing test ran under coverage: every line the failing tests ran scores alike, and frames, changes and literals order them".to_string());
        }
        let known: BTreeSet<&str> = e.files.iter().map(|f| f.path.as_str()).collect();
        let missing: Vec<&str> = s
            .lines
            .keys()
            .map(String::as_str)
            .filter(|p| !known.contains(p))
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "{} executed files were not weighed (their functions were not given): {}",
                missing.len(),
                missing
                    .iter()
                    .take(5)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }

    let mut accs: BTreeMap<(usize, usize), Acc> = BTreeMap::new();
    let file_index: BTreeMap<&str, usize> = e
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();

    // The spectrum, per function: its most suspicious body line.
    if let Some(s) = &spectrum {
        for (path, lines) in &s.lines {
            let Some(&fi) = file_index.get(path.as_str()) else {
                continue;
            };
            let file = &e.files[fi];
            for (&line, &counts) in lines {
                let Some(gi) = body_owner(&file.functions, line) else {
                    continue;
                };
                let score = s.ochiai(counts);
                let acc = accs.entry((fi, gi)).or_default();
                if score > acc.ochiai + 1e-12 || acc.counts.failed == 0 {
                    acc.ochiai = score;
                    acc.counts = counts;
                    acc.best_lines = vec![line];
                } else if (score - acc.ochiai).abs() <= 1e-12 && acc.best_lines.len() < MAX_LINES {
                    acc.best_lines.push(line);
                }
            }
        }
    }

    // Stack frames: the innermost one in code under test is where it was raised.
    let mut raise_seen = false;
    for frame in &e.frames {
        let Some(&fi) = file_index.get(frame.file.as_str()) else {
            continue;
        };
        let file = &e.files[fi];
        let innermost = !file.is_test && !raise_seen;
        raise_seen |= !file.is_test;
        if let Some(gi) = span_owner(&file.functions, frame.line) {
            let acc = accs.entry((fi, gi)).or_default();
            if acc.frame.is_none_or(|(_, inner)| innermost && !inner) {
                acc.frame = Some((frame.line, innermost));
            }
        }
    }

    // Lines changed since the last green run.
    for (path, lines) in &e.changed {
        let Some(&fi) = file_index.get(path.as_str()) else {
            continue;
        };
        for &line in lines {
            if let Some(gi) = span_owner(&e.files[fi].functions, line) {
                accs.entry((fi, gi)).or_default().changed.insert(line);
            }
        }
    }

    // Literals the failure prints or quotes.
    let quoted: Vec<String> = e
        .messages
        .iter()
        .flat_map(|m| literals::quoted(m))
        .collect();
    for (fi, file) in e.files.iter().enumerate() {
        if file.text.is_empty() {
            continue;
        }
        for (line, text) in literals::hits(&file.text, &e.messages, &quoted) {
            if let Some(gi) = span_owner(&file.functions, line) {
                let acc = accs.entry((fi, gi)).or_default();
                if acc.literal.is_none() {
                    acc.literal = Some((line, text));
                }
            }
        }
    }

    // The failing tests themselves, and what they call and are named after.
    let mut test_calls: Vec<(String, &str)> = Vec::new();
    for (fi, file) in e.files.iter().enumerate() {
        if !file.is_test {
            continue;
        }
        for (gi, f) in file.functions.iter().enumerate() {
            if let Some(t) = e
                .failing_tests
                .iter()
                .find(|t| same_file(t.file.as_deref(), &file.path) && names_test(&t.name, f))
            {
                accs.entry((fi, gi)).or_default().failing_test = Some(t.name.clone());
                for c in &f.calls {
                    test_calls.push((c.clone(), t.name.as_str()));
                }
            }
        }
    }
    let code_names = literals::code_names(&e.messages);
    for (fi, file) in e.files.iter().enumerate() {
        if file.is_test {
            continue;
        }
        for (gi, f) in file.functions.iter().enumerate() {
            let named = if code_names.contains(&f.name) {
                Some(f.name.clone())
            } else {
                e.failing_tests
                    .iter()
                    .find(|t| name_in_test(&f.name, &t.name))
                    .map(|t| t.name.clone())
            };
            let called = test_calls
                .iter()
                .find(|(c, _)| *c == f.name)
                .map(|(_, t)| t.to_string());
            if named.is_some() || called.is_some() {
                let acc = accs.entry((fi, gi)).or_default();
                acc.named = named;
                acc.called_by = called;
            }
        }
    }

    let mut suspects: Vec<Suspect> = accs
        .into_iter()
        .filter(|(_, a)| a.has_clue())
        .filter_map(|((fi, gi), a)| suspect(&e.files[fi], &e.files[fi].functions[gi], a, &spectrum))
        .collect();
    suspects.sort_by(|a, b| {
        a.test_code
            .cmp(&b.test_code)
            .then(b.score.total_cmp(&a.score))
            .then(failed(b).cmp(&failed(a)))
            .then(passed(a).cmp(&passed(b)))
            .then(a.path.cmp(&b.path))
            .then(a.start_line.cmp(&b.start_line))
    });
    suspects.truncate(MAX_SUSPECTS);
    for (i, s) in suspects.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    Localization {
        mode,
        suspects,
        notes,
    }
}

fn failed(s: &Suspect) -> u32 {
    s.evidence
        .iter()
        .find_map(|c| match c {
            Clue::Spectrum { failed, .. } => Some(*failed),
            _ => None,
        })
        .unwrap_or(0)
}

fn passed(s: &Suspect) -> u32 {
    s.evidence
        .iter()
        .find_map(|c| match c {
            Clue::Spectrum { passed, .. } => Some(*passed),
            _ => None,
        })
        .unwrap_or(0)
}

/// The suspect for one function, or None for test code that is neither a failing test
/// nor something one ran.
fn suspect(file: &SourceFile, f: &FunctionInfo, a: Acc, s: &Option<Spectrum>) -> Option<Suspect> {
    let mut evidence = Vec::new();
    if let Some(t) = &a.failing_test {
        evidence.push(Clue::FailingTest { test: t.clone() });
    } else if file.is_test {
        // Hooks and fixtures count; so do helpers the failing tests ran. Other tests never.
        let ran = a.counts.failed > 0;
        if !(is_fixture(f) || (ran && !looks_like_test(f))) {
            return None;
        }
        evidence.push(Clue::Fixture);
    }
    if let (Some(s), true) = (s, a.counts.failed > 0) {
        evidence.push(Clue::Spectrum {
            failed: a.counts.failed,
            passed: a.counts.passed,
            failed_total: s.failed_total,
            passed_total: s.passed_total,
            ochiai: round(a.ochiai),
            lines: a.best_lines.clone(),
        });
    }
    if let Some((line, innermost)) = a.frame {
        evidence.push(Clue::Frame { line, innermost });
    }
    if !a.changed.is_empty() {
        evidence.push(Clue::Changed {
            lines: a.changed.iter().take(MAX_LINES).copied().collect(),
        });
    }
    if let Some((line, text)) = &a.literal {
        evidence.push(Clue::Literal {
            line: *line,
            text: text.clone(),
        });
    }
    if let Some(name) = &a.named {
        evidence.push(Clue::NamedInFailure { name: name.clone() });
    }
    if let Some(test) = &a.called_by {
        evidence.push(Clue::CalledByTest { test: test.clone() });
    }
    Some(Suspect {
        rank: 0,
        path: file.path.clone(),
        function: f.qualified.clone(),
        name: f.name.clone(),
        start_line: f.start_line,
        end_line: f.end_line,
        score: round(a.ochiai + a.boost()),
        test_code: file.is_test,
        evidence,
    })
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The innermost function whose span (decorators and comments included) holds `line`.
fn span_owner(functions: &[FunctionInfo], line: u32) -> Option<usize> {
    containing(functions, line).next()
}

/// The innermost function whose body holds `line`: a multi-line function's signature,
/// decorators and comments run when its module loads, not when it is called, so they
/// are not its execution. Such a line belongs to the function around it, if any.
fn body_owner(functions: &[FunctionInfo], line: u32) -> Option<usize> {
    containing(functions, line).find(|&i| {
        let f = &functions[i];
        line > f.def_line || (f.end_line <= f.def_line && line == f.def_line)
    })
}

/// Functions holding `line`, innermost first.
fn containing(functions: &[FunctionInfo], line: u32) -> impl Iterator<Item = usize> {
    let mut v: Vec<usize> = (0..functions.len())
        .filter(|&i| functions[i].start_line <= line && line <= functions[i].end_line)
        .collect();
    v.sort_by(|&a, &b| {
        let (fa, fb) = (&functions[a], &functions[b]);
        fb.start_line
            .cmp(&fa.start_line)
            .then(fa.end_line.cmp(&fb.end_line))
    });
    v.into_iter()
}

/// Whether a failing test's file (when known) is `path`: the same, or one is a suffix of
/// the other at a `/` (ids relative to another directory).
fn same_file(test_file: Option<&str>, path: &str) -> bool {
    match test_file {
        None => true,
        Some(t) => {
            t == path || path.ends_with(&format!("/{t}")) || t.ends_with(&format!("/{path}"))
        }
    }
}

/// Whether a test id names function `f`: its qualified name or its name ends the id
/// at a separator (`tests/t.py::TestX::test_y`, `pkg.TestX.test_y`, `suite works`).
fn names_test(id: &str, f: &FunctionInfo) -> bool {
    let id = id.split('[').next().unwrap_or(id).trim();
    let id = id.replace("::", ".");
    [f.qualified.replace("::", "."), f.name.clone()]
        .iter()
        .filter(|n| !n.is_empty())
        .any(|n| {
            id == *n
                || id
                    .strip_suffix(n.as_str())
                    .is_some_and(|rest| rest.ends_with(['.', ' ', '#', '/', ':']))
        })
}

/// A function name (normalised: lower case, no `_`) inside a failing test's own name:
/// `test_parse_date_tz` → `parse_date`, `testParseDate` → `parseDate`.
fn name_in_test(name: &str, test: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let n = norm(name);
    if n.chars().count() < MIN_NAME_IN_TEST {
        return false;
    }
    let last = test
        .rsplit(['.', ':', '#', '/', ' '])
        .find(|s| !s.is_empty())
        .unwrap_or(test);
    let last = last.split('[').next().unwrap_or(last);
    norm(last).contains(&n)
}

fn is_fixture(f: &FunctionInfo) -> bool {
    const NAMES: &[&str] = &[
        "setUp",
        "tearDown",
        "setUpClass",
        "tearDownClass",
        "setup_method",
        "teardown_method",
        "setup_function",
        "teardown_function",
        "setup_class",
        "teardown_class",
        "setup_module",
        "teardown_module",
        "setup",
        "teardown",
    ];
    f.role == Role::Hook
        || NAMES.contains(&f.name.as_str())
        || f.decorators.iter().any(|d| {
            let d = d.to_ascii_lowercase();
            d.contains("fixture") || d.contains("@before") || d.contains("@after")
        })
}

fn looks_like_test(f: &FunctionInfo) -> bool {
    f.role == Role::TestBlock
        || f.name.to_ascii_lowercase().starts_with("test")
        || f.decorators.iter().any(|d| {
            let d = d.to_ascii_lowercase();
            d.contains("test") && !d.contains("fixture")
        })
}

#[cfg(test)]
mod tests;
