//! How much a log line looks like evidence of a failure, for any tool: the
//! words tools print when something breaks, where they are on the line,
//! whether the line opens a test runner's or compiler's failure block, and
//! whether it is a pass or a zero count ("0 errors") instead.
//!
//! This runs on every line of the log, so lines are scanned in batches: one
//! literal-set search over a batch finds every failure word (a single SIMD
//! pass instead of one search per line), and the finer rules run only on
//! the few lines it, or their first word, points at.

use crate::failure::util::FastTrim;

/// What the scan says about one line.
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
    /// An error-level tagged line with nothing of its own (`[error]   def
    /// log: Logger = {`): part of the tagged message above it when one is
    /// open (see [`level_tag`]).
    pub continuation: bool,
}

impl Signal {
    pub fn is_anchor(&self) -> bool {
        self.strength > 0 || self.mark
    }
}

/// Words tools print when something failed, as they print them. Some take
/// a suffix check after the match (see [`word_ends`]).
const WORDS: &[&str] = &[
    "error",
    "Error",
    "ERROR",
    "ERR!",
    "FAIL",
    "fail",
    "Fail",
    "fatal",
    "Fatal",
    "FATAL",
    "panic",
    "Panic",
    "Exception",
    "Traceback",
    "Dubious",
    "abort",
    "Abort",
    "denied",
    "Denied",
    "refused",
    "Refused",
    "could not",
    "Could not",
    "cannot",
    "Cannot",
    "can't",
    "Can't",
    "unable to",
    "Unable to",
    "No such file",
    "not found",
    "undefined",
    "Undefined",
    "missing",
    "Missing",
    "invalid",
    "Invalid",
    "unexpected",
    "Unexpected",
    "timed out",
    "Timed out",
    "Segmentation fault",
    "Killed",
    "expected",
    "Expected",
    "wrong",
    "Wrong",
    "incorrect",
    "not ok",
    "not a",
    "Not a",
    "not supported",
    "not defined",
    "not installed",
];

/// The searchers, built once per analysis.
#[derive(Debug)]
pub struct Signals {
    /// [`WORDS`] as one literal set.
    words: regex::bytes::Regex,
    /// Passes and zero counts.
    noise: regex::Regex,
    /// `ok` as a word: a pass, unless it is TAP's `not ok`.
    ok: regex::Regex,
    /// Either of the two above: most lines asked about match neither, and
    /// this tells so in one pass instead of two.
    noise_or_ok: regex::Regex,
    /// A count of failures that is not zero (`FAILED: 2`, `3 errors`): never a pass.
    failed_count: regex::Regex,
    warn: regex::Regex,
    /// Failure-block headers of known formats.
    mark: regex::Regex,
    /// `FAIL` and `<<< `: one of them is in every line [`Signals::mark`]
    /// matches that does not open with one of its own words.
    fail: memchr::memmem::Finder<'static>,
    angles: memchr::memmem::Finder<'static>,
}

impl Default for Signals {
    fn default() -> Self {
        let words = WORDS
            .iter()
            .map(|w| regex::escape(w))
            .collect::<Vec<_>>()
            .join("|");
        // ASCII word boundaries: a Unicode one cannot run in the fast engines.
        let noise = concat!(
            "(?i)(?-u:\\b)0 (?:errors?|failures?|failed|fail)(?-u:\\b)|",
            "(?:errors?|failures?|failed|fail(?:ing)?)(?::|=| is)? ?0(?:[^\\d.]|$)|",
            "(?-u:\\b)no errors?(?-u:\\b)|(?-u:\\b)without errors?(?-u:\\b)|ignor(?:e|ing)|",
            "allow_failures|fast_finish|^\\s*\\[\\+\\]|✓|✔|(?-u:\\b)pass(?:ed|ing)?(?-u:\\b)|",
            "--fail|skipp"
        );
        let mark = concat!(
            "^(?:_{3,} .+ _{3,}$|={3,} ?(?:FAIL|ERROR)|(?:FAIL|ERROR): \\S|\\s*--- FAIL: |",
            "\\s*● |\\s*\\d+\\) \\S|not ok \\d|.*<<< (?:FAILURE|ERROR)!|.* > .* FAILED$|",
            "error(?:\\[\\w+\\])?: |thread '.*' panicked at|Traceback \\(most recent call last\\)|",
            "\\s*\\S.*\\s(?:FAIL|FAILED)(?: \\([\\d.]+m?s\\))?$)"
        );
        const OK: &str = "(?i)(?-u:\\b)ok(?-u:\\b)";
        Signals {
            words: regex::bytes::Regex::new(&words).expect("static regex"),
            noise: regex::Regex::new(noise).expect("static regex"),
            ok: regex::Regex::new(OK).expect("static regex"),
            noise_or_ok: regex::Regex::new(&format!("(?:{noise})|(?:{OK})")).expect("static regex"),
            failed_count: regex::Regex::new(concat!(
                "(?i)(?-u:\\b)(?:fail(?:ed|ures?)?|errors?)\\s*[:=]\\s*[1-9]|",
                "(?-u:\\b)[1-9]\\d* (?:failed|failures?|errors?)(?-u:\\b)"
            ))
            .expect("static regex"),
            warn: regex::Regex::new("(?i)warn|deprecat").expect("static regex"),
            mark: regex::Regex::new(mark).expect("static regex"),
            fail: memchr::memmem::Finder::new("FAIL").into_owned(),
            angles: memchr::memmem::Finder::new("<<< ").into_owned(),
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether the failure word `w` found at `at..end` of `b` stands as a word:
/// not inside a flag or a name (`-Werror`, `on_error`, `errorHandler` is
/// one: only what comes before counts), and with only the suffixes its word
/// takes (`failed`, `failures`, but not `failover`).
fn word_ends(b: &[u8], at: usize, end: usize) -> bool {
    let w = &b[at..end];
    let before = at.checked_sub(1).map(|i| b[i]);
    if w == b"Exception" {
        // `NullPointerException`: a letter before it, none after.
        return before.is_some_and(|c| c.is_ascii_alphabetic())
            && !b.get(end).copied().is_some_and(is_word_byte);
    }
    if before.is_some_and(|c| is_word_byte(c) || matches!(c, b'-' | b'=' | b'.' | b'/')) {
        return false;
    }
    let rest_len = b[end..].iter().take_while(|c| is_word_byte(**c)).count();
    let rest = &b[end..end + rest_len];
    match w {
        b"fail" | b"Fail" => matches!(rest, b"" | b"ed" | b"ure" | b"ures" | b"ing" | b"s"),
        b"abort" | b"Abort" => matches!(rest, b"" | b"ed" | b"ing"),
        b"not a" | b"Not a" => matches!(rest, b"" | b"n" | b"llowed"),
        _ => true,
    }
}

/// Whether the line starts with a failure (after its indent and an optional
/// `[` or `(`): `error:`, `FAILED`, `Traceback`, pytest's `E`, `npm ERR!`,
/// `make: ***`, `[-] test`, `✖`. Looks at the first word only.
fn starts_with_failure(t: &str) -> bool {
    // Every form below starts with one of these bytes (the marks are non-ASCII).
    let first = t.as_bytes().first().copied().unwrap_or(b' ');
    if !matches!(
        first,
        b'[' | b'('
            | b'*'
            | b'e'
            | b'E'
            | b'F'
            | b'f'
            | b'p'
            | b'P'
            | b'C'
            | b'T'
            | b'n'
            | b'm'
            | b't'
            | 0x80..
    ) {
        return false;
    }
    if t.starts_with("[-] ")
        || t.starts_with("[x] ")
        || t.starts_with("***")
        || t.starts_with(['✖', '✗', '×', '✘', '❌'])
    {
        return true;
    }
    let t = t.strip_prefix(['[', '(']).unwrap_or(t);
    let n = t.bytes().take_while(|b| is_word_byte(*b)).count();
    let (word, rest) = t.split_at(n);
    match word {
        "error" | "ERROR" | "Error" | "FAIL" | "FAILED" | "FAILURE" | "Failed" | "Failure"
        | "fatal" | "FATAL" | "Fatal" | "panic" | "PANIC" | "CRITICAL" | "Traceback"
        | "Exception" => true,
        "E" => rest.is_empty() || rest.starts_with([' ', ':']),
        "not" => rest.starts_with(" ok"),
        "npm" => rest.starts_with(" ERR!"),
        "make" => rest.contains(": ***"),
        "thread" => rest.contains(" panicked"),
        _ => false,
    }
}

/// A line's log level, when it opens with one in brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Other,
}

/// `[error] msg`, `[ERROR] msg`, `[warn] msg`, `[INFO] msg`: sbt, Maven and
/// many loggers tag every line of one message with its level, so the tag
/// says nothing about the line itself; what follows it (its indent, its
/// words) does. The level and the rest of the line (one space dropped).
pub fn level_tag(l: &str) -> Option<(Level, &str)> {
    let t = l.strip_prefix('[')?;
    let end = crate::byte_search::find(b']', &t.as_bytes()[..t.len().min(9)])?;
    let word = &t[..end];
    let is = |w: &str| word.eq_ignore_ascii_case(w);
    let level = if is("error") || is("err") || is("fatal") || is("severe") {
        Level::Error
    } else if is("warn") || is("warning") || is("info") || is("debug") || is("trace") {
        Level::Other
    } else {
        return None;
    };
    let body = &t[end + 1..];
    Some((level, body.strip_prefix(' ').unwrap_or(body)))
}

/// The line without its level tag (see [`level_tag`]).
pub fn untagged(l: &str) -> &str {
    level_tag(l).map_or(l, |(_, body)| body)
}

/// Lines that may open a failure block without a failure word in them
/// (`____ test_x ____`, `● Suite › test`, `1) Suite`).
fn may_mark(t: &str) -> bool {
    if t.starts_with("___") || t.starts_with('●') {
        return true;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && t[digits..].starts_with(") ")
}

impl Signals {
    /// Calls `f` with every line of `text` (split on `\n`) and its signal, in order.
    #[cfg(test)]
    pub fn scan(&self, text: &str, f: impl FnMut(&str, Signal)) {
        let mut ends: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
        ends.push(text.len());
        self.scan_lines(text, &ends, f);
    }

    /// Calls `f` with every line of `text` and its signal, in order: line `i`
    /// ends at `ends[i]` and the next starts one byte (its separator) later.
    pub fn scan_lines(&self, text: &str, ends: &[usize], mut f: impl FnMut(&str, Signal)) {
        let b = text.as_bytes();
        let mut hits = self.words.find_iter(b).peekable();
        let mut start = 0;
        for &end in ends {
            let line = &text[start..end];
            // The first failure word on this line that stands as a word
            // (after its level tag: `[error]` is not a word of the line's own).
            let tag = level_tag(line);
            let from = start + tag.map_or(0, |(_, body)| line.len() - body.len());
            let mut first = None;
            while let Some(m) = hits.peek() {
                if m.start() >= end {
                    break;
                }
                if first.is_none() && m.start() >= from && word_ends(b, m.start(), m.end()) {
                    first = Some(m.start() - from);
                }
                hits.next();
            }
            f(line, self.judge(line, tag, first));
            start = end + 1;
        }
    }

    /// The signal of one line.
    #[cfg(test)]
    pub fn of(&self, l: &str) -> Signal {
        let mut sig = Signal::default();
        self.scan(l.lines().next().unwrap_or(""), |_, s| sig = s);
        sig
    }

    /// `first`: where the first failure word is in `l` (after its level
    /// tag, if `tag`), if any.
    fn judge(&self, l: &str, tag: Option<(Level, &str)>, first: Option<usize>) -> Signal {
        let body = tag.map_or(l, |(_, b)| b);
        let from_word = body.trim_start_fast();
        let lead = body.len() - from_word.len();
        let t = from_word.trim_end_fast();
        let error_tag = matches!(tag, Some((Level::Error, _)));
        if t.len() < 3 {
            return Signal {
                continuation: error_tag,
                ..Signal::default()
            };
        }
        let start = starts_with_failure(t);
        if first.is_none() && !start && !may_mark(t) {
            // An error-tagged line of its own (`[error] Nonzero exit code`)
            // is a weak anchor; an indented one, or any while a tagged
            // message is open, continues it.
            return Signal {
                strength: u8::from(error_tag && lead == 0 && t.starts_with(char::is_alphanumeric)),
                mark: false,
                continuation: error_tag,
            };
        }
        let mark = self.may_be_mark(l) && self.mark.is_match(l);
        if (first.is_none() && !start && !mark) || self.is_noise(t) {
            return Signal::default();
        }
        let strength = if start {
            3
        } else if let Some(at) = first {
            if self.warn.is_match(t) {
                1
            } else if at.saturating_sub(lead) < 40 {
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
            continuation: false,
        }
    }

    /// `false` only when [`Signals::mark`] cannot match `l`: the regex
    /// reads the whole line (its `.* FAILED$` forms), which costs far more
    /// than these checks on the lines with a failure word.
    fn may_be_mark(&self, l: &str) -> bool {
        // The forms anchored at the line's first byte (`FAIL: ` is among those
        // that hold `FAIL`, below).
        let anchored = match l.as_bytes().first() {
            Some(b'_') => l.starts_with("___"),
            Some(b'=') => l.starts_with("==="),
            Some(b'E') => l.starts_with("ERROR: "),
            Some(b'e') => l.starts_with("error"),
            Some(b't') => l.starts_with("thread '"),
            Some(b'T') => l.starts_with("Traceback ("),
            Some(b'n') => l.starts_with("not ok "),
            _ => false,
        };
        if anchored {
            return true;
        }
        // After the indent: `● ` and `12) ` (`\d` is any Unicode digit:
        // `is_numeric` takes them all, and more).
        let t = l.trim_start();
        if t.starts_with('●') || t.starts_with(|c: char| c.is_numeric()) {
            return true;
        }
        // The rest (`--- FAIL: `, `<<< FAILURE!`, `> x FAILED`, `x FAIL`) hold
        // `FAIL` or `<<< ` somewhere.
        let b = l.as_bytes();
        self.fail.find(b).is_some() || self.angles.find(b).is_some()
    }

    /// Whether the line says a test or step passed, or counts zero failures.
    pub fn is_noise(&self, l: &str) -> bool {
        let t = l.trim();
        self.noise_or_ok.is_match(t)
            && (self.noise.is_match(t) || self.ok.is_match(t) && !t.contains("not ok"))
            && !self.failed_count.is_match(t)
    }
}

/// A stack frame or a location line (`at x (f.js:1:2)`, `File "x.py", line 3`,
/// `src/a.rs:12:5`, `#3 0x...`): part of the block above it.
pub fn is_frame(l: &str) -> bool {
    let t = l.trim_start();
    // RSpec comments its backtrace out: `# ./lib/x.rb:12:in 'f'`.
    let t = t.strip_prefix("# ").unwrap_or(t);
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
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '/' | '\\' | '-' | '_')))
        .unwrap_or(t.len());
    let word = &t[..word_end];
    word.contains('.')
        && t[word_end..].starts_with(':')
        && t[word_end + 1..].starts_with(|c: char| c.is_ascii_digit())
}

/// The width of a line's leading whitespace.
pub fn indent(l: &str) -> usize {
    l.len() - l.trim_start_fast().len()
}

/// A rule line (`=====`, `-----`, `_____`, `*****`) at the start of the
/// line: a report's section border (an indented one is inside a block).
pub fn is_banner(l: &str) -> bool {
    let Some(c) = l.bytes().next() else {
        return false;
    };
    matches!(c, b'=' | b'-' | b'_' | b'*') && l.len() >= 5 && l.bytes().take(5).all(|b| b == c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(l: &str) -> Signal {
        Signals::default().of(l)
    }

    /// Every form of the mark regex, with and without an indent where it
    /// allows one, passes the cheap check before it; and lines the check
    /// turns away are not marks.
    #[test]
    fn every_mark_form_passes_the_mark_precheck() {
        let sig = Signals::default();
        let marks = [
            "____ test_x ____",
            "=== FAIL",
            "==== ERROR at setup",
            "FAIL: test_x",
            "ERROR: test_y (pkg.T)",
            "--- FAIL: TestX (0.00s)",
            "    --- FAIL: TestX/sub (0.00s)",
            "● Suite › test",
            "  ● Suite › test",
            "1) Suite",
            "  12) Suite test",
            "\u{a0}3) Suite",
            "\u{663}) Suite",
            "not ok 3 - x",
            "x.y.Z.m  Time elapsed: 0.1 s  <<< FAILURE!",
            "  x <<< ERROR!",
            "Calc > adds() FAILED",
            "  Calc > adds() FAILED",
            "error: could not compile",
            "error[E0425]: cannot find value",
            "thread 'main' panicked at src/x.rs:1:2",
            "Traceback (most recent call last):",
            "  tests/x.test.js FAIL",
            "src/a_test.go FAILED (0.10s)",
            "\tpkg  FAIL (1.2ms)",
        ];
        for l in marks {
            assert!(sig.mark.is_match(l), "the regex must match {l:?}");
            assert!(sig.may_be_mark(l), "the precheck turned away {l:?}");
        }
        for l in [
            "  error: indented, not a mark",
            "Build failed in 3s",
            "    at x (f.js:1:2)",
            "warning: x",
            "[ERROR] Failed to execute goal",
        ] {
            assert!(!sig.may_be_mark(l), "{l:?} is turned away");
            assert!(!sig.mark.is_match(l), "{l:?}");
        }
    }

    #[test]
    fn every_failure_start_passes_the_first_byte_check() {
        for l in [
            "error: x",
            "ERROR x",
            "Error x",
            "FAIL x",
            "FAILED x",
            "FAILURE: x",
            "Failed x",
            "Failure x",
            "fatal: x",
            "FATAL x",
            "Fatal x",
            "panic: x",
            "PANIC x",
            "CRITICAL x",
            "Traceback (most recent call last):",
            "Exception x",
            "E   x",
            "not ok 1 x",
            "npm ERR! x",
            "make: *** x",
            "thread 'main' panicked",
            "[-] x",
            "[x] x",
            "*** x",
            "✖ x",
            "✗ x",
            "× x",
            "✘ x",
            "❌ x",
            "[error] x",
            "(error) x",
        ] {
            assert!(starts_with_failure(l), "{l}");
        }
        assert!(!starts_with_failure("Downloading error-ex"));
        assert!(!starts_with_failure(""));
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
        assert_eq!(s("E       AssertionError: x").strength, 3);
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
        assert_eq!(s("switching to the failover node").strength, 0);
        assert_eq!(s("Failing due to -Werror.").strength, 2);
        assert_eq!(s("java.lang.NullPointerException: x").strength, 2);
        assert_eq!(s("the value is not allowed here").strength, 2);
        assert_eq!(s("this is not about that").strength, 0);
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
        assert!(!s("compiling 3 files").mark);
    }

    #[test]
    fn a_level_tag_is_not_the_line_s_own_failure() {
        // sbt tags every line of a compiler message `[error]`: the lines
        // after the first say nothing of their own.
        let head = s("[error] /a/B.scala:10:8: not found: type Logger");
        assert_eq!(head.strength, 2, "{head:?}");
        let plain = s("[error] import akka.actor.typed.Logger");
        assert_eq!((plain.strength, plain.continuation), (1, true));
        let code = s("[error]   def log: Logger = {");
        assert_eq!((code.strength, code.continuation), (0, true));
        assert!(s("[error]        ^").continuation);
        assert_eq!(s("[ERROR] Failed to execute goal x").strength, 3);
        assert_eq!(s("[info] compiling 3 files").strength, 0);
        assert!(!s("[info] compiling 3 files").continuation);
        assert_eq!(level_tag("[warn] x"), Some((Level::Other, "x")));
        assert_eq!(level_tag("[x] done"), None);
        // xcpretty's failure mark.
        assert_eq!(
            s("❌  /a/B.swift:47:19: 'value' is inaccessible").strength,
            3
        );
    }

    #[test]
    fn a_batch_gives_each_line_its_own_signal() {
        let text = "setup\nerror: boom\n\n  ok fine\nFAILED x\nlast line";
        let mut got = Vec::new();
        Signals::default().scan(text, |l, sig| got.push((l.to_string(), sig.strength)));
        assert_eq!(
            got,
            [
                ("setup".to_string(), 0),
                ("error: boom".to_string(), 3),
                (String::new(), 0),
                ("  ok fine".to_string(), 0),
                ("FAILED x".to_string(), 3),
                ("last line".to_string(), 0),
            ]
        );
    }

    #[test]
    fn frames_and_banners() {
        assert!(is_frame("    at Object.<anonymous> (src/a.test.js:3:11)"));
        assert!(is_frame("  File \"/app/x.py\", line 3, in f"));
        assert!(is_frame(
            "/home/travis/build/x/tests/mocks/ci_testcase.php:351"
        ));
        assert!(is_frame("  src/lib.rs:12:5"));
        assert!(is_frame("     # ./lib/cart.rb:15:in `first_name'"));
        assert!(!is_frame("Expected: 'a'"));
        assert!(is_banner(
            "======================================================"
        ));
        assert!(!is_banner("  -----"), "indented: inside a block");
        assert!(!is_banner("--- FAIL: TestX"));
    }
}
