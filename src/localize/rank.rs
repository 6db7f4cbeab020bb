//! Scores and orders the suspects (see the module docs for the evidence weighed).

use super::evidence::{Evidence, FunctionInfo, Role, SourceFile};
use super::literals;
use super::spectrum::{Counts, Spectrum};
use serde::{Deserialize, Serialize};
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
/// It builds a value of a type the failure prints (`Filter(name='round', args=['1)'])`):
/// where a wrong value shown in the failure was made.
const BUILDS: f64 = 0.2;
/// Reached through calls from a failing test or a function on the stack: this much,
/// divided by the number of calls away (1 from a frame, 2–3 from a test).
const REACHED: f64 = 0.12;
/// Calls followed from the failing tests and the frames (the bug is often 2–3 calls
/// from the assertion or the raise: a tokenizer, a value class, a grammar table).
const MAX_HOPS: u32 = 4;
/// Functions shorter than this many lines weigh less when only reached (accessors).
const ACCESSOR_LINES: u32 = 8;
/// Reached by every failing test (of two or more): this much, less for fewer.
const SHARED: f64 = 0.2;
/// A called name defined more often than this is too common to follow (`get`, `new`).
const MAX_FANOUT: usize = 6;
/// Lines of one clue listed at most.
const MAX_LINES: usize = 8;
/// Function names shorter than this (normalised) are too common to match a test name.
const MIN_NAME_IN_TEST: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Ranked by the coverage of failing vs passing tests, then the other evidence.
    Spectrum,
    /// Nothing executed under coverage: ranked by frames, changes, literals, names.
    Static,
}

/// One reason a function is suspect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// It builds a value of the type `name`, which the failure prints.
    Builds { name: String },
    /// `hops` calls away from a failing test or a function on the stack, through `via`.
    Reached {
        via: String,
        hops: u32,
        /// How many failing tests reach it (when two or more failed).
        #[serde(default, skip_serializing_if = "is_zero")]
        by_tests: u32,
    },
    /// It is a failing test.
    FailingTest { test: String },
    /// A fixture, hook or helper of a failing test.
    Fixture,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Localization {
    pub mode: Mode,
    pub suspects: Vec<Suspect>,
    /// What limited the ranking, one sentence each.
    pub notes: Vec<String>,
}

/// Scores are rounded finite numbers (never NaN), so equality is an equivalence: the
/// report (which compares whole) can hold a localization.
impl Eq for Localization {}

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
                Clue::Builds { name } => format!("builds the {name} the failure prints"),
                Clue::Reached { via, hops, by_tests } => {
                    let tests = if *by_tests > 1 {
                        format!(", reached by {by_tests} failing tests")
                    } else {
                        String::new()
                    };
                    format!(
                        "{hops} call{} away through {via}{tests}",
                        if *hops == 1 { "" } else { "s" }
                    )
                }
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
    reached: Option<(String, u32)>,
    /// The share of the failing tests whose calls reach it (with two or more).
    shared: f64,
    by_tests: u32,
    /// Reaching a one-line accessor says less than reaching a function with logic.
    size_weight: f64,
    builds: Option<String>,
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
            + if self.builds.is_some() { BUILDS } else { 0.0 }
            + match &self.reached {
                Some((_, hops)) if self.called_by.is_none() => {
                    REACHED / f64::from(*hops) * self.size_weight
                }
                _ => 0.0,
            }
            + SHARED * self.shared
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
    let mut frame_fns: Vec<(usize, usize)> = Vec::new();
    for frame in &e.frames {
        let Some(&fi) = file_index.get(frame.file.as_str()) else {
            continue;
        };
        let file = &e.files[fi];
        let innermost = !file.is_test && !raise_seen;
        raise_seen |= !file.is_test;
        if let Some(gi) = span_owner(&file.functions, frame.line) {
            if !frame_fns.contains(&(fi, gi)) {
                frame_fns.push((fi, gi));
            }
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
    // Types whose values the failure prints (`Filter(...)`, `Money{...}`): capitalised,
    // and not an error (its raise is a frame or a literal already).
    let mut value_types: BTreeSet<&str> = code_names
        .iter()
        .map(String::as_str)
        .filter(|n| n.chars().next().is_some_and(char::is_uppercase))
        .filter(|n| !n.ends_with("Error") && !n.ends_with("Exception") && !n.ends_with("Exit"))
        .collect();
    // And the project's own types the functions on the stack take: the raise is often
    // not the bug, the value it was handed was built wrong (`_call_filter(f: Filter)`).
    let project_types: BTreeMap<&str, &str> = e
        .files
        .iter()
        .filter(|f| !f.is_test)
        .flat_map(|f| f.types.iter().map(|t| (t.name.as_str(), t.fields.as_str())))
        .collect();
    let is_value_type = |word: &str| {
        project_types.contains_key(word)
            && word.chars().next().is_some_and(char::is_uppercase)
            && !word.ends_with("Error")
            && !word.ends_with("Exception")
    };
    let mut handed: BTreeSet<&str> = BTreeSet::new();
    for &(fi, gi) in &frame_fns {
        if e.files[fi].is_test {
            continue;
        }
        let sig = &e.files[fi].functions[gi].signature;
        for word in sig.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if is_value_type(word) {
                handed.insert(word);
            }
        }
    }
    // And the types those values hold (an entry's lines hold amounts): one level.
    for t in handed.clone() {
        let fields = project_types.get(t).copied().unwrap_or("");
        for word in fields.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if is_value_type(word) {
                handed.insert(word);
            }
        }
    }
    value_types.extend(handed);
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
                    .find(|t| name_in_test(&f.name, &t.name) || shares_words(&f.name, &t.name))
                    .map(|t| t.name.clone())
            };
            let called = test_calls
                .iter()
                .find(|(c, _)| *c == f.name)
                .map(|(_, t)| t.to_string());
            let builds = f
                .calls
                .iter()
                .find(|c| value_types.contains(c.as_str()))
                .cloned();
            if named.is_some() || called.is_some() || builds.is_some() {
                let acc = accs.entry((fi, gi)).or_default();
                acc.named = named;
                acc.called_by = called;
                acc.builds = builds;
            }
        }
    }

    // Under coverage, a function in a measured file that no failing test ran is not
    // reached whatever the calls say (the measured files are what the spectrum saw).
    let measured: BTreeSet<usize> = spectrum
        .as_ref()
        .map(|s| {
            s.lines
                .keys()
                .filter_map(|p| file_index.get(p.as_str()).copied())
                .collect()
        })
        .unwrap_or_default();
    reach(e, &frame_fns, &measured, &mut accs);

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

/// Follows calls by name from each failing test (and from the functions on the
/// stack), up to [`MAX_HOPS`] calls away: what they call is suspect too, less with each
/// call, more when every failing test reaches it (a static spectrum: with several
/// failing tests, the code they share is where they fail together). A call to a type
/// reaches its constructors (`Lexer(...)` → `Lexer.__init__`); sorting reaches the
/// comparison methods, equality assertions the equality methods. Test helpers are
/// walked through but weighed only as they are otherwise.
fn reach(
    e: &Evidence,
    frame_fns: &[(usize, usize)],
    measured: &BTreeSet<usize>,
    accs: &mut BTreeMap<(usize, usize), Acc>,
) {
    let mut by_name: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (fi, file) in e.files.iter().enumerate() {
        for (gi, f) in file.functions.iter().enumerate() {
            by_name.entry(f.name.as_str()).or_default().push((fi, gi));
            if let Some(owner) = owner_type(f) {
                by_name.entry(owner).or_default().push((fi, gi));
            }
        }
    }
    let callees = |caller: (usize, usize)| -> Vec<(usize, usize)> {
        let file = &e.files[caller.0];
        let f = &file.functions[caller.1];
        let mut names: Vec<&str> = f.calls.iter().map(String::as_str).collect();
        names.extend(implicit_calls(&f.calls));
        // What the module runs as it loads (a table built by a `const fn`, a compiled
        // pattern) is run for any of its functions.
        names.extend(file.top_level_calls.iter().map(String::as_str));
        let mut out = Vec::new();
        for call in names {
            let Some(targets) = by_name.get(call) else {
                continue;
            };
            // Prefer definitions in the code under test; too many means too common.
            let code: Vec<(usize, usize)> = targets
                .iter()
                .copied()
                .filter(|&(tf, _)| !e.files[tf].is_test)
                .collect();
            let pick = if code.is_empty() {
                targets.clone()
            } else {
                code
            };
            if pick.len() <= MAX_FANOUT {
                out.extend(pick);
            }
        }
        out
    };
    // Each seed group: one failing test, or all the frames together.
    let mut groups: Vec<Vec<(usize, usize)>> = accs
        .iter()
        .filter(|(_, a)| a.failing_test.is_some())
        .map(|(k, _)| vec![*k])
        .collect();
    let tests = groups.len();
    if !frame_fns.is_empty() {
        groups.push(frame_fns.to_vec());
    }
    // Per function: the fewest calls away, through whom, and how many tests reach it.
    let mut found: BTreeMap<(usize, usize), (u32, String, u32)> = BTreeMap::new();
    for (gi, seeds) in groups.iter().enumerate() {
        let is_test_group = gi < tests;
        let mut seen: BTreeSet<(usize, usize)> = seeds.iter().copied().collect();
        let mut frontier = seeds.clone();
        for hops in 1..=MAX_HOPS {
            let mut next = Vec::new();
            for &caller in &frontier {
                let via = &e.files[caller.0].functions[caller.1].qualified;
                for t in callees(caller) {
                    if !seen.insert(t) {
                        continue;
                    }
                    next.push(t);
                    if e.files[t.0].is_test {
                        continue;
                    }
                    let entry = found.entry(t).or_insert((hops, via.clone(), 0));
                    if hops < entry.0 {
                        entry.0 = hops;
                        entry.1 = via.clone();
                    }
                    if is_test_group {
                        entry.2 += 1;
                    }
                }
            }
            frontier = next;
        }
    }
    for (t, (hops, via, by_tests)) in found {
        let ran = accs.get(&t).is_some_and(|a| a.counts.failed > 0);
        let f = &e.files[t.0].functions[t.1];
        if measured.contains(&t.0) && !ran && !may_run_at_compile_time(f) {
            continue;
        }
        let body = f.end_line.saturating_sub(f.def_line) + 1;
        let acc = accs.entry(t).or_default();
        acc.reached = Some((via, hops));
        acc.size_weight = (f64::from(body) / f64::from(ACCESSOR_LINES)).min(1.0);
        if tests > 1 {
            acc.shared = f64::from(by_tests) / tests as f64;
            acc.by_tests = by_tests;
        }
    }
}

/// Methods a call reaches without naming them: sorting compares, an equality
/// assertion compares for equality.
fn implicit_calls(calls: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    let has = |names: &[&str]| calls.iter().any(|c| names.contains(&c.as_str()));
    if has(&[
        "sort",
        "sorted",
        "sort_by",
        "sort_unstable",
        "Sort",
        "Stable",
        "Slice",
        "min",
        "max",
        "binarySearch",
        "TreeSet",
        "TreeMap",
        "PriorityQueue",
        "heappush",
    ]) {
        out.extend([
            "compareTo",
            "compare",
            "__lt__",
            "__gt__",
            "__le__",
            "cmp",
            "partial_cmp",
            "Less",
        ]);
    }
    if has(&[
        "assertEquals",
        "assertEqual",
        "assert_eq",
        "assertThat",
        "toEqual",
        "deepEqual",
        "deepStrictEqual",
        "Equal",
        "DeepEqual",
        "equal",
    ]) {
        out.extend(["equals", "__eq__", "eq", "Equal"]);
    }
    out
}

/// The type a constructor builds (`Lexer` of `Lexer.__init__`, `Money::new`, Java's
/// `Money.Money`), so a call to the type reaches it.
fn owner_type(f: &FunctionInfo) -> Option<&str> {
    let q = f.qualified.as_str();
    let cut = q.len().checked_sub(f.name.len())?;
    let owner = q.get(..cut)?.trim_end_matches(['.', ':']);
    let owner = owner.rsplit(['.', ':']).next()?;
    let ctor = matches!(
        f.name.as_str(),
        "__init__" | "__new__" | "constructor" | "new" | "initialize"
    ) || f.name == owner;
    (ctor && !owner.is_empty()).then_some(owner)
}

/// Whether a function's name and a failing test's name share at least two words of
/// four letters or more (`_strip_inline_comment` and
/// `test_inline_comment_prefix_is_kept`), camelCase and snake_case alike.
fn shares_words(name: &str, test: &str) -> bool {
    let last = test
        .rsplit(['.', ':', '#', '/'])
        .find(|s| !s.is_empty())
        .unwrap_or(test);
    let ours = words(name);
    let theirs = words(last);
    ours.iter().filter(|w| theirs.contains(*w)).count() >= 2
}

fn words(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() || (c.is_uppercase() && prev_lower) {
            if cur.len() >= 4 && cur != "test" {
                out.insert(std::mem::take(&mut cur));
            }
            cur.clear();
        }
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if cur.len() >= 4 && cur != "test" {
        out.insert(cur);
    }
    // `breaks` and `break`, `pieces` and `piece`: one word.
    out.into_iter()
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 4 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        })
        .collect()
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
    if let Some(name) = &a.builds {
        evidence.push(Clue::Builds { name: name.clone() });
    }
    if let Some(test) = &a.called_by {
        evidence.push(Clue::CalledByTest { test: test.clone() });
    } else if let Some((via, hops)) = a.reached.as_ref().filter(|_| a.builds.is_none()) {
        evidence.push(Clue::Reached {
            via: via.clone(),
            hops: *hops,
            by_tests: a.by_tests,
        });
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

fn is_zero(n: &u32) -> bool {
    *n == 0
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

/// A function the compiler may run (Rust's `const fn`, evaluated for a `const` or
/// `static`): coverage never sees those runs, so its absence from the measured lines
/// says nothing about whether the failing test depended on it.
fn may_run_at_compile_time(f: &FunctionInfo) -> bool {
    let words: Vec<&str> = f.signature.split_whitespace().collect();
    words
        .windows(2)
        .any(|w| w[0] == "const" && (w[1] == "fn" || w[1].starts_with("fn(")))
}
