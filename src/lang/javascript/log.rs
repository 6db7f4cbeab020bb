//! JavaScript/TypeScript test runners: jest (`FAIL file` + `● title`
//! blocks), vitest (`FAIL file > suite > test`, `❯ file:line:col`), mocha
//! (the numbered list after `N failing`) and `node --test` (its TAP output,
//! Node 20's default off a terminal, with `# Subtest:` nesting and YAML
//! diagnostics; and its `spec` reporter, `▶ suite` / `✖ test (1.2ms)`).
//!
//! Test ids are the runner's full title: jest `describe › test`, vitest
//! `suite > test`, mocha the title parts joined by spaces, node:test
//! `suite > test`. The location is the first stack frame outside
//! `node_modules` and node internals.

use crate::failure::paths;
use crate::failure::sink::{Found, LogParser, Sink, Tier, MAX_DETAILS};
use crate::failure::util::FastTrim;
use crate::failure::{Failure, FailureKind};
use std::collections::HashSet;

const MAX_SEEN: usize = 5000;
/// Most lines of one mocha entry read before its stack (message and diff).
const MOCHA_MAX_LINES: usize = 200;

#[derive(Debug, Default)]
struct JsTest {
    tool: &'static str,
    id: String,
    suite_file: Option<String>,
    message: Option<String>,
    loc: Option<(String, u32)>,
    details: Vec<String>,
    /// node:test spec reporter: the indent of the `✖` line (its block is deeper).
    indent: Option<usize>,
}

/// node:test TAP: where the reader is inside a `not ok` entry's YAML block.
#[derive(Debug, Default)]
struct TapYaml {
    /// Indent of the `---` line; keys sit at this indent.
    indent: usize,
    /// The block scalar (`key: |-`) being read, if any.
    block: Option<String>,
    name: Option<String>,
    error: Option<String>,
    /// The test's declaration (`location:`), used when no stack frame is the project's.
    location: Option<(String, u32)>,
}

#[derive(Debug, Default)]
pub struct Js {
    /// The jest/vitest suite file of the `FAIL` line above.
    suite: Option<String>,
    cur: Option<JsTest>,
    /// jest prints each failure twice (inline and in its summary).
    seen: HashSet<String>,
    /// mocha: entries still expected after `N failing`, and the entry being read.
    mocha_left: u32,
    mocha_title_open: bool,
    mocha_indent: usize,
    /// Lines read of the current entry.
    mocha_lines: usize,
    /// node:test TAP seen (`TAP version`): `not ok` lines are failures.
    tap: bool,
    /// `# Subtest:` names by nesting level (4 spaces each).
    tap_names: Vec<String>,
    /// Inside the YAML block of the current `not ok` entry.
    tap_yaml: Option<TapYaml>,
    /// node:test spec reporter: open suites (`▶ name`) with their indent.
    spec_suites: Vec<(usize, String)>,
    /// After spec's `✖ failing tests:` the failures are listed again.
    spec_summary: bool,
}

/// `at fn (path:12:5)` / `at path:12:5` / `❯ path:12:5` → (path, line) when
/// the path is the project's.
fn js_frame(s: &str) -> Option<(String, u32)> {
    let t = s.trim_start_fast();
    let t = t.strip_prefix("at ").or_else(|| t.strip_prefix("❯ "))?;
    let loc = match (t.rfind('('), t.ends_with(')')) {
        (Some(i), true) => &t[i + 1..t.len() - 1],
        _ => t,
    };
    let mut it = loc.rsplitn(3, ':');
    let a = it.next()?;
    let b = it.next()?;
    let (path, line) = match it.next() {
        Some(p) if b.chars().all(|c| c.is_ascii_digit()) => (p, b),
        _ => (b, a),
    };
    let line: u32 = line.trim_fast().parse().ok()?;
    let path = path.strip_prefix("file://").unwrap_or(path);
    if path.starts_with("node:")
        || path.starts_with("internal/")
        || path.contains("node_modules/")
        || path.contains(' ')
    {
        return None;
    }
    Some((paths::normalize(path), line))
}

impl Js {
    pub fn new() -> Self {
        Self::default()
    }

    fn emit(&mut self, out: &mut Sink) {
        let Some(t) = self.cur.take() else { return };
        let (file, line) = match (&t.loc, &t.suite_file) {
            (Some((p, l)), _) => (Some(p.clone()), Some(*l)),
            (None, Some(f)) => (Some(paths::normalize(f)), None),
            _ => (None, None),
        };
        let f = Failure {
            kind: FailureKind::TestFailure,
            tool: t.tool.into(),
            test: Some(t.id),
            file,
            line,
            message: t.message.unwrap_or_else(|| "failed".into()),
            ..Default::default()
        };
        let mut found = Found::new(f, Tier::Strong);
        found.details = t.details;
        out.push(found);
    }

    fn start(&mut self, tool: &'static str, id: String, out: &mut Sink) {
        self.emit(out);
        // Mocha titles grow after this point and are listed once: no dedupe.
        if tool != "mocha" {
            let key = format!(
                "{tool}\u{0}{}\u{0}{id}",
                self.suite.as_deref().unwrap_or("")
            );
            if self.seen.contains(&key) {
                return;
            }
            if self.seen.len() < MAX_SEEN {
                self.seen.insert(key);
            }
        }
        self.cur = Some(JsTest {
            tool,
            id,
            suite_file: self.suite.clone(),
            ..Default::default()
        });
    }

    /// Feeds one cleaned line.
    pub fn line(&mut self, l: &str, out: &mut Sink) {
        let t = l.trim_start_fast();
        if t.is_empty() {
            if self.mocha_title_open {
                self.mocha_title_open = false;
            }
            return;
        }
        if self.node_line(l, t, out) {
            return;
        }
        // Mocha: `  2 failing` opens the numbered list.
        if let Some(n) = t.strip_suffix(" failing") {
            if let Ok(n) = n.trim_fast().parse::<u32>() {
                self.emit(out);
                self.mocha_left = n;
                return;
            }
        }
        let in_mocha = self.mocha_left > 0 || self.cur.as_ref().is_some_and(|c| c.tool == "mocha");
        if in_mocha && self.mocha_line(l, t, out) {
            return;
        }
        // jest `FAIL path (1.2 s)` / vitest ` FAIL  path > suite > test`.
        if let Some(rest) = t.strip_prefix("FAIL ") {
            let rest = rest.trim_fast();
            if let Some((file, title)) = rest.split_once(" > ") {
                self.suite = Some(file.trim_fast().to_string());
                self.start("vitest", title.trim_fast().to_string(), out);
                return;
            }
            // `FAIL  e2e  path (40 s)`: a project name may precede the path.
            let head = rest.split(" (").next().unwrap_or(rest).trim_fast();
            let file = head.rsplit(' ').next().unwrap_or(head);
            if !file.is_empty() {
                self.emit(out);
                self.suite = Some(file.to_string());
            }
            return;
        }
        if t.starts_with("PASS ")
            || t.starts_with("Test Suites:")
            || t.starts_with("Summary of all failing tests")
        {
            self.emit(out);
            if t.starts_with("PASS ") {
                self.suite = None;
            }
            return;
        }
        if let Some(title) = t.strip_prefix("● ") {
            let title = title.trim_fast();
            // Console output and late-log warnings are not failures.
            if title == "Console"
                || self.suite.is_none()
                || title.starts_with("Cannot log after tests are done")
                || title.is_empty()
            {
                self.emit(out);
                return;
            }
            let id = if title == "Test suite failed to run" {
                format!("{} › {title}", self.suite.as_deref().unwrap_or(""))
            } else {
                title.to_string()
            };
            self.start("jest", id, out);
            return;
        }
        if let Some(c) = self.cur.as_mut() {
            Self::detail(c, t);
        }
    }

    fn detail(c: &mut JsTest, t: &str) {
        if let Some(loc) = js_frame(t) {
            if c.loc.is_none() {
                c.loc = Some(loc);
            }
            if c.details.len() < MAX_DETAILS {
                c.details.push(t.to_string());
            }
            return;
        }
        if t.starts_with("at ") {
            return;
        }
        if c.message.is_none() {
            c.message = Some(t.to_string());
        } else if c.details.len() < MAX_DETAILS {
            c.details.push(t.to_string());
        }
    }

    /// One line of mocha's failure list; false when it is not one.
    fn mocha_line(&mut self, l: &str, t: &str, out: &mut Sink) -> bool {
        let indent = l.len() - t.len();
        // `  1) Suite` starts an entry.
        if let Some((num, rest)) = t.split_once(") ") {
            if !num.is_empty()
                && num.chars().all(|c| c.is_ascii_digit())
                && self.mocha_left > 0
                && indent <= 4
            {
                self.mocha_left -= 1;
                let title = rest.trim_fast();
                self.start("mocha", title.trim_end_matches(':').to_string(), out);
                self.mocha_title_open = !title.ends_with(':');
                self.mocha_indent = indent;
                self.mocha_lines = 0;
                return true;
            }
        }
        let Some(c) = self.cur.as_mut().filter(|c| c.tool == "mocha") else {
            return false;
        };
        // The entry is over at the first line after its stack, or, with no stack,
        // after a bounded number of lines. Not at the list's margin: assertion
        // messages and diffs (`+ actual - expected`) are printed unindented, and
        // the location is the frame after them.
        let frame = t.starts_with("at ");
        if !frame && (c.loc.is_some() || self.mocha_lines >= MOCHA_MAX_LINES) {
            self.mocha_title_open = false;
            self.emit(out);
            return false;
        }
        if indent <= self.mocha_indent && self.mocha_title_open {
            // A title part at the list's margin: not mocha's list after all.
            self.mocha_title_open = false;
            self.emit(out);
            return false;
        }
        self.mocha_lines += 1;
        if self.mocha_title_open {
            // Title parts continue until one ends with `:`.
            c.id.push(' ');
            c.id.push_str(t.trim_end_matches(':'));
            if t.ends_with(':') {
                self.mocha_title_open = false;
            }
            return true;
        }
        Self::detail(c, t);
        if self.mocha_left == 0 && c.details.len() >= MAX_DETAILS {
            self.emit(out);
        }
        true
    }

    /// One line of node:test output (TAP or spec); false when it is not one.
    fn node_line(&mut self, l: &str, t: &str, out: &mut Sink) -> bool {
        let indent = l.len() - t.len();
        if t.starts_with("TAP version ") {
            self.emit(out);
            self.tap = true;
            self.tap_names.clear();
            self.tap_yaml = None;
            return true;
        }
        if self.tap {
            if let Some(y) = self.tap_yaml.as_mut() {
                if t == "..." && indent <= y.indent {
                    self.end_tap_entry(out);
                    return true;
                }
                if indent > y.indent {
                    let line = l.get(y.indent + 2..).unwrap_or(t);
                    if let Some(c) = self.cur.as_mut() {
                        Self::tap_block_line(y, c, line.trim_end_fast());
                    }
                    return true;
                }
                if let Some((k, v)) = t.split_once(':') {
                    let v = v.trim_fast();
                    y.block = (v == "|-" || v == "|" || v == ">-").then(|| k.to_string());
                    let v = unquote(v);
                    match k {
                        "failureType" if v == "subtestsFailed" => {
                            // A suite that failed through its tests: they are reported.
                            self.cur = None;
                            self.tap_yaml = None;
                        }
                        "error" if y.block.is_none() => y.error = Some(v.to_string()),
                        "name" => y.name = Some(v.to_string()),
                        "location" => y.location = js_frame(&format!("at {v}")),
                        _ => {}
                    }
                    return true;
                }
                if t == "---" {
                    return true;
                }
            }
            if let Some(name) = t.strip_prefix("# Subtest: ") {
                let level = indent / 4;
                self.tap_names.truncate(level);
                self.tap_names.push(name.trim_fast().to_string());
                return true;
            }
            if let Some(rest) = t.strip_prefix("not ok ") {
                self.emit(out);
                let title = rest.split_once(" - ").map(|x| x.1).unwrap_or("");
                let (title, directive) = match title.split_once(" # ") {
                    Some((a, d)) => (a, d.to_ascii_uppercase()),
                    None => (title, String::new()),
                };
                if directive.starts_with("SKIP") || directive.starts_with("TODO") {
                    return true;
                }
                let level = indent / 4;
                let mut parts: Vec<String> = self.tap_names.iter().take(level).cloned().collect();
                // Older Node wraps each file in a subtest named by its path.
                let file = parts.first().filter(|p| is_test_file(p)).cloned();
                if file.is_some() {
                    parts.remove(0);
                }
                if file.is_some() && parts.is_empty() && is_test_file(title) {
                    // The file's own entry: its tests are reported.
                    return true;
                }
                parts.push(unescape_tap(title));
                let id = parts.join(" > ");
                self.suite = file.map(|f| paths::normalize(&f));
                self.start("node", id, out);
                self.tap_yaml = Some(TapYaml {
                    indent: indent + 2,
                    ..Default::default()
                });
                return true;
            }
            if t.starts_with("ok ") {
                self.emit(out);
                return true;
            }
        }
        self.spec_line(indent, t, out)
    }

    /// A line inside a YAML block scalar (`error: |-`, `stack: |-`).
    fn tap_block_line(y: &mut TapYaml, c: &mut JsTest, line: &str) {
        let Some(key) = y.block.as_deref() else {
            return;
        };
        let body = line.trim_start_fast();
        match key {
            "error" => {
                if y.error.is_none() {
                    y.error = Some(body.to_string());
                } else if c.details.len() < MAX_DETAILS && !body.is_empty() {
                    c.details.push(body.to_string());
                }
            }
            "stack" => {
                if let Some(loc) = js_frame(&format!("at {body}")) {
                    if c.loc.is_none() {
                        c.loc = Some(loc);
                    }
                    if c.details.len() < MAX_DETAILS {
                        c.details.push(format!("at {body}"));
                    }
                }
            }
            _ => {}
        }
    }

    fn end_tap_entry(&mut self, out: &mut Sink) {
        let Some(y) = self.tap_yaml.take() else {
            return;
        };
        if let Some(c) = self.cur.as_mut() {
            c.message = match (y.name, y.error) {
                (Some(n), Some(e)) if !e.starts_with(&n) => Some(format!("{n}: {e}")),
                (_, Some(e)) => Some(e),
                (Some(n), None) => Some(n),
                (None, None) => None,
            };
            if c.loc.is_none() {
                c.loc = y.location;
            }
        }
        self.emit(out);
    }

    /// node:test's spec reporter: `▶ suite`, `✖ test (1.2ms)` and the indented error.
    fn spec_line(&mut self, indent: usize, t: &str, out: &mut Sink) -> bool {
        if let Some(name) = t.strip_prefix("▶ ") {
            self.emit(out);
            self.spec_suites.retain(|(i, _)| *i < indent);
            if strip_duration(name).is_none() {
                self.spec_suites
                    .push((indent, name.trim_fast().to_string()));
            }
            return true;
        }
        if t.starts_with("✔ ") || t.starts_with("ℹ ") || t.starts_with("﹣ ") {
            self.emit(out);
            return !t.starts_with("ℹ ");
        }
        if t == "✖ failing tests:" {
            self.emit(out);
            self.spec_summary = true;
            return true;
        }
        if let Some(rest) = t.strip_prefix("✖ ") {
            // Only with node's duration suffix: eslint and others print `✖` too.
            let Some(name) = strip_duration(rest) else {
                return false;
            };
            self.emit(out);
            if self.spec_summary {
                return true;
            }
            if let Some(pos) = self
                .spec_suites
                .iter()
                .position(|(i, n)| *i == indent && n == name)
            {
                // A suite closing after its failed tests.
                self.spec_suites.truncate(pos);
                return true;
            }
            let mut parts: Vec<&str> = self
                .spec_suites
                .iter()
                .filter(|(i, _)| *i < indent)
                .map(|(_, n)| n.as_str())
                .collect();
            parts.push(name);
            let id = parts.join(" > ");
            self.start("node", id, out);
            if let Some(c) = self.cur.as_mut() {
                c.indent = Some(indent);
            }
            return true;
        }
        if let Some(c) = self.cur.as_mut() {
            if let Some(i) = c.indent {
                if indent <= i {
                    self.emit(out);
                    return false;
                }
                if self.spec_summary {
                    return true;
                }
                Self::detail(c, t);
                return true;
            }
        }
        false
    }

    pub fn finish(&mut self, out: &mut Sink) {
        self.end_tap_entry(out);
        self.tap = false;
        self.tap_names.clear();
        self.spec_suites.clear();
        self.spec_summary = false;
        self.emit(out);
        self.suite = None;
        self.seen.clear();
        self.mocha_left = 0;
        self.mocha_title_open = false;
    }
}

/// `name (1.23ms)` → `name`; None without node's duration suffix.
fn strip_duration(s: &str) -> Option<&str> {
    let s = s.trim_end_fast();
    let body = s.strip_suffix("ms)")?;
    let open = body.rfind(" (")?;
    let num = &body[open + 2..];
    (!num.is_empty() && num.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then(|| s[..open].trim_end_fast())
}

/// `'text'` → `text` (YAML single quotes, `''` for a quote).
fn unquote(v: &str) -> std::borrow::Cow<'_, str> {
    match v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'").into(),
        None => v.into(),
    }
}

/// TAP escapes `#` and `\` in titles.
fn unescape_tap(s: &str) -> String {
    s.replace("\\#", "#").replace("\\\\", "\\")
}

/// A subtest named like a test file (older Node wraps each file so).
fn is_test_file(s: &str) -> bool {
    (s.contains('/') || s.contains('\\'))
        && [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]
            .iter()
            .any(|e| s.ends_with(e))
}

impl LogParser for Js {
    fn line(&mut self, l: &str, out: &mut Sink) {
        Js::line(self, l, out)
    }
    fn finish(&mut self, out: &mut Sink) {
        Js::finish(self, out)
    }
}

/// Parses a whole cleaned text (tests and small inputs).
pub fn parse(text: &str) -> Vec<Failure> {
    crate::failure::sink::parse_text(Js::new(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jest_blocks_deduplicated_with_summary() {
        let log = "\
FAIL src/calc.test.js
  ● calc › adds numbers

    expect(received).toBe(expected) // Object.is equality

    Expected: 4
    Received: 3

      3 | test('adds numbers', () => {
    > 4 |   expect(add(1, 2)).toBe(4);
        |                     ^

      at Object.<anonymous> (node_modules/expect/build/index.js:1:1)
      at Object.toBe (src/calc.test.js:4:21)

  ● Console

    console.log
      hello

PASS src/other.test.js
Summary of all failing tests
FAIL src/calc.test.js
  ● calc › adds numbers

    expect(received).toBe(expected) // Object.is equality

Test Suites: 1 failed, 1 passed, 2 total
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("calc › adds numbers"));
        assert_eq!(
            f[0].message,
            "expect(received).toBe(expected) // Object.is equality"
        );
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("src/calc.test.js"), Some(4))
        );
    }

    #[test]
    fn jest_suite_failed_to_run() {
        let log = " FAIL  e2e  pkg/a.spec.ts (4.1 s)\n  ● Test suite failed to run\n\n    Cannot find module './x' from 'pkg/a.spec.ts'\n";
        let f = parse(log);
        assert_eq!(
            f[0].test.as_deref(),
            Some("pkg/a.spec.ts › Test suite failed to run")
        );
        assert_eq!(
            f[0].message,
            "Cannot find module './x' from 'pkg/a.spec.ts'"
        );
        assert_eq!(f[0].file.as_deref(), Some("pkg/a.spec.ts"));
    }

    #[test]
    fn vitest_failure() {
        let log = " FAIL  tests/sum.test.ts > sum > adds\nAssertionError: expected 3 to be 4\n ❯ tests/sum.test.ts:5:17\n";
        let f = parse(log);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].tool, "vitest");
        assert_eq!(f[0].test.as_deref(), Some("sum > adds"));
        assert_eq!(f[0].message, "AssertionError: expected 3 to be 4");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("tests/sum.test.ts"), Some(5))
        );
    }

    #[test]
    fn mocha_failing_list() {
        let log = "\
  3 passing (20ms)
  2 failing

  1) Lookup
       should lookup seed:

      Error: Timeout of 10000ms exceeded.

  2) Lookup
       nested
         should fail resolve:
     AssertionError [ERR_ASSERTION]: 1 == 2
      at Context.<anonymous> (/home/runner/work/dns/dns/test/lookup.js:41:12)
      at processImmediate (node:internal/timers:476:21)

  3) not counted, mocha said two
";
        let f = parse(log);
        let ids: Vec<_> = f.iter().filter_map(|f| f.test.as_deref()).collect();
        assert_eq!(
            ids,
            vec![
                "Lookup should lookup seed",
                "Lookup nested should fail resolve"
            ]
        );
        assert_eq!(f[0].message, "Error: Timeout of 10000ms exceeded.");
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("test/lookup.js"), Some(41))
        );
    }
}
