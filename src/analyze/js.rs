//! JavaScript/TypeScript test runners: jest (`FAIL file` + `● title`
//! blocks), vitest (`FAIL file > suite > test`, `❯ file:line:col`) and mocha
//! (the numbered list after `N failing`).
//!
//! Test ids are the runner's full title: jest `describe › test`, vitest
//! `suite > test`, mocha the title parts joined by spaces. The location is
//! the first stack frame outside `node_modules` and node internals.

use super::paths;
use super::sink::{Found, Sink, Tier, MAX_DETAILS};
use super::{Failure, FailureKind};
use std::collections::HashSet;

const MAX_SEEN: usize = 5000;

#[derive(Debug, Default)]
struct JsTest {
    tool: &'static str,
    id: String,
    suite_file: Option<String>,
    message: Option<String>,
    loc: Option<(String, u32)>,
    details: Vec<String>,
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
}

/// `at fn (path:12:5)` / `at path:12:5` / `❯ path:12:5` → (path, line) when
/// the path is the project's.
fn js_frame(s: &str) -> Option<(String, u32)> {
    let t = s.trim_start();
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
    let line: u32 = line.trim().parse().ok()?;
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
        let t = l.trim_start();
        if t.is_empty() {
            if self.mocha_title_open {
                self.mocha_title_open = false;
            }
            return;
        }
        // Mocha: `  2 failing` opens the numbered list.
        if let Some(n) = t.strip_suffix(" failing") {
            if let Ok(n) = n.trim().parse::<u32>() {
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
            let rest = rest.trim();
            if let Some((file, title)) = rest.split_once(" > ") {
                self.suite = Some(file.trim().to_string());
                self.start("vitest", title.trim().to_string(), out);
                return;
            }
            // `FAIL  e2e  path (40 s)`: a project name may precede the path.
            let head = rest.split(" (").next().unwrap_or(rest).trim();
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
            let title = title.trim();
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
                let title = rest.trim();
                self.start("mocha", title.trim_end_matches(':').to_string(), out);
                self.mocha_title_open = !title.ends_with(':');
                self.mocha_indent = indent;
                return true;
            }
        }
        let Some(c) = self.cur.as_mut().filter(|c| c.tool == "mocha") else {
            return false;
        };
        if indent <= self.mocha_indent {
            // Back at the list's margin: the entry is over.
            self.mocha_title_open = false;
            self.emit(out);
            return false;
        }
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

    pub fn finish(&mut self, out: &mut Sink) {
        self.emit(out);
        self.suite = None;
        self.seen.clear();
        self.mocha_left = 0;
        self.mocha_title_open = false;
    }
}

impl super::sink::LineParser for Js {
    fn line(&mut self, l: &str, out: &mut Sink) {
        Js::line(self, l, out)
    }
    fn finish(&mut self, out: &mut Sink) {
        Js::finish(self, out)
    }
}

/// Parses a whole cleaned text (tests and small inputs).
pub fn parse(text: &str) -> Vec<Failure> {
    super::sink::parse_text(Js::new(), text)
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
