//! Rust test results from `cargo test` (libtest's `test path ... ok` lines)
//! and `cargo nextest run` (`PASS [ 0.004s] crate path`, `FAIL`, `SIGSEGV`,
//! `TIMEOUT`...). Ids are libtest's test paths (`module::tests::name`). A crate
//! that did not compile is an error of the run. libtest's `--quiet` dots carry
//! no names: run without `-q`. [`test_line`] and [`nextest_line`] read one line for
//! both readers of these formats: [`read`] (a run's outcomes) and the log parser
//! (`log.rs`, which pairs each failing test with its panic).

use crate::failure::util::FastTrim;
use crate::lang::reports::{Outcome, TestRun};

/// nextest's status words for a finished test that failed.
const NEXTEST_FAIL: &[&str] = &[
    "FAIL", "SIGSEGV", "SIGABRT", "SIGKILL", "SIGBUS", "TIMEOUT", "ABORT",
];

/// libtest's `test a::b ... ok` (`FAILED`, `ignored, slow`) → (`a::b`, outcome); a
/// `#[should_panic]` test's ` - should panic` is not part of its name. `t` starts
/// with `test `.
pub fn test_line(t: &str) -> Option<(&str, Outcome)> {
    let (name, result) = t.strip_prefix("test ")?.split_once(" ... ")?;
    let word = result.split([' ', ',']).next().unwrap_or("");
    let outcome = match word {
        "ok" => Outcome::Passed,
        "ignored" => Outcome::Skipped,
        // A test's own output may come between the dots and the verdict.
        _ if word == "FAILED" || result.ends_with("FAILED") => Outcome::Failed,
        _ => return None,
    };
    // Doctest names contain ` - ` (`src/lib.rs - f (line 5)`); only the attribute suffix goes.
    let name = name
        .strip_suffix(" - should panic")
        .unwrap_or(name)
        .trim_fast();
    (!name.is_empty()).then_some((name, outcome))
}

/// nextest's status line `FAIL [   0.004s] my-crate tests::b` (newer with a `(2/5)`
/// counter, the binary id optional) → (outcome, `tests::b`).
pub fn nextest_line(t: &str) -> Option<(Outcome, &str)> {
    let (word, rest) = t.trim_start_fast().split_once(' ')?;
    let outcome = if word == "PASS" || word == "FLAKY" || word == "LEAK" {
        Outcome::Passed
    } else if word == "SKIP" {
        Outcome::Skipped
    } else if NEXTEST_FAIL.contains(&word) {
        Outcome::Failed
    } else {
        return None;
    };
    let (time, rest) = rest.strip_prefix('[')?.split_once(']')?;
    let time = time.trim_fast().strip_suffix('s')?;
    if time.is_empty() || !time.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let mut rest = rest.trim_start_fast();
    if let Some(after) = rest.strip_prefix('(') {
        let (counter, after) = after.split_once(") ")?;
        if !counter.contains('/') {
            return None;
        }
        rest = after;
    }
    // The binary id (one word, optional), then the test's path.
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        [name] | [_, name] => Some((outcome, name)),
        _ => None,
    }
}

pub fn read(text: &str) -> TestRun {
    let mut run = TestRun::default();
    for line in text.lines() {
        let t = line.trim_fast();
        if let Some((name, outcome)) = test_line(t) {
            run.record(name.to_string(), outcome);
            continue;
        }
        if let Some((o, name)) = nextest_line(t) {
            run.record(name.to_string(), o);
            continue;
        }
        if t.starts_with("error: could not compile") {
            run.errors.push(t.to_string());
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_and_nextest_lines() {
        let text = "\
running 3 tests
test a::b ... ok
test a::c ... FAILED
test a::d ... ignored, slow
        PASS [   0.004s] (1/3) my-crate x::y
        FAIL [   0.010s] (2/3) my-crate::it x::z
     SIGSEGV [   0.010s] my-crate x::w
error: could not compile `other` (lib) due to 1 previous error
";
        let r = read(text);
        assert_eq!(r.passed(), vec!["a::b", "x::y"]);
        assert_eq!(r.failed(), vec!["a::c", "x::z", "x::w"]);
        assert_eq!(r.skipped(), vec!["a::d"]);
        assert_eq!(r.errors.len(), 1);
    }

    #[test]
    fn one_reading_of_a_line_for_the_log_and_the_report() {
        assert_eq!(
            test_line("test t::p - should panic ... FAILED"),
            Some(("t::p", Outcome::Failed))
        );
        assert_eq!(
            test_line("test t::q ... printed textFAILED"),
            Some(("t::q", Outcome::Failed))
        );
        assert_eq!(test_line("test result: ok. 1 passed"), None);
        assert_eq!(
            nextest_line("     SIGBUS [   0.010s] (3/9) c::it x::y"),
            Some((Outcome::Failed, "x::y"))
        );
        assert_eq!(nextest_line("FAIL [ 0.1s] a b c"), None);
        assert_eq!(nextest_line("FAIL [slow] a"), None);
    }
}
