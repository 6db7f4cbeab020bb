//! How much a log line looks like evidence of a failure, for any tool: the
//! words tools print when something breaks, where they are on the line,
//! whether the line opens a test runner's or compiler's failure block, and
//! whether it is a pass or a zero count ("0 errors") instead.
//!
//! Runs on every line of the log: one literal-set scan rejects the common
//! line that says nothing of the kind; the finer rules run only on the rest.

/// What [`Signals::of`] says about one line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signal {
    /// 3: the line starts with a failure (`error:`, `FAILED`, `Traceback`);
    /// 2: a failure word early in the line; 1: late in the line, or a warning;
    /// 0: nothing.
    pub strength: u8,
    /// The line opens a failure block in a known report format (a pytest
    /// section, `--- FAIL:`, `<<< FAILURE!`, a rustc diagnostic, a numbered
    /// mocha/PHPUnit/ExUnit failure, TAP's `not ok`, a jest `●`).
    pub mark: bool,
    /// A pass, a skip or a zero count: not evidence even with a failure word.
    pub noise: bool,
}

impl Signal {
    pub fn is_anchor(&self) -> bool {
        self.strength > 0 || self.mark
    }
}

/// The searchers, built once per analysis.
#[derive(Debug)]
pub struct Signals {
    /// Failure words anywhere in a line, case as tools print them.
    words: regex::bytes::Regex,
    /// Failure words that count only at the start of a line.
    start: regex::Regex,
    /// Passes and zero counts.
    noise: regex::Regex,
    warn: regex::Regex,
    /// `ok` as a word: a pass, unless it is TAP's `not ok`.
    ok: regex::Regex,
    /// A count of failures that is not zero (`FAILED: 2`, `3 errors`): never a pass.
    failed_count: regex::Regex,
    /// Failure-block headers of known formats.
    mark: regex::Regex,
}

impl Default for Signals {
    fn default() -> Self {
        let words = concat!(
            "[Ee]rror|ERROR|ERR!|FAIL|[Ff]ail(?:ed|ures?|ing|s)?\\b|[Ff]atal|FATAL|[Pp]anic|",
            "[A-Za-z]Exception\\b|Traceback|Dubious|[Aa]bort(?:ed|ing)?\\b|[Dd]enied|[Rr]efused|",
            "[Cc]ould not|[Cc]an'?not|[Uu]nable to|No such file|not found|[Uu]ndefined|",
            "[Mm]issing|[Ii]nvalid|[Uu]nexpected|[Tt]imed out|Segmentation fault|Killed|",
            "[Ee]xpected|[Ww]rong|incorrect|not ok|",
            "[Nn]ot (?:a|an|allowed|supported|defined|installed)\\b"
        );
        let start = concat!(
            "^(?:[\\[(]?(?:error|ERROR|Error|FAIL|FAILED|FAILURE|Failed|Failure|fatal|FATAL|",
            "Fatal|panic|PANIC|thread \\S+ panicked|CRITICAL|Traceback|Exception|E|not ok|",
            "npm ERR!|make(?:\\[\\d+\\])?: \\*\\*\\*|\\*\\*\\*)\\b|\\[-\\] |\\[x\\] |✖|✗|×|✘)"
        );
        let noise = concat!(
            "(?i)\\b0 (?:errors?|failures?|failed|fail)\\b|",
            "(?:errors?|failures?|failed|fail(?:ing)?)(?::|=| is)? ?0(?:[^\\d.]|$)|",
            "\\bno errors?\\b|\\bwithout errors?\\b|ignor(?:e|ing)|allow_failures|fast_finish|",
            "^\\s*\\[\\+\\]|✓|✔|\\bpass(?:ed|ing)?\\b|--fail|skipp"
        );
        let mark = concat!(
            "^(?:_{3,} .+ _{3,}$|={3,} ?(?:FAIL|ERROR)|(?:FAIL|ERROR): \\S|\\s*--- FAIL: |",
            "\\s*● |\\s*\\d+\\) \\S|not ok \\d|.*<<< (?:FAILURE|ERROR)!|.* > .* FAILED$|",
            "error(?:\\[\\w+\\])?: |thread '.*' panicked at|Traceback \\(most recent call last\\)|",
            "\\s*\\S.*\\s(?:FAIL|FAILED)(?: \\([\\d.]+m?s\\))?$)"
        );
        Signals {
            words: regex::bytes::Regex::new(words).expect("static regex"),
            start: regex::Regex::new(start).expect("static regex"),
            noise: regex::Regex::new(noise).expect("static regex"),
            warn: regex::Regex::new("(?i)warn|deprecat").expect("static regex"),
            ok: regex::Regex::new("(?i)\\bok\\b").expect("static regex"),
            failed_count: regex::Regex::new(
                "(?i)\\b(?:fail(?:ed|ures?)?|errors?)\\s*[:=]\\s*[1-9]|\\b[1-9]\\d* (?:failed|failures?|errors?)\\b",
            )
            .expect("static regex"),
            mark: regex::Regex::new(mark).expect("static regex"),
        }
    }
}

/// Lines that may open a failure block without a failure word in them
/// (`____ test_x ____`, `● Suite › test`, `1) Suite`): checked by their first
/// byte so the mark rules run only on candidates.
fn may_mark(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty() && (b[0] == b'_' || b[0].is_ascii_digit() || t.starts_with('●'))
}

impl Signals {
    pub fn of(&self, l: &str) -> Signal {
        let t = l.trim();
        if t.len() < 3 {
            return Signal::default();
        }
        let first = self.first_word(t);
        let start = self.start.is_match(t);
        if first.is_none() && !start && !may_mark(t) {
            return Signal::default();
        }
        let mark = self.mark.is_match(l);
        if first.is_none() && !start && !mark {
            return Signal::default();
        }
        let noise = self.is_noise(t);
        if noise {
            return Signal {
                noise,
                ..Default::default()
            };
        }
        let strength = if start {
            3
        } else if let Some(at) = first {
            if self.warn.is_match(t) {
                1
            } else if at < 40 {
                2
            } else {
                1
            }
        } else {
            0
        };
        Signal {
            strength,
            mark,
            noise,
        }
    }

    /// Where the first failure word is, skipping words that are part of a
    /// flag or a name (`-Werror`, `on_error`, `error.c`, `errorHandler` is
    /// still a word: only what comes before counts).
    fn first_word(&self, t: &str) -> Option<usize> {
        let b = t.as_bytes();
        self.words
            .find_iter(b)
            .find(|m| {
                let s = m.start();
                // `[A-Za-z]Exception` starts inside its word on purpose.
                m.as_bytes().ends_with(b"Exception")
                    || s == 0
                    || !(b[s - 1].is_ascii_alphanumeric()
                        || matches!(b[s - 1], b'-' | b'=' | b'_' | b'.' | b'/'))
            })
            .map(|m| m.start())
    }

    /// Whether the line says a test or step passed, or counts zero failures.
    pub fn is_noise(&self, l: &str) -> bool {
        let t = l.trim();
        (self.noise.is_match(t) || self.ok.is_match(t) && !t.contains("not ok"))
            && !self.failed_count.is_match(t)
    }
}

/// A stack frame or a location line (`at x (f.js:1:2)`, `File "x.py", line 3`,
/// `src/a.rs:12:5`, `#3 0x...`): part of the block above it.
pub fn is_frame(l: &str) -> bool {
    let t = l.trim_start();
    if t.starts_with("at ")
        || t.starts_with("File \"")
        || t.starts_with("from ")
        || t.starts_with("Caused by")
        || t.starts_with("... ") && t.ends_with(" more")
    {
        return true;
    }
    let b = t.as_bytes();
    if b.first() == Some(&b'#') && b.get(1).is_some_and(u8::is_ascii_digit) {
        return true;
    }
    // `path.ext:12`: a word with a dot, then a colon and digits.
    let word_end = t
        .find(|c: char| !(c.is_alphanumeric() || "./\\-_".contains(c)))
        .unwrap_or(t.len());
    let word = &t[..word_end];
    word.contains('.')
        && t[word_end..].starts_with(':')
        && t[word_end + 1..].starts_with(|c: char| c.is_ascii_digit())
}

/// The width of a line's leading whitespace.
pub fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// A rule line (`=====`, `-----`, `_____`, `*****`) at the start of the
/// line: a report's section border (an indented one is inside a block).
pub fn is_banner(l: &str) -> bool {
    let t = l;
    let Some(c) = t.bytes().next() else {
        return false;
    };
    matches!(c, b'=' | b'-' | b'_' | b'*') && t.len() >= 5 && t.bytes().take(5).all(|b| b == c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(l: &str) -> Signal {
        Signals::default().of(l)
    }

    #[test]
    fn failure_at_the_start_is_strongest() {
        assert_eq!(s("error: could not compile `x`").strength, 3);
        assert_eq!(
            s("FAILED tests/test_a.py::test_b - assert 1 == 2").strength,
            3
        );
        assert_eq!(s("Traceback (most recent call last):").strength, 3);
        assert_eq!(s("  [-] it works 12ms").strength, 3);
        assert_eq!(
            s("thread 'main' panicked at 'boom', src/main.rs:2:5").strength,
            3
        );
        assert_eq!(
            s("configure: error: C compiler cannot create executables").strength,
            2
        );
        let late = format!("{} timed out", "x".repeat(60));
        assert_eq!(s(&late).strength, 1);
        assert_eq!(s("warning: unused variable: `x` failed").strength, 1);
        assert_eq!(s("Compiling foo v1.0").strength, 0);
    }

    #[test]
    fn passes_and_zero_counts_are_noise() {
        for l in [
            "Tests Passed: 4, Failed: 0, Skipped: 0",
            "0 errors, 2 warnings",
            "  ✓ handles failures (3ms)",
            "    [+] - re-runs failing tests",
            "--- PASS: TestFailover (0.00s)",
            "ok  \tgithub.com/a/b\t0.1s",
        ] {
            let sig = s(l);
            assert!(!sig.is_anchor(), "{l}: {sig:?}");
            assert!(Signals::default().is_noise(l), "{l}");
        }
        // A summary that counts failures is not a pass, whatever else it counts.
        assert!(s("[ OK: 797 | SKIPPED: 0 | WARNINGS: 0 | FAILED: 1 ]").is_anchor());
        assert!(s("Tests: 3 failed, 2 passed").is_anchor());
        // `(0.06s)` after FAIL is a duration, not a zero count.
        assert!(s("    document properties:     FAIL (0.06s)").is_anchor());
    }

    #[test]
    fn flags_and_names_are_not_failure_words() {
        assert_eq!(s("gcc -Wall -Werror -o app main.c").strength, 0);
        assert_eq!(s("compiling src/on_error.c").strength, 0);
        assert_eq!(s("Failing due to -Werror.").strength, 2);
        assert_eq!(s("java.lang.NullPointerException: x").strength, 2);
    }

    #[test]
    fn report_block_headers_are_marks() {
        for l in [
            "_________________________________ test_readme __________________________________",
            "--- FAIL: TestSeparator (0.03s)",
            "    --- FAIL: TestAlpha/Meetups (0.00s)",
            "testFoo(com.acme.FooTest)  Time elapsed: 0.1 sec  <<< FAILURE!",
            "com.acme.FooTest > bar FAILED",
            "error[E0308]: mismatched types",
            "  1) Check challenges",
            "not ok 3 - adds numbers",
            "  ● Suite › does a thing",
            "FAIL: test_x (tests.test_y.T)",
        ] {
            assert!(s(l).mark, "{l}");
        }
        assert!(!s("Step 1) install").mark || s("Step 1) install").strength == 0);
        assert!(!s("compiling 3 files").mark);
    }

    #[test]
    fn frames_and_banners() {
        assert!(is_frame("    at Object.<anonymous> (src/a.test.js:3:11)"));
        assert!(is_frame("  File \"/app/x.py\", line 3, in f"));
        assert!(is_frame(
            "/home/travis/build/x/tests/mocks/ci_testcase.php:351"
        ));
        assert!(is_frame("  src/lib.rs:12:5"));
        assert!(!is_frame("Expected: 'a'"));
        assert!(is_banner(
            "======================================================"
        ));
        assert!(!is_banner("  -----"), "indented: inside a block");
        assert!(!is_banner("--- FAIL: TestX"));
    }
}
